package git_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
)

// BenchmarkHistory compares the two blob streamers on a small generated
// history (200 commits). The figures for a 20,000-commit repository are in
// docs/git.md.
func BenchmarkHistory(b *testing.B) {
	needGit(b)
	dir := filepath.Join(b.TempDir(), "repo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	runGit(b, dir, 0, "init", "-q", "-b", "main")
	var sb strings.Builder
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&sb, "line %d of some configuration text = value_%d\n", i, i*7)
	}
	base := sb.String()
	for c := 0; c < 200; c++ {
		for f := 0; f < 3; f++ {
			p := filepath.Join(dir, fmt.Sprintf("dir%d/file%d.txt", f, (c+f)%20))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(base+fmt.Sprintf("commit %d file %d\n", c, f)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		runGit(b, dir, c, "add", "-A")
		runGit(b, dir, c, "commit", "-q", "-m", fmt.Sprint(c))
	}
	runGit(b, dir, 0, "gc", "-q")
	set, err := rules.BuiltinSet()
	if err != nil {
		b.Fatal(err)
	}
	rp, err := gitsrc.Detect(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, be := range backends {
		b.Run(be, func(b *testing.B) {
			var bytes int64
			for i := 0; i < b.N; i++ {
				res, err := scanner.NewEngine(set, scanner.Options{}).Run(context.Background(),
					gitsrc.NewHistory(rp, gitsrc.Options{Root: dir, Backend: be}))
				if err != nil {
					b.Fatal(err)
				}
				bytes = res.Stats.Bytes
			}
			b.SetBytes(bytes)
		})
	}
}
