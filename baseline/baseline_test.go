package baseline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/baseline"
)

func TestEncodeSortedOneEntryALine(t *testing.T) {
	f := &baseline.File{Scheme: "test-scheme", Entries: []baseline.Entry{
		{Path: "b/z.env", RuleID: "r2", Fingerprint: "ff"},
		{Path: "a/y.env", RuleID: "r1", Fingerprint: "aa"},
		{Path: "b/z.env", RuleID: "r1", Fingerprint: "ee"},
		{Path: "a/y.env", RuleID: "r1", Fingerprint: "aa"}, // duplicate
	}}
	got := string(f.Encode())
	want := `{
  "tool": "tokenscope",
  "version": 1,
  "fingerprint_scheme": "test-scheme",
  "findings": [
    {"path":"a/y.env","rule_id":"r1","fingerprint":"aa"},
    {"path":"b/z.env","rule_id":"r1","fingerprint":"ee"},
    {"path":"b/z.env","rule_id":"r2","fingerprint":"ff"}
  ]
}
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	back, err := baseline.Decode("b.json", []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Encode()) != want {
		t.Errorf("round trip changed the file")
	}
	if !strings.Contains(string((&baseline.File{}).Encode()), `"findings": []`) {
		t.Errorf("empty baseline")
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, text := range map[string]string{
		"not json":      "{",
		"other tool":    `{"tool":"x","version":1,"findings":[]}`,
		"version":       `{"tool":"tokenscope","version":9,"findings":[]}`,
		"unknown field": `{"tool":"tokenscope","version":1,"findings":[],"extra":1}`,
		"no path":       `{"tool":"tokenscope","version":1,"findings":[{"fingerprint":"aa"}]}`,
	} {
		if _, err := baseline.Decode("b.json", []byte(text)); err == nil || !strings.Contains(err.Error(), "b.json") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMatcherAndStale(t *testing.T) {
	f := &baseline.File{Entries: []baseline.Entry{
		{Path: "a.env", RuleID: "r", Fingerprint: "f1"},
		{Path: "b.env", RuleID: "r", Fingerprint: "f2"},
	}}
	m := baseline.NewMatcher(f)
	if !m.Match("a.env", "f1") {
		t.Error("a.env f1 not matched")
	}
	if m.Match("moved.env", "f2") {
		t.Error("a renamed file matched: a finding in a new place is new")
	}
	st := m.Stale()
	if len(st) != 1 || st[0].Path != "b.env" {
		t.Errorf("stale %v", st)
	}
	if u := m.Used(); len(u) != 1 || u[0].Path != "a.env" {
		t.Errorf("used %v", u)
	}
}

func TestReadWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.json")
	f := &baseline.File{Entries: []baseline.Entry{{Path: "a", RuleID: "r", Fingerprint: "f"}}}
	if err := baseline.Write(p, f); err != nil {
		t.Fatal(err)
	}
	got, err := baseline.Read(p)
	if err != nil || len(got.Entries) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if _, err := baseline.Read(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("read through a link: %v", err)
	}
}

func TestLocation(t *testing.T) {
	for _, c := range []struct {
		root, path string
		chain      []string
		want       string
	}{
		{".", "a/b.env", nil, "a/b.env"},
		{"repo", "repo/a/b.env", nil, "a/b.env"},
		{"repo/", "repo/a/b.env", nil, "a/b.env"},
		{"/abs/repo", "/abs/repo/x", nil, "x"},
		{"repo/a.env", "repo/a.env", nil, "a.env"},
		{"repo", "inner/cfg.env", []string{"repo/lib/x.jar"}, "lib/x.jar!inner/cfg.env"},
		{"repo", "other/x", nil, "other/x"},
	} {
		if got := baseline.Location(c.root, c.path, c.chain); got != c.want {
			t.Errorf("Location(%q, %q, %v) = %q, want %q", c.root, c.path, c.chain, got, c.want)
		}
	}
}
