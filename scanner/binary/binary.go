// Package binary scans binary files (ELF, Mach-O, PE, wasm, anything
// with a NUL byte) through their printable string runs instead of
// skipping them.
package binary

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"sync"

	"github.com/tokenscope/tokenscope/scanner"
)

// MinRun is the shortest printable run kept: bytes of ASCII, or
// characters of UTF-16LE.
const MinRun = 8

// Strings is an expander for content whose first bytes hold a NUL (as the
// engine's binary sniff does, on the head it is offered): it emits the
// printable runs of at least MinRun characters, one a line, as a
// transform, so findings keep the file's origin. A run is either ASCII
// (printable bytes and tab) or UTF-16LE (each such character followed by
// a NUL byte: the strings of Windows PE resources and .NET string heaps),
// decoded to ASCII. The transform is a scanner.Positioner: a finding's
// line, column and offset are those of its bytes in the binary (lines
// counted by the file's newline bytes, as `grep -an` does), not of the
// runs. Runs hold no NUL, so the output is never offered to it again. It
// should come after the expanders that understand binary formats
// (archives, UTF-16 text).
func Strings() scanner.Expander { return stringsX{} }

type stringsX struct{}

func (stringsX) Name() string { return "strings" }

func (stringsX) Match(_ scanner.Origin, head []byte) bool { return bytes.IndexByte(head, 0) >= 0 }

func (stringsX) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	rr := pool.Get().(*runReader)
	if len(rr.in) != bufSize {
		rr.in = make([]byte, bufSize)
	}
	rr.r = r
	defer func() {
		*rr = runReader{in: rr.in, out: rr.out[:0], segs: rr.segs[:0]}
		pool.Put(rr)
	}()
	return emit(scanner.Transform, rr)
}

// bufSize is how much input is looked at at a time (tests make it
// small).
var bufSize = 64 << 10

// pool keeps run readers (and their buffers) across binaries: a tree of
// objects would otherwise allocate 64 KiB or more per file.
var pool = sync.Pool{New: func() any { return &runReader{in: make([]byte, bufSize)} }}

// isPrint marks the bytes a run is made of: printable ASCII and tab.
var isPrint = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()

// What the input's first bytes continue: a run already handed out in
// part, because it filled half the buffer (an ASCII run's last byte
// handed out is kept: in[0] is the next).
const (
	contNone = iota
	contASCII
	contUTF16 // in[0] is a character's byte
)

// seg says where a piece of output came from: the output bytes from out
// on (up to the next seg) are the input bytes from in on, width apart.
type seg struct {
	out, in   int64
	lineStart int64 // input offset of the line holding in
	line      int   // 1-based
	width     int
}

// runReader yields the printable runs of r, each ended by a newline.
type runReader struct {
	r    io.Reader
	in   []byte // in[:n] is the input from offset base on
	n    int
	done int // in[:done] is looked at; the rest starts the next look
	base int64
	cont int
	out  []byte // ready to hand out
	off  int    // out[:off] was handed out
	err  error

	outEnd int64 // output offset after out
	segs   []seg
	// newlines of the input are counted up to counted: lines of them,
	// the last line starting at lineStart
	counted, lineStart int64
	lines              int
}

func (s *runReader) Read(p []byte) (int, error) {
	for s.off == len(s.out) {
		s.out, s.off = s.out[:0], 0
		if s.err != nil {
			return 0, s.err
		}
		s.countTo(s.base + int64(s.done))
		s.n = copy(s.in, s.in[s.done:s.n])
		s.base += int64(s.done)
		m, err := io.ReadFull(s.r, s.in[s.n:])
		s.n += m
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		s.done = s.scan(err != nil)
		s.err = err
	}
	n := copy(p, s.out[s.off:])
	s.off += n
	return n, nil
}

// countTo counts the input's newlines up to abs, which must not lie
// before base.
func (s *runReader) countTo(abs int64) {
	if abs <= s.counted {
		return
	}
	b := s.in[s.counted-s.base : abs-s.base]
	// IndexByte, not Count and LastIndexByte: it is vectorised, and most
	// of a binary holds no newline
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		s.lines++
		s.lineStart = s.counted + int64(i)
	}
	s.counted = abs
}

// piece hands out the run in[lo:hi] (every other byte of it for UTF-16,
// width 2), ended by a newline when end is set.
func (s *runReader) piece(lo, hi, width int, end bool) {
	if hi > lo {
		in := s.base + int64(lo)
		s.countTo(in)
		s.segs = append(s.segs, seg{out: s.outEnd, in: in, lineStart: s.lineStart, line: s.lines + 1, width: width})
		n := len(s.out)
		if width == 1 {
			s.out = append(s.out, s.in[lo:hi]...)
		} else {
			for i := lo; i < hi; i += 2 {
				s.out = append(s.out, s.in[i])
			}
		}
		s.outEnd += int64(len(s.out) - n)
	}
	if end {
		s.out = append(s.out, '\n')
		s.outEnd++
	}
}

