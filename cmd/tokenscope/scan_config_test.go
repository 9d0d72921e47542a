package main

import (
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
)

// TestProjectLocation: baseline and allowlist paths are relative to the
// scanned root that holds the finding, the deepest one when roots nest.
func TestProjectLocation(t *testing.T) {
	for _, c := range []struct {
		roots []string
		o     scanner.Origin
		loc   string
		allow string
	}{
		{[]string{"."}, scanner.Origin{Path: "config/a.env"}, "config/a.env", "config/a.env"},
		{[]string{"repo"}, scanner.Origin{Path: "repo/config/a.env"}, "config/a.env", "config/a.env"},
		{[]string{"./repo/"}, scanner.Origin{Path: "repo/config/a.env"}, "config/a.env", "config/a.env"},
		{[]string{"a", "a/b"}, scanner.Origin{Path: "a/b/x.env"}, "x.env", "x.env"},
		{[]string{"a", "c"}, scanner.Origin{Path: "c/x.env"}, "x.env", "x.env"},
		{[]string{"repo"}, scanner.Origin{Path: "inner/app.properties", Chain: []string{"repo/lib/app.jar"}}, "lib/app.jar!inner/app.properties", "lib/app.jar"},
		{[]string{"repo"}, scanner.Origin{Path: "stdin"}, "stdin", "stdin"},
		{[]string{"."}, scanner.Origin{Path: "../elsewhere/x"}, "../elsewhere/x", "../elsewhere/x"},
	} {
		p := &project{roots: c.roots}
		if got := p.location(c.o); got != c.loc {
			t.Errorf("roots %v, %+v: location %q, want %q", c.roots, c.o, got, c.loc)
		}
		if got := p.allowPath(c.o); got != c.allow {
			t.Errorf("roots %v, %+v: allow path %q, want %q", c.roots, c.o, got, c.allow)
		}
	}
}
