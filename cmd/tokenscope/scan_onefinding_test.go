package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// One credential, one finding: a GitHub App token used as the password of
// an x-access-token URL is reported once, by the GitHub rule, which keeps
// the URL's host and user.
func TestScanTokenInURLOnce(t *testing.T) {
	tok := testtoken.New(85).GitHub("ghs_")
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "ci.sh"), "git clone https://x-access-token:"+tok+"@github.com/o/r.git\n")
	s, out, errb := reachStreams(nil, nil)
	if code := run([]string{"scan", root, "--format", "json", "--no-progress"}, s); code != exitFindings {
		t.Fatalf("exit %d; stderr: %s", code, errb.String())
	}
	var rep struct {
		Findings []struct {
			RuleID string            `json:"rule_id"`
			Attrs  map[string]string `json:"attrs"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].RuleID != "github-app-installation-token" || rep.Findings[0].Attrs["host"] != "github.com" {
		t.Errorf("findings %+v", rep.Findings)
	}
}
