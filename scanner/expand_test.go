package scanner_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// echo takes every stream named *.echo and emits it unchanged, as a
// transform; as a tailEcho it is a TailMatcher and records the tail it
// was shown, by path.
type echo struct {
	mu    *sync.Mutex
	calls *int
	seen  map[string]string
}

func (echo) Name() string { return "echo" }
func (x echo) Match(o scanner.Origin, _ []byte) bool {
	return strings.HasSuffix(o.Path, ".echo")
}
func (x echo) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	x.mu.Lock()
	*x.calls++
	x.mu.Unlock()
	return emit(scanner.Transform, r)
}

type tailEcho struct{ echo }

func (x tailEcho) MatchTail(o scanner.Origin, tail []byte) bool {
	x.mu.Lock()
	x.seen[o.Path] = string(tail)
	x.mu.Unlock()
	return true
}

// peel is an archive-like transform: "z:" then content, emitted without
// the prefix (as a gzip stream's content, which may be gzip again).
type peel struct{}

func (peel) Name() string { return "peel" }
func (peel) Archive()     {}
func (peel) Match(_ scanner.Origin, head []byte) bool {
	return bytes.HasPrefix(head, []byte("z:"))
}
func (peel) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return emit(scanner.Transform, bytes.NewReader(b[2:]))
}

// A transform is not offered back to the expander that emitted it (it
// would take it again, nested until the budget), unless that is an
// archive's; a TailMatcher sees the end of a file, short or long.
func TestTransformNotOfferedBack(t *testing.T) {
	tok := testtoken.New(83).GitHub("ghp_")
	root := t.TempDir()
	small := "TOKEN=" + tok + "\n"
	big := strings.Repeat("x\n", 30000) + small // past the first chunk
	for name, content := range map[string]string{"a.echo": small, "b.echo": big, "c.txt": "z:z:z:" + small} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	x := tailEcho{echo{mu: &sync.Mutex{}, calls: &calls, seen: map[string]string{}}}
	res, err := scanner.NewEngine(testSet(t), scanner.Options{Workers: 1, ChunkSize: 4096, Expanders: []scanner.Expander{peel{}, x}}).
		Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
	got := map[string]int{}
	for _, f := range res.Findings {
		got[filepath.Base(f.Origin.Path)] = f.Line
	}
	if len(res.Findings) != 3 || got["a.echo"] != 1 || got["b.echo"] != 30001 || got["c.txt"] != 1 {
		t.Errorf("findings %v", got)
	}
	if calls != 2 {
		t.Errorf("echo expanded %d times, want 2 (once a file)", calls)
	}
	tails := map[string]string{}
	for p, tail := range x.seen {
		tails[filepath.Base(p)] = tail
	}
	if len(tails) != 2 || tails["a.echo"] != small || tails["b.echo"] != big[len(big)-scanner.TailSize:] {
		t.Errorf("tails shown: %q", tails)
	}
}
