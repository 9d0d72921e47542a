package reporters_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
)

// engineCorpus is content holding generated credentials: GitHub tokens of
// every prefix, and every positive example of every built-in rule (so the
// test grows with the rules).
func engineCorpus(t *testing.T) map[string]string {
	t.Helper()
	g := testtoken.New(2026)
	files := map[string]string{}
	var gh strings.Builder
	for i, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "ghp_", "ghp_"} {
		fmt.Fprintf(&gh, "TOKEN_%d=%s\n", i, g.GitHub(p))
	}
	files["config/github.env"] = gh.String()
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		for i, ex := range s.Examples.Positive {
			text, err := g.Expand(ex)
			if err != nil {
				t.Fatalf("rule %s example %d: %v", s.ID, i, err)
			}
			files[fmt.Sprintf("examples/%s-%d.txt", s.ID, i)] = text + "\n"
		}
	}
	return files
}

// scanCorpus scans every file through the real engine and built-in rules.
// corpusFingerprints is shared by every scan of the corpus, so each
// distinct low-entropy secret pays its Argon2id fingerprint once per test
// binary, not once per scan (that was three quarters of this package's time).
var corpusFingerprints, _ = scanner.NewFingerprinter(nil)

func scanCorpus(t *testing.T, set *detectors.Set, files map[string]string, show bool) *scanner.Result {
	t.Helper()
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: show, ChunkSize: 64 << 10, Fingerprinter: corpusFingerprints})
	res := &scanner.Result{Skipped: []scanner.Skipped{}, Stats: scanner.Stats{Items: int64(len(files))}}
	for path, content := range files {
		res.Findings = append(res.Findings, eng.ScanBytes(scanner.Origin{Kind: "file", Path: path, Via: "workspace"}, []byte(content))...)
		res.Stats.Bytes += int64(len(content))
	}
	scanner.SortFindings(res.Findings)
	return res
}

// randomPart is the part of a secret its redacted form does not show:
// what follows the kept prefix, without a PEM footer.
func randomPart(secret string) string {
	kept := strings.TrimSuffix(scanner.Redact(secret), "********")
	r := strings.TrimPrefix(secret, kept)
	if i := strings.Index(r, "-----END "); i >= 0 {
		r = r[:i]
	}
	return r
}

func onlyTokenChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

