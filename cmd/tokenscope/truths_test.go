package main

import (
	"bytes"
	"strings"
	"testing"
)

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
