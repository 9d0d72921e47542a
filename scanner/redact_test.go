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
		secret, want string
	}{
		{g.GitHub("ghp_"), "ghp_********"},
		{"sk_live_" + g.Rand(24, "alnum"), "sk_live_********"},
		{"xoxb-" + g.Rand(40, "digits"), "xoxb-********"},
		{"AKIA" + g.Rand(16, "ualnum"), "AKIA********"}, // no separator: first four of a long secret
		{g.Rand(12, "alnum"), "********"},               // short, no prefix: nothing kept
		{"ab_" + g.Rand(5, "alnum"), "********"},        // a prefix over a quarter of the secret is not kept
		{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n-----END OPENSSH PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----********"},
		{"", "********"},
	} {
		got := scanner.Redact(tc.secret)
		if got != tc.want {
			t.Errorf("Redact(%.6s...) = %q, want %q", tc.secret, got, tc.want)
		}
		kept := strings.TrimSuffix(got, "********")
		if !strings.HasPrefix(tc.secret, "-----BEGIN") && len(kept)*4 > len(tc.secret) {
			t.Errorf("Redact kept %d of %d bytes", len(kept), len(tc.secret))
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

// A key whose random part holds separators keeps only its vendor prefix.
func TestRedactStopsAtRandomSegments(t *testing.T) {
	for _, tc := range []struct{ secret, want string }{
		{"sk-proj-wz-B_" + strings.Repeat("x9Q", 12), "sk-proj-********"},
		{"sk-ant-api03-" + strings.Repeat("aB3", 30), "sk-ant-api03-********"},
		{"github_pat_11ABCDEFG_" + strings.Repeat("z", 59), "github_pat_********"},
		{"dp.st.prd." + strings.Repeat("k", 40), "dp.st.********"},
		{"Xk3j_" + strings.Repeat("q", 30), "Xk3j********"},
	} {
		if got := scanner.Redact(tc.secret); got != tc.want {
			t.Errorf("Redact(%.8s...) = %q, want %q", tc.secret, got, tc.want)
		}
	}
}
