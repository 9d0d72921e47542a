package archive_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
)

// A quine zip (Russ Cox, "Zip Files All The Way Down", 2010): a zip whose
// one member, r.zip, decompresses to the zip file itself. It is built
// here from Cox's self-reproducing Lempel-Ziv program with a head and a
// tail: with the ops L n (print the next n units literally) and R n
// (repeat the last n units printed), the program
//
//	L p+1 [P L p+1]  R p+1  L1 [R p+1]  L1 [L1]  L4 [R p+1 L1 L1 L4]  R4
//	L4 [R4 L4 R4 L4]  R4  L4 [R4 L0 L0 L s+1]  R4  L0  L0
//	L s+1 [R s+1 S]  R s+1
//
// prints P, itself, then S. P is the zip's local file header, S its
// central directory and end record, the program its deflate data.
//
// Every op is opUnit bytes of deflate, so that a count of units is a
// count of bytes: L n is an empty stored block then a stored block
// header of LEN n (10 bytes); R n is a fixed-Huffman block copying n
// bytes from n back, padded with empty fixed-Huffman blocks, then an
// empty stored block to return to a byte boundary (10 bytes too). The
// last R sets BFINAL in its stored block; it is the same bytes where it is
// printed as data, which is never run.
//
// The CRC-32 of the member is the CRC-32 of the zip, in which the CRC
// appears four times (the headers and their copies in the data). CRC-32
// is affine over GF(2), so the value that is its own CRC is the solution
// of a 32x32 linear system.

const opUnit = 10

// bitWriter writes deflate's LSB-first bit stream.
type bitWriter struct {
	out   []byte
	acc   uint32
	nbits uint
}

func (b *bitWriter) bits(v uint32, n uint) {
	for i := uint(0); i < n; i++ {
		b.acc |= (v >> i & 1) << b.nbits
		b.nbits++
		if b.nbits == 8 {
			b.out = append(b.out, byte(b.acc))
			b.acc, b.nbits = 0, 0
		}
	}
}

// huff writes a Huffman code (stored MSB first in the stream).
func (b *bitWriter) huff(code uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		b.bits(code>>uint(i)&1, 1)
	}
}

func (b *bitWriter) align() {
	if b.nbits > 0 {
		b.out = append(b.out, byte(b.acc))
		b.acc, b.nbits = 0, 0
	}
}

// fixedLitLen writes literal/length symbol sym with the fixed code.
func (b *bitWriter) fixedLitLen(sym int) {
	switch {
	case sym < 144:
		b.huff(uint32(0x30+sym), 8)
	case sym < 256:
		b.huff(uint32(0x190+sym-144), 9)
	case sym < 280:
		b.huff(uint32(sym-256), 7)
	default:
		b.huff(uint32(0xc0+sym-280), 8)
	}
}

