package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/rules"
)

const goodRule = `
  - id: acme-token
    provider: Acme
    kind: API token
    description: An Acme API token.
    literals: [acme_]
    pattern: '\b(?P<secret>acme_[0-9a-f]{32})\b'
    scope: {access: write, reach: account, evidence: ["prefix acme_"]}
    examples:
      positive: ['ACME_TOKEN=acme_{{rand 32 hex}}']
      negative: ['acme_{{rand 8 hex}}']
`

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks that err holds one problem placed at line, naming field,
// whose message contains msg.
func wantErr(t *testing.T, err error, line int, field, msg string) {
	t.Helper()
	var es config.Errors
	if !errors.As(err, &es) {
		t.Fatalf("want config.Errors, got %T %v", err, err)
	}
	for _, e := range es {
		if e.Line == line && e.Field == field && strings.Contains(e.Msg, msg) {
			if !strings.Contains(e.Error(), e.File+":") {
				t.Errorf("error %q does not name its file", e.Error())
			}
			return
		}
	}
	t.Errorf("no error at line %d, field %s, containing %q; got:\n%v", line, field, msg, err)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		field, msg string
	}{
		{"unknown top key", "fail_on: high\nfailon: low\n", 2, "failon", `unknown key "failon"`},
		{"unknown nested key", "allow:\n  paths: [a]\n  path: [b]\n", 3, "allow.path", `unknown key "path"`},
		{"unknown rule key", "rules:" + goodRule + "    colour: red\n", 12, "rules[0].colour", `unknown key "colour"`},
		{"bad value regexp", "allow:\n  values:\n    - 'ok'\n    - '(unclosed'\n", 4, "allow.values[1]", "not a valid Go regexp"},
		{"bad rule regexp", strings.Replace("rules:"+goodRule, `'\b(?P<secret>acme_[0-9a-f]{32})\b'`, `'acme_[0-9a-f{32}'`, 1), 7, "rules[0].pattern", "not a valid Go regexp"},
		{"rule without examples", "rules:\n  - id: x-token\n    provider: X\n    kind: token\n    literals: [xtk_]\n    pattern: 'xtk_[a-z]{10}'\n", 2, "rules[0].examples.positive", "at least one positive example"},
		{"rule without negative", strings.Replace("rules:"+goodRule, "      negative: ['acme_{{rand 8 hex}}']\n", "", 1), 10, "rules[0].examples.negative", "at least one negative"},
		{"unbounded rule", strings.Replace("rules:"+goodRule, "{32}", "+", 1), 7, "rules[0].pattern", "no upper bound"},
		{"bad fail_on", "fail_on: loud\n", 1, "fail_on", "unknown --fail-on level"},
		{"wrong type", "limits:\n  max_archive_depth: deep\n", 2, "limits.max_archive_depth", "want a whole number"},
		{"list not map", "allow: [a, b]\n", 1, "allow", "want a mapping"},
		{"scalar not list", "disable: aws-access-key\n", 1, "disable", "want a list"},
		{"absolute glob", "allow:\n  paths: ['/etc/**']\n", 2, "allow.paths[0]", "relative to the scanned root"},
		{"climbing glob", "allow:\n  paths: ['../other/**']\n", 2, "allow.paths[0]", "climb out"},
		{"bad glob", "allow:\n  paths: ['a/[b']\n", 2, "allow.paths[0]", "not a valid glob"},
		{"short stopword", "allow:\n  stopwords: [ab]\n", 2, "allow.stopwords[0]", "shorter than 3"},
		{"duplicate key", "fail_on: low\nfail_on: high\n", 2, "fail_on", "twice"},
		{"alias", "a: &x [1]\n", 1, "a", ""},
		{"size too big", "limits:\n  max_file_size: 5GB\n", 2, "limits.max_file_size", "more than the 1GB"},
		{"not yaml", "allow:\n  paths: [a\n", 0, "", "not valid YAML"},
		{"bad scope", strings.Replace("rules:"+goodRule, "access: write", "access: everything", 1), 8, "rules[0].scope", "access"},
		{"bad version", "version: 2\n", 1, "version", "not known"},
		{"bad fingerprint", "allow:\n  fingerprints: [abc, 'zz0123456789abcdef']\n", 2, "allow.fingerprints[0]", "not a fingerprint"},
		{"too many globs", "allow:\n  paths: [" + strings.Repeat("'a/**',", config.MaxListLen) + "'b']\n", 2, "allow.paths", "at most 1000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Parse("cfg.yaml", []byte(c.text))
			if err == nil {
				t.Fatalf("no error for:\n%s", c.text)
			}
			if c.name == "alias" {
				// an alias is refused wherever it is; the key is unknown too
				if !strings.Contains(err.Error(), "cfg.yaml:1") {
					t.Errorf("got %v", err)
				}
				return
			}
			if c.name == "not yaml" {
				if !strings.Contains(err.Error(), "cfg.yaml:") || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("got %v", err)
				}
				return
			}
			wantErr(t, err, c.line, c.field, c.msg)
		})
	}
}

