package git_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
	"github.com/tokenscope/tokenscope/scanner/sourcetest"
)

func TestConformance(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "one\n")
	r.write("sub/b.env", "B=1\n")
	r.commit("first")
	r.write("a.txt", "two\n")
	r.write("sub/c.yaml", "c: 1\n")
	r.commit("second")
	r.remove("sub/b.env")
	r.commit("third")
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			sourcetest.Check(t, func(t *testing.T) scanner.Source { return history(t, r.dir, b, false) })
		})
	}
	r.write("d.txt", "staged\n")
	r.write("a.txt", "three\n")
	r.git("add", "-A")
	t.Run("staged", func(t *testing.T) {
		sourcetest.Check(t, func(t *testing.T) scanner.Source {
			rp, err := gitsrc.Detect(r.dir)
			if err != nil {
				t.Fatal(err)
			}
			return gitsrc.NewStaged(rp, gitsrc.Options{Root: r.dir})
		})
	})
}
