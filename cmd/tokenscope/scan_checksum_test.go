package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// A GitHub token whose CRC32 checksum fails, under GITHUB_TOKEN, is one
// medium finding of the GitHub rule with "checksum invalid" evidence: it
// fails --fail-on medium and passes --fail-on high. The same string under
// no telling name is no finding.
func TestScanBadChecksumMedium(t *testing.T) {
	tok := testtoken.New(7).GitHub("ghp_")
	last := byte('A')
	if tok[len(tok)-1] == 'A' {
		last = 'B'
	}
	bad := tok[:len(tok)-1] + string(last)
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, ".env"), "GITHUB_TOKEN="+bad+"\n")
	mustWrite(t, filepath.Join(root, "fixture.txt"), "value = \""+bad+"\"\n")

	s, out, errb := reachStreams(nil, nil)
	if code := run([]string{"scan", root, "--format", "json", "--no-progress", "--fail-on", "medium"}, s); code != exitFindings {
		t.Fatalf("--fail-on medium: exit %d; stderr: %s", code, errb.String())
	}
	var rep struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Severity string `json:"severity"`
			FailsRun bool   `json:"fails_run"`
			Origin   struct {
				Path string `json:"path"`
			} `json:"origin"`
			Scope struct {
				Evidence []string `json:"evidence"`
				Doubt    string   `json:"doubt"`
			} `json:"scope"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 {
		t.Fatalf("want one finding, got %+v", rep.Findings)
	}
	f := rep.Findings[0]
	if f.RuleID != "github-classic-pat" || f.Severity != "medium" || !f.FailsRun || filepath.Base(f.Origin.Path) != ".env" ||
		f.Scope.Doubt != "checksum invalid" || len(f.Scope.Evidence) == 0 ||
		!strings.HasPrefix(f.Scope.Evidence[0], "checksum invalid: ") || !strings.Contains(f.Scope.Evidence[0], "GITHUB_TOKEN") {
		t.Errorf("finding %+v", f)
	}

	s, out, errb = reachStreams(nil, nil)
	if code := run([]string{"scan", root, "--format", "json", "--no-progress", "--fail-on", "high"}, s); code != exitOK {
		t.Fatalf("--fail-on high: exit %d; stderr: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"fails_run": false`) {
		t.Errorf("--fail-on high: the medium finding should not fail the run: %s", out.String())
	}
}
