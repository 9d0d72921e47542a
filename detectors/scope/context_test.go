package scope

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	cases := map[string][]string{
		"RAILWAY_API_TOKEN": {"RAILWAY", "API", "TOKEN"},
		"stripeLiveKey":     {"STRIPE", "LIVE", "KEY"},
		"db.prod-password":  {"DB", "PROD", "PASSWORD"},
		"":                  nil,
		"__":                nil,
	}
	for in, want := range cases {
		if got := words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("words(%q) = %v, want %v", in, got, want)
		}
	}
}

func hasEvidence(s Scope, sub string) bool {
	for _, e := range s.Evidence {
		if strings.Contains(e, sub) {
			return true
		}
	}
	return false
}

func TestApplyContext(t *testing.T) {
	generic := Scope{}.Normalize() // a generic detector: nothing known
	stripeTest := Scope{Access: AccessWrite, Reach: ReachAccount, Env: EnvTest, Lifetime: LifetimeLongLived,
		Evidence: []string{"prefix sk_test_"}, Confidence: ConfidencePrefix}
	decodedNarrow := Scope{Access: AccessWrite, Reach: ReachResource, Env: EnvProduction,
		Evidence: []string{"macaroon caveat: project=foo"}, Confidence: ConfidenceDecoded}
	railwayAssumed := Scope{Access: AccessAdmin, Reach: ReachAccount, Destructive: true, DestroysWhat: "everything",
		Evidence: []string{"Railway token of unknown kind: assumed account-wide"}, Confidence: ConfidenceDefault}

	cases := []struct {
		name   string
		base   Scope
		ctx    Context
		check  func(Scope) bool
		wantEv string
		conf   Confidence
	}{
		{"RAILWAY_API_TOKEN makes a generic finding account-wide and destructive", generic,
			Context{Key: "RAILWAY_API_TOKEN", Path: ".env"},
			func(s Scope) bool {
				return s.Reach == ReachAccount && s.Destructive && s.Access == AccessAdmin && s.Severity() == SevCritical
			},
			"variable name RAILWAY_API_TOKEN: Railway account", ConfidenceContext},
		{"RAILWAY_TOKEN narrows an assumed-broad Railway scope to one project environment", railwayAssumed,
			Context{Key: "RAILWAY_TOKEN"},
			func(s Scope) bool { return s.Reach == ReachResource && !s.Destructive && s.Severity() == SevMedium },
			"Railway project token", ConfidenceContext},
		{"Project-Access-Token header on the line", generic,
			Context{Key: "Authorization", Line: `curl -H "Project-Access-Token: xxxx"`},
			func(s Scope) bool { return s.Reach == ReachResource },
			"header Project-Access-Token", ConfidenceContext},
		{"Project-Access-Token as the key", generic,
			Context{Key: "Project-Access-Token"},
			func(s Scope) bool { return s.Reach == ReachResource && s.Access == AccessWrite },
			"header Project-Access-Token: Railway project token", ConfidenceContext},
		{".env.production sets production", generic,
			Context{Path: "app/.env.production", Key: "API_KEY"},
			func(s Scope) bool { return s.Env == EnvProduction },
			"file .env.production: production", ConfidenceContext},
		{".env.prod sets production", generic, Context{Path: ".env.prod"},
			func(s Scope) bool { return s.Env == EnvProduction }, "file .env.prod", ConfidenceContext},
		{".env.test sets test", generic, Context{Path: ".env.test"},
			func(s Scope) bool { return s.Env == EnvTest && s.Severity() == SevLow }, "file .env.test: not production", ConfidenceContext},
		{"prod/ directory", generic, Context{Path: "deploy/prod/settings.yaml"},
			func(s Scope) bool { return s.Env == EnvProduction }, "directory prod/", ConfidenceContext},
		{"test.go says nothing", generic, Context{Path: "pkg/test.go"},
			func(s Scope) bool { return s.Env == EnvUnknown && len(s.Evidence) == 0 }, "", ConfidenceDefault},
		{"key PROD beats file test", generic, Context{Path: ".env.test", Key: "DB_PROD_PASSWORD"},
			func(s Scope) bool { return s.Env == EnvProduction }, "(kept context scope)", ConfidenceContext},
		{"_ADMIN_ raises unknown access", generic, Context{Key: "GRAFANA_ADMIN_TOKEN"},
			func(s Scope) bool { return s.Access == AccessAdmin }, "admin credential", ConfidenceContext},
		{"_READONLY_ lowers unknown access", generic, Context{Key: "DB_READONLY_PASSWORD"},
			func(s Scope) bool { return s.Access == AccessRead }, "read-only", ConfidenceContext},
		{"_RO_ lowers unknown access", generic, Context{Key: "PG_RO_URL"},
			func(s Scope) bool { return s.Access == AccessRead }, "read-only", ConfidenceContext},
		{"_STAGING_ is not production", generic, Context{Key: "STAGING_API_KEY"},
			func(s Scope) bool { return s.Env == EnvTest }, "not production (staging)", ConfidenceContext},
		{"service_role", generic, Context{Key: "SUPABASE_SERVICE_ROLE_KEY"},
			func(s Scope) bool { return s.Access == AccessAdmin && s.Destructive && s.Reach == ReachProject },
			"service_role key", ConfidenceContext},
		{"~/.railway/config.json login token", generic, Context{Path: "home/.railway/config.json", Key: "token"},
			func(s Scope) bool { return s.Reach == ReachAccount && s.Destructive }, "Railway CLI login token", ConfidenceContext},
		{"terraform.tfvars", generic, Context{Path: "infra/terraform.tfvars", Key: "do_token"},
			func(s Scope) bool { return s.Destructive && s.Severity() == SevCritical }, "Terraform variables", ConfidenceContext},
		{"terraform.tfvars does not make a known narrow token destructive",
			Scope{Access: AccessWrite, Reach: ReachResource, Confidence: ConfidenceContext, Evidence: []string{"variable RAILWAY_TOKEN"}},
			Context{Path: "terraform.tfvars", Key: "RAILWAY_TOKEN"},
			func(s Scope) bool { return !s.Destructive && s.Reach == ReachResource }, "Terraform variables", ConfidenceContext},
		{"prefix test mode is never overridden by a PROD name", stripeTest, Context{Key: "STRIPE_PROD_KEY", Path: ".env.production"},
			func(s Scope) bool { return s.Env == EnvTest && s.Severity() == SevLow }, "(kept prefix scope)", ConfidencePrefix},
		{"decoded narrow scope is never widened", decodedNarrow, Context{Key: "RAILWAY_API_TOKEN"},
			func(s Scope) bool { return s.Reach == ReachResource && !s.Destructive && s.Access == AccessWrite },
			"(kept decoded scope)", ConfidenceDecoded},
		{"decoded scope keeps its confidence in a template file", decodedNarrow, Context{Path: ".env.example"},
			func(s Scope) bool { return s.Reach == ReachResource }, "probably a placeholder", ConfidenceDecoded},
		{"template lowers prefix confidence", stripeTest, Context{Path: "config/.env.sample"},
			func(s Scope) bool { return s.Env == EnvTest }, "probably a placeholder", ConfidenceContext},
		{".env.template", generic, Context{Path: ".env.template"},
			func(s Scope) bool { return true }, "probably a placeholder", ConfidenceDefault},
		{"prefix scope fills an unknown env from the file", Scope{Access: AccessWrite, Reach: ReachAccount, Confidence: ConfidencePrefix},
			Context{Path: ".env.production"},
			func(s Scope) bool { return s.Env == EnvProduction }, "file .env.production", ConfidencePrefix},
		{"no context, no change", stripeTest, Context{},
			func(s Scope) bool { return reflect.DeepEqual(s, stripeTest) }, "", ConfidencePrefix},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.base.Clone()
			got := ApplyContext(c.base, c.ctx)
			if !c.check(got) {
				t.Errorf("scope %+v", got)
			}
			if c.wantEv != "" && !hasEvidence(got, c.wantEv) {
				t.Errorf("no evidence %q in %q", c.wantEv, got.Evidence)
			}
			if got.Confidence != c.conf {
				t.Errorf("confidence %s, want %s", got.Confidence, c.conf)
			}
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
			if !reflect.DeepEqual(c.base, before) {
				t.Errorf("ApplyContext changed its input: %+v", c.base)
			}
		})
	}
}

