package recall

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
)

// Floors, set from the measured figures (see docs/recall.md); the test
// fails when a change drops below them.
const (
	floorRecall      = 0.85
	floorBareRecall  = 0.43
	floorNamedRecall = 0.52
	ceilNegFlagged   = 0.05
)

// Form says how a credential is presented.
type Form string

const (
	Context Form = "context" // the rule's own example: vendor variable, header, file
	Bare    Form = "bare"    // the token alone on a line
	Foreign Form = "foreign" // a generic name, header, flag or URL parameter
)

// A Case is one labelled piece of content.
type Case struct {
	Name     string
	Provider string // expected provider; "" for a negative
	Rule     string // expected rule id, when one is expected
	Form     Form
	Content  string
	Secret   string // the credential, when known; "" means any finding of Rule
	Path     string // the file name the content is scanned as; "case.txt" when empty
}

// foreign contexts put a rule's secret where no vendor name is.
var foreign = []string{
	"config = {\"api_key\": \"%s\"}\n",
	"curl -H 'Authorization: Bearer %s' https://api.internal.test/v1/items\n",
	"app --token=%s --verbose\n",
	"credentials:\n  token: %s\n",
}

func seed(s string, n int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64() + uint64(n)
}

func gen(t *testing.T, name, tmpl string) string {
	t.Helper()
	s, err := testtoken.New(seed(name, 7)).Expand(tmpl)
	if err != nil {
		t.Fatalf("%s: %q: %v", name, tmpl, err)
	}
	return s
}

// ruleCases derives, for every rule, its first positive example (context),
// the credential alone (bare) and the credential in each foreign context.
// Paired rules (a key id with its secret) get only the context case: their
// secret alone is not a credential anyone can name.
func ruleCases(t *testing.T, set *detectors.Set) []Case {
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	var out []Case
	for _, s := range specs {
		ex := gen(t, s.ID, s.Examples.Positive[0])
		var secret string
		set.NewMatcher().ScanStart([]byte(ex), func(c detectors.Candidate) {
			if c.RuleID == s.ID && secret == "" {
				secret = c.Secret
			}
		})
		if secret == "" {
			t.Fatalf("%s: its first positive example is not found", s.ID)
		}
		out = append(out, Case{Name: s.ID, Provider: s.Provider, Rule: s.ID, Form: Context, Content: ex, Secret: secret})
		if strings.Contains(s.Pattern, "?P<key_id>") {
			continue
		}
		bare := secret
		if m := regexp.MustCompile(s.Pattern).FindString(ex); strings.Contains(m, "://") {
			bare = m // a URL whose path or query is the secret: the URL is the bare form
		}
		out = append(out, Case{Name: s.ID + "/bare", Provider: s.Provider, Rule: s.ID, Form: Bare, Content: bare + "\n", Secret: secret})
		for i, f := range foreign {
			out = append(out, Case{Name: fmt.Sprintf("%s/foreign%d", s.ID, i), Provider: s.Provider, Rule: s.ID, Form: Foreign,
				Content: fmt.Sprintf(f, bare), Secret: secret})
		}
	}
	return out
}

type fileCase struct {
	Name     string `yaml:"name"`
	Provider string `yaml:"provider"`
	Rule     string `yaml:"rule"`
	Form     Form   `yaml:"form"`
	Content  string `yaml:"content"`
	Path     string `yaml:"path"` // the file name the content is scanned as
}

