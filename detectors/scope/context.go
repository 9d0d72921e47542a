package scope

import (
	"path"
	"strings"
)

// Context is what surrounds a credential: the file it is in, the variable
// or key it is assigned to, and its line.
type Context struct {
	Path string
	Key  string
	Line string
}

// hint is what one clue in the surroundings says about a credential. Empty
// fields say nothing.
type hint struct {
	access       Access
	reach        Reach
	env          Env
	destructive  bool
	destroysWhat string
	placeholder  bool
	evidence     string
}

// ApplyContext refines a scope with what the surroundings say: the variable
// or key name, the file name and its directories, and an HTTP header on the
// same line.
//
// Context is weaker than what the token itself or its documented prefix
// says: it only fills fields that are still unknown, and it never changes a
// field learned with confidence decoded or prefix. When the scope came from
// nothing better than a default (a generic detector, or a rule that had to
// assume), context may replace the assumed fields, and the confidence
// becomes "context". Every clue used or overruled adds an evidence string.
//
// A file that looks like a template (.env.example, .sample, .template)
// lowers the confidence one step (prefix to context, context to default),
// because its values are probably placeholders; decoded scopes keep theirs.
func ApplyContext(s Scope, ctx Context) Scope {
	hints := keyHints(ctx.Key)
	hints = append(hints, lineHints(ctx.Key, ctx.Line)...)
	hints = append(hints, pathHints(ctx.Path)...)
	if len(hints) == 0 {
		return s
	}
	s = s.Normalize().Clone()
	weak := s.Confidence == ConfidenceDefault || s.Confidence == ConfidenceContext
	// setAccess etc. apply a clue to a field when the field is unknown, or
	// when the scope is only a default and the first clue wins.
	var setAccess, setReach, setEnv, setDestr bool
	// a clue that says "not production" is weighed last, against the
	// final reach: it may lower only a narrow credential's severity
	var notProd *hint
	for _, h := range hints {
		if h.env == EnvTest && !h.placeholder {
			if notProd == nil {
				notProd = &h
			} else if disagrees(s, h) {
				s.Evidence = append(s.Evidence, h.evidence+" (kept "+string(s.Confidence)+" scope)")
			}
			continue
		}
		used := false
		if h.access != "" && !setAccess && (s.Access == AccessUnknown || weak && s.Access != h.access) {
			s.Access, setAccess, used = h.access, true, true
		}
		if h.reach != "" && !setReach && (s.Reach == ReachUnknown || weak && s.Reach != h.reach) {
			s.Reach, setReach, used = h.reach, true, true
			if weak && !h.destructive && s.Destructive && !setDestr {
				// a narrower reach from context replaces an assumed
				// destructive default (an unknown Railway token named
				// RAILWAY_TOKEN is a project token)
				s.Destructive, s.DestroysWhat = false, ""
			}
		}
		// production may also replace a test env that only a host or
		// database name guessed (example.com in .env.production)
		if h.env != "" && !setEnv && (s.Env == EnvUnknown || weak && s.Env != h.env || s.Env == EnvTest && s.envGuessed) {
			s.Env, setEnv, used = h.env, true, true
			s.envGuessed = false
		}
		// a clue that says "destructive" without naming the reach (a
		// terraform.tfvars file) only classifies a credential nothing else
		// classified
		if h.destructive && !setDestr && !s.Destructive && (weak && h.reach != "" || s.Reach == ReachUnknown && s.Access == AccessUnknown) {
			s.Destructive, s.DestroysWhat, setDestr, used = true, h.destroysWhat, true, true
		}
		if h.placeholder {
			switch s.Confidence {
			case ConfidencePrefix:
				s.Confidence = ConfidenceContext
			case ConfidenceContext:
				s.Confidence = ConfidenceDefault
			}
			s.Evidence = append(s.Evidence, h.evidence)
			continue
		}
		switch {
		case used:
			if s.Confidence == ConfidenceDefault {
				s.Confidence = ConfidenceContext
			}
			s.Evidence = append(s.Evidence, h.evidence)
		case disagrees(s, h):
			s.Evidence = append(s.Evidence, h.evidence+" (kept "+string(s.Confidence)+" scope)")
		}
	}
	if h := notProd; h != nil {
		switch {
		case setEnv || !(s.Env == EnvUnknown || weak && s.Env != EnvTest):
			if s.Env != EnvTest {
				s.Evidence = append(s.Evidence, h.evidence+" (kept "+string(s.Confidence)+" scope)")
			}
		case broadByReach(s):
			// an account- or workspace-wide token reaches every
			// environment, whatever file it sits in
			s.Evidence = append(s.Evidence, h.evidence+" (not applied: a "+string(s.Reach)+"-wide credential reaches every environment)")
		default:
			s.Env = EnvTest
			if s.Confidence == ConfidenceDefault {
				s.Confidence = ConfidenceContext
			}
			s.Evidence = append(s.Evidence, h.evidence)
		}
	}
	return s
}

