package detectors

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

func compile(t *testing.T, spec RuleSpec) *Rule {
	t.Helper()
	if spec.Provider == "" {
		spec.Provider, spec.Kind = "Test", "token"
	}
	r, err := CompileRule(spec)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func findAll(r *Rule, s string) []Candidate {
	var out []Candidate
	r.Find([]byte(s), func(c Candidate) { out = append(out, c) })
	return out
}

// A pattern written as an alternation names a secret group in each branch;
// the branch that matched decides the credential, and other named groups
// become attrs.
func TestRuleSecretGroupsAndAttrs(t *testing.T) {
	r := compile(t, RuleSpec{
		ID: "pair", Literals: []string{"KID"},
		Pattern: `(?P<key_id>KID[0-9]{4}) (?P<secret>[a-z]{8})|(?P<secret>[a-z]{8}) (?P<key_id>KID[0-9]{4})`,
	})
	for _, in := range []string{"KID1234 abcdefgh", "abcdefgh KID1234"} {
		cs := findAll(r, in)
		if len(cs) != 1 {
			t.Fatalf("%q: %d candidates", in, len(cs))
		}
		c := cs[0]
		if c.Secret != "abcdefgh" || in[c.Start:c.End] != c.Secret {
			t.Errorf("%q: secret %q at [%d,%d)", in, c.Secret, c.Start, c.End)
		}
		if c.Attrs["key_id"] != "KID1234" {
			t.Errorf("%q: attrs %v", in, c.Attrs)
		}
	}
}

func TestRuleDeny(t *testing.T) {
	r := compile(t, RuleSpec{ID: "d", Literals: []string{"tok_"}, Pattern: `tok_[A-Z]{7}`, Deny: []string{"EXAMPLE"}})
	if cs := findAll(r, "tok_EXAMPLE"); len(cs) != 0 {
		t.Errorf("placeholder reported: %v", cs)
	}
	if cs := findAll(r, "tok_QWERTYU"); len(cs) != 1 {
		t.Errorf("real-looking token not reported: %v", cs)
	}
}

func TestRuleScopeFromSpec(t *testing.T) {
	r := compile(t, RuleSpec{ID: "s", Literals: []string{"tok_"}, Pattern: `tok_[a-z]{4}`,
		Scope: scope.Scope{Access: scope.AccessRead, Evidence: []string{"prefix tok_"}}})
	cs := findAll(r, "tok_abcd")
	if len(cs) != 1 || cs[0].Scope.Access != scope.AccessRead || cs[0].Scope.Confidence != scope.ConfidencePrefix {
		t.Fatalf("got %+v", cs)
	}
}

func TestValidAzureSAS(t *testing.T) {
	cases := map[string]bool{
		"sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01&sig=abcdefghijklmnopqrstuvwxyz0123": true,
		"sp=r&sv=2019-02-02&sig=abcdefghijklmnopqrstuvwxyz%3D":                              true,
		"sv=2022-11-02&sp=r":                                        false,
		"sv=latest&sig=abcdefghijklmnopqrstuvwxyz":                  false,
		"sv=2022-11-02&sig=short":                                   false,
		"file=a.zip&sig=abcdefghijklmnopqrstuvwxyz0123456789":       false,
		"sv=2022-1x-02&sig=abcdefghijklmnopqrstuvwxyz0123456789abc": false,
	}
	for q, want := range cases {
		if got := ValidAzureSAS(q); got != want {
			t.Errorf("ValidAzureSAS(%q) = %v, want %v", q, got, want)
		}
	}
	if _, ok := Validator("azure-sas"); !ok {
		t.Error("azure-sas is not a known validator")
	}
}

// A template placeholder or one of the rule's own key names is not a
// credential (the rule files and docs list both).
func TestRuleSkipsTemplatesAndKeyNames(t *testing.T) {
	r, err := CompileRule(RuleSpec{ID: "t-admin", Provider: "T", Kind: "k", Literals: []string{"T_ADMIN_SECRET", "T_SECRET"},
		Pattern: `(?i:t_admin_secret|t_secret)["']?\s{0,3}[:=,]\s{0,3}["']?(?P<secret>[^\s"']{6,80})`})
	if err != nil {
		t.Fatal(err)
	}
	value := fmt.Sprintf("%x", sha256.Sum256([]byte("t-admin")))[:16] // a real-looking value, made here
	for text, want := range map[string]bool{
		`T_ADMIN_SECRET={{ .Values.secret }}`:      false,
		`T_ADMIN_SECRET={{rand 16 alnum}}`:         false,
		`literals: ['T_ADMIN_SECRET', 'T_SECRET']`: false,
		"T_ADMIN_SECRET=" + value:                  true,
	} {
		found := false
		r.Find([]byte(text), func(Candidate) { found = true })
		if found != want {
			t.Errorf("%q: found %v, want %v", text, found, want)
		}
	}
}

// Tokens one delimiter apart (a list, one per line or comma-separated) are
// each found: the delimiter after one is also the delimiter before the
// next, though the pattern takes it as part of the first match.
func TestRuleAdjacentTokensShareADelimiter(t *testing.T) {
	r := compile(t, RuleSpec{
		ID: "tok", Literals: []string{"tok_"},
		Pattern: `(?:^|[^0-9a-z_])(?P<secret>tok_[0-9a-z]{10})(?:[^0-9a-z_]|$)`,
	})
	for in, want := range map[string]int{
		"tok_aaaaaaaaaa\ntok_bbbbbbbbbb\ntok_cccccccccc\n": 3,
		"tok_aaaaaaaaaa,tok_bbbbbbbbbb,tok_cccccccccc":     3,
		"tok_aaaaaaaaaa tok_bbbbbbbbbb":                    2,
		"tok_aaaaaaaaaatok_bbbbbbbbbb":                     0,
		"xtok_aaaaaaaaaa,tok_bbbbbbbbbb":                   1,
	} {
		cs := findAll(r, in)
		if len(cs) != want {
			t.Errorf("%q: %d candidates, want %d", in, len(cs), want)
		}
		for i := 1; i < len(cs); i++ {
			if cs[i].Start < cs[i-1].End {
				t.Errorf("%q: candidates overlap: %+v", in, cs)
			}
		}
	}
}