func loadCases(t *testing.T, path string) []Case {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fcs []fileCase
	if err := yaml.Unmarshal(b, &fcs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []Case
	for _, f := range fcs {
		if f.Form == "" {
			f.Form = Context
		}
		out = append(out, Case{Name: f.Name, Provider: f.Provider, Rule: f.Rule, Form: f.Form, Content: gen(t, f.Name, f.Content), Path: f.Path})
	}
	return out
}

// decodedCases put credentials where only decoding shows them: base64
// values of a Kubernetes Secret, percent-encoded and JSON-escaped strings.
func decodedCases(t *testing.T) []Case {
	g := testtoken.New(seed("decoded", 0))
	ghp := g.GitHub("ghp_")
	slackURL := "https://hooks.slack.com/services/T" + g.Rand(10, "UBASE32") + "/B" + g.Rand(10, "UBASE32") + "/" + g.Rand(24, "alnum")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return []Case{
		{Name: "k8s-secret-data", Provider: "GitHub", Rule: "github-classic-pat", Form: Context, Secret: ghp, Path: "k8s/ci-secret.yaml",
			Content: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  GITHUB_TOKEN: " + b64(ghp) + "\n"},
		{Name: "k8s-secret-data-json", Provider: "GitHub", Rule: "github-classic-pat", Form: Context, Secret: ghp, Path: "k8s/secrets.json",
			Content: "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"ci\"}, \"data\": {\"token\": \"" + b64(ghp) + "\"}}\n"},
		{Name: "json-escaped-slash", Provider: "Slack", Rule: "slack-webhook-url", Form: Context, Path: "hooks.json",
			Content: "{\"webhook\": \"" + strings.ReplaceAll(slackURL, "/", "\\/") + "\"}\n"},
		{Name: "json-unicode-escaped-slash", Provider: "Slack", Rule: "slack-webhook-url", Form: Context, Path: "hooks.json",
			Content: "{\"webhook\": \"" + strings.ReplaceAll(slackURL, "/", "\\u002F") + "\"}\n"},
		{Name: "percent-encoded-url", Provider: "Slack", Rule: "slack-webhook-url", Form: Context, Path: "access.log",
			Content: "redirect=" + strings.NewReplacer(":", "%3A", "/", "%2F").Replace(slackURL) + "&x=1\n"},
	}
}

type tally struct{ n, any, named int }

func (t *tally) add(any, named bool) {
	t.n++
	if any {
		t.any++
	}
	if named {
		t.named++
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// TestRecall scans every case through the engine (default rules and code
// detectors, the decoding expanders, generic shadowing and dedup) and
// prints the figures; with RECALL_REPORT set it also writes the
// per-provider table there.
func TestRecall(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, ChunkSize: 64 << 10, Expanders: expanders(), Formats: formats(set)})
	cases := ruleCases(t, set)
	cases = append(cases, loadCases(t, "../../testdata/recall/cases.yaml")...)
	cases = append(cases, decodedCases(t)...)
	negs := loadCases(t, "../../testdata/recall/negatives.yaml")

	byForm := map[Form]*tally{Context: {}, Bare: {}, Foreign: {}}
	byProvider := map[string]*tally{}
	var missed []string
	for _, c := range cases {
		p := c.Path
		if p == "" {
			p = "case.txt"
		}
		fs := eng.ScanBytes(scanner.Origin{Kind: "file", Path: p}, []byte(c.Content))
		any, named := false, false
		for _, f := range fs {
			covers := c.Secret == "" || strings.Contains(f.Secret, c.Secret) || strings.Contains(c.Secret, f.Secret) && len(f.Secret) >= 8
			if !covers {
				continue
			}
			any = true
			if f.RuleID == c.Rule || c.Rule == "" && f.Provider == c.Provider {
				named = true
			}
		}
		byForm[c.Form].add(any, named)
		if byProvider[c.Provider] == nil {
			byProvider[c.Provider] = &tally{}
		}
		byProvider[c.Provider].add(any, named)
		if !named {
			missed = append(missed, fmt.Sprintf("%s (%s)", c.Name, map[bool]string{true: "found unnamed", false: "missed"}[any]))
		}
	}
	flagged := 0
	var fps []string
	for _, c := range negs {
		p := c.Path
		if p == "" {
			p = "case.yaml"
		}
		fs := eng.ScanBytes(scanner.Origin{Kind: "file", Path: p}, []byte(c.Content))
		for _, f := range fs {
			if f.Severity == scope.SevInfo {
				continue
			}
			flagged++
			fps = append(fps, fmt.Sprintf("%s: %s", c.Name, f.RuleID))
			break
		}
	}

	all := tally{}
	for _, f := range []Form{Context, Bare, Foreign} {
		all.n += byForm[f].n
		all.any += byForm[f].any
		all.named += byForm[f].named
	}
	recall, named := pct(all.any, all.n), pct(all.named, all.n)
	bare := pct(byForm[Bare].any, byForm[Bare].n)
	neg := pct(flagged, len(negs))
	t.Logf("positives %d (context %d, bare %d, foreign %d), negatives %d, providers %d",
		all.n, byForm[Context].n, byForm[Bare].n, byForm[Foreign].n, len(negs), len(byProvider))
	t.Logf("recall %.1f%% (named by the right rule %.1f%%)", 100*recall, 100*named)
	for _, f := range []Form{Context, Bare, Foreign} {
		t.Logf("  %-8s recall %.1f%% named %.1f%%", f, 100*pct(byForm[f].any, byForm[f].n), 100*pct(byForm[f].named, byForm[f].n))
	}
	t.Logf("bare-token recall %.1f%%; negatives flagged %.1f%% (%d of %d)", 100*bare, 100*neg, flagged, len(negs))
	for _, fp := range fps {
		t.Logf("  flagged negative: %s", fp)
	}
	if out := os.Getenv("RECALL_REPORT"); out != "" {
		writeReport(t, out, byProvider, missed)
	}
	if recall < floorRecall || named < floorNamedRecall || bare < floorBareRecall || neg > ceilNegFlagged {
		t.Errorf("below the floors: recall %.3f (min %.2f), named %.3f (min %.2f), bare %.3f (min %.2f), negatives %.3f (max %.2f)",
			recall, floorRecall, named, floorNamedRecall, bare, floorBareRecall, neg, ceilNegFlagged)
	}
}

func writeReport(t *testing.T, path string, byProvider map[string]*tally, missed []string) {
	var names []string
	for p := range byProvider {
		names = append(names, p)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %6s %8s %8s\n", "provider", "cases", "found", "named")
	for _, p := range names {
		tl := byProvider[p]
		fmt.Fprintf(&b, "%-32s %6d %7.0f%% %7.0f%%\n", p, tl.n, 100*pct(tl.any, tl.n), 100*pct(tl.named, tl.n))
	}
	b.WriteString("\nnot named by the expected rule:\n")
	for _, m := range missed {
		b.WriteString("  " + m + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