// scan hands out the runs of in[:n] and returns how many leading bytes it
// is done with; the rest, where a run may start that the next read goes
// on with, is looked at again then. final says no input follows.
//
// A run long enough to keep covers one of every MinRun consecutive
// offsets, so between runs only every MinRun-th byte is looked at (most
// of a binary: zeros, code): a printable one is widened to its ASCII run,
// a NUL after a printable byte to its UTF-16 run. An ASCII run's last
// byte may also start a UTF-16 run ("abcdefghK\0L\0M\0...").
func (s *runReader) scan(final bool) int {
	b := s.in[:s.n]
	p := 0
	switch s.cont {
	case contASCII:
		hi := 0
		for hi < len(b) && isPrint[b[hi]] {
			hi++
		}
		if hi == len(b) && !final {
			s.piece(0, hi-1, 1, false)
			return hi - 1
		}
		s.piece(0, hi, 1, true)
		s.cont, p = contNone, hi+1
		if hi < len(b) && b[hi] == 0 {
			q, more := s.utf16(b, 0, hi-1, final)
			if more {
				return q
			}
			p = max(p, q)
		}
	case contUTF16:
		hi := 0
		for hi+1 < len(b) && isPrint[b[hi]] && b[hi+1] == 0 {
			hi += 2
		}
		if !final && (hi == len(b) || hi == len(b)-1 && isPrint[b[hi]]) {
			s.piece(0, hi, 2, false)
			return hi
		}
		s.piece(0, hi, 2, true)
		s.cont, p = contNone, hi
	}
	for probe := p + MinRun - 1; probe < len(b); probe = p + MinRun - 1 {
		c := b[probe]
		if isPrint[c] {
			lo, hi := probe, probe+1
			for lo > p && isPrint[b[lo-1]] {
				lo--
			}
			for hi < len(b) && isPrint[b[hi]] {
				hi++
			}
			if hi == len(b) && !final {
				// may go on in the next read; a last printable byte may
				// be a character of a UTF-16 run that does
				start := lo
				if hi-lo == 1 {
					for start-2 >= p && isPrint[b[start-2]] && b[start-1] == 0 {
						start -= 2
					}
				}
				if len(b)-start <= len(s.in)/2 {
					return start
				}
				// its last byte is looked at again: a UTF-16 run may
				// start there
				s.piece(lo, hi-1, 1, false)
				s.cont = contASCII
				return hi - 1
			}
			if hi-lo >= MinRun {
				s.piece(lo, hi, 1, true)
			}
			from := p
			p = hi + 1
			if hi < len(b) && b[hi] == 0 {
				q, more := s.utf16(b, from, hi-1, final)
				if more {
					return q
				}
				p = max(p, q)
			}
			continue
		}
		from := p
		p = probe + 1
		if c != 0 {
			continue
		}
		// zeros mostly: a zero before is the quick answer
		if d := b[probe-1]; d != 0 && isPrint[d] {
			q, more := s.utf16(b, from, probe-1, final)
			if more {
				return q
			}
			p = max(q, p)
		}
	}
	if final {
		return len(b)
	}
	return p // shorter than a run: one may start there and go on
}

// utf16 widens the UTF-16LE run holding the character at c (b[c]
// printable, b[c+1] a NUL) back to from at
// most, and forward; it hands it out when long enough. It returns where
// the look goes on; more is set when the run may go on in the next read
// (then that is where the next look starts).
func (s *runReader) utf16(b []byte, from, c int, final bool) (next int, more bool) {
	lo := c
	for lo-2 >= from && isPrint[b[lo-2]] && b[lo-1] == 0 {
		lo -= 2
	}
	hi := c
	for hi+1 < len(b) && isPrint[b[hi]] && b[hi+1] == 0 {
		hi += 2
	}
	if !final && (hi == len(b) || hi == len(b)-1 && isPrint[b[hi]]) {
		if len(b)-lo <= len(s.in)/2 {
			return lo, true
		}
		s.piece(lo, hi, 2, false)
		s.cont = contUTF16
		return hi, true
	}
	if (hi-lo)/2 >= MinRun {
		s.piece(lo, hi, 2, true)
	}
	return hi, false
}

// Position is where the output byte at off came from (scanner.Positioner).
func (s *runReader) Position(off int64) scanner.Position {
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].out > off }) - 1
	if i < 0 {
		return scanner.Position{Offset: 0, Line: 1, Column: 1, Width: 1}
	}
	g := s.segs[i]
	in := g.in + (off-g.out)*int64(g.width)
	return scanner.Position{Offset: in, Line: g.line, Column: int(in-g.lineStart) + 1, Width: g.width}
}

// Release forgets the positions of output bytes before off, but for the
// piece holding off.
func (s *runReader) Release(off int64) {
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].out > off }) - 1
	if i > 0 {
		s.segs = s.segs[:copy(s.segs, s.segs[i:])]
	}
}