var (
	lenBase   = []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra  = []uint{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase  = []int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = []uint{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// match writes a length/distance pair.
func (b *bitWriter) match(length, dist int) {
	i := len(lenBase) - 1
	for lenBase[i] > length {
		i--
	}
	b.fixedLitLen(257 + i)
	b.bits(uint32(length-lenBase[i]), lenExtra[i])
	j := len(distBase) - 1
	for distBase[j] > dist {
		j--
	}
	b.huff(uint32(j), 5)
	b.bits(uint32(dist-distBase[j]), distExtra[j])
}

func storedHeader(final bool, n int) []byte {
	h := byte(0)
	if final {
		h = 1
	}
	return []byte{h, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}
}

// opL is L n: an empty stored block, then the header of one of n bytes.
func opL(n int) []byte { return append(storedHeader(false, 0), storedHeader(false, n)...) }

// opR is R n in exactly opUnit bytes: the copy, as one match or two (the
// same distance), and empty fixed blocks as padding, so that the bits end
// in the sixth byte; then an empty stored block (final for the last op).
func opR(t testing.TB, n int, final bool) []byte {
	t.Helper()
	for _, parts := range [][]int{{n}, {n / 2, n - n/2}, {n / 3, n / 3, n - 2*(n/3)}} {
		for pad := 0; pad < 4; pad++ {
			var b bitWriter
			b.bits(0, 1) // BFINAL
			b.bits(1, 2) // BTYPE fixed
			ok := true
			for _, m := range parts {
				if m < 3 || m > 258 {
					ok = false
				}
				b.match(m, n)
			}
			b.fixedLitLen(256)
			for i := 0; i < pad; i++ {
				b.bits(0, 1)
				b.bits(1, 2)
				b.fixedLitLen(256)
			}
			if !ok || len(b.out)*8+int(b.nbits)+3 > 48 || len(b.out)*8+int(b.nbits)+3 <= 40 {
				continue
			}
			if final {
				b.bits(1, 1)
			} else {
				b.bits(0, 1)
			}
			b.bits(0, 2) // BTYPE stored, then the byte boundary
			b.align()
			out := append(b.out, 0, 0, 0xff, 0xff)
			if len(out) != opUnit {
				t.Fatalf("R %d: %d bytes", n, len(out))
			}
			return out
		}
	}
	t.Fatalf("R %d: no encoding of %d bytes", n, opUnit)
	return nil
}

// quineProgram is the deflate data that inflates to head, itself, tail.
func quineProgram(t testing.TB, head, tail []byte) []byte {
	t.Helper()
	p1, s1 := len(head)+opUnit, len(tail)+opUnit
	var q []byte
	lit := func(n int, data ...[]byte) {
		q = append(q, opL(n)...)
		for _, d := range data {
			q = append(q, d...)
		}
	}
	rep := func(n int) { q = append(q, opR(t, n, false)...) }
	u := func(k int) int { return k * opUnit }
	lit(p1, head, opL(p1))
	rep(p1)
	lit(u(1), opR(t, p1, false))
	lit(u(1), opL(u(1)))
	lit(u(4), opR(t, p1, false), opL(u(1)), opL(u(1)), opL(u(4)))
	rep(u(4))
	lit(u(4), opR(t, u(4), false), opL(u(4)), opR(t, u(4), false), opL(u(4)))
	rep(u(4))
	lit(u(4), opR(t, u(4), false), opL(0), opL(0), opL(s1))
	rep(u(4))
	lit(0)
	lit(0)
	lit(s1, opR(t, s1, true), tail)
	q = append(q, opR(t, s1, true)...)
	return q
}

// quineZip builds a zip of one deflated member, name, holding the zip.
func quineZip(t testing.TB, name string) []byte {
	t.Helper()
	for stamp := uint16(0); stamp < 64; stamp++ {
		// the lengths are those of the headers and the program: fixed
		// by construction, whatever the CRC
		lh := func(crc, csize, usize uint32) []byte {
			b := binary.LittleEndian.AppendUint32(nil, 0x04034b50)
			b = binary.LittleEndian.AppendUint16(b, 20)    // version needed
			b = binary.LittleEndian.AppendUint16(b, 0)     // flags
			b = binary.LittleEndian.AppendUint16(b, 8)     // deflate
			b = binary.LittleEndian.AppendUint16(b, stamp) // time
			b = binary.LittleEndian.AppendUint16(b, 0x5a21)
			b = binary.LittleEndian.AppendUint32(b, crc)
			b = binary.LittleEndian.AppendUint32(b, csize)
			b = binary.LittleEndian.AppendUint32(b, usize)
			b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
			b = binary.LittleEndian.AppendUint16(b, 0)
			return append(b, name...)
		}
		cd := func(crc, csize, usize, cdOff uint32) []byte {
			b := binary.LittleEndian.AppendUint32(nil, 0x02014b50)
			b = binary.LittleEndian.AppendUint16(b, 20) // made by
			b = binary.LittleEndian.AppendUint16(b, 20)
			b = binary.LittleEndian.AppendUint16(b, 0)
			b = binary.LittleEndian.AppendUint16(b, 8)
			b = binary.LittleEndian.AppendUint16(b, stamp)
			b = binary.LittleEndian.AppendUint16(b, 0x5a21)
			b = binary.LittleEndian.AppendUint32(b, crc)
			b = binary.LittleEndian.AppendUint32(b, csize)
			b = binary.LittleEndian.AppendUint32(b, usize)
			b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
			b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // extra, comment, disk, internal attrs
			b = append(b, 0, 0, 0, 0)             // external attrs
			b = binary.LittleEndian.AppendUint32(b, 0)
			b = append(b, name...)
			cdLen := len(b)
			b = binary.LittleEndian.AppendUint32(b, 0x06054b50)
			b = append(b, 0, 0, 0, 0, 1, 0, 1, 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(cdLen))
			b = binary.LittleEndian.AppendUint32(b, cdOff)
			return append(b, 0, 0)
		}
		build := func(crc uint32) []byte {
			h0, t0 := lh(0, 0, 0), cd(0, 0, 0, 0)
			qlen := len(quineProgram(t, h0, t0))
			total := uint32(len(h0) + qlen + len(t0))
			head := lh(crc, uint32(qlen), total)
			tail := cd(crc, uint32(qlen), total, uint32(len(h0)+qlen))
			q := quineProgram(t, head, tail)
			return append(append(append([]byte(nil), head...), q...), tail...)
		}
		// crc32(build(x)) = c0 ^ G x, G linear: solve x = c0 ^ G x
		c0 := crc32.ChecksumIEEE(build(0))
		var rows [32]uint64 // row i: coefficients (bits 0-31) and the constant (bit 32)
		var cols [32]uint32
		for i := 0; i < 32; i++ {
			cols[i] = crc32.ChecksumIEEE(build(1<<i)) ^ c0
		}
		for r := 0; r < 32; r++ {
			var row uint64
			for i := 0; i < 32; i++ {
				// (I + G)[r][i]
				bit := uint64(cols[i]>>r&1) ^ boolBit(r == i)
				row |= bit << i
			}
			rows[r] = row | uint64(c0>>r&1)<<32
		}
		x, ok := solveGF2(rows)
		if !ok {
			continue
		}
		z := build(x)
		if crc32.ChecksumIEEE(z) != x {
			t.Fatalf("quine: crc %08x is not its own", x)
		}
		return z
	}
	t.Fatal("quine: no self-consistent CRC found")
	return nil
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// solveGF2 solves 32 equations over GF(2) (bit 32 of each row is its
// right-hand side) by Gauss-Jordan elimination.
func solveGF2(rows [32]uint64) (uint32, bool) {
	for c := 0; c < 32; c++ {
		p := -1
		for r := c; r < 32; r++ {
			if rows[r]>>c&1 == 1 {
				p = r
				break
			}
		}
		if p < 0 {
			return 0, false
		}
		rows[c], rows[p] = rows[p], rows[c]
		for r := 0; r < 32; r++ {
			if r != c && rows[r]>>c&1 == 1 {
				rows[r] ^= rows[c]
			}
		}
	}
	var x uint32
	for r := 0; r < 32; r++ {
		x |= uint32(rows[r]>>32&1) << r
	}
	return x, true
}

// The quine is what it claims: archive/zip reads it, checks the CRC, and
// its member is the zip, byte for byte.
func TestQuineZipReproducesItself(t *testing.T) {
	z := quineZip(t, "r/r.zip")
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "r/r.zip" {
		t.Fatalf("members %v", zr.File)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(fmt.Errorf("reading the member (CRC checked at its end): %w", err))
	}
	if !bytes.Equal(inner, z) {
		t.Fatalf("member is %d bytes, not the %d of the zip", len(inner), len(z))
	}
	t.Logf("quine zip: %d bytes", len(z))
}

// A quine zip next to a file holding a token: the scan ends at once, the
// zip's member (the zip itself) is reported as a recursive skip naming
// it, and the sibling's token is found. The depth limit is not what stops
// it: at --max-archive-depth 50 the result is the same.
func TestQuineZipScanTerminates(t *testing.T) {
	tok := testtoken.New(18).GitHub("ghp_")
	root := t.TempDir()
	write(t, root, "r.zip", quineZip(t, "r/r.zip"))
	write(t, root, "ok.env", []byte("GITHUB_TOKEN="+tok+"\n"))
	for _, depth := range []int{0, 50} {
		start := time.Now()
		res := scan(t, root, scanner.ExpandLimits{MaxDepth: depth})
		d := time.Since(start)
		if d > 5*time.Second {
			t.Errorf("depth %d: %s to scan a 524-byte quine", depth, d)
		}
		if len(res.Findings) != 1 || res.Findings[0].Origin.Path != filepath.Join(root, "ok.env") || !strings.Contains(res.Findings[0].RuleID, "github") {
			t.Errorf("depth %d: findings %v, want the token of ok.env", depth, findingsAt(res))
		}
		var rec []scanner.Skipped
		for _, s := range res.Skipped {
			if s.Kind == scanner.SkipRecursive {
				rec = append(rec, s)
			}
		}
		if len(rec) != 1 || rec[0].Path != "r/r.zip" || len(rec[0].Origin.Chain) != 1 || rec[0].Origin.Chain[0] != filepath.Join(root, "r.zip") ||
			!strings.Contains(rec[0].Reason, "zip: byte-identical to "+filepath.Join(root, "r.zip")+", which holds it") {
			t.Errorf("depth %d: skipped %+v, want one recursive skip of r/r.zip inside r.zip", depth, res.Skipped)
		}
		// not expanded, the member is then read as any file: binary
		if len(res.Skipped) != 2 {
			t.Errorf("depth %d: skipped %+v, want the recursive skip and the member's binary skip", depth, res.Skipped)
		}
		t.Logf("depth %d: %s", depth, d)
	}
}
