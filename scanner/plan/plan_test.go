package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/scanner/env"
	"github.com/tokenscope/tokenscope/scanner/plan"
)

func TestHistoryValidate(t *testing.T) {
	ok := plan.History{Mode: "auto", Backend: "auto"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, h := range []plan.History{
		{Mode: "sometimes", Backend: "auto"},
		{Mode: "auto", Backend: "svn"},
		{Mode: "auto", Backend: "auto", Staged: true, Range: "a..b"},
		{Mode: "none", Backend: "auto", Staged: true},
		{Mode: "auto", Backend: "auto", Range: "not a range"},
	} {
		if err := h.Validate(); err == nil {
			t.Errorf("%+v accepted", h)
		}
	}
	if !(plan.History{Staged: true}).ReplacesWorkingTree() || (plan.History{Mode: "auto"}).ReplacesWorkingTree() {
		t.Error("ReplacesWorkingTree")
	}
}

func TestScanSources(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := plan.Scan{Paths: []string{root}, History: plan.History{Mode: "auto", Backend: "auto"},
		Stdin: strings.NewReader("x"), StdinName: ".env"}
	srcs, err := s.Sources(env.New(nil))
	if err != nil {
		t.Fatal(err)
	}
	// the tree (not a repository: no history), the extra source, stdin
	var names []string
	for _, src := range srcs {
		names = append(names, src.Name())
	}
	if len(srcs) != 3 || names[1] != "env" {
		t.Errorf("sources %v, want tree, env, stdin", names)
	}
	s.History.Staged = true // the working tree gives way to the index; not a repository
	if _, err := s.Sources(); err == nil {
		t.Error("--staged outside a repository accepted")
	}
}

func TestReachPlan(t *testing.T) {
	homeDir := t.TempDir()
	ws := filepath.Join(homeDir, "proj")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(homeDir, ".env"), []byte("A=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := plan.Reach{Workspace: ws, Home: homeDir, Env: true, History: plan.History{Mode: "auto", Backend: "auto"}}
	p, err := r.Plan()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, src := range p.Sources {
		names = append(names, src.Name())
	}
	// workspace, parent .env files, home, environment
	if len(p.Sources) != 4 || p.Home == nil || names[2] != "home" || names[3] != "env" {
		t.Errorf("sources %v", names)
	}
	r.Env = false
	if p, _ := r.Plan(); len(p.Sources) != 3 {
		t.Errorf("without the environment: %d sources", len(p.Sources))
	}
	if _, err := (plan.Reach{Workspace: ws, Home: filepath.Join(homeDir, "missing")}).Plan(); err == nil {
		t.Error("a missing home accepted")
	}
}
