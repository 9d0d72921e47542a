package verify

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the verifier table of docs/verify.md")

const (
	docsPath  = "../docs/verify.md"
	docsBegin = "<!-- verifiers:begin (go test ./verify -run TestDocsListEveryVerifier -update) -->\n"
	docsEnd   = "<!-- verifiers:end -->\n"
)

// docsTable is the table of every verifier: name, rules, host, request,
// mapping.
func docsTable() string {
	var b strings.Builder
	b.WriteString("| verifier | rules | host | request | what the answer sets |\n|---|---|---|---|---|\n")
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, v := range All() {
		name := v.Name
		if v.SelfHosted {
			name += " (`--verify-endpoint " + v.family() + "=URL`)"
		}
		hosts := strings.Join(v.Hosts, ", ")
		if v.EndpointOnly {
			hosts = "your server only"
		}
		b.WriteString("| " + esc(name) + " | `" + strings.Join(v.RuleIDs, "`, `") + "` | " + hosts +
			" | `" + esc(v.Request) + "` | " + esc(v.Maps) + " |\n")
	}
	return b.String()
}

func TestDocsListEveryVerifier(t *testing.T) {
	doc, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, docsBegin), strings.Index(s, docsEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the verifier table markers", docsPath)
	}
	want := docsTable()
	if got := s[i+len(docsBegin) : j]; got != want {
		if *update {
			if err := os.WriteFile(docsPath, []byte(s[:i+len(docsBegin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s's verifier table is stale: run go test ./verify -run TestDocsListEveryVerifier -update", docsPath)
	}
}