// broadByReach reports whether a credential's reach and rights make it
// high or critical whatever its environment: account or org reach, or an
// unknown reach with admin or destructive rights.
func broadByReach(s Scope) bool {
	switch s.Reach {
	case ReachAccount, ReachOrg:
		return true
	case ReachUnknown:
		return s.Destructive || s.Access == AccessAdmin
	}
	return false
}

// disagrees reports whether a clue that was not used says something other
// than the scope, so the report can show it was considered.
func disagrees(s Scope, h hint) bool {
	return h.access != "" && h.access != s.Access ||
		h.reach != "" && h.reach != s.Reach ||
		h.env != "" && h.env != s.Env ||
		h.destructive && !s.Destructive
}

// words splits a variable name into upper-case words at _, -, ., spaces and
// lower-to-upper case changes: "stripeLiveKey" -> STRIPE LIVE KEY.
func words(name string) []string {
	var out []string
	start := -1
	flush := func(i int) {
		if start >= 0 && i > start {
			out = append(out, strings.ToUpper(name[start:i]))
		}
		start = -1
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum {
			flush(i)
			continue
		}
		if start >= 0 && c >= 'A' && c <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			flush(i)
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(name))
	return out
}

func hasWord(ws []string, any ...string) string {
	for _, w := range ws {
		for _, a := range any {
			if w == a {
				return w
			}
		}
	}
	return ""
}

// hasPair reports whether a is directly followed by b in ws.
func hasPair(ws []string, a, b string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if ws[i] == a && ws[i+1] == b {
			return true
		}
	}
	return false
}

// broadPlatformKeys are variable names that hold account-level tokens of
// platforms whose account tokens can delete infrastructure, per
// credential-facts.md. A token under such a name whose kind nothing else
// tells is assumed account-wide and destructive, and says so.
var broadPlatformKeys = map[string]struct{ platform, destroys string }{
	"RAILWAY_API_TOKEN":         {"Railway account or workspace token", "services, volumes and backups"},
	"HEROKU_API_KEY":            {"Heroku API key", "apps and add-on databases"},
	"VERCEL_TOKEN":              {"Vercel access token", "projects and deployments"},
	"DIGITALOCEAN_TOKEN":        {"DigitalOcean token", "droplets, databases and volumes"},
	"DIGITALOCEAN_ACCESS_TOKEN": {"DigitalOcean token", "droplets, databases and volumes"},
	"SUPABASE_ACCESS_TOKEN":     {"Supabase personal access token", "projects and their databases"},
	"CLOUDFLARE_API_KEY":        {"Cloudflare global API key", "zones, DNS and Workers"},
	"FLY_API_TOKEN":             {"Fly.io token", "apps, machines and volumes"},
}

func keyHints(key string) []hint {
	if key == "" {
		return nil
	}
	ws := words(key)
	if len(ws) == 0 {
		return nil
	}
	canon := strings.Join(ws, "_")
	label := "variable name " + key
	var hs []hint
	switch {
	case canon == "RAILWAY_TOKEN":
		hs = append(hs, hint{access: AccessWrite, reach: ReachResource,
			evidence: label + ": Railway project token (one environment of one project)"})
	case canon == "PROJECT_ACCESS_TOKEN":
		hs = append(hs, hint{access: AccessWrite, reach: ReachResource,
			evidence: "header " + key + ": Railway project token (one environment of one project)"})
	default:
		if p, ok := broadPlatformKeys[canon]; ok {
			hs = append(hs, hint{access: AccessAdmin, reach: ReachAccount, destructive: true, destroysWhat: p.destroys,
				evidence: label + ": " + p.platform + ", kind not visible in the string, assumed account-wide and destructive"})
		}
	}
	if hasPair(ws, "SERVICE", "ROLE") {
		hs = append(hs, hint{access: AccessAdmin, reach: ReachProject, destructive: true,
			destroysWhat: "the project's data (bypasses row level security)",
			evidence:     label + ": service_role key, bypasses row level security"})
	}
	if w := hasWord(ws, "ADMIN", "ROOT", "SUPERUSER", "MASTER", "OWNER"); w != "" {
		hs = append(hs, hint{access: AccessAdmin, evidence: label + ": " + strings.ToLower(w) + " credential"})
	}
	if hasWord(ws, "READONLY", "RO") != "" || hasPair(ws, "READ", "ONLY") {
		hs = append(hs, hint{access: AccessRead, evidence: label + ": read-only credential"})
	}
	if w := hasWord(ws, "PROD", "PRODUCTION", "PRD", "LIVE"); w != "" {
		hs = append(hs, hint{env: EnvProduction, evidence: label + ": production (" + strings.ToLower(w) + ")"})
	}
	if w := hasWord(ws, "TEST", "TESTING", "SANDBOX", "DEV", "DEVELOPMENT", "STAGING", "STG", "QA"); w != "" {
		hs = append(hs, hint{env: EnvTest, evidence: label + ": not production (" + strings.ToLower(w) + ")"})
	}
	return hs
}

