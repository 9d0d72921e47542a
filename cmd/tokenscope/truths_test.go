package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func truthStreams(env map[string]string) (*Streams, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTTY: true,
		Env: func(k string) string { return env[k] }, Environ: func() []string { return nil }}, &out
}

func TestNegativeWorkersIsUsageError(t *testing.T) {
	for _, cmd := range []string{"scan", "reach"} {
		s, _ := truthStreams(nil)
		if code := run([]string{cmd, "-j", "-3", t.TempDir()}, s); code != exitUsage {
			t.Errorf("%s -j -3: exit %d, want %d", cmd, code, exitUsage)
		}
	}
}

func TestLiteralsOneLineEach(t *testing.T) {
	s, out := truthStreams(nil)
	if code := run([]string{"rules", "list", "--literals"}, s); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if l == "" || strings.ContainsAny(l, "\r\t\x1b") {
			t.Errorf("literal line %q is empty or holds a raw control character", l)
		}
	}
}

func TestNoColorEmptyKeepsColour(t *testing.T) {
	if s, _ := truthStreams(map[string]string{"NO_COLOR": ""}); !s.colorAllowed() {
		t.Error("NO_COLOR= (empty) disabled colour; no-color.org says only a non-empty value does")
	}
	if s, _ := truthStreams(map[string]string{"NO_COLOR": "1"}); s.colorAllowed() {
		t.Error("NO_COLOR=1 left colour on")
	}
}

// The terminal report wraps at the terminal's width (80 columns here), not
// at a fixed 100 that the terminal then breaks mid-word; COLUMNS wins.
func TestTerminalWrapsAtTerminalWidth(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir+"/.env", "GITHUB_TOKEN="+testtoken.New(31).GitHub("ghp_")+"\n")
	for _, tc := range []struct {
		env   map[string]string
		width int
	}{{nil, 80}, {map[string]string{"COLUMNS": "60"}, 60}} {
		s, out := truthStreams(tc.env)
		s.OutWidth = 80
		run([]string{"scan", "--history", "none", "--fail-on", "none", dir}, s)
		if out.Len() == 0 {
			t.Fatal("no report")
		}
		for _, l := range strings.Split(out.String(), "\n") {
			plain := sgr.ReplaceAllString(l, "")
			long := false // one word wider than the line (a long path) cannot wrap
			for _, w := range strings.Fields(plain) {
				long = long || utf8.RuneCountInString(w) > tc.width-12
			}
			if n := utf8.RuneCountInString(plain); n > tc.width && !long {
				t.Errorf("width %d: a %d-column line: %q", tc.width, n, plain)
			}
		}
	}
}
