package reporters_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

func verifiedResult() (reporters.Run, *scanner.Result) {
	sc := scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Destructive: true, DestroysWhat: "repositories",
		Confidence: scope.ConfidenceVerified, Evidence: []string{"verified: X-OAuth-Scopes: delete_repo, repo"}}.Normalize()
	res := &scanner.Result{Findings: []scanner.Finding{{
		RuleID: "github-classic-pat", Provider: "GitHub", Kind: "classic personal access token",
		Redacted: "ghp_ab…", Fingerprint: strings.Repeat("ab", 16), Origin: scanner.Origin{Kind: "file", Path: "a.env"},
		Line: 1, Column: 14, EndLine: 1, EndColumn: 54, Scope: sc, Severity: sc.Severity(),
		Verification: &scanner.Verification{State: scanner.VerifyLive, Host: "ghe.example.com", Endpoint: "https://ghe.example.com/api/v3",
			Evidence: []string{"GET /user: HTTP 200, login octo", "X-OAuth-Scopes: delete_repo, repo"}},
	}, {
		RuleID: "npm-access-token", Provider: "npm", Kind: "granular access token",
		Redacted: "npm_ab…", Fingerprint: strings.Repeat("cd", 16), Origin: scanner.Origin{Kind: "file", Path: "a.env"},
		Line: 2, Column: 11, EndLine: 2, EndColumn: 51, Scope: scope.Scope{}.Normalize(),
		Verification: &scanner.Verification{State: scanner.VerifyInvalid, Host: "registry.npmjs.org", Evidence: []string{"GET /-/whoami: HTTP 401"}},
	}}}
	run := reporters.Run{ToolName: "tokenscope", Command: "scan", Roots: []string{"."}, Width: 300,
		Verify: &reporters.VerifyInfo{Live: 1, Invalid: 1, Requests: 2, Endpoints: []string{"github=https://ghe.example.com/api/v3"}}}
	return run, res
}

func TestVerificationInReports(t *testing.T) {
	run, res := verifiedResult()
	js := render(t, reporters.JSON{}, run, res)
	validate(t, compileSchema(t, "report.schema.json"), js)
	for _, want := range []string{`"state": "live"`, `"endpoint": "https://ghe.example.com/api/v3"`, `"confidence": "verified"`, `"requests": 2`, `"github=https://ghe.example.com/api/v3"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("json lacks %s", want)
		}
	}
	term := string(render(t, reporters.Terminal{}, run, res))
	for _, want := range []string{
		"issuer  live (https://ghe.example.com/api/v3, --verify-endpoint): GET /user: HTTP 200, login octo",
		"issuer  invalid (not live) (registry.npmjs.org): GET /-/whoami: HTTP 401",
		"Verified with the issuers (2 requests): 1 live, 1 invalid, 0 unknown; endpoints: github=https://ghe.example.com/api/v3",
	} {
		if !strings.Contains(term, want) {
			t.Errorf("terminal lacks %q:\n%s", want, term)
		}
	}
	sarif := string(render(t, reporters.SARIF{}, run, res))
	for _, want := range []string{`"verification": {`, `"state": "invalid"`, "Issuer (ghe.example.com): live."} {
		if !strings.Contains(sarif, want) {
			t.Errorf("sarif lacks %s", want)
		}
	}
	// a report without --verify has no verification member at all
	run.Verify = nil
	for i := range res.Findings {
		res.Findings[i].Verification = nil
	}
	if js := render(t, reporters.JSON{}, run, res); strings.Contains(string(js), "verification") {
		t.Error("verification written without --verify")
	}
}