func TestRedactionEveryFormat(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	files := engineCorpus(t)
	shown := scanCorpus(t, set, files, true)
	var secrets []string
	github := 0
	for _, f := range shown.Findings {
		if f.Secret == "" {
			t.Fatalf("%s: engine with ShowSecrets kept no secret", f.RuleID)
		}
		secrets = append(secrets, f.Secret)
		if f.Provider == "GitHub" {
			github++
		}
	}
	if github < 3 {
		t.Fatalf("only %d GitHub findings from the corpus; the test would prove little", github)
	}
	t.Logf("%d findings from %d files, %d rules", len(shown.Findings), len(files), len(set.Infos()))

	redacted := scanCorpus(t, set, files, false)
	if len(redacted.Findings) != len(shown.Findings) {
		t.Fatalf("%d findings redacted, %d shown", len(redacted.Findings), len(shown.Findings))
	}
	infos := map[string]detectors.Info{}
	for _, inf := range set.Infos() {
		infos[inf.ID] = inf
	}
	run := reporters.Run{ToolName: "tokenscope", ToolVersion: "test", Command: "scan", Roots: []string{"."},
		Rules: infos, FailOn: scope.Level{Min: scope.SevLow}}
	applyPolicy(run, shown)
	applyPolicy(run, redacted)

	// Values that a specific rule reports as a non-secret fact (an
	// attribute such as an AWS key id or a Twilio key SID) are printed by
	// design; if another detector also calls one a secret, that is a
	// detector conflict, not a reporter leak.
	facts := map[string]string{}
	for _, f := range shown.Findings {
		for _, v := range f.Attrs {
			facts[v] = f.RuleID
		}
	}
	// Every 8 characters of every secret's random part, except those that
	// documentation or evidence spells out (fixed markers such as an
	// "sb_publishable_" prefix that Redact had to drop, or OpenAI's
	// "T3BlbkFJ").
	var public strings.Builder
	for _, inf := range infos {
		fmt.Fprintln(&public, inf.ID, inf.Kind, inf.Description, strings.Join(inf.Base.Evidence, "\n"))
	}
	for i, f := range shown.Findings {
		// The corpus names its files after the rules (examples/RULE-1.txt):
		// a random part that happens to start with that digit is no leak.
		// A fingerprint is a keyed hash printed by design; 8 of its hex
		// digits may equal 8 of a hex secret's by chance.
		fmt.Fprintln(&public, f.Key, f.Origin.Path, redacted.Findings[i].Redacted, f.Fingerprint, strings.Join(f.Scope.Evidence, "\n"))
	}
	publicGrams := map[string]bool{}
	for pub, i := public.String(), 0; i+8 <= len(pub); i++ {
		publicGrams[pub[i:i+8]] = true
	}
	windows := map[string]string{}
	secrets = secrets[:0]
	for _, f := range shown.Findings {
		if id, ok := facts[f.Secret]; ok {
			t.Logf("%s calls a value a secret that %s reports as a non-secret attribute; not counted", f.RuleID, id)
			continue
		}
		r := randomPart(f.Secret)
		if !onlyTokenChars(r) || len(r) < 8 {
			// checked whole; the windows below cover the others
			secrets = append(secrets, f.Secret)
			continue
		}
		for j := 0; j+8 <= len(r); j++ {
			if w := r[j : j+8]; !publicGrams[w] {
				windows[w] = f.RuleID
			}
		}
	}
	leaks := func(out []byte) (string, string) {
		for i := 0; i+8 <= len(out); i++ {
			if id, ok := windows[string(out[i:i+8])]; ok {
				return string(out[i : i+8]), id
			}
		}
		return "", ""
	}

	for _, format := range reporters.Formats {
		rep, err := reporters.New(format)
		if err != nil {
			t.Fatal(err)
		}
		for _, color := range []bool{false, true} {
			run.Color = color
			// Findings as the engine built them without --show-secrets,
			// and findings that still carry secrets (a caller that forgot
			// the flag): neither may leak.
			for name, res := range map[string]*scanner.Result{"redacted": redacted, "carrying secrets": shown} {
				out := render(t, rep, run, res)
				for _, s := range secrets {
					if bytes.Contains(out, []byte(s)) {
						t.Errorf("%s (%s, colour %v): raw secret %q... printed", format, name, color, s[:min(6, len(s))])
					}
				}
				if w, id := leaks(out); w != "" {
					t.Errorf("%s (%s, colour %v): 8 characters %q of a %s secret's random part printed", format, name, color, w, id)
				}
			}
		}
	}

	// With --show-secrets the JSON report holds every secret.
	run.ShowSecrets = true
	var rep struct {
		Findings []struct {
			Secret string `json:"secret"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(render(t, reporters.JSON{}, run, shown), &rep); err != nil {
		t.Fatal(err)
	}
	for i, f := range rep.Findings {
		if f.Secret != shown.Findings[i].Secret {
			t.Errorf("finding %d: --show-secrets JSON lacks the secret", i)
		}
	}
}

// Reports of real findings (every rule's examples through the engine)
// validate too, not only the hand-built fixture.
func TestEngineReportsValidate(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	res := scanCorpus(t, set, engineCorpus(t), false)
	infos := map[string]detectors.Info{}
	for _, inf := range set.Infos() {
		infos[inf.ID] = inf
	}
	run := reporters.Run{ToolName: "tokenscope", ToolVersion: "0.1.0", Command: "scan", Roots: []string{"."},
		Rules: infos, FailOn: scope.Level{Min: scope.SevHigh}, BaseDir: "/src"}
	// every other finding suppressed, one of each kind in turn, so both
	// schemas see suppressions
	kinds := []scanner.SuppressKind{scanner.SuppressInline, scanner.SuppressBaseline, scanner.SuppressAllowlist}
	n := 0
	applyPolicy(run, res, policy.SuppressorFunc{ID: "test", Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
		n++
		if n%2 == 0 {
			return scanner.Suppression{}, false
		}
		return scanner.Suppression{Kind: kinds[(n/2)%3], Reason: "test suppression", Source: ".tokenscope.toml"}, true
	}})
	if s := policy.Count(res); s.Suppressed == 0 || s.Suppressed+s.Failing > len(res.Findings) {
		t.Fatalf("policy stage: %+v over %d findings", s, len(res.Findings))
	}
	validate(t, compileSchema(t, "sarif-2.1.0.json"), render(t, reporters.SARIF{}, run, res))
	validate(t, compileSchema(t, "report.schema.json"), render(t, reporters.JSON{}, run, res))
}