// Context never understates a vendor-known broad credential: a file or
// variable name may raise an environment, never lower the severity of an
// account- or workspace-wide token below what its reach and rights give
// (issue 11).
func TestContextNeverUnderstatesBroad(t *testing.T) {
	railwayAccount := Scope{Access: AccessAdmin, Reach: ReachAccount, Lifetime: LifetimeLongLived, Destructive: true,
		DestroysWhat: "services, volumes and backups", Evidence: []string{"Railway account token"}, Confidence: ConfidencePrefix}
	classicPAT := Scope{Access: AccessWrite, Reach: ReachAccount, Lifetime: LifetimeLongLived, Destructive: true,
		Evidence: []string{"prefix ghp_"}, Confidence: ConfidencePrefix}
	deployToken := Scope{Access: AccessWrite, Reach: ReachResource, Lifetime: LifetimeLongLived,
		Evidence: []string{"prefix gldt-"}, Confidence: ConfidencePrefix}
	exampleHost := DBURIScope(ConnURI{Scheme: "postgres", User: "app", Password: "pw", RawPassword: "pw", Hosts: []string{"db.example.com"}, Database: "app"},
		Scope{Access: AccessWrite})
	generic := Scope{}.Normalize()
	for _, c := range []struct {
		name string
		base Scope
		ctx  Context
		want Severity
		env  Env
		ev   string
	}{
		{"Railway account token in .env.staging", railwayAccount, Context{Path: ".env.staging", Key: "RAILWAY_API_TOKEN"}, SevCritical, EnvUnknown, "not applied"},
		{"RAILWAY_API_TOKEN (generic) in .env.staging", generic, Context{Path: "app/.env.staging", Key: "RAILWAY_API_TOKEN"}, SevCritical, EnvUnknown, "reaches every environment"},
		{"classic PAT named STAGING_", classicPAT, Context{Key: "STAGING_GITHUB_TOKEN"}, SevCritical, EnvUnknown, "not applied"},
		{"classic PAT in .env.test", classicPAT, Context{Path: ".env.test"}, SevCritical, EnvUnknown, "not applied"},
		{"deploy token in .gitlab-ci.yml is not a test credential", deployToken, Context{Path: ".gitlab-ci.yml", Key: "DEPLOY_TOKEN"}, SevMedium, EnvUnknown, ""},
		{"config-dev.json says nothing", deployToken, Context{Path: "config-dev.json"}, SevMedium, EnvUnknown, ""},
		{"example.com host in .env.production is production", exampleHost, Context{Path: ".env.production", Key: "DATABASE_URL"}, SevMedium, EnvProduction, "file .env.production: production"},
		{"a narrow token in .env.staging is still test", deployToken, Context{Path: ".env.staging"}, SevLow, EnvTest, "not production"},
		{"a generic secret in .env.test is still test", generic, Context{Path: ".env.test"}, SevLow, EnvTest, "not production"},
		{".env.ci is not production", deployToken, Context{Path: ".env.ci"}, SevMedium, EnvUnknown, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ApplyContext(c.base, c.ctx).Normalize()
			if got.Severity() != c.want || got.Env != c.env {
				t.Errorf("severity %s env %s, want %s %s (evidence %q)", got.Severity(), got.Env, c.want, c.env, got.Evidence)
			}
			if c.ev != "" && !hasEvidence(got, c.ev) {
				t.Errorf("no evidence %q in %q", c.ev, got.Evidence)
			}
		})
	}
	if exampleHost.Env != EnvTest || exampleHost.Severity() != SevLow {
		t.Fatalf("the example host is not the test case it should be: %+v", exampleHost)
	}
}
