package testtoken_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func TestCodeDirectives(t *testing.T) {
	g := testtoken.New(1)
	out, err := g.Expand("KEY={{jwt role=service_role iss=supabase ref=abc exp=far n=7}}")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := scope.ParseJWT(strings.TrimPrefix(out, "KEY="))
	if !ok || c.Role != "service_role" || c.Issuer != "supabase" || c.Exp.Year() != 2099 {
		t.Fatalf("jwt directive gave %q: %+v", out, c)
	}
	// Same seed, same token.
	again, _ := testtoken.New(1).Expand("KEY={{jwt role=service_role iss=supabase ref=abc exp=far n=7}}")
	if again != out {
		t.Error("jwt directive is not deterministic")
	}
	out, err = g.Expand("{{privatekey openssh-ed25519}}")
	if err != nil {
		t.Fatal(err)
	}
	k, ok := scope.ParsePrivateKey(strings.TrimSpace(out))
	if !ok || k.Type != "ed25519" || k.Encrypted {
		t.Fatalf("privatekey directive: %+v", k)
	}
	for _, bad := range []string{"{{jwt novalue}}", "{{jwt exp=+soon}}", "{{privatekey}}", "{{privatekey nope}}"} {
		if _, err := g.Expand(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseClaimsRelative(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c, err := testtoken.ParseClaims([]string{"exp=+1h", "iat=-1m", "sub=42", "aud=api"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c["exp"] != now.Add(time.Hour).Unix() || c["iat"] != now.Add(-time.Minute).Unix() || c["sub"] != int64(42) || c["aud"] != "api" {
		t.Errorf("claims %v", c)
	}
}
