package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// Committed credential stores are reported by scan with the rule id and
// scope reach gives the same file in a home directory.
func TestScanFindsStoresAsReach(t *testing.T) {
	g := testtoken.New(84)
	root := t.TempDir()
	fake, err := g.WriteFakeHome(filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(root, "ws")
	mustWrite(t, filepath.Join(ws, "main.go"), "package main\n")
	type hit struct {
		Secret string      `json:"secret"`
		RuleID string      `json:"rule_id"`
		Scope  scope.Scope `json:"scope"`
		Origin struct {
			Path string `json:"path"`
		} `json:"origin"`
	}
	findings := func(args []string, vars map[string]string) []hit {
		t.Helper()
		s, out, errb := reachStreams(vars, []string{"PATH=/usr/bin:/bin"})
		if code := run(args, s); code != exitFindings {
			t.Fatalf("%v: exit %d; stderr: %s", args, code, errb.String())
		}
		var rep struct{ Findings []hit }
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Findings
	}
	reach := findings([]string{"reach", ws, "--format", "json", "--show-secrets", "--no-progress", "--no-env"}, map[string]string{"HOME": fake.Dir})
	scan := findings([]string{"scan", fake.Dir, "--format", "json", "--show-secrets", "--no-progress"}, nil)
	for _, rel := range []string{".npmrc", ".netrc", ".git-credentials", ".pgpass", ".docker/config.json", ".kube/config"} {
		for _, sec := range fake.Secrets[rel] {
			var r, s *hit
			for i := range reach {
				if reach[i].Secret == sec && reach[i].Origin.Path == "~/"+rel {
					r = &reach[i]
				}
			}
			for i := range scan {
				if scan[i].Secret == sec && strings.HasSuffix(scan[i].Origin.Path, "/"+rel) {
					s = &scan[i]
				}
			}
			switch {
			case r == nil:
				t.Errorf("%s: reach did not report a secret", rel)
			case s == nil:
				t.Errorf("%s: scan did not report %s (reach: %s)", rel, r.RuleID, r.RuleID)
			case s.RuleID != r.RuleID || s.Scope.Access != r.Scope.Access || s.Scope.Reach != r.Scope.Reach || s.Scope.Env != r.Scope.Env:
				t.Errorf("%s: scan %s %+v, reach %s %+v", rel, s.RuleID, s.Scope, r.RuleID, r.Scope)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(fake.Dir, ".kube/config")); err != nil {
		t.Fatal(err)
	}
	// every rule id either command reported is in the registry that
	// rules list prints
	var ids []string
	for _, h := range append(reach, scan...) {
		ids = append(ids, h.RuleID)
	}
	if u := detectors.Unregistered(ids...); len(u) > 0 {
		t.Errorf("unregistered rule ids reported: %v", u)
	}
}