func TestParseGood(t *testing.T) {
	text := `version: 1
fail_on: high
disable: [generic-password]
rules:` + goodRule + `allow:
  paths: ['testdata/**', '*.lock']
  values: ['^acme_0{32}$']
  stopwords: [dummy]
  rules:
    acme-token:
      paths: [fixtures/**]
limits:
  max_file_size: 10MB
  max_archive_depth: 2
`
	c, err := config.Parse("cfg.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn == nil || c.FailOn.String() != "high" {
		t.Errorf("fail_on %v", c.FailOn)
	}
	if c.MaxFileSize != 10<<20 || c.MaxArchiveDepth == nil || *c.MaxArchiveDepth != 2 {
		t.Errorf("limits %d %v", c.MaxFileSize, c.MaxArchiveDepth)
	}
	if len(c.Rules) != 1 || c.Rules[0].Info().ID != "acme-token" {
		t.Fatalf("rules %v", c.Rules)
	}
	a := c.Allow()
	if c2, err := config.Parse("cfg.yaml", []byte("allow:\n  fingerprints: ['0123456789abcdef0123456789ABCDEF']\n")); err != nil {
		t.Fatal(err)
	} else if got := c2.Allow().MatchFingerprint("0123456789abcdef0123456789abcdef"); !strings.Contains(got, "allow.fingerprints") {
		t.Errorf("fingerprint not allowed: %q", got)
	} else if c2.Allow().MatchFingerprint("1123456789abcdef0123456789abcdef") != "" {
		t.Errorf("another fingerprint allowed")
	}
	for _, tc := range []struct{ rule, rel, secret, want string }{
		{"x", "testdata/a/b.env", "s3cr3tvalue", `allow.paths "testdata/**"`},
		{"x", "deep/dir/yarn.lock", "s3cr3tvalue", `allow.paths "*.lock"`},
		{"x", "src/a.env", "acme_" + strings.Repeat("0", 32), `allow.values`},
		{"x", "src/a.env", "xxDUMMYxx1234", `allow.stopwords "dummy"`},
		{"acme-token", "fixtures/t.txt", "s3cr3tvalue", `allow.rules.acme-token.paths`},
		{"other", "fixtures/t.txt", "s3cr3tvalue", ""},
		{"x", "src/testdata/a.env", "s3cr3tvalue", ""},
	} {
		got := a.Match(tc.rule, tc.rel, tc.secret)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("Match(%s, %s) = %q, want %q", tc.rule, tc.rel, got, tc.want)
		}
		if got != "" && !strings.HasPrefix(got, "cfg.yaml: ") {
			t.Errorf("reason %q does not name the config", got)
		}
	}
}

func TestDefaultsAllowDocumentedExamples(t *testing.T) {
	// The AWS documentation's example key id, spelt out in pieces so no
	// scanner reads it here as a literal.
	example := "AKIA" + "IOSFODNN7" + "EXAMPLE"
	c, err := config.Parse("cfg.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Allow().Match("aws-access-key", "a.txt", example); !strings.Contains(got, "built-in allowlist") {
		t.Errorf("documented example not allowed: %q", got)
	}
	if got := c.Allow().Match("aws-access-key", "a.txt", example[:len(example)-1]+"F"); got != "" {
		t.Errorf("another key allowed: %q", got)
	}
	// the Cosmos DB emulator's published key, in pieces too
	cosmos := "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nD" + "uVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
	if got := c.Allow().Match("azure-storage-account-key", "a.txt", cosmos); !strings.Contains(got, "Cosmos DB emulator") {
		t.Errorf("Cosmos DB emulator key not allowed: %q", got)
	}
	off, err := config.Parse("cfg.yaml", []byte("allow:\n  defaults: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := off.Allow().Match("aws-access-key", "a.txt", example); got != "" {
		t.Errorf("defaults: false still allows: %q", got)
	}
	var nilCfg *config.Config
	if got := nilCfg.Allow().Match("aws-access-key", "a.txt", example); got == "" {
		t.Errorf("no config: defaults not applied")
	}
}

func builtins(t *testing.T) ([]detectors.Detector, map[string]detectors.Info) {
	t.Helper()
	ds, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := detectors.NewSet(ds)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]detectors.Info{}
	for _, inf := range set.Infos() {
		known[inf.ID] = inf
	}
	return ds, known
}

