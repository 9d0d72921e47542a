package scope_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// checkDecoded is what every decoder promises on any input: no panic (the
// fuzzer reports one), a valid scope, and bounded evidence.
func checkDecoded(t *testing.T, in string, base, got scope.Scope) {
	t.Helper()
	if err := got.Validate(); err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	if len(got.Evidence) > len(base.Evidence)+16 {
		t.Fatalf("%q: %d evidence strings", in, len(got.Evidence))
	}
	for _, e := range got.Evidence {
		if len(e) > 400 {
			t.Fatalf("%q: evidence of %d bytes", in, len(e))
		}
	}
	if got.Confidence != scope.ConfidenceDecoded && len(got.Evidence) != len(base.Evidence) {
		t.Fatalf("%q: not decoded but evidence changed: %q", in, got.Evidence)
	}
}

func FuzzDecodePyPIMacaroon(f *testing.F) {
	g := testtoken.New(11)
	now := time.Now()
	for _, tok := range []string{
		g.PyPI("pypi.org"),
		g.PyPI("pypi.org", testtoken.PyPIProjects("a", "b"), testtoken.PyPIUser(g.UUID())),
		g.PyPI("test.pypi.org", testtoken.PyPIExpiry(now, now.Add(-time.Hour)), testtoken.PyPIOIDC("x")),
		g.PyPI("pypi.org", testtoken.PyPILegacyProjects("p"), `{"exp":1,"nbf":0}`, `{"project_ids":["x"]}`),
	} {
		raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "pypi-"))
		f.Add(tok, raw)
	}
	f.Add("pypi-", []byte{2, 0})
	base := pypiBase.Normalize()
	f.Fuzz(func(t *testing.T, s string, raw []byte) {
		got := scope.DecodePyPIMacaroon(s, base.Clone())
		checkDecoded(t, s, base, got)
		// the same through the binary format, so the fuzzer explores
		// macaroon structure rather than base64
		in := "pypi-" + base64.RawURLEncoding.EncodeToString(raw)
		checkDecoded(t, in, base, scope.DecodePyPIMacaroon(in, base.Clone()))
	})
}

func FuzzDecodeFlyMacaroon(f *testing.F) {
	g := testtoken.New(12)
	now := time.Now()
	for _, tok := range []string{
		g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(1, testtoken.FlyAll), g.Fly3P("https://api.fly.io/aaa/v1")},
			[]testtoken.FlyCaveat{testtoken.FlyConfineOrg(1), testtoken.FlyValidity(now, now.Add(time.Hour))}),
		g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(1, testtoken.FlyRead), testtoken.FlyApps(testtoken.FlyAll, 1, 2),
			testtoken.FlyMutations("a", "b"), testtoken.FlyNoAdminFeatures()}, nil),
		g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(1, testtoken.FlyAll),
			testtoken.FlyIfPresent(testtoken.FlyRead, testtoken.FlyApps(testtoken.FlyAll, 9), testtoken.FlyOrg(1, testtoken.FlyRead))}, nil),
	} {
		first := strings.Split(strings.TrimPrefix(tok, "FlyV1 "), ",")[0]
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(first, "fm2_"))
		f.Add(tok, raw)
	}
	f.Add("FlyV1 fm2_lA==", []byte{0x94, 0x92, 0xc4, 0, 0xc4, 0, 0xa0, 0x90, 0xc4, 0})
	base := flyBase.Normalize()
	f.Fuzz(func(t *testing.T, s string, raw []byte) {
		checkDecoded(t, s, base, scope.DecodeFlyMacaroon(s, base.Clone()))
		in := "FlyV1 fm2_" + base64.StdEncoding.EncodeToString(raw)
		checkDecoded(t, in, base, scope.DecodeFlyMacaroon(in, base.Clone()))
	})
}

func FuzzDecodeAzureSAS(f *testing.F) {
	g := testtoken.New(13)
	now := time.Now()
	f.Add(g.SASURL(testtoken.SAS{Account: "a", SS: "bfqt", SRT: "sco", SP: "racwdlup", Expiry: now}))
	f.Add(g.SASURL(testtoken.SAS{Account: "devstoreaccount1", SR: "c", SI: "p", Start: now, Expiry: now, Delegate: true}))
	f.Add("SharedAccessSignature=sv=1&sp=rwd&se=2030-01-01T00%3A00Z&sig=x;")
	f.Add("?sig=&sp=&se=9999-99-99")
	base := sasBase.Normalize()
	f.Fuzz(func(t *testing.T, s string) {
		checkDecoded(t, s, base, scope.DecodeAzureSAS(s, base.Clone()))
	})
}

func FuzzApplyContext(f *testing.F) {
	f.Add("RAILWAY_API_TOKEN", ".env.production", "RAILWAY_API_TOKEN=x")
	f.Add("Project-Access-Token", "a/prod/.railway/config.json", "Project-Access-Token: x")
	f.Add("dbReadOnlyPassword", "terraform.tfvars", "")
	f.Fuzz(func(t *testing.T, key, path, line string) {
		for _, base := range []scope.Scope{{}, pypiBase, flyBase} {
			got := scope.ApplyContext(base, scope.Context{Key: key, Path: path, Line: line})
			if err := got.Validate(); err != nil {
				t.Fatal(err)
			}
			if base.Confidence == scope.ConfidencePrefix && (got.Reach != base.Reach || got.Access != base.Access) {
				t.Fatalf("context overrode a prefix scope: %+v -> %+v", base, got)
			}
		}
	})
}
