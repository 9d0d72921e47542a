// Package binary scans binary files (ELF, Mach-O, PE, wasm, anything
// with a NUL byte) through their printable string runs instead of
// skipping them.
package binary

import (
	"bytes"
	"context"
	"io"
	"sync"

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
	rr := pool.Get().(*runReader)
	rr.r = r
	defer func() {
		*rr = runReader{in: rr.in, run: rr.run[:0], out: rr.out[:0]}
		pool.Put(rr)
	}()
	return emit(scanner.Transform, rr)
}

// pool keeps run readers (and their buffers) across binaries: a tree of
// objects would otherwise allocate 64 KiB or more per file.
var pool = sync.Pool{New: func() any { return &runReader{in: make([]byte, 64<<10)} }}

// isPrint marks the bytes a run is made of: printable ASCII and tab.
var isPrint = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'] = true
	return t
}()

// runReader yields the printable runs of r, each ended by a newline.
type runReader struct {
	r   io.Reader
	in  []byte
	run []byte // the current run, not yet known to reach MinRun
	out []byte // ready to hand out
	off int    // out[:off] was handed out
	err error
}

func (s *runReader) Read(p []byte) (int, error) {
	for s.off == len(s.out) {
		s.out, s.off = s.out[:0], 0
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
		s.runs(s.in[:n])
	}
	n := copy(p, s.out[s.off:])
	s.off += n
	return n, nil
}

// runs appends the runs of b to out. A run long enough to keep covers
// one of every MinRun consecutive offsets, so between runs only every
// MinRun-th byte is looked at (most of a binary: zeros, code); a
// printable one is widened to its run.
func (s *runReader) runs(b []byte) {
	p := 0
	if len(s.run) > 0 {
		// the run the last read ended in
		for p < len(b) && isPrint[b[p]] {
			p++
		}
		s.run = append(s.run, b[:p]...)
		if p == len(b) {
			return
		}
		s.keep(s.run)
		s.run = s.run[:0]
		p++
	}
	for probe := p + MinRun - 1; probe < len(b); probe = p + MinRun - 1 {
		if !isPrint[b[probe]] {
			p = probe + 1
			continue
		}
		lo, hi := probe, probe+1
		for lo > p && isPrint[b[lo-1]] {
			lo--
		}
		for hi < len(b) && isPrint[b[hi]] {
			hi++
		}
		if hi == len(b) {
			s.run = append(s.run, b[lo:]...) // may go on in the next read
			return
		}
		s.keep(b[lo:hi])
		p = hi + 1
	}
	// a run shorter than MinRun may start at the end and go on
	lo := len(b)
	for lo > p && isPrint[b[lo-1]] {
		lo--
	}
	s.run = append(s.run, b[lo:]...)
}

// keep hands out run, a line of its own, when it is long enough.
func (s *runReader) keep(run []byte) {
	if len(run) >= MinRun {
		s.out = append(append(s.out, run...), '\n')
	}
}
