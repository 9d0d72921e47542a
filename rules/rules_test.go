package rules_test

import (
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
)

// seedFor gives every rule its own stable token stream, so adding a rule
// does not change another rule's examples.
func seedFor(id string, n int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() + uint64(n)
}

// expand turns each template into text, several times with different seeds
// so a pattern is not tuned to one lucky draw.
func expand(t *testing.T, id string, tmpls []string) []string {
	t.Helper()
	var out []string
	for round := 0; round < 3; round++ {
		g := testtoken.New(seedFor(id, round))
		for _, tm := range tmpls {
			s, err := g.Expand(tm)
			if err != nil {
				t.Fatalf("rule %s: example %q: %v", id, tm, err)
			}
			out = append(out, s)
		}
	}
	return out
}

func scan(set *detectors.Set, text string) []detectors.Candidate {
	var out []detectors.Candidate
	set.NewMatcher().ScanStart([]byte(text), func(c detectors.Candidate) { out = append(out, c) })
	return out
}

// TestRuleExamples runs every rule's examples through the full built-in
// set: each positive must yield a finding of that rule whose secret lies in
// the example, each negative must yield none of it, and no other rule-driven
// detector may claim the same credential.
func TestRuleExamples(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	ruleIDs := map[string]bool{}
	for _, s := range specs {
		ruleIDs[s.ID] = true
	}
	for _, s := range specs {
		t.Run(s.ID, func(t *testing.T) {
			if len(s.Examples.Positive) < 2 || len(s.Examples.Negative) < 2 {
				t.Fatalf("want at least 2 positive and 2 negative examples, have %d and %d",
					len(s.Examples.Positive), len(s.Examples.Negative))
			}
			for _, ex := range expand(t, s.ID, s.Examples.Positive) {
				var mine []detectors.Candidate
				cands := scan(set, ex)
				for _, c := range cands {
					if c.RuleID == s.ID {
						mine = append(mine, c)
					}
				}
				if len(mine) == 0 {
					t.Errorf("positive not found: %q (found %v)", ex, ids(cands))
					continue
				}
				for _, c := range mine {
					if c.Secret == "" || ex[c.Start:c.End] != c.Secret {
						t.Errorf("secret %q is not at [%d,%d) of %q", c.Secret, c.Start, c.End, ex)
					}
				}
				for _, c := range cands {
					if c.RuleID == s.ID || !ruleIDs[c.RuleID] || detectors.IsGeneric(c.RuleID) {
						continue
					}
					for _, m := range mine {
						if c.Start < m.End && m.Start < c.End {
							t.Errorf("rule %s also claims the credential of %q", c.RuleID, ex)
						}
					}
				}
			}
			for _, ex := range expand(t, s.ID, s.Examples.Negative) {
				for _, c := range scan(set, ex) {
					if c.RuleID == s.ID {
						t.Errorf("negative matched: %q (secret %q)", ex, c.Secret)
					}
				}
			}
		})
	}
}

func ids(cs []detectors.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.RuleID)
	}
	return out
}

// TestRuleConformance checks what the Set relies on: every positive match
// contains one of the rule's literals (matched case-insensitively), and no
// match is longer than the rule's MaxLen, so the window around a literal
// hit always holds the whole match.
func TestRuleConformance(t *testing.T) {
	rs, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 55 {
		t.Errorf("%d rules, want at least 55", len(rs))
	}
	for _, r := range rs {
		spec := r.Spec()
		t.Run(spec.ID, func(t *testing.T) {
			re := regexp.MustCompile(spec.Pattern)
			if spec.Description == "" || len(spec.Scope.Evidence) == 0 {
				t.Errorf("description and scope evidence are required")
			}
			for _, l := range r.Literals() {
				if len(l) < 3 {
					t.Errorf("literal %q shorter than 3 bytes", l)
				}
			}
			for _, ex := range expand(t, spec.ID, spec.Examples.Positive) {
				ms := re.FindAllStringIndex(ex, -1)
				if len(ms) == 0 {
					t.Errorf("pattern does not match positive %q", ex)
				}
				for _, m := range ms {
					match := strings.ToLower(ex[m[0]:m[1]])
					if m[0] == 0 {
						match = "\n" + match // ScanStart reads a stream's start as a line start
					}
					hit := false
					for _, l := range r.Literals() {
						if strings.Contains(match, strings.ToLower(l)) {
							hit = true
						}
					}
					if !hit {
						t.Errorf("no literal of %v inside match %q", r.Literals(), ex[m[0]:m[1]])
					}
					if n := m[1] - m[0]; n > r.MaxLen() {
						t.Errorf("match of %d bytes exceeds MaxLen %d", n, r.MaxLen())
					}
				}
			}
		})
	}
}

