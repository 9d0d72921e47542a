package scanner_test

import (
	"bytes"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// word finds "<literal>=<value>" up to the end of the line and reports
// value under its id.
type word struct{ id, lit string }

func (w word) Info() detectors.Info {
	return detectors.Info{ID: w.id, Provider: "test", Kind: "test"}
}
func (w word) Literals() []string { return []string{w.lit} }
func (w word) MaxLen() int        { return 64 }
func (w word) Find(win []byte, emit func(detectors.Candidate)) {
	i := bytes.Index(win, []byte(w.lit+"="))
	if i < 0 {
		return
	}
	start := i + len(w.lit) + 1
	end := start
	for end < len(win) && win[end] != '\n' {
		end++
	}
	emit(detectors.Candidate{RuleID: w.id, Provider: "test", Kind: "test", Secret: string(win[start:end]),
		Start: start, End: end, Scope: scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount}})
}

func TestMergeDirect(t *testing.T) {
	set, err := detectors.NewSet([]detectors.Detector{word{"specific-token", "tok"}, word{"generic-pass", "pass"}})
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true})
	o := scanner.Origin{Kind: "home", Path: "~/.store", Via: "home"}
	res := &scanner.Result{Findings: eng.ScanBytes(o, []byte("tok=AAAABBBBCCCCDDDD\npass=EEEEFFFFGGGGHHHH\n"))}
	if len(res.Findings) != 2 {
		t.Fatalf("setup: %d findings", len(res.Findings))
	}
	d := func(secret string, line int) scanner.Direct {
		return scanner.Direct{Origin: o, RuleID: "parsed", Provider: "P", Kind: "k", Secret: secret, Line: line, Key: "k",
			Scope: scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Env: scope.EnvProduction, Evidence: []string{"store ~/.store profile prod"}},
			Attrs: map[string]string{"profile": "prod"}}
	}
	eng.MergeDirect(res, []scanner.Direct{d("AAAABBBBCCCCDDDD", 1), d("EEEEFFFFGGGGHHHH", 2), d("IIIIJJJJKKKKLLLL", 3)})
	by := map[string]scanner.Finding{}
	for _, f := range res.Findings {
		if _, dup := by[f.Secret]; dup {
			t.Errorf("%s reported twice", f.Secret)
		}
		by[f.Secret] = f
	}
	// the specific detector's finding stays, enriched
	if f := by["AAAABBBBCCCCDDDD"]; f.RuleID != "specific-token" || f.Attrs["profile"] != "prod" || f.Scope.Env != scope.EnvProduction {
		t.Errorf("specific: %+v", f)
	}
	// the generic one gives way to the parsed one
	if f := by["EEEEFFFFGGGGHHHH"]; f.RuleID != "parsed" || f.Severity != scope.SevCritical || f.Redacted == f.Secret {
		t.Errorf("generic: %+v", f)
	}
	// a value no detector saw is added, redacted and fingerprinted like any finding
	f := by["IIIIJJJJKKKKLLLL"]
	if f.RuleID != "parsed" || f.Fingerprint != scanner.Fingerprint("parsed", "IIIIJJJJKKKKLLLL") || f.Line != 3 || f.Column != 1 {
		t.Errorf("new: %+v", f)
	}
	if len(res.Findings) != 3 || res.Findings[0].Severity < res.Findings[2].Severity {
		t.Errorf("result not merged and sorted: %d findings", len(res.Findings))
	}
	// without ShowSecrets the parsed value is not kept
	eng2 := scanner.NewEngine(set, scanner.Options{})
	if nf := eng2.NewDirectFinding(d("MMMMNNNNOOOOPPPP", 1)); nf.Secret != "" || nf.Redacted != scanner.Redact("MMMMNNNNOOOOPPPP") {
		t.Errorf("redaction: %+v", nf)
	}
}
