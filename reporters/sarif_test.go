package reporters_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

// compileSchema compiles a JSON schema kept in testdata/, with format
// assertions on (uri, date-time...).
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, out []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("does not validate: %v", err)
	}
}

func TestSARIFGolden(t *testing.T) {
	fx := newFixture(t)
	out := render(t, reporters.SARIF{}, fx.run, fx.res)
	golden(t, "report.sarif", out)
}

func TestSARIFValidates(t *testing.T) {
	sch := compileSchema(t, "sarif-2.1.0.json")
	fx := newFixture(t)
	validate(t, sch, render(t, reporters.SARIF{}, fx.run, fx.res))
	// No findings, no skipped items, no base directory.
	validate(t, sch, render(t, reporters.SARIF{}, reporters.Run{}, &scanner.Result{}))
	// The schema is strict enough to fail: a column of 0 is rejected.
	bad := bytes.Replace(render(t, reporters.SARIF{}, fx.run, fx.res), []byte(`"startColumn": 14`), []byte(`"startColumn": 0`), 1)
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if sch.Validate(doc) == nil {
		t.Error("schema accepted startColumn 0; the validation test proves nothing")
	}
}

// sarifDoc is the part of a SARIF log the GitHub checks read.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, Version, SemanticVersion, InformationURI string
				Rules                                          []struct {
					ID                   string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			}
		}
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		Results            []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string
						URIBaseID string `json:"uriBaseId"`
					}
					Region struct{ StartLine, StartColumn, EndLine, EndColumn int }
				}
				LogicalLocations []struct{ Name, Kind string }
			}
			RelatedLocations    []json.RawMessage
			PartialFingerprints map[string]string
			Properties          map[string]any
		}
	}
}