// TestRuleFilesCiteVendorDocs keeps the provenance of every format visible:
// each rule file opens with a comment that links the vendor's documentation.
func TestRuleFilesCiteVendorDocs(t *testing.T) {
	names, err := filepath.Glob("*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		if !strings.HasPrefix(first, "# ") || !strings.Contains(first, "https://") {
			t.Errorf("%s: first line should be a comment citing the vendor's docs, got %q", n, first)
		}
	}
}

const goodRule = `provider: Example
rules:
  - id: example-token
    kind: token
    literals: [exa_]
    pattern: '\bexa_[0-9a-f]{32}\b'
    scope: {access: read, reach: resource, evidence: ["prefix exa_"]}
`

func TestLoadFS(t *testing.T) {
	rs, err := rules.LoadFS(fstest.MapFS{"example.yaml": {Data: []byte(goodRule)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Spec().Provider != "Example" || rs[0].MaxLen() != 36 {
		t.Fatalf("got %d rules, provider %q, MaxLen %d", len(rs), rs[0].Spec().Provider, rs[0].MaxLen())
	}
}

func TestLoadRejectsBadSpecs(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown field", map[string]string{"a.yaml": strings.Replace(goodRule, "kind: token", "kind: token\n    severity: high", 1)}, "severity"},
		{"unknown scope field", map[string]string{"a.yaml": strings.Replace(goodRule, "access: read", "access: read, blast: 3", 1)}, "blast"},
		{"unbounded pattern", map[string]string{"a.yaml": strings.Replace(goodRule, "{32}", "+", 1)}, "max_len"},
		{"duplicate id", map[string]string{"a.yaml": goodRule, "b.yaml": goodRule}, "twice"},
		{"bad access", map[string]string{"a.yaml": strings.Replace(goodRule, "access: read", "access: everything", 1)}, "access"},
		{"bad reach", map[string]string{"a.yaml": strings.Replace(goodRule, "reach: resource", "reach: galaxy", 1)}, "reach"},
		{"unknown validator", map[string]string{"a.yaml": strings.Replace(goodRule, "    scope:", "    validate: luhn\n    scope:", 1)}, "validation"},
		{"unknown decoder", map[string]string{"a.yaml": strings.Replace(goodRule, "    scope:", "    decode: tea-leaves\n    scope:", 1)}, "decoder"},
		{"short literal", map[string]string{"a.yaml": strings.Replace(goodRule, "[exa_]", "[ex]", 1)}, "shorter than 3"},
		{"no literal", map[string]string{"a.yaml": strings.Replace(goodRule, "literals: [exa_]", "literals: []", 1)}, "literal"},
		{"bad pattern", map[string]string{"a.yaml": strings.Replace(goodRule, `\bexa_`, `(exa_`, 1)}, "pattern"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, c := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(c)}
			}
			_, err := rules.LoadFS(fsys)
			if err == nil {
				t.Fatalf("loaded a bad spec")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// TestAWSPairCarriesKeyID checks that the key id of an AWS pair is kept as
// an attr in both orders (key id first, secret first).
func TestAWSPairCarriesKeyID(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(1)
	for _, tmpl := range []string{
		"aws_access_key_id = AKIA{{rand 16 UBASE32}}\naws_secret_access_key = {{rand 40 b64}}\n",
		"AWS_SECRET_ACCESS_KEY={{rand 40 b64}}\nAWS_ACCESS_KEY_ID=AKIA{{rand 16 UBASE32}}\n",
	} {
		ex, err := g.Expand(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range scan(set, ex) {
			if c.RuleID != "aws-access-key" {
				continue
			}
			found = true
			id := c.Attrs["key_id"]
			if len(id) != 20 || !strings.HasPrefix(id, "AKIA") || !strings.Contains(ex, id) {
				t.Errorf("key_id attr %q for %q", id, ex)
			}
			if len(c.Secret) != 40 {
				t.Errorf("secret of %d bytes", len(c.Secret))
			}
		}
		if !found {
			t.Errorf("no aws-access-key finding in %q", ex)
		}
	}
}
