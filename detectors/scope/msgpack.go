package scope

import (
	"encoding/binary"
	"errors"
	"math"
)

// mpReader reads just enough MessagePack (https://msgpack.org) to walk a
// Fly.io macaroon. Every read is bounds-checked, nesting is limited, and a
// length can never exceed the bytes left, so hostile input costs at most
// one pass over its bytes.
type mpReader struct {
	b     []byte
	depth int
}

var errMsgpack = errors.New("msgpack: malformed")

const mpMaxDepth = 16

func (r *mpReader) byte1() (byte, error) {
	if len(r.b) < 1 {
		return 0, errMsgpack
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c, nil
}

func (r *mpReader) take(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)) {
		return nil, errMsgpack
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

func (r *mpReader) uintN(n int) (uint64, error) {
	b, err := r.take(uint64(n))
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	}
	return binary.BigEndian.Uint64(b), nil
}

// int reads any integer as int64 (uint64 values above MaxInt64 clamp).
func (r *mpReader) int() (int64, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	}
	if c < 0xcc || c > 0xd3 {
		return 0, errMsgpack
	}
	n := 1 << int((c-0xcc)%4) // cc..cf uint 8..64, d0..d3 int 8..64
	u, err := r.uintN(n)
	if err != nil {
		return 0, err
	}
	if c >= 0xd0 { // signed
		switch n {
		case 1:
			return int64(int8(u)), nil
		case 2:
			return int64(int16(u)), nil
		case 4:
			return int64(int32(u)), nil
		}
		return int64(u), nil
	}
	if u > math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(u), nil
}

// arrayLen reads an array header.
func (r *mpReader) arrayLen() (int, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x90:
		n = uint64(c & 0x0f)
	case c == 0xdc:
		n, err = r.uintN(2)
	case c == 0xdd:
		n, err = r.uintN(4)
	default:
		return 0, errMsgpack
	}
	if err != nil || n > uint64(len(r.b)) { // each element takes a byte at least
		return 0, errMsgpack
	}
	return int(n), nil
}

// mapLen reads a map header.
func (r *mpReader) mapLen() (int, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x80:
		n = uint64(c & 0x0f)
	case c == 0xde:
		n, err = r.uintN(2)
	case c == 0xdf:
		n, err = r.uintN(4)
	default:
		return 0, errMsgpack
	}
	if err != nil || 2*n > uint64(len(r.b)) {
		return 0, errMsgpack
	}
	return int(n), nil
}

// bytesOrString reads a str or bin value.
func (r *mpReader) bytesOrString() ([]byte, error) {
	c, err := r.byte1()
	if err != nil {
		return nil, err
	}
	var n uint64
	switch {
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == 0xd9 || c == 0xc4:
		n, err = r.uintN(1)
	case c == 0xda || c == 0xc5:
		n, err = r.uintN(2)
	case c == 0xdb || c == 0xc6:
		n, err = r.uintN(4)
	default:
		return nil, errMsgpack
	}
	if err != nil {
		return nil, err
	}
	return r.take(n)
}

// raw skips one value of any type and returns its encoding.
func (r *mpReader) raw() ([]byte, error) {
	start := r.b
	if err := r.skip(); err != nil {
		return nil, err
	}
	return start[:len(start)-len(r.b)], nil
}

func (r *mpReader) skip() error {
	if r.depth >= mpMaxDepth {
		return errMsgpack
	}
	if len(r.b) == 0 {
		return errMsgpack
	}
	c := r.b[0]
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		r.b = r.b[1:]
		return nil
	case c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb || c == 0xc4 || c == 0xc5 || c == 0xc6:
		_, err := r.bytesOrString()
		return err
	case c >= 0xcc && c <= 0xd3:
		_, err := r.int()
		return err
	case c == 0xca:
		_, err := r.take(5)
		return err
	case c == 0xcb:
		_, err := r.take(9)
		return err
	case c&0xf0 == 0x90 || c == 0xdc || c == 0xdd:
		n, err := r.arrayLen()
		if err != nil {
			return err
		}
		r.depth++
		defer func() { r.depth-- }()
		for i := 0; i < n; i++ {
			if err := r.skip(); err != nil {
				return err
			}
		}
		return nil
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		n, err := r.mapLen()
		if err != nil {
			return err
		}
		r.depth++
		defer func() { r.depth-- }()
		for i := 0; i < 2*n; i++ {
			if err := r.skip(); err != nil {
				return err
			}
		}
		return nil
	case c >= 0xd4 && c <= 0xd8: // fixext 1,2,4,8,16
		_, err := r.take(2 + uint64(1)<<(c-0xd4))
		return err
	case c == 0xc7 || c == 0xc8 || c == 0xc9: // ext 8,16,32
		r.b = r.b[1:]
		n, err := r.uintN(1 << int(c-0xc7))
		if err != nil {
			return err
		}
		_, err = r.take(n + 1)
		return err
	}
	return errMsgpack // 0xc1 is never used
}
