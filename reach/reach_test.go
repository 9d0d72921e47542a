package reach_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reach"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

func TestVerdictAndActions(t *testing.T) {
	destroy := scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Destructive: true, DestroysWhat: "databases", Lifetime: scope.LifetimeLongLived}
	harmless := scope.Scope{Access: scope.AccessNone}
	res := &scanner.Result{Findings: []scanner.Finding{
		{RuleID: "a", Provider: "P", Kind: "key", Scope: destroy, Origin: scanner.Origin{Kind: scanner.KindGit, Path: "x.env", Via: scanner.ViaHistory}},
		{RuleID: "b", Scope: harmless, Origin: scanner.Origin{Kind: scanner.KindEnv, Path: "env:X", Via: scanner.ViaEnvironment}},
		{RuleID: "c", Scope: destroy, Origin: scanner.Origin{Kind: scanner.KindFile, Path: "y"}, Suppressed: &scanner.Suppression{Kind: scanner.SuppressBaseline}},
	}}
	v := reach.NewVerdict(res, nil)
	if v.Credentials != 2 || v.ByRadius["destroy"] != 1 || v.ByVia[scanner.ViaHistory] != 1 || v.ByVia[scanner.ViaWorkspace] != 0 {
		t.Errorf("verdict %+v (the suppressed finding must not count)", v)
	}
	if !strings.Contains(v.Text, "2 credentials") || len(v.Worst) != 1 || !strings.Contains(v.Worst[0], "can destroy databases") {
		t.Errorf("verdict text %q, worst %v", v.Text, v.Worst)
	}
	var b bytes.Buffer
	if err := reach.WriteVerdict(&b, reporters.NewStyles(&b, false, 100), v); err != nil || !strings.Contains(b.String(), "1 in git history") {
		t.Errorf("WriteVerdict: %v\n%s", err, b.String())
	}
	do := reach.Actions(res.Findings[0])
	if len(do) < 2 || !strings.HasPrefix(do[0], "rotate it") || !strings.Contains(strings.Join(do, "|"), "cannot delete") {
		t.Errorf("actions for a destructive history finding: %v", do)
	}
	if do := reach.Actions(res.Findings[1]); do != nil {
		t.Errorf("actions for a harmless finding: %v", do)
	}
}
