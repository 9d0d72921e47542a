package scanner_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
)

func TestRedact(t *testing.T) {
	g := testtoken.New(13)
	for _, tc := range []struct {
		secret, prefix, want string
	}{
		{g.GitHub("ghp_"), "ghp_", "ghp_********"},
		{"sk_live_" + g.Rand(24, "alnum"), "sk_live_", "sk_live_********"},
		{"xoxb-" + g.Rand(40, "digits"), "xoxb-", "xoxb-********"},
		{"AKIA" + g.Rand(16, "ualnum"), "AKIA", "AKIA********"},
		{g.GitHub("ghp_"), "gho_", "********"},          // a prefix the secret lacks is not shown
		{"ab_" + g.Rand(5, "alnum"), "ab_", "********"}, // a prefix over a quarter of the secret is not kept
		{g.Rand(40, "alnum"), "", "********"},           // no prefix: not even the first characters
		{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n-----END OPENSSH PRIVATE KEY-----", "", "-----BEGIN OPENSSH PRIVATE KEY-----********"},
		{"", "", "********"},
	} {
		got := scanner.RedactPrefix(tc.secret, tc.prefix)
		if got != tc.want {
			t.Errorf("RedactPrefix(%.6s..., %q) = %q, want %q", tc.secret, tc.prefix, got, tc.want)
		}
		kept := strings.TrimSuffix(got, "********")
		if !strings.HasPrefix(tc.secret, "-----BEGIN") && len(kept)*4 > len(tc.secret) {
			t.Errorf("RedactPrefix kept %d of %d bytes", len(kept), len(tc.secret))
		}
	}
}

// Redact without a rule's prefix shows nothing of a secret: not the first
// four characters of an unprefixed one, not a first segment that looks
// like a prefix (a UUID's eight hex digits, a password's first word).
func TestRedactShowsNoRandomCharacters(t *testing.T) {
	g := testtoken.New(17)
	for _, secret := range []string{
		g.UUID(),
		"k3y9x2p7-" + g.Rand(12, "lalnum"),
		"AKIA" + g.Rand(16, "ualnum"),
		g.Rand(40, "alnum"),
		"Xk3j_" + g.Rand(30, "alnum"),
		"sk-proj-wz-B_" + g.Rand(36, "alnum"),
	} {
		if got := scanner.Redact(secret); got != "********" {
			t.Errorf("Redact(%d bytes) = %q, want ********", len(secret), got)
		}
	}
}

func TestKeyName(t *testing.T) {
	for _, tc := range []struct{ before, want string }{
		{`export GITHUB_TOKEN="`, "GITHUB_TOKEN"},
		{`GITHUB_TOKEN=`, "GITHUB_TOKEN"},
		{`  "api_key": "`, "api_key"},
		{`Authorization: Bearer `, "Authorization"},
		{`--token=`, "token"},
		{`token := "`, "token"},
		{`'secret' => '`, "secret"},
		{`config.aws.secret_key = '`, "config.aws.secret_key"},
		{`headers["X-Api-Key"] = "`, "X-Api-Key"},
		{`password: `, "password"},
		{`just some words `, ""},
		{`url(`, ""},
		{``, ""},
		{`= "`, ""},
	} {
		if got := scanner.KeyName([]byte(tc.before)); got != tc.want {
			t.Errorf("KeyName(%q) = %q, want %q", tc.before, got, tc.want)
		}
	}
}
