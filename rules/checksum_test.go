package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// badChecksum returns tok with its last checksum character changed, so the
// CRC32 no longer matches.
func badChecksum(t *testing.T, tok string) string {
	t.Helper()
	last := tok[len(tok)-1]
	c := byte('0')
	if last == '0' {
		c = '1'
	}
	bad := tok[:len(tok)-1] + string(c)
	if detectors.ValidGitHubChecksum(bad) || detectors.ValidNpmChecksum(bad) {
		t.Fatalf("%s still has a valid checksum", bad)
	}
	return bad
}

func scanFiles(t *testing.T, files map[string]string) []scanner.Finding {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scanner.NewEngine(set, scanner.Options{}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// A token of a checksummed format whose checksum fails is reported under a
// telling name (medium, "checksum invalid", the rule's own id) and stays
// silent without one; a valid token is unaffected.
func TestBadChecksumUnderTellingName(t *testing.T) {
	g := testtoken.New(9)
	cases := []struct {
		rule, tok string
		named     []string // lines that name the vendor
	}{
		{"github-classic-pat", g.GitHub("ghp_"), []string{"GITHUB_TOKEN=%s", "export GH_TOKEN=\"%s\"", "git clone https://x:%s@github.com/o/r"}},
		{"github-oauth-token", g.GitHub("gho_"), []string{"github_oauth: %s"}},
		{"github-app-user-token", g.GitHub("ghu_"), []string{"GH_ENTERPRISE_TOKEN=%s"}},
		{"github-app-installation-token", g.GitHub("ghs_"), []string{"GITHUB_APP_TOKEN=%s"}},
		{"github-app-refresh-token", g.GitHub("ghr_"), []string{"%s # github refresh token"}},
		{"npm-access-token", g.Npm(), []string{"NPM_TOKEN=%s", "//registry.example.org/:_authToken=%s", "NODE_AUTH_TOKEN: %s"}},
	}
	for _, c := range cases {
		bad := badChecksum(t, c.tok)
		files := map[string]string{
			"anon.txt":  "value = \"" + bad + "\"\nother: " + bad + "\n",
			"valid.txt": "x = " + c.tok + "\n",
		}
		for i, l := range c.named {
			files[string(rune('a'+i))+".env"] = strings.Replace(l, "%s", bad, 1) + "\n"
		}
		fs := scanFiles(t, files)
		got := map[string]scanner.Finding{}
		for _, f := range fs {
			if f.RuleID == c.rule {
				got[filepath.Base(f.Origin.Path)] = f
			} else {
				t.Errorf("%s: unexpected finding %s in %s", c.rule, f.RuleID, f.Origin.Path)
			}
		}
		if f, ok := got["anon.txt"]; ok {
			t.Errorf("%s: bad checksum without a telling name reported: %+v", c.rule, f)
		}
		if f, ok := got["valid.txt"]; !ok || f.Scope.Doubt != "" || f.Severity < scope.SevHigh {
			t.Errorf("%s: valid token: %+v (found %v)", c.rule, f, ok)
		}
		for i, l := range c.named {
			name := string(rune('a'+i)) + ".env"
			f, ok := got[name]
			if !ok {
				t.Errorf("%s: %q: bad checksum under a telling name not reported", c.rule, l)
				continue
			}
			if f.Severity != scope.SevMedium || f.Scope.Doubt != "checksum invalid" ||
				len(f.Scope.Evidence) == 0 || !strings.HasPrefix(f.Scope.Evidence[0], "checksum invalid: ") {
				t.Errorf("%s: %q: severity %s doubt %q evidence %q", c.rule, l, f.Severity, f.Scope.Doubt, f.Scope.Evidence)
			}
			if scope.Radius(f.Scope) != scope.RadiusNarrow {
				t.Errorf("%s: %q: radius %s", c.rule, l, scope.Radius(f.Scope))
			}
		}
	}
}
