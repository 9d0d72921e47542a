package main

import (
	"archive/zip"
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
	for _, rel := range []string{".npmrc", ".netrc", ".git-credentials", ".pgpass", ".docker/config.json", ".kube/config",
		".s3cfg", ".my.cnf", ".local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json", ".config/filezilla/sitemanager.xml",
		".3T/robo-3t/1.4.4/robo3t.json"} {
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

// The store formats run on the engine's one path: a store inside an
// archive is reported with the rule id it has as a file, its origin
// naming the archive.
func TestScanFindsStoresInArchives(t *testing.T) {
	g := testtoken.New(85)
	root := t.TempDir()
	fake, err := g.WriteFakeHome(filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	rels := []string{".npmrc", ".netrc", ".git-credentials", ".pgpass", ".docker/config.json", ".kube/config",
		".s3cfg", ".my.cnf", ".local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json", ".config/filezilla/sitemanager.xml",
		".3T/robo-3t/1.4.4/robo3t.json"}
	ws := filepath.Join(root, "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(ws, "backup.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, rel := range rels {
		data, err := os.ReadFile(filepath.Join(fake.Dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create("home/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	type hit struct {
		Secret string `json:"secret"`
		RuleID string `json:"rule_id"`
		Origin struct {
			Path  string   `json:"path"`
			Chain []string `json:"chain"`
		} `json:"origin"`
	}
	scan := func(dir string) []hit {
		t.Helper()
		s, out, errb := reachStreams(nil, []string{"PATH=/usr/bin:/bin"})
		if code := run([]string{"scan", dir, "--format", "json", "--show-secrets", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("scan %s: exit %d; stderr: %s", dir, code, errb.String())
		}
		var rep struct{ Findings []hit }
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Findings
	}
	asFiles, inZip := scan(fake.Dir), scan(ws)
	for _, rel := range rels {
		for _, sec := range fake.Secrets[rel] {
			var want, got string
			for _, h := range asFiles {
				if h.Secret == sec && strings.HasSuffix(h.Origin.Path, "/"+rel) {
					want = h.RuleID
				}
			}
			for _, h := range inZip {
				if h.Secret == sec && h.Origin.Path == "home/"+rel && len(h.Origin.Chain) == 1 && strings.HasSuffix(h.Origin.Chain[0], "backup.zip") {
					got = h.RuleID
				}
			}
			if want == "" || got != want {
				t.Errorf("%s: in the archive %q, as a file %q", rel, got, want)
			}
		}
	}
}
