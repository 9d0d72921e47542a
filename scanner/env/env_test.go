package env_test

import (
	"context"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/env"
)

func TestNameLooksSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"RAILWAY_API_TOKEN": true, "RAILWAY_TOKEN": true, "GITHUB_TOKEN": true, "OPENAI_API_KEY": true,
		"PGPASSWORD": true, "MYSQL_PWD": true, "AWS_SECRET_ACCESS_KEY": true, "DB_PASSWORD": true,
		"NODE_AUTH_TOKEN": true, "apiKey": true, "client_secret": true, "STRIPE_KEY": true,
		"AWS_ACCESS_KEY_ID": false, "GITHUB_TOKEN_FILE": false, "SSH_AUTH_SOCK": false, "PATH": false,
		"HOME": false, "PWD": false, "NEXT_PUBLIC_SUPABASE_ANON_KEY": false, "STRIPE_PUBLISHABLE_KEY": false,
		"KEYBOARD": false, "TOKEN_URL": false, "EDITOR": false, "PASSWORD_STORE_DIR": false,
	} {
		if got := env.NameLooksSecret(name); got != want {
			t.Errorf("NameLooksSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestValuePlausible(t *testing.T) {
	g := testtoken.New(1)
	for v, want := range map[string]bool{
		g.UUID(): true, g.Rand(20, "alnum"): true, "${RAILWAY_TOKEN}": false, "$TOKEN": false,
		"/run/secrets/token": false, "changeme": false, "your-token-here": false, "xxxxxxxxxxxx": false,
		"true": false, "short": false, "op://vault/item/field": false, "two words here": false,
	} {
		if got := env.ValuePlausible(v); got != want {
			t.Errorf("ValuePlausible(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestClassifyScopes(t *testing.T) {
	g := testtoken.New(2)
	acct, ok := env.Classify("RAILWAY_API_TOKEN", g.UUID())
	if !ok || acct.Provider != "Railway" || !acct.Scope.Destructive || acct.Scope.Reach != scope.ReachAccount {
		t.Errorf("RAILWAY_API_TOKEN: %+v", acct)
	}
	proj, ok := env.Classify("RAILWAY_TOKEN", g.UUID())
	if !ok || proj.Scope.Reach != scope.ReachResource || proj.Scope.Destructive {
		t.Errorf("RAILWAY_TOKEN: %+v", proj)
	}
	if acct.Scope.Severity() <= proj.Scope.Severity() {
		t.Errorf("account token severity %v not above project token %v", acct.Scope.Severity(), proj.Scope.Severity())
	}
	if _, ok := env.Classify("EDITOR", g.UUID()); ok {
		t.Errorf("EDITOR classified")
	}
}

// The source yields every variable as an item; its Format reports the
// name-classified ones, one finding per variable.
func TestSourceThroughEngine(t *testing.T) {
	g := testtoken.New(3)
	ghp, rw := g.GitHub("ghp_"), g.UUID()
	src := env.New([]string{"PATH=/usr/bin", "GITHUB_TOKEN=" + ghp, "RAILWAY_TOKEN=" + rw, "EMPTY_TOKEN=", "SSH_AUTH_SOCK=/tmp/agent.sock", "noequals"})
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: []scanner.Format{env.Format()}})
	res, err := eng.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Items != 3 {
		t.Errorf("%d items, want 3 (PATH, GITHUB_TOKEN, RAILWAY_TOKEN)", res.Stats.Items)
	}
	got := map[string]scanner.Finding{}
	for _, f := range res.Findings {
		if _, dup := got[f.Origin.Path]; dup {
			t.Errorf("%s reported twice", f.Origin.Path)
		}
		got[f.Origin.Path] = f
		if f.Origin.Kind != "env" || f.Origin.Via != "environment" {
			t.Errorf("origin %+v", f.Origin)
		}
	}
	if f := got["env:GITHUB_TOKEN"]; f.Secret != ghp || f.Provider != "GitHub" || f.Key != "GITHUB_TOKEN" {
		t.Errorf("GITHUB_TOKEN: %+v", f)
	}
	if f := got["env:RAILWAY_TOKEN"]; f.Secret != rw || f.Provider != "Railway" {
		t.Errorf("RAILWAY_TOKEN: %+v", f)
	}
	if len(got) != 2 {
		t.Errorf("findings at %v, want the two tokens", got)
	}
}