// lineHints reads HTTP headers on the credential's line that the key name
// did not already name.
func lineHints(key, line string) []hint {
	if len(line) > 1024 {
		line = line[:1024]
	}
	if strings.EqualFold(key, "Project-Access-Token") || !containsFold(line, "project-access-token") {
		return nil
	}
	return []hint{{access: AccessWrite, reach: ReachResource,
		evidence: "header Project-Access-Token on the same line: Railway project token (one environment of one project)"}}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

func pathHints(p string) []hint {
	if p == "" {
		return nil
	}
	p = strings.ReplaceAll(p, "\\", "/")
	base := path.Base(p)
	lb := strings.ToLower(base)
	label := "file " + base
	var hs []hint
	switch {
	case strings.HasSuffix(p, ".railway/config.json") || strings.HasPrefix(lb, "config-") && strings.Contains(p, ".railway/"):
		hs = append(hs, hint{access: AccessAdmin, reach: ReachAccount, destructive: true,
			destroysWhat: "services, volumes and backups",
			evidence:     "file ~/.railway/config.json: Railway CLI login token, same rights as an account token"})
	case lb == "terraform.tfvars" || strings.HasSuffix(lb, ".auto.tfvars") || strings.HasSuffix(lb, ".tfvars.json"):
		hs = append(hs, hint{destructive: true, destroysWhat: "infrastructure Terraform manages",
			evidence: label + ": Terraform variables, usually credentials that can change or destroy infrastructure"})
	}
	// .env.production, .env.prod, production.env, app.prod.yaml
	ext := envFileWords(lb)
	switch {
	case hasWord(ext, "EXAMPLE", "SAMPLE", "TEMPLATE", "DIST", "TPL") != "":
		hs = append(hs, hint{placeholder: true, evidence: label + ": a template, the value is probably a placeholder"})
	case hasWord(ext, "PRODUCTION", "PROD") != "":
		hs = append(hs, hint{env: EnvProduction, evidence: label + ": production"})
	case notProdFile(lb):
		hs = append(hs, hint{env: EnvTest, evidence: label + ": not production"})
	}
	if len(ext) == 0 || hasWord(ext, "PRODUCTION", "PROD", "TEST", "TESTING", "STAGING", "DEV", "DEVELOPMENT") == "" {
		for _, d := range strings.Split(path.Dir(p), "/") {
			switch strings.ToLower(d) {
			case "prod", "production":
				hs = append(hs, hint{env: EnvProduction, evidence: "directory " + d + "/: production"})
			}
		}
	}
	return hs
}

// envFileWords returns the words of a file name that can name an
// environment: all its dot-separated parts for .env-style and config
// files ("env", "production"), nothing for source files, where a name such
// as test.go says nothing about the credential.
func envFileWords(lb string) []string {
	parts := strings.Split(lb, ".")
	isEnv := false
	for _, p := range parts {
		switch p {
		case "env", "envrc", "tfvars", "yaml", "yml", "json", "toml", "ini", "cfg", "conf", "config", "properties", "example", "sample", "template", "dist":
			isEnv = true
		}
	}
	if !isEnv {
		return nil
	}
	var ws []string
	for _, p := range parts {
		ws = append(ws, words(p)...)
	}
	return ws
}

// notProdFile reports .env-style and config files named for a
// non-production environment by a whole dot-separated part of their name
// (.env.staging, test.env, app.dev.yaml). A word inside a part does not
// count (config-dev.json, .gitlab-ci.yml: CI pipelines deploy production),
// since saying "not production" lowers a severity.
func notProdFile(lb string) bool {
	if envFileWords(lb) == nil {
		return false
	}
	for _, p := range strings.Split(lb, ".") {
		switch p {
		case "test", "testing", "staging", "stage", "stg", "dev", "development", "qa", "sandbox":
			return true
		}
	}
	return false
}
