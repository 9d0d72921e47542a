package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
)

// Tokens whose shape two vendors share are named by what their line (or
// the line above) says, and an unknown provider's, with the candidates,
// when it says nothing: never the wrong vendor.
func TestSharedShapesDisambiguated(t *testing.T) {
	g := testtoken.New(31)
	atlas := func() string { return g.Rand(14, "alnum") + ".atlasv1." + g.Rand(67, "alnum") }
	hex := func() string { return g.Rand(32, "hex") }
	cases := []struct {
		name, text           string
		rule, provider, cand string
	}{
		{"terraform env", "TF_TOKEN_app_terraform_io=" + atlas(), "terraform-cloud-token", "HCP Terraform", ""},
		{"terraform block", "credentials \"app.terraform.io\" {\n  token = \"" + atlas() + "\"\n}", "terraform-cloud-token", "HCP Terraform", ""},
		{"vagrant env", "export VAGRANT_CLOUD_TOKEN=" + atlas(), "vagrant-cloud-token", "Vagrant Cloud", ""},
		{"vagrant login", "vagrant login --token " + atlas(), "vagrant-cloud-token", "Vagrant Cloud", ""},
		{"vagrant above", "# vagrant cloud\nTOKEN=" + atlas(), "vagrant-cloud-token", "Vagrant Cloud", ""},
		{"bare atlas", "token: " + atlas(), "terraform-cloud-token", detectors.UnknownProvider, "HCP Terraform, Vagrant Cloud"},
		{"mailgun", "MAILGUN_API_KEY=key-" + hex(), "mailgun-private-key", "Mailgun", ""},
		{"bare key-", "auth=('api', 'key-" + hex() + "')", "mailgun-private-key", "Mailgun", ""},
		{"marketstack key-", "MARKETSTACK_API_KEY=key-" + hex(), "marketstack-access-key", "Marketstack", ""},
		{"marketstack plain", "MARKETSTACK_API_KEY=" + hex(), "marketstack-access-key", "Marketstack", ""},
		{"cosmos", "AccountEndpoint=https://orders.documents.azure.com:443/;AccountKey=" + g.Rand(86, "b64") + "==;", "azure-cosmos-db-key", "Azure", ""},
		{"cosmos by name", "COSMOS_KEY=AccountKey=" + g.Rand(86, "b64") + "==", "azure-cosmos-db-key", "Azure", ""},
		{"storage", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + g.Rand(86, "b64") + "==;EndpointSuffix=core.windows.net", "azure-storage-account-key", "Azure", ""},
		{"bare AccountKey", "AccountKey=" + g.Rand(86, "b64") + "==", "azure-storage-account-key", "Azure", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := scanFiles(t, map[string]string{"f.txt": c.text + "\n"})
			if len(fs) != 1 {
				var got []string
				for _, f := range fs {
					got = append(got, f.RuleID+"/"+f.Provider)
				}
				t.Fatalf("%q: %d findings %v, want one", c.text, len(fs), got)
			}
			f := fs[0]
			if f.RuleID != c.rule || f.Provider != c.provider || f.Attrs["candidates"] != c.cand {
				t.Fatalf("%q: %s / %s / candidates %q, want %s / %s / %q", c.text, f.RuleID, f.Provider, f.Attrs["candidates"], c.rule, c.provider, c.cand)
			}
			if c.cand != "" && !strings.HasPrefix(f.Scope.Evidence[0], "unknown provider: ") {
				t.Fatalf("evidence %q does not say unknown provider", f.Scope.Evidence)
			}
			if c.rule == "marketstack-access-key" && f.Scope.Destructive {
				t.Fatalf("a Marketstack key got Mailgun's scope: %+v", f.Scope)
			}
		})
	}
}

// A shape shared with a rule that does not exist is refused when the rules
// are loaded, not found out at scan time.
func TestSharedWithUnknownRuleRefused(t *testing.T) {
	spec := func(id string, shared ...string) string {
		return fmt.Sprintf("  - id: %s\n    kind: token\n    literals: [abc_]\n    pattern: 'abc_[0-9a-f]{20}'\n    shared_with: [%s]\n    scope: {access: read, reach: project, lifetime: long_lived}\n", id, strings.Join(shared, ", "))
	}
	for name, body := range map[string]string{
		"missing": spec("a-token", "no-such-rule"),
		"itself":  spec("a-token", "a-token"),
	} {
		_, err := rules.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte("provider: X\nrules:\n" + body)}})
		if err == nil || !strings.Contains(err.Error(), "shares its shape") {
			t.Fatalf("%s: err = %v, want a refusal naming the shared shape", name, err)
		}
	}
	if _, err := rules.LoadFS(fstest.MapFS{"x.yaml": {Data: []byte("provider: X\nrules:\n" + spec("a-token", "b-token") + spec("b-token", "a-token"))}}); err != nil {
		t.Fatalf("two rules sharing a shape: %v", err)
	}
}

// A line of a PEM body that happens to have a bare token's shape (Square's
// EAAA + 60) is part of the key, not a token; the same value alone, or two
// such tokens one per line, are still found.
func TestBase64BlockLineIsNoToken(t *testing.T) {
	g := testtoken.New(41)
	b64 := func() string {
		for {
			// a PEM line: standard base64, 64 wide, with a + or /
			l := g.Rand(62, "b64")
			if strings.ContainsAny(l, "+/") {
				return l[:30] + "+/" + l[30:]
			}
		}
	}
	sq := func() string { return "EAAA" + g.Rand(60, "alnum") }
	pem := "-----BEGIN PRIVATE KEY-----\n" + b64() + "\n" + b64() + "\n" + sq() + "\n" + b64() + "\n" + b64()[:20] + "==\n-----END PRIVATE KEY-----\n"
	indented := "tls:\n  key: |\n    " + b64() + "\n    " + sq() + "\n    " + b64() + "\n"
	plain := func() string { return g.Rand(64, "alnum") } // base64 lines that happen to hold no + or /
	plainPEM := "-----BEGIN PRIVATE KEY-----\n" + b64() + "\n" + plain() + "\n" + sq() + "\n" + plain() + "\n" + b64() + "\n-----END PRIVATE KEY-----\n"
	list := sq() + "\n" + sq() + "\n"
	column := sq() + "\n" + sq() + "\n" + sq() + "\n"
	for _, c := range []struct {
		name, text string
		want       int
	}{
		{"pem body", pem, 0},
		{"indented pem body", indented, 0},
		{"token alone", sq() + "\n", 1},
		{"pem body, neighbours without + or /", plainPEM, 0},
		{"two tokens one per line", list, 2},
		// the price of the rule: three plain tokens of one width in a
		// column read as a block, the middle one is not reported
		{"column of three", column, 2},
		{"token after a base64 line without + or /", g.Rand(64, "alnum") + "\n" + sq() + "\n", 1},
	} {
		n := 0
		for _, f := range scanFiles(t, map[string]string{"f.txt": c.text}) {
			if f.RuleID == "square-access-token" {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s: %d Square findings, want %d", c.name, n, c.want)
		}
	}
}
