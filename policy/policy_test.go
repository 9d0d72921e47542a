package policy_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/scanner"
)

func result() *scanner.Result {
	return &scanner.Result{Findings: []scanner.Finding{
		{RuleID: "a", Fingerprint: "fa", Severity: scope.SevCritical},
		{RuleID: "b", Fingerprint: "fb", Severity: scope.SevHigh},
		{RuleID: "c", Fingerprint: "fc", Severity: scope.SevLow},
		{RuleID: "d", Fingerprint: "fd", Severity: scope.SevInfo},
	}}
}

func byFingerprint(kind scanner.SuppressKind, fps ...string) policy.Suppressor {
	return policy.SuppressorFunc{ID: string(kind), Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
		for _, fp := range fps {
			if f.Fingerprint == fp {
				return scanner.Suppression{Kind: kind, Reason: string(kind) + " " + fp}, true
			}
		}
		return scanner.Suppression{}, false
	}}
}

func failing(res *scanner.Result) string {
	s := ""
	for _, f := range res.Findings {
		if f.FailsRun {
			s += f.RuleID
		}
	}
	return s
}

func TestApplyFailOn(t *testing.T) {
	for _, tc := range []struct {
		level string
		want  string
	}{{"info", "abcd"}, {"low", "abc"}, {"high", "ab"}, {"critical", "a"}, {"none", ""}} {
		lvl, err := scope.ParseLevel(tc.level)
		if err != nil {
			t.Fatal(err)
		}
		res := result()
		sum := policy.Policy{FailOn: lvl}.Apply(res)
		if got := failing(res); got != tc.want || sum.Failing != len(tc.want) || sum.Fails() != (tc.want != "") || sum.Suppressed != 0 {
			t.Errorf("--fail-on %s: failing %q (%+v), want %q", tc.level, got, sum, tc.want)
		}
		if c := policy.Count(res); c != sum {
			t.Errorf("--fail-on %s: Count %+v, Apply %+v", tc.level, c, sum)
		}
	}
}

func TestApplySuppressesFirstWins(t *testing.T) {
	res := result()
	p := policy.Policy{FailOn: scope.Level{Min: scope.SevLow}, Suppressors: []policy.Suppressor{
		byFingerprint(scanner.SuppressInline, "fa"),
		byFingerprint(scanner.SuppressBaseline, "fa", "fc"),
	}}
	sum := p.Apply(res)
	if got := failing(res); got != "b" || sum.Failing != 1 || sum.Suppressed != 2 {
		t.Fatalf("failing %q, %+v; want only b failing, 2 suppressed", got, sum)
	}
	if s := res.Findings[0].Suppressed; s == nil || s.Kind != scanner.SuppressInline {
		t.Errorf("a: %+v, want the first suppressor's (inline)", s)
	}
	if s := res.Findings[2].Suppressed; s == nil || s.Kind != scanner.SuppressBaseline || s.Reason != "baseline fc" {
		t.Errorf("c: %+v, want baseline", s)
	}
	if res.Findings[1].Suppressed != nil || res.Findings[3].Suppressed != nil {
		t.Errorf("b or d suppressed: %+v %+v", res.Findings[1].Suppressed, res.Findings[3].Suppressed)
	}
}

// Applying again (after a merge, at another level) recomputes FailsRun and
// keeps suppressions already made.
func TestApplyAgain(t *testing.T) {
	res := result()
	policy.Policy{FailOn: scope.Level{Min: scope.SevInfo}, Suppressors: []policy.Suppressor{byFingerprint(scanner.SuppressAllowlist, "fb")}}.Apply(res)
	sum := policy.Policy{FailOn: scope.Level{Min: scope.SevHigh}}.Apply(res)
	if got := failing(res); got != "a" || sum.Suppressed != 1 || res.Findings[1].Suppressed == nil {
		t.Errorf("second apply: failing %q, %+v", got, sum)
	}
}

// A suppressor that leaves the kind empty gets allowlist; nil results are
// fine.
func TestApplyDefaults(t *testing.T) {
	if s := (policy.Policy{}).Apply(nil); s != (policy.Summary{}) {
		t.Errorf("nil result: %+v", s)
	}
	res := result()
	policy.Policy{Suppressors: []policy.Suppressor{policy.SuppressorFunc{ID: "x", Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
		return scanner.Suppression{Reason: "r"}, f.RuleID == "d"
	}}}}.Apply(res)
	if s := res.Findings[3].Suppressed; s == nil || s.Kind != scanner.SuppressAllowlist {
		t.Errorf("empty kind: %+v", s)
	}
}
