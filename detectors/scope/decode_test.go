package scope_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func evidence(s scope.Scope, sub string) bool {
	for _, e := range s.Evidence {
		if strings.Contains(e, sub) {
			return true
		}
	}
	return false
}

type decodeCase struct {
	name     string
	secret   string
	access   scope.Access
	reach    scope.Reach
	env      scope.Env
	lifetime scope.Lifetime
	destr    bool
	sev      scope.Severity
	ev       string
}

func runDecodeCases(t *testing.T, dec scope.DecodeFunc, base scope.Scope, cases []decodeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := dec(c.secret, base.Clone())
			if got.Confidence != scope.ConfidenceDecoded {
				t.Fatalf("not decoded: %+v", got)
			}
			if got.Access != c.access || got.Reach != c.reach || got.Lifetime != c.lifetime || got.Destructive != c.destr {
				t.Errorf("got access=%s reach=%s lifetime=%s destructive=%v, want %s %s %s %v\nevidence %q",
					got.Access, got.Reach, got.Lifetime, got.Destructive, c.access, c.reach, c.lifetime, c.destr, got.Evidence)
			}
			if c.env != "" && got.Env != c.env {
				t.Errorf("env %s, want %s", got.Env, c.env)
			}
			if s := got.Severity(); s != c.sev {
				t.Errorf("severity %s, want %s (%s)", s, c.sev, got.Words())
			}
			if !evidence(got, c.ev) {
				t.Errorf("no evidence %q in %q", c.ev, got.Evidence)
			}
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// pypiBase is what a pypi rule is expected to say before decoding.
var pypiBase = scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived,
	Evidence: []string{"prefix pypi-: API token"}, Confidence: scope.ConfidencePrefix}

func TestDecodePyPIMacaroon(t *testing.T) {
	g := testtoken.New(1)
	now := time.Now()
	user := testtoken.PyPIUser(g.UUID())
	runDecodeCases(t, scope.DecodePyPIMacaroon, pypiBase.Normalize(), []decodeCase{
		{"user-wide token", g.PyPI("pypi.org", user),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"no project caveat, uploads to every project"},
		{"no caveats at all", g.PyPI("pypi.org"),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"no expiry caveat"},
		{"one project", g.PyPI("pypi.org", testtoken.PyPIProjects("requests"), user),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"macaroon caveat: project=requests"},
		{"two projects", g.PyPI("pypi.org", testtoken.PyPIProjects("a", "b"), user),
			scope.AccessWrite, scope.ReachProject, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"project=a,b"},
		{"project ids", g.PyPI("pypi.org", testtoken.PyPIProjectIDs(g.UUID())),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"1 project id"},
		{"expired", g.PyPI("pypi.org", testtoken.PyPIExpiry(now.Add(-time.Hour), now.Add(-48*time.Hour)), user),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpired, false, scope.SevLow,
			"(expired)"},
		{"expiring in a month", g.PyPI("pypi.org", testtoken.PyPIExpiry(now.Add(30*24*time.Hour), now), user),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpiring, false, scope.SevHigh,
			"macaroon caveat: expires"},
		{"trusted publishing", g.PyPI("pypi.org", testtoken.PyPIOIDC(g.UUID()), testtoken.PyPIExpiry(now.Add(15*time.Minute), now)),
			scope.AccessWrite, scope.ReachProject, scope.EnvProduction, scope.LifetimeEphemeral, false, scope.SevMedium,
			"trusted publisher"},
		{"TestPyPI", g.PyPI("test.pypi.org", user),
			scope.AccessWrite, scope.ReachAccount, scope.EnvTest, scope.LifetimeLongLived, false, scope.SevLow,
			"TestPyPI"},
		{"legacy user", g.PyPI("pypi.org", testtoken.PyPILegacyUser()),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"bound to its user"},
		{"legacy projects", g.PyPI("pypi.org", testtoken.PyPILegacyProjects("flask")),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"project=flask"},
		{"unknown caveat", g.PyPI("pypi.org", "[99,\"x\"]"),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"1 caveat(s) not understood"},
	})
}

