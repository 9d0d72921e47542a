package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressOnlyOnTTY: the progress line is drawn only when standard
// error is a terminal, and --no-progress turns it off there too.
func TestProgressOnlyOnTTY(t *testing.T) {
	for _, tc := range []struct {
		tty  bool
		args []string
		want bool
	}{
		{false, nil, false},
		{true, nil, true},
		{true, []string{"--no-progress"}, false},
		{false, []string{"--no-progress"}, false},
	} {
		var out, errb bytes.Buffer
		s := &Streams{Out: &out, Err: &errb, ErrTTY: tc.tty, Env: func(string) string { return "" }}
		var got *ScanOptions
		cmd := newCmdScan(s, func(o *ScanOptions) error { got = o; return nil })
		cmd.SetArgs(append(tc.args, "."))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Progress != tc.want {
			t.Errorf("tty=%v args=%v: progress %v, want %v", tc.tty, tc.args, got.Progress, tc.want)
		}
	}
}

// TestProgressLine draws the line and clears it; when off, it writes
// nothing at all.
func TestProgressLine(t *testing.T) {
	var errb bytes.Buffer
	p := newProgress(&Streams{Err: &errb}, true)
	p.update(12, 3<<20)
	p.draw()
	if got := errb.String(); !strings.Contains(got, "scanning: 12 files, 3.0 MB") || !strings.HasPrefix(got, "\r\x1b[K") {
		t.Errorf("line %q", got)
	}

	errb.Reset()
	off := newProgress(&Streams{Err: &errb}, false)
	off.start()
	off.update(1, 1)
	off.stop()
	if errb.Len() != 0 {
		t.Errorf("progress off wrote %q", errb.String())
	}
}

// TestColorDecision: colour only on a terminal, never with NO_COLOR or a
// dumb terminal.
func TestColorDecision(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		tty  bool
		env  map[string]string
		want bool
	}{
		{true, nil, true},
		{false, nil, false},
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"TERM": "dumb"}, false},
	} {
		s := &Streams{OutTTY: tc.tty, Env: env(tc.env)}
		if got := s.colorAllowed(); got != tc.want {
			t.Errorf("tty=%v env=%v: colour %v, want %v", tc.tty, tc.env, got, tc.want)
		}
	}
}
