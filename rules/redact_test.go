package rules_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
)

// What a redacted finding shows never depends on the random part of a
// token: for every rule, each positive example drawn with three seeds
// redacts to the same text (a documented prefix, or nothing), and that
// text is at most a quarter of the secret.
func TestRedactionShowsNoRandomCharacters(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		for _, tm := range s.Examples.Positive {
			seen := map[string]bool{}
			for round := 0; round < 3; round++ {
				ex, err := testtoken.New(seedFor(s.ID, 100+round)).Expand(tm)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range scan(set, ex) {
					if c.RuleID != s.ID {
						continue
					}
					red := scanner.RedactPrefix(c.Secret, c.Prefix)
					kept := strings.TrimSuffix(red, "********")
					if !strings.HasPrefix(c.Secret, "-----BEGIN") && len(kept)*4 > len(c.Secret) {
						t.Errorf("%s: %q keeps %d of %d bytes", s.ID, red, len(kept), len(c.Secret))
					}
					seen[red] = true
				}
			}
			if len(seen) > 1 {
				t.Errorf("%s: example %q redacts to %d different forms (random characters shown): %v", s.ID, tm, len(seen), keys(seen))
			}
			if testing.Verbose() {
				t.Logf("%s\t%v", s.ID, keys(seen))
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Through the engine and the built-in rules: UUID tokens and a password
// whose first segment looks like a prefix show nothing; vendor tokens
// show their documented prefix.
func TestEngineRedactsUUIDsAndPasswords(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(23)
	uuid, pw, gh := g.UUID(), "k3y9x2p7-"+g.Rand(14, "lalnum"), g.GitHub("ghp_")
	text := "HEROKU_API_KEY=" + uuid + "\nDB_PASSWORD=" + pw + "\nGITHUB_TOKEN=" + gh + "\n"
	eng := scanner.NewEngine(set, scanner.Options{})
	fs := eng.ScanBytes(scanner.Origin{Kind: "file", Path: "app.env"}, []byte(text))
	seen := map[string]bool{}
	for _, f := range fs {
		switch f.Line {
		case 1, 2:
			seen[f.Key] = true
			if f.Redacted != "********" {
				t.Errorf("%s (%s): redacted %q shows part of the secret", f.Key, f.RuleID, f.Redacted)
			}
		case 3:
			seen[f.Key] = true
			if f.Redacted != "ghp_********" {
				t.Errorf("GitHub token redacted %q, want ghp_********", f.Redacted)
			}
		}
	}
	for _, k := range []string{"HEROKU_API_KEY", "DB_PASSWORD", "GITHUB_TOKEN"} {
		if !seen[k] {
			t.Errorf("%s not found; the test needs a finding (found %d)", k, len(fs))
		}
	}
}
