package scope_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func TestDecodeJWT(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := testtoken.New(7)
	claims := func(kv ...string) map[string]any {
		c, err := testtoken.ParseClaims(kv, now)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name        string
		claims      map[string]any
		access      scope.Access
		reach       scope.Reach
		lifetime    scope.Lifetime
		destructive bool
		evidence    string // substring of one evidence line
		sev         scope.Severity
	}{
		{"supabase service_role", claims("iss=supabase", "ref=abcdefgh", "role=service_role", "iat=-1000h", "exp=+80000h"),
			scope.AccessAdmin, scope.ReachProject, scope.LifetimeExpiring, true, "role=service_role", scope.SevHigh},
		{"supabase anon", claims("iss=supabase", "ref=abcdefgh", "role=anon", "exp=+80000h"),
			scope.AccessNone, scope.ReachProject, scope.LifetimeExpiring, false, "role=anon", scope.SevInfo},
		{"expired", claims("sub=user-1", "exp=-1h", "iat=-2h"),
			scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeExpired, false, "expired", scope.SevLow},
		{"one hour session", claims("sub=user-1", "exp=+1h", "iat=-1m"),
			scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeEphemeral, false, "exp=", scope.SevMedium},
		{"no exp", claims("sub=svc"),
			scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeLongLived, false, "no exp", scope.SevMedium},
		{"read scopes", claims("scope=read:user repo.read", "exp=+1h", "iat=-1m"),
			scope.AccessRead, scope.ReachUnknown, scope.LifetimeEphemeral, false, "JWT scopes: read:user repo.read", scope.SevMedium},
		{"admin scope", claims("scp=admin", "exp=+100h", "iat=-1m"),
			scope.AccessAdmin, scope.ReachUnknown, scope.LifetimeExpiring, false, "JWT scopes: admin", scope.SevCritical},
		{"kubernetes legacy", map[string]any{
			"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:kube-system:deployer",
			"kubernetes.io/serviceaccount/namespace":            "kube-system",
			"kubernetes.io/serviceaccount/service-account.name": "deployer",
		}, scope.AccessUnknown, scope.ReachProject, scope.LifetimeLongLived, false, "service account kube-system/deployer", scope.SevMedium},
		{"kubernetes bound", map[string]any{
			"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:apps:web",
			"exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix(),
			"kubernetes.io": map[string]any{"namespace": "apps", "serviceaccount": map[string]any{"name": "web", "uid": "x"}},
		}, scope.AccessUnknown, scope.ReachProject, scope.LifetimeEphemeral, false, "service account apps/web", scope.SevMedium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := g.JWT(tt.claims)
			s := scope.DecodeJWTAt(tok, scope.Scope{}.Normalize(), now)
			if s.Access != tt.access || s.Reach != tt.reach || s.Lifetime != tt.lifetime || s.Destructive != tt.destructive {
				t.Errorf("got access=%s reach=%s lifetime=%s destructive=%v, want %s %s %s %v",
					s.Access, s.Reach, s.Lifetime, s.Destructive, tt.access, tt.reach, tt.lifetime, tt.destructive)
			}
			if s.Confidence != scope.ConfidenceDecoded {
				t.Errorf("confidence %s", s.Confidence)
			}
			if !hasEvidence(s, tt.evidence) {
				t.Errorf("no evidence with %q in %q", tt.evidence, s.Evidence)
			}
			if got := s.Severity(); got != tt.sev {
				t.Errorf("severity %s, want %s", got, tt.sev)
			}
			if tt.lifetime == scope.LifetimeExpiring || tt.lifetime == scope.LifetimeExpired {
				if s.ExpiresAt == nil {
					t.Error("ExpiresAt not set")
				}
			}
		})
	}
}

func TestDecodeJWTES256(t *testing.T) {
	g := testtoken.New(8)
	tok, err := g.JWTES256(map[string]any{"role": "service_role", "iss": "supabase"})
	if err != nil {
		t.Fatal(err)
	}
	s := scope.DecodeJWT(tok, scope.Scope{}.Normalize())
	if s.Access != scope.AccessAdmin || s.Lifetime != scope.LifetimeLongLived {
		t.Errorf("got %+v", s)
	}
}

func TestParseJWTRejects(t *testing.T) {
	g := testtoken.New(9)
	good := g.JWT(map[string]any{"sub": "x"})
	parts := strings.Split(good, ".")
	for name, tok := range map[string]string{
		"two segments":     parts[0] + "." + parts[1],
		"four segments":    good + ".abc",
		"header not json":  "eyJub3Q." + parts[1] + "." + parts[2],
		"header no alg":    "eyJ0eXAiOiJKV1QifQ." + parts[1] + "." + parts[2],
		"payload not json": parts[0] + ".bm90anNvbg." + parts[2],
		"bad base64":       parts[0] + ".!!!." + parts[2],
		"empty":            "",
	} {
		if _, ok := scope.ParseJWT(tok); ok {
			t.Errorf("%s: accepted %q", name, tok)
		}
		base := scope.Scope{Evidence: []string{"base"}}.Normalize()
		if s := scope.DecodeJWT(tok, base); s.Confidence != scope.ConfidenceDefault || len(s.Evidence) != 1 {
			t.Errorf("%s: scope changed: %+v", name, s)
		}
	}
}

func hasEvidence(s scope.Scope, sub string) bool {
	for _, e := range s.Evidence {
		if strings.Contains(e, sub) {
			return true
		}
	}
	return false
}

func FuzzDecodeJWT(f *testing.F) {
	g := testtoken.New(10)
	f.Add(g.JWT(map[string]any{"role": "service_role", "exp": 1}))
	f.Add(g.JWT(map[string]any{"scope": []string{"a", "b"}, "aud": []any{"x", 1}, "kubernetes.io": map[string]any{"namespace": 3}}))
	f.Add("eyJhbGciOiJub25lIn0.eyJleHAiOjFlMzAwfQ.c2ln")
	f.Add("eyJ.eyJ.")
	f.Fuzz(func(t *testing.T, tok string) {
		now := time.Unix(1_800_000_000, 0)
		s := scope.DecodeJWTAt(tok, scope.Scope{}.Normalize(), now)
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.Evidence {
			if len(e) > 400 {
				t.Fatalf("unbounded evidence %d bytes", len(e))
			}
		}
	})
}
