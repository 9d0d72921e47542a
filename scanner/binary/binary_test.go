package binary_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/binary"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

func TestStringsOfBinaries(t *testing.T) {
	tok := testtoken.New(20).GitHub("ghp_")
	root := t.TempDir()
	elf := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"), make([]byte, 600)...)
	elf = append(elf, []byte("\x00\x01GITHUB_TOKEN="+tok+"\x00\x02short\x00")...)
	elf = append(elf, make([]byte, 9000)...)
	if err := os.WriteFile(filepath.Join(root, "app"), elf, 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	run := func(x ...scanner.Expander) *scanner.Result {
		res, err := scanner.NewEngine(set, scanner.Options{Workers: 1, Expanders: x}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := run(); len(res.Findings) != 0 || len(res.Skipped) != 1 {
		t.Fatalf("without the expander: %+v", res)
	}
	res := run(binary.Strings())
	if len(res.Findings) != 1 || res.Findings[0].Origin.Path != filepath.Join(root, "app") {
		t.Fatalf("findings %+v skipped %+v", res.Findings, res.Skipped)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
}

// refStrings is the plain definition: runs of at least MinRun printable
// bytes (ASCII 0x20-0x7e and tab), one a line.
func refStrings(b []byte) string {
	var out, run []byte
	for _, c := range append(b, 0) {
		if c >= 0x20 && c < 0x7f || c == '\t' {
			run = append(run, c)
			continue
		}
		if len(run) >= binary.MinRun {
			out = append(append(out, run...), '\n')
		}
		run = run[:0]
	}
	return string(out)
}

func TestStringsRunsAcrossReads(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		var b []byte
		for len(b) < 3000 {
			n := r.IntN(2 * binary.MinRun)
			if r.IntN(3) == 0 {
				n = r.IntN(70000) // runs longer than one read
			}
			for i := 0; i < n; i++ {
				b = append(b, byte(0x20+r.IntN(0x5f)))
			}
			for i := r.IntN(4); i >= 0; i-- {
				b = append(b, byte(r.IntN(0x20)), 0x7f, 0xff)[:len(b)+1+r.IntN(2)]
			}
		}
		want := refStrings(b)
		for _, in := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b)), iotest.HalfReader(bytes.NewReader(b))} {
			var got []byte
			err := binary.Strings().Expand(context.Background(), in, func(name string, rr io.Reader) error {
				var err error
				got, err = io.ReadAll(iotest.HalfReader(rr))
				return err
			})
			if err != nil || string(got) != want {
				t.Fatalf("round %d: %d bytes of strings, want %d (err %v)", round, len(got), len(want), err)
			}
		}
	}
}