func TestDecodePyPIPaddedStdBase64(t *testing.T) {
	g := testtoken.New(2)
	tok := g.PyPI("pypi.org", testtoken.PyPIProjects("x"))
	// some tools re-encode with padding; the decoder accepts both
	padded := tok
	for (len(padded)-5)%4 != 0 {
		padded += "="
	}
	for _, s := range []string{tok, padded} {
		if got := scope.DecodePyPIMacaroon(s, pypiBase); got.Reach != scope.ReachResource {
			t.Errorf("%s: reach %s", s[:12], got.Reach)
		}
	}
}

func TestDecodePyPINotAMacaroon(t *testing.T) {
	g := testtoken.New(3)
	for _, s := range []string{"pypi-", "pypi-" + g.Rand(80, "b64url"), "npm_xyz", "pypi-AgEIcHlwaS5vcmc"} {
		if got := scope.DecodePyPIMacaroon(s, pypiBase); got.Confidence != scope.ConfidencePrefix || got.Reach != scope.ReachAccount {
			t.Errorf("%q changed the base scope: %+v", s, got)
		}
	}
}

var flyBase = scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachOrg, Env: scope.EnvProduction,
	Lifetime: scope.LifetimeLongLived, Destructive: true, Evidence: []string{"scheme FlyV1: Fly.io macaroon"},
	Confidence: scope.ConfidencePrefix}

func TestDecodeFlyMacaroon(t *testing.T) {
	g := testtoken.New(4)
	now := time.Now()
	org := uint64(123456)
	login := []testtoken.FlyCaveat{testtoken.FlyConfineOrg(org), testtoken.FlyValidity(now.Add(-time.Hour), now.Add(20*365*24*time.Hour))}
	auth := g.Fly3P("https://api.fly.io/aaa/v1")
	runDecodeCases(t, scope.DecodeFlyMacaroon, flyBase.Normalize(), []decodeCase{
		{"org token", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), auth}, login),
			scope.AccessAdmin, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, true, scope.SevCritical,
			"every app in the org"},
		{"org token without admin features", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyNoAdminFeatures(), auth}, login),
			scope.AccessWrite, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, true, scope.SevCritical,
			"no admin features"},
		{"deploy token, one app", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyRead), testtoken.FlyApps(testtoken.FlyAll, 42), auth}, login),
			scope.AccessRead, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevLow,
			"apps=1"},
		{"deploy token, app mask under a full org", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyApps(testtoken.FlyAll, 42), auth}, login),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, true, scope.SevHigh,
			"macaroon actions: read, write, create, delete, control"},
		{"three apps, write", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyApps(testtoken.FlyRead|testtoken.FlyWrite, 1, 2, 3)}, nil),
			scope.AccessWrite, scope.ReachProject, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"apps=3"},
		{"readonly org token", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyRead), auth}, login),
			scope.AccessRead, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"macaroon actions: read"},
		{"expired window", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyValidity(now.Add(-48*time.Hour), now.Add(-time.Hour))}, nil),
			scope.AccessAdmin, scope.ReachOrg, scope.EnvProduction, scope.LifetimeExpired, true, scope.SevLow,
			"(expired)"},
		{"one-hour window", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyValidity(now, now.Add(time.Hour))}, nil),
			scope.AccessAdmin, scope.ReachOrg, scope.EnvProduction, scope.LifetimeEphemeral, true, scope.SevCritical,
			"valid until"},
		{"a month", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll), testtoken.FlyValidity(now, now.Add(30*24*time.Hour))}, nil),
			scope.AccessAdmin, scope.ReachOrg, scope.EnvProduction, scope.LifetimeExpiring, true, scope.SevCritical,
			"valid until"},
		{"IfPresent: full rights on one app, read elsewhere", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll),
			testtoken.FlyIfPresent(testtoken.FlyRead, testtoken.FlyApps(testtoken.FlyAll, 42)), auth}, login),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeLongLived, true, scope.SevHigh,
			"IfPresent, elsewhere only read"},
		{"IfPresent with a writable else is org-wide", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyAll),
			testtoken.FlyIfPresent(testtoken.FlyRead|testtoken.FlyWrite, testtoken.FlyApps(testtoken.FlyRead, 42))}, nil),
			scope.AccessWrite, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"elsewhere only read, write"},
		{"mutations", g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyWrite), testtoken.FlyMutations("deployImage")}, nil),
			scope.AccessWrite, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevHigh,
			"only GraphQL mutations deployImage"},
		{"bare fm2 token without scheme", strings.TrimPrefix(g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(org, testtoken.FlyRead)}, nil), "FlyV1 "),
			scope.AccessRead, scope.ReachOrg, scope.EnvProduction, scope.LifetimeLongLived, false, scope.SevMedium,
			"macaroon actions: read"},
	})
}

