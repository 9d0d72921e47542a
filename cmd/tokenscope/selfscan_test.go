package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The repository scans itself clean with --fail-on broad: its test tokens
// are generated, and the look-alikes it must hold are allowed by a
// documented mechanism (inline markers, .tokenscope.yaml). The working
// tree is scanned as it is; the history through a fresh local clone (the
// shared object store's reflogs hold work that was never pushed).
func TestRepoScansItselfClean(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Skip("not in the repository")
	}
	s, out := truthStreams(nil)
	if code := run([]string{"scan", "--no-progress", "--history", "none", "--fail-on", "broad", root}, s); code != 0 {
		t.Errorf("working tree: exit %d, want 0:\n%s%s", code, out, s.Err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skip("not a git checkout")
	}
	clone := filepath.Join(t.TempDir(), "repo")
	if b, err := exec.Command("git", "clone", "-q", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v: %s", err, b)
	}
	s, out = truthStreams(nil)
	if code := run([]string{"scan", "--no-progress", "--history", "only", "--fail-on", "broad", clone}, s); code != 0 {
		t.Errorf("history: exit %d, want 0:\n%s%s", code, out, s.Err)
	}
}
