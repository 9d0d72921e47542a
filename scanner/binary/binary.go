// Package binary scans binary files (ELF, Mach-O, PE, wasm, anything
// with a NUL byte) through their printable string runs instead of
// skipping them.
package binary

import (
	"bytes"
	"context"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// MinRun is the shortest printable ASCII run kept.
const MinRun = 8

// Strings is an expander for content whose first bytes hold a NUL (as the
// engine's binary sniff does, on the head it is offered): it emits the
// printable ASCII runs of at least MinRun bytes, one a line, as a
// transform, so findings keep the file's origin. Runs hold no NUL, so the
// output is never offered to it again. It should come after the
// expanders that understand binary formats (archives, UTF-16).
func Strings() scanner.Expander { return stringsX{} }

type stringsX struct{}

func (stringsX) Name() string { return "strings" }

func (stringsX) Match(_ scanner.Origin, head []byte) bool { return bytes.IndexByte(head, 0) >= 0 }

func (stringsX) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	return emit(scanner.Transform, &runReader{r: r, in: make([]byte, 64<<10)})
}

func printable(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\t' }

// runReader yields the printable runs of r, each ended by a newline.
type runReader struct {
	r   io.Reader
	in  []byte
	run []byte // the current run, not yet known to reach MinRun
	out []byte // ready to hand out
	err error
}

func (s *runReader) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.err != nil {
			if len(s.run) >= MinRun {
				s.out = append(append(s.out, s.run...), '\n')
				s.run = s.run[:0]
				continue
			}
			return 0, s.err
		}
		n, err := s.r.Read(s.in)
		s.err = err
		for _, c := range s.in[:n] {
			if printable(c) {
				s.run = append(s.run, c)
				continue
			}
			if len(s.run) >= MinRun {
				s.out = append(append(s.out, s.run...), '\n')
			}
			s.run = s.run[:0]
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	if len(s.out) == 0 {
		s.out = s.out[:0:0]
	}
	return n, nil
}