func TestSARIFGitHubRules(t *testing.T) {
	fx := newFixture(t)
	out := render(t, reporters.SARIF{}, fx.run, fx.res)
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "tokenscope" || d.Version != "1.2.3" || d.SemanticVersion != "1.2.3" || d.InformationURI == "" {
		t.Errorf("driver: %+v", d)
	}
	// One rule per rule used, each described, with a numeric
	// security-severity and the security tag.
	used := map[string]bool{}
	for _, f := range fx.res.Findings {
		used[f.RuleID] = true
	}
	if len(d.Rules) != len(used) {
		t.Errorf("%d rules for %d rules used", len(d.Rules), len(used))
	}
	for _, r := range d.Rules {
		if !used[r.ID] {
			t.Errorf("rule %s is not used by any result", r.ID)
		}
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" {
			t.Errorf("rule %s lacks a description or help", r.ID)
		}
		if !strings.Contains(r.Help.Text, "Revoke or rotate") && r.ID != "stripe-publishable-key" {
			t.Errorf("rule %s help does not say how to rotate", r.ID)
		}
		ss, ok := r.Properties["security-severity"].(string)
		v, err := strconv.ParseFloat(ss, 64)
		if !ok || err != nil || v <= 0 || v > 10 {
			t.Errorf("rule %s security-severity %v", r.ID, r.Properties["security-severity"])
		}
		tags, _ := r.Properties["tags"].([]any)
		if len(tags) == 0 || tags[0] != "security" || len(tags) > 10 {
			t.Errorf("rule %s tags %v", r.ID, tags)
		}
		switch r.DefaultConfiguration.Level {
		case "error", "warning", "note":
		default:
			t.Errorf("rule %s level %q", r.ID, r.DefaultConfiguration.Level)
		}
	}
	if len(run.Results) != len(fx.res.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(fx.res.Findings))
	}
	wantLevel := map[string]string{"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
	hashes := map[string]bool{}
	for i, r := range run.Results {
		f := fx.res.Findings[i]
		if r.RuleIndex < 0 || r.RuleIndex >= len(d.Rules) || d.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d does not name %s", i, r.RuleIndex, r.RuleID)
		}
		if r.Level != wantLevel[f.Severity.String()] {
			t.Errorf("result %d: level %q for %s", i, r.Level, f.Severity)
		}
		if !strings.Contains(r.Message.Text, f.Redacted) || !strings.Contains(r.Message.Text, f.Provider) || !strings.Contains(r.Message.Text, f.Scope.Words()) {
			t.Errorf("result %d: message %q", i, r.Message.Text)
		}
		h := r.PartialFingerprints["primaryLocationLineHash"]
		if h == "" || hashes[h] {
			t.Errorf("result %d: primaryLocationLineHash %q empty or repeated", i, h)
		}
		hashes[h] = true
		if r.Properties["fingerprint"] != f.Fingerprint || r.Properties["severity"] != f.Severity.String() {
			t.Errorf("result %d: properties %v", i, r.Properties)
		}
		if _, ok := r.Properties["scope"].(map[string]any); !ok {
			t.Errorf("result %d: no scope in properties", i)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		loc := r.Locations[0]
		if f.Origin.Path == "" {
			if loc.PhysicalLocation != nil || len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Name != f.Key {
				t.Errorf("result %d (no path): want one logical location named %s, got %+v", i, f.Key, loc)
			}
			continue
		}
		pl := loc.PhysicalLocation
		if pl == nil {
			t.Fatalf("result %d: no physical location", i)
		}
		rg := pl.Region
		if rg.StartLine < 1 || rg.StartColumn < 1 || rg.EndLine < rg.StartLine || rg.EndColumn < 1 {
			t.Errorf("result %d: region %+v", i, rg)
		}
		uri := pl.ArtifactLocation.URI
		if strings.Contains(uri, "://") || strings.HasPrefix(uri, "/") || strings.ContainsAny(uri, `\ `) {
			t.Errorf("result %d: uri %q is not a relative, encoded reference", i, uri)
		}
		if _, ok := run.OriginalURIBaseIDs[pl.ArtifactLocation.URIBaseID]; !ok {
			t.Errorf("result %d: uriBaseId %q not declared", i, pl.ArtifactLocation.URIBaseID)
		}
	}
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file:///work/project/" {
		t.Errorf("%%SRCROOT%% = %q", got)
	}
	inv := run.Invocations
	if len(inv) != 1 || !inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != len(fx.res.Skipped) {
		t.Errorf("invocations: %+v", inv)
	}
	for _, want := range []string{`"uri": "src/app%20config.yaml"`, `"uri": "dist/app.zip"`, `"uriBaseId": "HOME"`,
		`"commit": "3f2a9c1d5e7b8a0f1c2d3e4f5a6b7c8d9e0f1a2b"`, `"in_history_only": true`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
	for _, s := range fx.secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("raw secret %s... in SARIF without --show-secrets", s[:6])
		}
	}
}