func TestDecodeFlyNotAMacaroon(t *testing.T) {
	g := testtoken.New(5)
	for _, s := range []string{"FlyV1 fm2_", "FlyV1 fm2_" + g.Rand(60, "b64"), "fm9_AAAA", "FlyV1 fo1_" + g.Rand(40, "b64url")} {
		if got := scope.DecodeFlyMacaroon(s, flyBase); got.Confidence != scope.ConfidencePrefix {
			t.Errorf("%q decoded: %+v", s, got)
		}
	}
}

var sasBase = scope.Scope{Access: scope.AccessUnknown, Reach: scope.ReachUnknown, Env: scope.EnvProduction,
	Evidence: []string{"query sig=: Azure SAS"}, Confidence: scope.ConfidencePrefix}

func TestDecodeAzureSAS(t *testing.T) {
	g := testtoken.New(6)
	now := time.Now()
	month := now.Add(30 * 24 * time.Hour)
	runDecodeCases(t, scope.DecodeAzureSAS, sasBase.Normalize(), []decodeCase{
		{"account SAS with delete", g.SASURL(testtoken.SAS{Account: "prodstore", SS: "bfqt", SRT: "sco", SP: "rwdlacup", Expiry: month}),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpiring, true, scope.SevCritical,
			"can delete (d delete)"},
		{"account SAS write", g.SASURL(testtoken.SAS{Account: "s", SS: "b", SRT: "co", SP: "rwac", Expiry: month}),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpiring, false, scope.SevHigh,
			"services blob of the whole storage account"},
		{"account SAS read list", g.SASURL(testtoken.SAS{Account: "s", SS: "bf", SRT: "sco", SP: "rl", Expiry: month}),
			scope.AccessRead, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpiring, false, scope.SevMedium,
			"read only"},
		{"service SAS read one blob", g.SASURL(testtoken.SAS{Account: "s", Path: "/c/report.pdf", SR: "b", SP: "r", Expiry: month}),
			scope.AccessRead, scope.ReachResource, scope.EnvProduction, scope.LifetimeExpiring, false, scope.SevLow,
			"one blob"},
		{"service SAS container delete", g.SASURL(testtoken.SAS{Account: "s", Path: "/backups", SR: "c", SP: "rdl", Expiry: month}),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeExpiring, true, scope.SevHigh,
			"one container"},
		{"expired", g.SASURL(testtoken.SAS{Account: "s", SS: "b", SRT: "sco", SP: "rwdl", Expiry: now.Add(-time.Hour)}),
			scope.AccessWrite, scope.ReachAccount, scope.EnvProduction, scope.LifetimeExpired, true, scope.SevLow,
			": expired"},
		{"one-hour SAS", g.SASURL(testtoken.SAS{Account: "s", SR: "b", SP: "r", Start: now, Expiry: now.Add(time.Hour)}),
			scope.AccessRead, scope.ReachResource, scope.EnvProduction, scope.LifetimeEphemeral, false, scope.SevLow,
			"valid at most a day"},
		{"stored policy", g.SASURL(testtoken.SAS{Account: "s", SR: "c", SI: "ops-policy"}),
			scope.AccessUnknown, scope.ReachResource, scope.EnvProduction, scope.LifetimeUnknown, false, scope.SevMedium,
			"stored access policy"},
		{"user delegation", g.SASURL(testtoken.SAS{Account: "s", SR: "b", SP: "rw", Expiry: month, Delegate: true}),
			scope.AccessWrite, scope.ReachResource, scope.EnvProduction, scope.LifetimeExpiring, false, scope.SevMedium,
			"user delegation SAS"},
		{"Azurite emulator", g.SASURL(testtoken.SAS{Account: "devstoreaccount1", SS: "b", SRT: "sco", SP: "rwdl", Expiry: month}),
			scope.AccessWrite, scope.ReachAccount, scope.EnvTest, scope.LifetimeExpiring, true, scope.SevLow,
			"Azurite"},
	})
}

