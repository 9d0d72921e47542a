package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// imagePlaces lists a JSON report's findings and skipped items, sorted.
func imagePlaces(t *testing.T, out string) (findings, skipped []string) {
	t.Helper()
	var rep imageReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%.300s", err, out)
	}
	for _, f := range rep.Findings {
		findings = append(findings, f.RuleID+" "+f.Location+" "+fmt.Sprint(f.Origin.InHistoryOnly))
	}
	for _, s := range rep.Skipped {
		skipped = append(skipped, s.Path+": "+s.Reason)
	}
	slices.Sort(findings)
	slices.Sort(skipped)
	return findings, skipped
}

// scan image --shard K/N: the N shards' reports, merged, are the single
// scan's report (the deleted-file note included: every shard reads every
// layer's whiteouts), and each shard holds part of it.
func TestScanImageShardMerge(t *testing.T) {
	ti := buildTestImage(t)
	lay := writeLayout(t, ti)
	whole, _ := runImage(t, exitFindings, "--format", "json", lay)
	wantF, wantS := imagePlaces(t, whole)
	if len(wantF) < 4 {
		t.Fatalf("single scan: %d findings", len(wantF))
	}
	for _, n := range []int{2, 3} {
		dir := t.TempDir()
		total := 0
		for k := 1; k <= n; k++ {
			p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
			s, _, errb := reachStreams(nil, nil)
			code := run([]string{"scan", "image", "--no-progress", "--shard", fmt.Sprintf("%d/%d", k, n), "--format", "json", "-o", p, lay}, s)
			if code != exitOK && code != exitFindings {
				t.Fatalf("shard %d/%d: exit %d: %s", k, n, code, errb.String())
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `"shard": {`) {
				t.Errorf("shard %d/%d: the report does not name its shard", k, n)
			}
			f, _ := imagePlaces(t, string(data))
			total += len(f)
		}
		if total != len(wantF) {
			t.Errorf("%d shards hold %d findings, the single scan %d", n, total, len(wantF))
		}
		s, out, errb := reachStreams(nil, nil)
		code := run([]string{"merge", "--format", "json", dir}, s)
		if code != exitFindings {
			t.Fatalf("merge of %d shards: exit %d: %s", n, code, errb.String())
		}
		gotF, gotS := imagePlaces(t, out.String())
		if !slices.Equal(gotF, wantF) || !slices.Equal(gotS, wantS) {
			t.Errorf("%d shards merged:\n%q\n%q\nwant\n%q\n%q", n, gotF, gotS, wantF, wantS)
		}
	}
	runImage(t, exitUsage, "--shard", "3/2", lay)
}

// --max-archive-depth: 0 leaves the zip in a layer unopened, 1 opens it.
func TestScanImageMaxArchiveDepth(t *testing.T) {
	ti := buildTestImage(t)
	lay := writeLayout(t, ti)
	inZip := func(out string) bool {
		f, _ := imagePlaces(t, out)
		for _, x := range f {
			if strings.Contains(x, "!/app/lib.zip!/conf/settings.ini") {
				return true
			}
		}
		return false
	}
	out, _ := runImage(t, exitFindings, "--format", "json", "--max-archive-depth", "0", lay)
	if inZip(out) {
		t.Error("--max-archive-depth 0: the zip was opened")
	}
	out, _ = runImage(t, exitFindings, "--format", "json", "--max-archive-depth", "1", lay)
	if !inZip(out) {
		t.Error("--max-archive-depth 1: the zip in the layer was not opened")
	}
	runImage(t, exitUsage, "--max-archive-depth", "-1", lay)
}
