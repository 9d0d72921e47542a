package dir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
)

func TestConformance(t *testing.T) {
	root := t.TempDir()
	for p, c := range map[string]string{"a.txt": "a\n", "sub/b.env": "B=1\n", "sub/c/d.yaml": "d: 1\n", "e.txt": "e\n"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a link out of the root: skipped, with a kind
	if err := os.Symlink(os.TempDir(), filepath.Join(root, "out")); err != nil {
		t.Fatal(err)
	}
	sourcetest.Check(t, func(t *testing.T) scanner.Source { return dir.New([]string{root}, dir.Options{}) })
}
