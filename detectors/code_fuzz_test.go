package detectors_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// fuzzFind checks that a detector never panics, reports spans inside the
// window that hold the secret, and stays within its MaxLen.
func fuzzFind(f *testing.F, d detectors.Detector, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		w := []byte(in)
		d.Find(w, func(c detectors.Candidate) {
			if c.Start < 0 || c.End > len(w) || c.Start > c.End {
				t.Fatalf("%s: span %d..%d outside %d bytes", c.RuleID, c.Start, c.End, len(w))
			}
			if c.Secret == "" || !strings.Contains(in[c.Start:c.End], c.Secret) {
				t.Fatalf("%s: span %q does not hold secret %q", c.RuleID, in[c.Start:c.End], c.Secret)
			}
			if c.End-c.Start > d.MaxLen() {
				t.Fatalf("%s: match of %d bytes exceeds MaxLen %d", c.RuleID, c.End-c.Start, d.MaxLen())
			}
			if err := c.Scope.Normalize().Validate(); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func FuzzPrivateKeysFind(f *testing.F) {
	g := testtoken.New(31)
	var seeds []string
	for _, k := range []string{"rsa", "ec", "pkcs8-encrypted", "openssh-ed25519", "putty-encrypted", "pgp"} {
		s, err := g.PrivateKey(k)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, s, `{"type": "service_account", "private_key": "`+strings.ReplaceAll(s, "\n", `\n`)+`"}`)
	}
	fuzzFind(f, detectors.PrivateKeys{}, append(seeds, "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----")...)
}

func FuzzJWTsFind(f *testing.F) {
	g := testtoken.New(32)
	tok := g.JWT(map[string]any{"role": "service_role", "exp": 1})
	fuzzFind(f, detectors.JWTs{}, tok, "x="+tok+"."+tok, "eyJeyJeyJ.eyJ.eyJ", "Bearer "+tok+"\n")
}

func FuzzConnURIsFind(f *testing.F) {
	fuzzFind(f, detectors.ConnURIs{}, "postgres://postgres:Zx81kLmn02@db.prod/app", // tokenscope:allow fuzz seed
		"https://ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaa1@github.com", "mongodb+srv://a:b@c,d:e@f/?authSource=admin&password=x", // tokenscope:allow fuzz seed
		"redis://:@", "://@://:@")
}

func FuzzGCPCredentialsFind(f *testing.F) {
	g := testtoken.New(33)
	key, err := g.PrivateKey("pkcs8-ed25519")
	if err != nil {
		f.Fatal(err)
	}
	fuzzFind(f, detectors.GCPCredentials{},
		`{"type": "service_account", "project_id": "p", "private_key": "`+strings.ReplaceAll(key, "\n", `\n`)+`", "client_email": "a@p.iam.gserviceaccount.com"}`,
		`{"type":"authorized_user","refresh_token":"1//0abcdefghijklmnopqrstuvwxyz0123456789"}`, // tokenscope:allow fuzz seed
		`"type": "service_account" "private_key": "\"`,
		base64.StdEncoding.EncodeToString([]byte(`{"type": "service_account", "private_key": "`+strings.ReplaceAll(key, "\n", `\n`)+`"}`)),
		"ImF1dGhvcml6ZWRfdXNlciI=")
}

func FuzzGenericAssignmentsFind(f *testing.F) {
	fuzzFind(f, detectors.GenericAssignments{}, "DB_PASSWORD=h7Fk29sLq0Zp", `{"client_secret": "Ab3dEf6hIj9kLm2nOp5q"}`,
		"--auth-token='x'", "token := \"", "passwordpasswordpassword:=")
}
