package stdin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/stdin"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "stdin",
		"  ":                        "stdin",
		"/":                         "stdin",
		".env":                      ".env",
		"/etc/app/.env":             "etc/app/.env",
		"../../x/.npmrc":            "x/.npmrc",
		`config\prod.env`:           "config/prod.env",
		"a/./b//c.yaml":             "a/b/c.yaml",
		"deploy/../.env.production": ".env.production",
	} {
		if got := stdin.Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScanPiped(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(7)
	tok, err := g.Expand("{{github ghp_}}")
	if err != nil {
		t.Fatal(err)
	}
	content := "line one\nGITHUB_TOKEN=" + tok + "\n"
	eng := scanner.NewEngine(set, scanner.Options{})
	res, err := eng.Run(context.Background(), stdin.New(strings.NewReader(content), ".env.production"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(res.Findings), res.Findings)
	}
	f := res.Findings[0]
	if f.Origin.Kind != "stdin" || f.Origin.Path != ".env.production" || f.Line != 2 || f.RuleID != "github-classic-pat" {
		t.Errorf("finding %+v", f)
	}
	if res.Stats.Items != 1 || res.Stats.Bytes != int64(len(content)) {
		t.Errorf("stats %+v", res.Stats)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := stdin.New(strings.NewReader("x"), "").Walk(ctx, func(scanner.Item) error {
		t.Error("emitted after cancel")
		return nil
	}, func(scanner.Skipped) {})
	if err == nil {
		t.Error("no error after cancel")
	}
}
