package reporters_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

// suppressFirst suppresses the fixture's first finding (critical, fails
// the run at --fail-on high) and returns its fingerprint.
func suppressFirst(t *testing.T, fx fixture) string {
	t.Helper()
	fp := fx.res.Findings[0].Fingerprint
	sum := policy.Policy{FailOn: fx.run.FailOn, Suppressors: []policy.Suppressor{policy.SuppressorFunc{ID: "test",
		Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
			if f.Fingerprint != fp {
				return scanner.Suppression{}, false
			}
			return scanner.Suppression{Kind: scanner.SuppressBaseline, Reason: "in baseline base.json", Source: "base.json"}, true
		}}}}.Apply(fx.res)
	if sum.Suppressed != 1 || fx.res.Findings[0].FailsRun {
		t.Fatalf("policy: %+v, first fails_run %v", sum, fx.res.Findings[0].FailsRun)
	}
	return fp
}

func TestReportersReadSuppression(t *testing.T) {
	fx := newFixture(t)
	before := policy.Count(fx.res)
	first := fx.res.Findings[0]
	where := reporters.LocationText(first.Origin, first.Line, first.Column)
	if !strings.Contains(string(render(t, reporters.Terminal{}, fx.run, fx.res)), where) {
		t.Fatalf("terminal report does not show %s before suppression", where)
	}
	fp := suppressFirst(t, fx)

	term := strings.Join(strings.Fields(string(render(t, reporters.Terminal{}, fx.run, fx.res))), " ")
	if strings.Contains(term, where) {
		t.Errorf("terminal lists the suppressed finding at %s", where)
	}
	if !strings.Contains(term, "1 suppressed") || !strings.Contains(term, "; 3 at or above --fail-on high") {
		t.Errorf("terminal summary does not count the suppression:\n%s", term)
	}

	var rep struct {
		Summary  struct{ Failing, Suppressed, Findings int }
		Findings []struct {
			Fingerprint string
			FailsRun    bool `json:"fails_run"`
			Suppressed  *scanner.Suppression
		}
	}
	if err := json.Unmarshal(render(t, reporters.JSON{}, fx.run, fx.res), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Suppressed != 1 || rep.Summary.Failing != before.Failing-1 || rep.Summary.Findings != len(fx.res.Findings) {
		t.Errorf("json summary %+v, want 1 suppressed, %d failing", rep.Summary, before.Failing-1)
	}
	for _, f := range rep.Findings {
		if (f.Fingerprint == fp) != (f.Suppressed != nil) {
			t.Errorf("json finding %s: suppressed %+v", f.Fingerprint, f.Suppressed)
		}
		if f.Suppressed != nil && (f.FailsRun || f.Suppressed.Kind != scanner.SuppressBaseline || f.Suppressed.Source != "base.json") {
			t.Errorf("json suppressed finding: fails_run %v, %+v", f.FailsRun, f.Suppressed)
		}
	}

	var log struct {
		Runs []struct {
			Results []struct {
				Suppressions []struct{ Kind, Justification string }
				Properties   struct {
					Fingerprint string
					FailsRun    bool
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, reporters.SARIF{}, fx.run, fx.res), &log); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) == 0 {
			continue
		}
		n++
		if r.Properties.Fingerprint != fp || r.Suppressions[0].Kind != "external" || r.Suppressions[0].Justification != "in baseline base.json" || r.Properties.FailsRun {
			t.Errorf("sarif suppressed result: %+v", r)
		}
	}
	if n != 1 {
		t.Errorf("sarif: %d suppressed results, want 1", n)
	}
}

// Reporters take FailsRun from the finding: they never recompute it from
// the level.
func TestReportersReadFailsRun(t *testing.T) {
	fx := newFixture(t)
	for i := range fx.res.Findings {
		fx.res.Findings[i].FailsRun = false
	}
	term := string(render(t, reporters.Terminal{}, fx.run, fx.res))
	if !strings.Contains(term, "; 0 at or above --fail-on high") {
		t.Errorf("terminal recomputes failing findings:\n%s", term[strings.LastIndex(term, "findings"):])
	}
	var rep struct{ Summary struct{ Failing int } }
	if err := json.Unmarshal(render(t, reporters.JSON{}, fx.run, fx.res), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Failing != 0 {
		t.Errorf("json recomputes failing findings: %d", rep.Summary.Failing)
	}
}
