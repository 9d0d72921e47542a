package env

import (
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// RuleNamed is the rule id of a credential recognised by the name it is
// stored under (an environment variable, a .env entry, an MCP server's env
// block) rather than by its format.
const RuleNamed = "credential-by-name"

// NamedInfo describes RuleNamed; it is registered (detectors.Registry)
// when a program links this package.
var NamedInfo = detectors.Info{ID: RuleNamed, Provider: "unknown", Kind: "credential named as such",
	Description: "a value stored under a name that says it is a credential (RAILWAY_API_TOKEN, DB_PASSWORD), whatever its format"}

func init() {
	detectors.Register(detectors.SourceEnv, func() ([]detectors.Info, error) { return []detectors.Info{NamedInfo}, nil })
}

// Named is what a variable's name says about its value.
type Named struct {
	RuleID   string
	Provider string
	Kind     string
	Scope    scope.Scope
}

// provider prefixes of variable names, longest match first within a name's
// first segments.
var providers = []struct{ prefix, name string }{
	{"RAILWAY", "Railway"}, {"AWS", "AWS"}, {"GITHUB", "GitHub"}, {"GH", "GitHub"},
	{"GITLAB", "GitLab"}, {"GL", "GitLab"}, {"NPM", "npm"}, {"NODE_AUTH", "npm"}, {"PYPI", "PyPI"},
	{"TWINE", "PyPI"}, {"STRIPE", "Stripe"}, {"OPENAI", "OpenAI"}, {"ANTHROPIC", "Anthropic"},
	{"CLAUDE", "Anthropic"}, {"SUPABASE", "Supabase"}, {"VERCEL", "Vercel"}, {"FLY", "Fly.io"},
	{"HEROKU", "Heroku"}, {"DIGITALOCEAN", "DigitalOcean"}, {"DO", "DigitalOcean"},
	{"CLOUDFLARE", "Cloudflare"}, {"CF", "Cloudflare"}, {"SLACK", "Slack"}, {"HF", "Hugging Face"},
	{"HUGGINGFACE", "Hugging Face"}, {"HUGGING_FACE", "Hugging Face"}, {"VAULT", "Vault"},
	{"TF", "Terraform"}, {"DATABRICKS", "Databricks"}, {"PG", "PostgreSQL"}, {"POSTGRES", "PostgreSQL"},
	{"MYSQL", "MySQL"}, {"DOCKER", "Docker"}, {"AZURE", "Azure"}, {"ARM", "Azure"},
	{"GOOGLE", "Google Cloud"}, {"GCP", "Google Cloud"}, {"GCLOUD", "Google Cloud"},
	{"SENTRY", "Sentry"}, {"DATADOG", "Datadog"}, {"DD", "Datadog"}, {"TWILIO", "Twilio"},
	{"SENDGRID", "SendGrid"}, {"OP", "1Password"}, {"DOPPLER", "Doppler"}, {"PULUMI", "Pulumi"},
	{"LINEAR", "Linear"}, {"NOTION", "Notion"}, {"NETLIFY", "Netlify"}, {"NEON", "Neon"},
	{"MONGO", "MongoDB"}, {"MONGODB", "MongoDB"}, {"REDIS", "Redis"}, {"SNOWFLAKE", "Snowflake"},
	{"GEMINI", "Google Cloud"}, {"MISTRAL", "Mistral"}, {"GROQ", "Groq"}, {"SHOPIFY", "Shopify"},
}

// secretWords are name segments that say the value is a secret.
var secretWords = map[string]bool{
	"TOKEN": true, "SECRET": true, "PASSWORD": true, "PASSWD": true, "PASS": true,
	"APIKEY": true, "CREDENTIAL": true, "CREDENTIALS": true, "PAT": true, "AUTH": true,
	"PRIVATE": true, "ACCESSKEY": true, "SECRETKEY": true, "AUTHTOKEN": true,
}

// notSecretEnds are last segments naming something that is not the secret
// itself (its file, its id, where it is sent).
var notSecretEnds = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "URL": true, "URI": true, "ID": true, "NAME": true,
	"USER": true, "USERNAME": true, "HOST": true, "PORT": true, "REGION": true, "ENDPOINT": true,
	"TYPE": true, "EXPIRY": true, "EXPIRES": true, "EXPIRATION": true, "SOCK": true, "HEADER": true,
	"METHOD": true, "MODE": true, "PROVIDER": true, "HELPER": true, "COMMAND": true, "CMD": true,
	"ENABLED": true, "DISABLED": true, "TTL": true, "LENGTH": true, "PREFIX": true, "SCOPE": true,
	"SCOPES": true, "AUDIENCE": true, "ISSUER": true, "VERSION": true, "LOCATION": true,
}

// NameLooksSecret reports whether a variable or field name says its value
// is a credential: a segment such as TOKEN, SECRET, PASSWORD, or KEY at the
// end ("OPENAI_API_KEY"), and no last segment naming something else
// ("GITHUB_TOKEN_FILE", "AWS_ACCESS_KEY_ID"). Public and publishable keys
// are not secrets.
func NameLooksSecret(name string) bool {
	segs := segments(name)
	if len(segs) == 0 {
		return false
	}
	if strings.EqualFold(name, "MYSQL_PWD") {
		return true
	}
	last := segs[len(segs)-1]
	if notSecretEnds[last] {
		return false
	}
	hit := false
	for i, s := range segs {
		switch {
		case s == "PUBLIC" || s == "PUBLISHABLE" || s == "ANON":
			return false
		case secretWords[s]:
			hit = true
		case s == "KEY" && i == len(segs)-1:
			hit = true
		case strings.HasSuffix(s, "TOKEN") || strings.HasSuffix(s, "SECRET") || strings.HasSuffix(s, "PASSWORD"):
			hit = true
		case strings.HasSuffix(s, "APIKEY") || strings.HasSuffix(s, "AUTHKEY"):
			hit = true
		}
	}
	if hit && (last == "AUTH" && len(segs) > 1 && segs[len(segs)-2] == "SSH") {
		return false
	}
	return hit
}

