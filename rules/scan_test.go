package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
)

// TestScanDirFindsEveryRule writes one generated positive example per
// rule into its own file, plus all of them together in one .env file, and
// scans the directory end to end: every rule must be reported in its file
// and in the shared one, and no raw secret may appear in a finding.
func TestScanDirFindsEveryRule(t *testing.T) {
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(42)
	files := map[string]string{}
	var all []byte
	for _, s := range specs {
		ex, err := g.Expand(s.Examples.Positive[0])
		if err != nil {
			t.Fatal(err)
		}
		files[s.ID+".txt"] = ex + "\n"
		all = append(all, "\n# "+s.ID+"\n"+ex+"\n"...)
	}
	files["all.env"] = string(all)
	findings := scanFiles(t, files)
	inOwn, inAll := map[string]bool{}, map[string]bool{}
	for _, f := range findings {
		if f.Secret != "" {
			t.Errorf("%s: raw secret kept without ShowSecrets", f.RuleID)
		}
		switch filepath.Base(f.Origin.Path) {
		case f.RuleID + ".txt":
			inOwn[f.RuleID] = true
		case "all.env":
			inAll[f.RuleID] = true
		}
	}
	for _, s := range specs {
		if !inOwn[s.ID] {
			t.Errorf("%s: not found in its own file", s.ID)
		}
		if !inAll[s.ID] {
			t.Errorf("%s: not found in the shared .env file", s.ID)
		}
	}
	// every id the examples made any detector emit (YAML rules, code
	// detectors on the same content) is registered
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.RuleID)
	}
	if u := detectors.Unregistered(ids...); len(u) > 0 {
		t.Errorf("rule examples emit unregistered rule ids %v", u)
	}
	for _, s := range specs {
		if e, ok := detectors.Lookup(s.ID); !ok || e.Source != detectors.SourceRule {
			t.Errorf("%s: registry has %+v, want a YAML rule", s.ID, e)
		}
	}
}
