package binary_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/binary"
)

// fakeBinary is n bytes shaped like an executable: runs of zeros, machine
// code (random bytes) and, now and then, a printable string.
func fakeBinary(n int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.IntN(4) {
		case 0:
			b = append(b, make([]byte, r.IntN(4096))...)
		case 1, 2:
			for i := r.IntN(2048); i > 0; i-- {
				b = append(b, byte(r.Uint32()))
			}
		default:
			for i := 4 + r.IntN(60); i > 0; i-- {
				b = append(b, byte(0x20+r.IntN(0x5f)))
			}
			b = append(b, 0)
		}
	}
	return b[:n]
}

// BenchmarkStrings measures the strings expander alone over a 64 MiB
// fake executable:
//
//	go test -run '^$' -bench Strings -benchmem ./scanner/binary
func BenchmarkStrings(b *testing.B) {
	data := fakeBinary(64 << 20)
	x := binary.Strings()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out int64
		err := x.Expand(context.Background(), bytes.NewReader(data), func(_ string, r io.Reader) error {
			// read as the engine does: a chunk at a time, then the
			// positions before it are released
			pos := r.(scanner.Positioner)
			buf := make([]byte, 1<<20)
			for {
				n, err := io.ReadFull(r, buf)
				out += int64(n)
				pos.Release(out)
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					return nil
				}
				if err != nil {
					return err
				}
			}
		})
		if err != nil || out == 0 {
			b.Fatal(err, out)
		}
	}
}
