//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Ctrl-C while a remote repository is being cloned: the clone stops, the
// scan exits 130 and the temporary mirror is removed. The git on PATH is
// a stand-in that starts the clone (makes its directory, says so) and
// then blocks until it is killed; the test cancels the scan's context
// (what the SIGINT handler of run does) once the clone has started.
func TestScanRemoteInterruptedRemovesMirror(t *testing.T) {
	bin := t.TempDir()
	started := filepath.Join(t.TempDir(), "started")
	fake := "#!/bin/sh\n" +
		"# git clone --mirror --quiet -- URL DIR\n" +
		"for a; do dir=\"$a\"; done\n" +
		"mkdir -p \"$dir/objects\" && echo partial > \"$dir/objects/pack.tmp\"\n" +
		"touch '" + started + "'\n" +
		"exec sleep 300\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	var out, errb bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: func(string) string { return "" }, Environ: func() []string { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd(s)
	root.SetArgs([]string{"scan", "--git-backend", "git", "https://ann:secret-pass-1@git.example.invalid/org/repo"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	// wait for the clone to start (bounded only so a broken test ends)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(started); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the scan ended before the clone started: %v\n%s", err, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the stand-in git never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), "tokenscope-remote-") {
		t.Fatalf("during the clone, TMPDIR holds %v", entries)
	}
	cancel()
	err := <-done
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitInterrupted {
		t.Fatalf("err = %v, want exit %d", err, exitInterrupted)
	}
	if !strings.Contains(err.Error(), "interrupted while cloning https://git.example.invalid/org/repo") || strings.Contains(err.Error(), "secret-pass-1") {
		t.Errorf("error %q", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the mirror was left behind: %v", entries)
	}
}