// segments splits a name at '_', '-', '.' and camelCase boundaries, upper
// cased.
func segments(name string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, strings.ToUpper(cur.String()))
			cur.Reset()
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
			flush()
		case c >= 'A' && c <= 'Z' && i > 0 && name[i-1] >= 'a' && name[i-1] <= 'z':
			flush()
			cur.WriteByte(c)
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// ValuePlausible reports whether a value could be a credential rather than
// a reference, a path, a placeholder or a flag.
func ValuePlausible(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 8 || len(v) > 4096 {
		return false
	}
	if strings.ContainsAny(v, " \t\r\n") && !strings.HasPrefix(v, "-----BEGIN") {
		return false
	}
	switch {
	case strings.HasPrefix(v, "$"), strings.Contains(v, "${"), strings.HasPrefix(v, "/"),
		strings.HasPrefix(v, "./"), strings.HasPrefix(v, "~/"), strings.HasPrefix(v, "<"),
		strings.HasPrefix(v, "{{"), strings.HasPrefix(v, "op://"):
		return false
	}
	lv := strings.ToLower(v)
	for _, p := range []string{"xxxx", "changeme", "change_me", "your_", "your-", "placeholder", "example", "dummy", "redacted", "****", "...", "todo", "secret_here", "token_here", "insert"} {
		if strings.Contains(lv, p) {
			return false
		}
	}
	switch lv {
	case "true", "false", "enabled", "disabled", "undefined", "null", "none":
		return false
	}
	same := true
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			same = false
			break
		}
	}
	return !same
}

// Classify says what a value stored under name is, when the name says it
// is a credential and the value could be one. The scope is what the name
// tells (Railway's RAILWAY_API_TOKEN is an account or workspace token,
// RAILWAY_TOKEN a project token); scope.ApplyContext refines it further.
func Classify(name, value string) (Named, bool) {
	if !NameLooksSecret(name) || !ValuePlausible(value) {
		return Named{}, false
	}
	n := Named{RuleID: RuleNamed, Provider: providerOf(name), Kind: "credential named " + name}
	n.Scope = nameScope(strings.ToUpper(name), n.Provider)
	return n, true
}

// ScopeFor is the scope a credential stored under name for provider has
// by default (see Classify); callers that know the provider from elsewhere
// (an MCP server's purpose) pass it here.
func ScopeFor(name, provider string) scope.Scope { return nameScope(strings.ToUpper(name), provider) }

// ProviderOf guesses the provider from a variable name's first segments
// ("RAILWAY_API_TOKEN" -> "Railway"); "unknown" when none matches.
func ProviderOf(name string) string { return providerOf(name) }

func providerOf(name string) string {
	segs := segments(name)
	best, bestLen := "", 0
	for _, p := range providers {
		ps := strings.Split(p.prefix, "_")
		if len(ps) > len(segs) || len(ps) <= bestLen {
			continue
		}
		ok := true
		for i := range ps {
			if segs[i] != ps[i] {
				ok = false
				break
			}
		}
		if ok {
			best, bestLen = p.name, len(ps)
		}
	}
	if best == "" {
		return "unknown"
	}
	return best
}

// nameScope is the scope a few well-known variable names document; for the
// rest it states only that the name says "secret".
func nameScope(name, provider string) scope.Scope {
	ev := "variable " + name
	switch {
	case name == "RAILWAY_TOKEN":
		return scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachResource, Lifetime: scope.LifetimeLongLived,
			Confidence: scope.ConfidenceContext, Evidence: []string{ev + ": Railway project token (one environment of one project)"}}
	case provider == "Railway":
		return scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived,
			Destructive: true, DestroysWhat: "services, volumes and backups",
			Confidence: scope.ConfidenceContext, Evidence: []string{ev + ": Railway account or workspace token"}}
	case provider == "Heroku" && (strings.Contains(name, "API") || strings.HasSuffix(name, "TOKEN")):
		return scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Destructive: true,
			DestroysWhat: "apps and add-on databases", Confidence: scope.ConfidenceContext,
			Evidence: []string{ev + ": Heroku API key (global scope by default)"}}
	case name == "PGPASSWORD" || name == "MYSQL_PWD" || name == "MYSQL_PASSWORD" || name == "POSTGRES_PASSWORD":
		return scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachResource, Confidence: scope.ConfidenceContext,
			Destructive: true, DestroysWhat: "database data", Evidence: []string{ev + ": database password"}}
	case provider == "Vercel" || provider == "DigitalOcean" || provider == "Fly.io" || provider == "Cloudflare":
		return scope.Scope{Access: scope.AccessUnknown, Reach: scope.ReachUnknown, Destructive: true,
			DestroysWhat: "projects and deployments", Confidence: scope.ConfidenceContext,
			Evidence: []string{ev + ": " + provider + " token of unknown scope; account tokens can delete infrastructure"}}
	}
	return scope.Scope{Confidence: scope.ConfidenceContext, Evidence: []string{ev}}
}
