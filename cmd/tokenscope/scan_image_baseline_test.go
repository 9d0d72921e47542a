package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/baseline"
)

// A baseline accepts an image's findings by their place inside the image
// (file, archive member, config:Env), not by the image's or the layer's
// digest: the same baseline suppresses them in the tarball and in an OCI
// layout of the image, and only --show-suppressed lists them.
func TestScanImageBaseline(t *testing.T) {
	ti := buildTestImage(t)
	dir := t.TempDir()
	tb := filepath.Join(dir, "app.tar")
	saveTarball(t, tb, "example.test/app:1", ti)
	out, _ := runImage(t, exitFindings, "--format", "json", tb)
	var rep struct {
		Scheme   string `json:"fingerprint_scheme"`
		Findings []struct {
			RuleID      string `json:"rule_id"`
			Fingerprint string `json:"fingerprint"`
			Origin      struct {
				Path  string   `json:"path"`
				Chain []string `json:"chain"`
			} `json:"origin"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 4 {
		t.Fatalf("%d findings, want at least 4:\n%s", len(rep.Findings), out)
	}
	f := &baseline.File{Scheme: rep.Scheme}
	for _, fd := range rep.Findings {
		var parts []string
		if len(fd.Origin.Chain) > 2 {
			parts = fd.Origin.Chain[2:]
		}
		f.Entries = append(f.Entries, baseline.Entry{Path: strings.Join(append(parts, fd.Origin.Path), "!"), RuleID: fd.RuleID, Fingerprint: fd.Fingerprint})
	}
	base := filepath.Join(dir, "base.json")
	if err := baseline.Write(base, f); err != nil {
		t.Fatal(err)
	}
	lay := writeLayout(t, ti)
	for _, ref := range []string{tb, lay} {
		out, errOut := runImage(t, exitOK, "--baseline", base, "--format", "json", ref)
		var sum struct {
			Summary struct {
				Findings, Suppressed, Failing int
			} `json:"summary"`
			Notices []string `json:"notices"`
		}
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatal(err)
		}
		if s := sum.Summary; s.Suppressed != len(rep.Findings) || s.Failing != 0 {
			t.Errorf("%s: summary %+v, want all %d suppressed", ref, s, len(rep.Findings))
		}
		if len(sum.Notices) != 0 {
			t.Errorf("%s: notices %q (no entry is stale)", ref, sum.Notices)
		}
		noRaw(t, ti, out, errOut)
	}
	out, _ = runImage(t, exitOK, "--baseline", base, tb)
	if strings.Contains(out, "app/.env") {
		t.Errorf("suppressed finding listed without --show-suppressed:\n%s", out)
	}
	out, _ = runImage(t, exitOK, "--baseline", base, "--show-suppressed", tb)
	if !strings.Contains(out, "in baseline") {
		t.Errorf("--show-suppressed: no baseline suppression listed:\n%s", out)
	}
	// --only-live is wired to --verify as in scan
	runImage(t, exitUsage, "--only-live", tb)
}
