package reporters_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reporters -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./reporters -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// fixture is a result covering every kind of origin and every blast-radius
// group. Its findings carry their raw secrets, as they would with
// --show-secrets, so that tests can check a report with ShowSecrets off
// prints none of them.
type fixture struct {
	res     *scanner.Result
	run     reporters.Run
	secrets []string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	g := testtoken.New(42)
	pat := g.GitHub("ghp_")
	oldPat := g.GitHub("ghp_")
	slack := "xoxb-" + g.Rand(12, "digits") + "-" + g.Rand(12, "digits") + "-" + g.Rand(24, "alnum")
	deploy := "gldt-" + g.Rand(20, "alnum")
	stripeTest := "sk_test_" + g.Rand(24, "alnum")
	publishable := "pk_live_" + g.Rand(24, "alnum")
	openai := "sk-proj-" + g.Rand(48, "b64url")
	awsSecret := g.Rand(40, "b64")
	awsKeyID := "AKIA" + g.Rand(16, "UBASE32")

	ghBase := scope.Scope{
		Access: scope.AccessWrite, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived,
		Destructive: true, DestroysWhat: "repositories (with delete_repo scope)",
		Evidence:   []string{"prefix ghp_: classic PAT, reaches every repo of its owner"},
		Confidence: scope.ConfidencePrefix,
	}
	slackScope := scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived,
		Evidence: []string{"prefix xoxb-: bot token, the bot's scopes in one workspace"}, Confidence: scope.ConfidencePrefix}
	deployScope := scope.Scope{Access: scope.AccessRead, Reach: scope.ReachResource, Lifetime: scope.LifetimeExpiring,
		ExpiresAt:  ptrTime(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)),
		Evidence:   []string{"prefix gldt-: deploy token, one project", "variable name DEPLOY_TOKEN_READ: read_repository"},
		Confidence: scope.ConfidenceContext}
	stripeScope := scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Env: scope.EnvTest,
		Lifetime: scope.LifetimeLongLived, Evidence: []string{"prefix sk_test_: test mode, no real money"}, Confidence: scope.ConfidencePrefix}
	pubScope := scope.Scope{Access: scope.AccessNone, Env: scope.EnvProduction,
		Evidence: []string{"prefix pk_live_: publishable key, meant for browsers"}, Confidence: scope.ConfidencePrefix}
	openaiScope := scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachProject, Lifetime: scope.LifetimeLongLived,
		Evidence: []string{"prefix sk-proj-: project key"}, Confidence: scope.ConfidencePrefix}
	awsScope := scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived,
		Destructive: true, DestroysWhat: "whatever the IAM user may delete",
		Evidence:   []string{"key id AKIA: long-lived IAM user key", "profile default in ~/.aws/credentials"},
		Confidence: scope.ConfidencePrefix}

	mk := func(rule, provider, kind, secret string, sc scope.Scope, o scanner.Origin, line, col int, key string) scanner.Finding {
		return scanner.Finding{
			RuleID: rule, Provider: provider, Kind: kind, Secret: secret,
			Redacted: scanner.RedactPrefix(secret, fixturePrefix[rule]), Fingerprint: scanner.Fingerprint(rule, secret),
			Origin: o, Line: line, Column: col, EndLine: line, EndColumn: col + len(secret),
			Key: key, Scope: sc, Severity: sc.Severity(),
		}
	}
	ws := func(p string) scanner.Origin { return scanner.Origin{Kind: "file", Path: p, Via: "workspace"} }

	fs := []scanner.Finding{
		mk("github-classic-pat", "GitHub", "classic personal access token", pat, ghBase, ws("config/.env"), 3, 14, "GITHUB_TOKEN"),
		mk("github-classic-pat", "GitHub", "classic personal access token", oldPat, ghBase, scanner.Origin{
			Kind: "git", Path: "deploy/old.env", Commit: "3f2a9c1d5e7b8a0f1c2d3e4f5a6b7c8d9e0f1a2b",
			Author: "Dana Dev", Date: "2024-05-01", Via: "history", InHistoryOnly: true,
		}, 7, 1, "GH_TOKEN"),
		mk("slack-bot-token", "Slack", "bot token", slack, slackScope, ws("src/app config.yaml"), 10, 12, "slack_token"),
		mk("gitlab-deploy-token", "GitLab", "deploy token", deploy, deployScope, ws("ci/deploy.sh"), 4, 20, "DEPLOY_TOKEN_READ"),
		mk("stripe-secret-key", "Stripe", "secret key", stripeTest, stripeScope, scanner.Origin{
			Kind: "archive", Path: "config/settings.json", Chain: []string{"dist/app.zip"}, Via: "workspace",
		}, 2, 18, "stripe_key"),
		mk("stripe-publishable-key", "Stripe", "publishable key", publishable, pubScope, ws("web/index.html"), 40, 22, ""),
		mk("openai-project-key", "OpenAI", "project API key", openai, openaiScope, scanner.Origin{Kind: "env", Via: "environment"}, 0, 0, "OPENAI_API_KEY"),
		mk("aws-access-key", "AWS", "access key", awsSecret, awsScope, scanner.Origin{
			Kind: "home", Path: "~/.aws/credentials", Store: "aws-credentials", Via: "home",
		}, 3, 23, "aws_secret_access_key"),
	}
	fs[1].Also = []scanner.Origin{
		{Kind: "git", Path: "deploy/old.env", Commit: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", Author: "Dana Dev", Date: "2024-05-03", Via: "history", InHistoryOnly: true},
		{Kind: "git", Path: "deploy/prod.env", Commit: "1111111111222222222233333333334444444444", Author: "Sam Ops", Date: "2024-06-11", Via: "history", InHistoryOnly: true},
	}
	fs[7].Attrs = map[string]string{"key_id": awsKeyID, "profile": "default"}
	scanner.SortFindings(fs)

	var skipped []scanner.Skipped
	for i := 0; i < 11; i++ {
		skipped = append(skipped, scanner.Skipped{Path: "assets/img" + string(rune('a'+i)) + ".png", Reason: "binary file", Kind: scanner.SkipBinary})
	}
	skipped = append(skipped,
		scanner.Skipped{Path: "data/dump.sql", Reason: "larger than --max-file-size: only the first 26214400 bytes were scanned", Kind: scanner.SkipTooLarge, Partial: true},
		scanner.Skipped{Path: "secret/locked.env", Reason: "permission denied", Kind: scanner.SkipUnreadable},
		scanner.Skipped{Path: "secret/gone.env", Reason: "no such file or directory", Kind: scanner.SkipUnreadable},
	)

	infos := map[string]detectors.Info{
		"github-classic-pat": {ID: "github-classic-pat", Provider: "GitHub", Kind: "classic personal access token",
			Description: "A classic personal access token reaches every repository its owner can reach, with the scopes chosen at creation.", Base: ghBase},
		"slack-bot-token":        {ID: "slack-bot-token", Provider: "Slack", Kind: "bot token", Base: slackScope},
		"gitlab-deploy-token":    {ID: "gitlab-deploy-token", Provider: "GitLab", Kind: "deploy token", Base: scope.Scope{Access: scope.AccessRead, Reach: scope.ReachResource}},
		"stripe-secret-key":      {ID: "stripe-secret-key", Provider: "Stripe", Kind: "secret key", Description: "A Stripe secret key acts on the whole account.", Base: stripeScope},
		"stripe-publishable-key": {ID: "stripe-publishable-key", Provider: "Stripe", Kind: "publishable key", Base: pubScope},
		"openai-project-key":     {ID: "openai-project-key", Provider: "OpenAI", Kind: "project API key", Base: openaiScope},
		// aws-access-key is left out on purpose: reports must cope with a
		// rule they have no description of.
	}
	fx := fixture{
		res: &scanner.Result{
			Findings: fs,
			Skipped:  skipped,
			Stats:    scanner.Stats{Items: 1234, Bytes: 5_870_000, Skipped: int64(len(skipped)), Duration: 1250 * time.Millisecond},
		},
		run: reporters.Run{
			ToolName: "tokenscope", ToolVersion: "1.2.3", Command: "scan", Roots: []string{"."},
			Rules: infos, FailOn: scope.Level{Min: scope.SevHigh}, Width: 100, BaseDir: "/work/project",
		},
		secrets: []string{pat, oldPat, slack, deploy, stripeTest, publishable, openai, awsSecret},
	}
	applyPolicy(fx.run, fx.res)
	return fx
}

// applyPolicy runs the policy stage as the commands do before reporting.
func applyPolicy(run reporters.Run, res *scanner.Result, sup ...policy.Suppressor) {
	policy.Policy{FailOn: run.FailOn, Suppressors: sup}.Apply(res)
}

func ptrTime(t time.Time) *time.Time { return &t }

func render(t *testing.T, rep reporters.Reporter, run reporters.Run, res *scanner.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := rep.Report(&buf, run, res); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixturePrefix is each fixture rule's documented prefix, as the rule
// would hand it to redaction.
var fixturePrefix = map[string]string{
	"github-classic-pat": "ghp_", "slack-bot-token": "xoxb-", "gitlab-deploy-token": "gldt-",
	"stripe-secret-key": "sk_test_", "stripe-publishable-key": "pk_live_", "openai-project-key": "sk-proj-",
}