func TestDetectorsExtendNeverReplace(t *testing.T) {
	ds, known := builtins(t)
	c, err := config.Parse("cfg.yaml", []byte("rules:"+goodRule))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Detectors(ds, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds)+1 {
		t.Errorf("%d detectors, want the %d built-in ones and 1 more", len(got), len(ds))
	}
	set, err := detectors.NewSet(got)
	if err != nil {
		t.Fatal(err)
	}
	for id := range known {
		if _, ok := set.Info(id); !ok {
			t.Errorf("built-in rule %s lost", id)
		}
	}

	// reusing a built-in id is an error at the id's line
	clash := strings.Replace("rules:"+goodRule, "id: acme-token", "id: github-classic-pat", 1)
	c, err = config.Parse("cfg.yaml", []byte(clash))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Detectors(ds, known)
	wantErr(t, err, 2, "rules[0].id", "built-in rule id")
}

func TestDisable(t *testing.T) {
	ds, known := builtins(t)
	c, err := config.Parse("cfg.yaml", []byte("disable:\n  - stripe-secret-key\n  - github-classic-patt\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Detectors(ds, known)
	wantErr(t, err, 3, "disable[1]", `no rule has the id "github-classic-patt"`)
	if err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("no suggestion in %v", err)
	}

	c, err = config.Parse("cfg.yaml", []byte("disable: [github-classic-pat, stripe-test-secret-key]\nallow:\n  rules:\n    nope-rule: {paths: [a]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Detectors(ds, known)
	wantErr(t, err, 4, "allow.rules.nope-rule", "no rule has the id")

	c, err = config.Parse("cfg.yaml", []byte("disable: [github-classic-pat, stripe-test-secret-key]\nfail_on: critical\nlimits: {max_file_size: 1MB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Detectors(ds, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds)-2 {
		t.Errorf("%d detectors, want %d", len(got), len(ds)-2)
	}
	notes := strings.Join(c.Notices(known, 25<<20, 5), "\n")
	for _, want := range []string{
		"disables rule github-classic-pat", "detects broad credentials",
		"disables 1 rule(s): stripe-test-secret-key",
		"fail_on: critical", "max_file_size",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notices lack %q:\n%s", want, notes)
		}
	}
}

func TestReadIsSafe(t *testing.T) {
	dir := t.TempDir()
	good := write(t, dir, "real.yaml", "fail_on: high\n")

	// a symlinked config found in a tree is ignored, with a notice
	tree := filepath.Join(dir, "tree")
	if err := os.Mkdir(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(good, filepath.Join(tree, config.FileName)); err != nil {
		t.Fatal(err)
	}
	c, notice, err := config.Discover(tree)
	if err != nil || c != nil || !strings.Contains(notice, "symbolic link") {
		t.Errorf("Discover through a link: %v %q %v", c, notice, err)
	}
	// named on purpose, it is refused too
	if _, err := config.Load(filepath.Join(tree, config.FileName)); !errors.Is(err, config.ErrSymlink) {
		t.Errorf("Load through a link: %v", err)
	}

	// oversized
	big := write(t, dir, "big.yaml", "# "+strings.Repeat("x", config.MaxSize)+"\n")
	if _, err := config.Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized: %v", err)
	}

	// a directory in its place
	tree2 := filepath.Join(dir, "tree2")
	if err := os.MkdirAll(filepath.Join(tree2, config.FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if c, notice, err := config.Discover(tree2); c != nil || err != nil || !strings.Contains(notice, "not a regular file") {
		t.Errorf("dir as config: %v %q %v", c, notice, err)
	}

	// none: no config, no notice
	if c, notice, err := config.Discover(dir); c != nil || notice != "" || err != nil {
		t.Errorf("no config: %v %q %v", c, notice, err)
	}

	// a real one is found and marked untrusted
	tree3 := filepath.Join(dir, "tree3")
	if err := os.Mkdir(tree3, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, tree3, config.FileName, "fail_on: high\n")
	c, notice, err = config.Discover(tree3)
	if err != nil || c == nil || notice != "" || !c.Discovered {
		t.Fatalf("Discover: %v %q %v", c, notice, err)
	}
	if c.FailOn.String() != "high" {
		t.Errorf("fail_on %v", c.FailOn)
	}
}