func TestDecodeAzureSASQueryOnlyAndConnectionString(t *testing.T) {
	g := testtoken.New(7)
	u := g.SASURL(testtoken.SAS{Account: "s", SS: "b", SRT: "sco", SP: "rl", Expiry: time.Now().Add(48 * time.Hour)})
	q := u[strings.IndexByte(u, '?')+1:]
	for _, s := range []string{q, "?" + q, "BlobEndpoint=https://s.blob.core.windows.net/;SharedAccessSignature=" + q} {
		got := scope.DecodeAzureSAS(s, sasBase)
		if got.Access != scope.AccessRead || got.Reach != scope.ReachAccount {
			t.Errorf("%.40q: %+v", s, got)
		}
	}
	for _, s := range []string{"https://x.blob.core.windows.net/c?comp=list", "sp=rwdl&se=2030-01-01"} {
		if got := scope.DecodeAzureSAS(s, sasBase); got.Confidence != scope.ConfidencePrefix {
			t.Errorf("%q decoded without sig: %+v", s, got)
		}
	}
}

func TestDecoderRegistry(t *testing.T) {
	for _, name := range []string{"pypi-macaroon", "fly-macaroon", "azure-sas"} {
		if _, ok := scope.Decoder(name); !ok {
			t.Errorf("decoder %q not registered", name)
		}
	}
}

func TestDirectivesDecode(t *testing.T) {
	g := testtoken.New(8)
	for _, c := range []struct {
		tmpl  string
		dec   scope.DecodeFunc
		reach scope.Reach
	}{
		{"{{pypi}}", scope.DecodePyPIMacaroon, scope.ReachAccount},
		{"{{pypi foo}}", scope.DecodePyPIMacaroon, scope.ReachResource},
		{"{{flyv1 org}}", scope.DecodeFlyMacaroon, scope.ReachOrg},
		{"{{flyv1 deploy}}", scope.DecodeFlyMacaroon, scope.ReachResource},
		{"{{flyv1 readonly}}", scope.DecodeFlyMacaroon, scope.ReachOrg},
		{"{{sas-url sp=rl sr=b path=/c/b}}", scope.DecodeAzureSAS, scope.ReachResource},
		{"{{sas-url sp=rwdl ss=b srt=sco}}", scope.DecodeAzureSAS, scope.ReachAccount},
	} {
		s, err := g.Expand(c.tmpl)
		if err != nil {
			t.Fatalf("%s: %v", c.tmpl, err)
		}
		if got := c.dec(s, scope.Scope{}); got.Confidence != scope.ConfidenceDecoded || got.Reach != c.reach {
			t.Errorf("%s: %+v", c.tmpl, got)
		}
	}
}