// A git finding's line hash does not depend on its line: the same
// credential at the same path keeps its alert when lines move.
func TestSARIFLineHashIgnoresLine(t *testing.T) {
	fx := newFixture(t)
	hash := func(res *scanner.Result) string {
		var doc sarifDoc
		if err := json.Unmarshal(render(t, reporters.SARIF{}, fx.run, res), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Runs[0].Results[0].PartialFingerprints["primaryLocationLineHash"]
	}
	f := fx.res.Findings[0]
	a := hash(&scanner.Result{Findings: []scanner.Finding{f}})
	f.Line, f.EndLine = f.Line+40, f.EndLine+40
	b := hash(&scanner.Result{Findings: []scanner.Finding{f}})
	f.Origin.Path = "elsewhere/.env"
	c := hash(&scanner.Result{Findings: []scanner.Finding{f}})
	if a != b || a == c {
		t.Errorf("line hash: %s, moved %s, other path %s", a, b, c)
	}
}

func TestArtifactURI(t *testing.T) {
	for _, tc := range []struct{ path, uri, base string }{
		{"config/.env", "config/.env", "%SRCROOT%"},
		{"./a/b.txt", "a/b.txt", "%SRCROOT%"},
		{"src/app config.yaml", "src/app%20config.yaml", "%SRCROOT%"},
		{"a:b/c#d?.env", "a%3Ab/c%23d%3F.env", "%SRCROOT%"},
		{"naïve/x", "na%C3%AFve/x", "%SRCROOT%"},
		{`win\dir\f.env`, "win/dir/f.env", "%SRCROOT%"},
		{"../up/.env", "../up/.env", "%SRCROOT%"},
		{"~/.aws/credentials", ".aws/credentials", "HOME"},
		{"/etc/app/.env", "file:///etc/app/.env", ""},
		{"C:/Users/x/.env", "file:///C:/Users/x/.env", ""},
		// inside a remote repository (scan https://host/org/repo)
		{"https://git.example.com/org/repo/deploy/app config.env", "https://git.example.com/org/repo/deploy/app%20config.env", ""},
		{"file:///srv/git/r.git/old.env", "file:///srv/git/r.git/old.env", ""},
		{"ssh://git@host:2222/org/r/a.env", "ssh://git@host:2222/org/r/a.env", ""},
		{"git@github.com:org/repo/.env", "ssh://git@github.com/org/repo/.env", ""},
		{"me@home/notes:x.txt", "me%40home/notes%3Ax.txt", "%SRCROOT%"},
	} {
		uri, base := reporters.ArtifactURI(tc.path)
		if uri != tc.uri || base != tc.base {
			t.Errorf("ArtifactURI(%q) = %q, %q; want %q, %q", tc.path, uri, base, tc.uri, tc.base)
		}
	}
}

func TestSARIFShowSecrets(t *testing.T) {
	fx := newFixture(t)
	fx.run.ShowSecrets = true
	out := render(t, reporters.SARIF{}, fx.run, fx.res)
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for i, r := range doc.Runs[0].Results {
		if r.Properties["secret"] != fx.res.Findings[i].Secret {
			t.Errorf("result %d: secret not in properties with --show-secrets", i)
		}
		if strings.Contains(r.Message.Text, fx.res.Findings[i].Secret) {
			t.Errorf("result %d: raw secret in the message, which GitHub shows to every reader", i)
		}
	}
}

func TestSARIFAutomationAndVersion(t *testing.T) {
	sch := compileSchema(t, "sarif-2.1.0.json")
	fx := newFixture(t)
	for _, c := range []struct {
		version, category, wantSemver, wantID string
	}{
		{"1.2.3", "", "1.2.3", "tokenscope/scan/"},
		{"0.0.0-20261202154500-abcdef123456+dirty", "", "0.0.0-20261202154500-abcdef123456+dirty", "tokenscope/scan/"},
		{"dev+0123456789ab", "ci/secrets", "", "ci/secrets/"},
		{"dev", "/shard/", "", "shard/"},
	} {
		run := fx.run
		run.ToolVersion, run.Category = c.version, c.category
		out := render(t, reporters.SARIF{}, run, fx.res)
		validate(t, sch, out)
		var doc struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Version         string  `json:"version"`
						SemanticVersion *string `json:"semanticVersion"`
					} `json:"driver"`
				} `json:"tool"`
				AutomationDetails struct {
					ID string `json:"id"`
				} `json:"automationDetails"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		r := doc.Runs[0]
		if r.AutomationDetails.ID != c.wantID {
			t.Errorf("%s: automationDetails.id %q, want %q", c.version, r.AutomationDetails.ID, c.wantID)
		}
		if r.Tool.Driver.Version != c.version {
			t.Errorf("driver.version %q, want %q", r.Tool.Driver.Version, c.version)
		}
		got := ""
		if r.Tool.Driver.SemanticVersion != nil {
			got = *r.Tool.Driver.SemanticVersion
			if got == "" {
				t.Errorf("%s: semanticVersion present but empty", c.version)
			}
		}
		if got != c.wantSemver {
			t.Errorf("%s: semanticVersion %q, want %q", c.version, got, c.wantSemver)
		}
	}
	if id := reporters.AutomationID(reporters.Run{Command: "reach"}); id != "tokenscope/reach/" {
		t.Errorf("reach id %q", id)
	}
}
