package home

import (
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner/env"
)

// serverKeys are the keys under which agent configurations list MCP
// servers: mcpServers (Claude, Cursor, Windsurf, Gemini, Claude Desktop),
// servers (VS Code), mcp_servers (Codex).
var serverKeys = map[string]bool{"mcpServers": true, "servers": true, "mcp_servers": true}

// serverProviders guesses an MCP server's purpose from its name, command,
// arguments or URL; a token in its entry inherits it.
var serverProviders = []struct{ word, provider, envName string }{
	{"railway", "Railway", "RAILWAY_API_TOKEN"}, {"supabase", "Supabase", "SUPABASE_ACCESS_TOKEN"},
	{"stripe", "Stripe", "STRIPE_SECRET_KEY"}, {"github", "GitHub", "GITHUB_TOKEN"}, {"gitlab", "GitLab", "GITLAB_TOKEN"},
	{"vercel", "Vercel", "VERCEL_TOKEN"}, {"cloudflare", "Cloudflare", "CLOUDFLARE_API_TOKEN"},
	{"heroku", "Heroku", "HEROKU_API_KEY"}, {"linear", "Linear", "LINEAR_API_KEY"}, {"notion", "Notion", "NOTION_TOKEN"},
	{"slack", "Slack", "SLACK_TOKEN"}, {"sentry", "Sentry", "SENTRY_AUTH_TOKEN"}, {"postgres", "PostgreSQL", "POSTGRES_PASSWORD"},
	{"neon", "Neon", "NEON_API_KEY"}, {"digitalocean", "DigitalOcean", "DIGITALOCEAN_ACCESS_TOKEN"},
	{"aws", "AWS", "AWS_SECRET_ACCESS_KEY"}, {"fly", "Fly.io", "FLY_API_TOKEN"}, {"atlassian", "Atlassian", "ATLASSIAN_API_TOKEN"},
	{"jira", "Atlassian", "JIRA_API_TOKEN"}, {"openai", "OpenAI", "OPENAI_API_KEY"}, {"anthropic", "Anthropic", "ANTHROPIC_API_KEY"},
	{"datadog", "Datadog", "DD_API_KEY"}, {"figma", "Figma", "FIGMA_API_KEY"}, {"brave", "Brave", "BRAVE_API_KEY"},
}

type server struct {
	name     string
	provider string
	envName  string
	leaves   []leaf // relative to the server entry
}

// parseAgentConfig reads AI agents' and editors' configuration: the MCP
// servers' env blocks, headers, arguments and URLs, the agents' own env
// blocks, and any other field whose name says "secret".
func parseAgentConfig(p *pctx) {
	var ls []leaf
	switch {
	case strings.HasSuffix(p.origin.Path, ".toml"):
		ls = tomlLeaves(p.data)
	case strings.HasSuffix(p.origin.Path, ".yml") || strings.HasSuffix(p.origin.Path, ".yaml"):
		var err error
		ls, err = yamlLeaves(p.data)
		if err != nil && len(ls) == 0 {
			return
		}
	default:
		var err error
		ls, err = jsonLeaves(p.data)
		if err != nil && len(ls) == 0 {
			return
		}
	}
	done := map[string]bool{}
	// MCP servers, wherever they are nested (~/.claude.json keeps
	// local-scope servers under projects/<path>/mcpServers).
	servers := map[string]*server{}
	var order []string
	for _, l := range ls {
		for i := 0; i+2 < len(l.path); i++ {
			if !serverKeys[l.path[i]] {
				continue
			}
			id := strings.Join(l.path[:i+2], "\x00")
			sv, ok := servers[id]
			if !ok {
				sv = &server{name: l.path[i+1]}
				if i > 1 && l.path[i-2] == "projects" {
					sv.name = l.path[i-1] + ":" + l.path[i+1]
				}
				servers[id] = sv
				order = append(order, id)
			}
			sv.leaves = append(sv.leaves, leaf{path: l.path[i+2:], value: l.value, line: l.line})
			break
		}
	}
	for _, id := range order {
		sv := servers[id]
		var words strings.Builder
		words.WriteString(strings.ToLower(sv.name))
		for _, l := range sv.leaves {
			if k := l.path[0]; k == "command" || k == "args" || k == "url" || k == "serverUrl" || k == "httpUrl" {
				words.WriteString(" " + strings.ToLower(l.value))
			}
		}
		for _, sp := range serverProviders {
			if strings.Contains(words.String(), sp.word) {
				sv.provider, sv.envName = sp.provider, sp.envName
				break
			}
		}
		serverCreds(p, sv, done)
	}
	// agents' own env blocks and any field named like a secret
	for _, l := range ls {
		if done[l.value] || !env.ValuePlausible(l.value) {
			continue
		}
		name := l.key()
		if len(l.path) >= 2 && l.path[len(l.path)-2] == "env" {
			if n, ok := env.Classify(name, l.value); ok {
				done[l.value] = true
				p.add(cred{rule: "agent-config-secret", provider: n.Provider, kind: "agent env " + name, secret: l.value,
					key: name, where: "env " + name, line: l.line, scope: n.Scope, attrs: map[string]string{"variable": name}})
			}
			continue
		}
		if !env.NameLooksSecret(name) || strings.HasPrefix(l.value, "http") && !strings.Contains(l.value, "@") {
			continue
		}
		done[l.value] = true
		prov := env.ProviderOf(name)
		s := env.ScopeFor(name, prov)
		kind := "agent setting " + l.dotted()
		switch {
		case strings.Contains(p.origin.Path, ".claude") && (name == "accessToken" || name == "refreshToken"):
			prov, kind = "Anthropic", "Claude subscription OAuth "+name
			s = sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeExpiring, "", "Claude Code login: acts as the user's Claude account")
		case strings.Contains(p.origin.Path, ".codex"):
			prov = "OpenAI"
		case strings.Contains(p.origin.Path, ".gemini") && (name == "access_token" || name == "refresh_token"):
			prov, kind = "Google", "Gemini CLI Google OAuth "+name
			life := scope.LifetimeExpiring
			if name == "refresh_token" {
				life = scope.LifetimeLongLived
			}
			s = sc(scope.AccessUnknown, scope.ReachAccount, life, "", "Gemini CLI login: acts as the user's Google account within the scopes it was granted")
		case strings.Contains(p.origin.Path, "github-copilot") && name == "oauth_token":
			prov, kind = "GitHub", "Copilot OAuth token"
		}
		p.add(cred{rule: "agent-config-secret", provider: prov, kind: kind, secret: l.value,
			key: name, where: l.dotted(), line: l.line, scope: s, attrs: map[string]string{"field": l.dotted()}})
	}
}

var flagRe = regexp.MustCompile(`^--?([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$`)

// serverCreds reports the secrets of one MCP server entry.
func serverCreds(p *pctx, sv *server, done map[string]bool) {
	emit := func(l leaf, name, where string, s scope.Scope, prov string) {
		if done[l.value] {
			return
		}
		done[l.value] = true
		if prov == "" || prov == "unknown" {
			prov = sv.provider
		}
		if prov == "" {
			prov = "unknown"
		}
		p.add(cred{rule: "mcp-server-secret", provider: prov, kind: "MCP server " + where, secret: l.value,
			key: name, where: "server " + sv.name + " " + where, line: l.line, scope: s,
			attrs: map[string]string{"server": sv.name, "mcp_field": where}})
	}
	// scopeFor names the scope: the variable's own name first, else the
	// server's purpose.
	scopeFor := func(name string) (scope.Scope, string) {
		prov := env.ProviderOf(name)
		if prov != "unknown" {
			return env.ScopeFor(name, prov), prov
		}
		if sv.envName != "" {
			s := env.ScopeFor(sv.envName, sv.provider)
			s.Evidence = append(s.Evidence, "MCP server "+sv.name+" serves "+sv.provider)
			return s, sv.provider
		}
		return env.ScopeFor(name, "unknown"), ""
	}
	var args []leaf
	for _, l := range sv.leaves {
		section := l.path[0]
		switch {
		case (section == "env" || section == "environment") && len(l.path) == 2:
			name := l.path[1]
			if !env.ValuePlausible(l.value) {
				continue
			}
			if _, ok := env.Classify(name, l.value); !ok {
				continue
			}
			s, prov := scopeFor(name)
			emit(l, name, "env "+name, s, prov)
		case (section == "headers" || section == "http_headers") && len(l.path) == 2:
			name := l.path[1]
			v := l.value
			for _, scheme := range []string{"Bearer ", "bearer ", "Basic ", "token ", "Token "} {
				v = strings.TrimPrefix(v, scheme)
			}
			if !env.ValuePlausible(v) || !(strings.EqualFold(name, "Authorization") || env.NameLooksSecret(name)) {
				continue
			}
			var s scope.Scope
			prov := ""
			if strings.EqualFold(name, "Project-Access-Token") {
				s, prov = env.ScopeFor("RAILWAY_TOKEN", "Railway"), "Railway"
			} else {
				s, prov = scopeFor(name)
			}
			emit(leaf{path: l.path, value: v, line: l.line}, name, "header "+name, s, prov)
		case section == "bearer_token" && len(l.path) == 1:
			if env.ValuePlausible(l.value) {
				s, prov := scopeFor("TOKEN")
				emit(l, "bearer_token", "bearer_token", s, prov)
			}
		case section == "args" && len(l.path) == 2:
			args = append(args, l)
		case section == "url" || section == "serverUrl" || section == "httpUrl":
			u, err := url.Parse(l.value)
			if err != nil {
				continue
			}
			if pw, ok := u.User.Password(); ok && env.ValuePlausible(pw) {
				s, prov := scopeFor("PASSWORD")
				emit(leaf{path: l.path, value: pw, line: l.line}, "password", "url password", s, prov)
			}
			q := u.Query()
			for _, k := range sortedQueryKeys(q) {
				if env.NameLooksSecret(k) && env.ValuePlausible(q.Get(k)) {
					s, prov := scopeFor(k)
					emit(leaf{path: l.path, value: q.Get(k), line: l.line}, k, "url parameter "+k, s, prov)
				}
			}
		}
	}
	// --token X, --api-key=X, KEY=value (docker -e)
	for i, a := range args {
		if m := flagRe.FindStringSubmatch(a.value); m != nil && env.NameLooksSecret(m[1]) {
			val, ln := m[2], a.line
			if val == "" && i+1 < len(args) {
				val, ln = args[i+1].value, args[i+1].line
			}
			if env.ValuePlausible(val) {
				s, prov := scopeFor(strings.ReplaceAll(strings.ToUpper(m[1]), "-", "_"))
				emit(leaf{path: a.path, value: val, line: ln}, m[1], "argument --"+m[1], s, prov)
			}
			continue
		}
		if k, v, ok := strings.Cut(a.value, "="); ok && !strings.HasPrefix(k, "-") {
			if _, ok := env.Classify(k, v); ok {
				s, prov := scopeFor(k)
				emit(leaf{path: a.path, value: v, line: a.line}, k, "argument "+k, s, prov)
			}
		}
	}
}

func sortedQueryKeys(q url.Values) []string {
	m := map[string]string{}
	for k := range q {
		m[k] = ""
	}
	return sortedKeys(m)
}

var assignRe = regexp.MustCompile(`(?:^|[\s;&|(])(?:export\s+|set\s+-[gxU]+\s+|setenv\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|)]+)`)
var bearerRe = regexp.MustCompile(`(?i)authorization:\s*(?:bearer|token)\s+([A-Za-z0-9._~+/=-]{16,})`)

// parseHistory reads shell and REPL histories for credentials typed on the
// command line: variable assignments whose names say "secret" (export
// RAILWAY_TOKEN=..., PGPASSWORD=... psql, set -gx ...) and bearer headers.
func parseHistory(p *pctx) {
	for n, line := range strings.Split(string(p.data), "\n") {
		if len(line) > 8192 {
			continue
		}
		// zsh extended history: ": 1700000000:0;command"
		if strings.HasPrefix(line, ": ") {
			if i := strings.IndexByte(line, ';'); i >= 0 {
				line = line[i+1:]
			}
		}
		// fish: "- cmd: command"
		line = strings.TrimPrefix(line, "- cmd: ")
		if !strings.Contains(line, "=") && !strings.Contains(line, "set") {
			if !strings.Contains(line, "uthorization") && !strings.Contains(line, "UTHORIZATION") {
				continue
			}
		}
		for _, m := range assignRe.FindAllStringSubmatch(line, -1) {
			name, val := m[1], unquote(m[2])
			nm, ok := env.Classify(name, val)
			if !ok {
				continue
			}
			p.add(cred{rule: "shell-history-secret", provider: nm.Provider, kind: "secret typed in a shell command (" + name + ")",
				secret: val, key: name, where: "command line " + strconv.Itoa(n+1), line: n + 1, scope: nm.Scope,
				attrs: map[string]string{"variable": name}})
		}
		if !strings.Contains(line, "uthorization") && !strings.Contains(line, "UTHORIZATION") {
			continue
		}
		for _, m := range bearerRe.FindAllStringSubmatch(line, -1) {
			p.add(cred{rule: "shell-history-secret", provider: "unknown", kind: "bearer token typed in a shell command",
				secret: m[1], key: "Authorization", where: "command line " + strconv.Itoa(n+1), line: n + 1,
				scope: sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeUnknown, "", "Authorization header in a command")})
		}
	}
}

// parseDotenv reads .env files: NAME=value lines, optionally exported and
// quoted; a value whose name says "secret" is reported whatever its
// format (a Railway token is a bare UUID).
func parseDotenv(p *pctx) {
	for n, raw := range strings.Split(string(p.data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		val = strings.TrimSpace(val)
		if len(val) > 0 && val[0] != '"' && val[0] != '\'' {
			if i := strings.Index(val, " #"); i >= 0 {
				val = strings.TrimSpace(val[:i])
			}
		}
		val = unquote(val)
		nm, ok := env.Classify(name, val)
		if !ok {
			continue
		}
		p.add(cred{rule: "dotenv-secret", provider: nm.Provider, kind: "secret in a .env file (" + name + ")",
			secret: val, key: name, where: name, line: n + 1, scope: nm.Scope,
			attrs: map[string]string{"variable": name}})
	}
}

// workspaceParser returns the parser for a file found in a workspace (or a
// parent directory), chosen by its path: agent and MCP configurations,
// .env files, and copies of home stores that projects keep.
func workspaceParser(p string) (func(*pctx), string) {
	p = strings.ReplaceAll(p, "\\", "/")
	base := path.Base(p)
	dirBase := path.Base(path.Dir(p))
	switch {
	case base == ".mcp.json", base == "mcp.json" && (dirBase == ".cursor" || dirBase == ".vscode"):
		return parseAgentConfig, "mcp-config"
	case dirBase == ".claude" && (base == "settings.json" || base == "settings.local.json"),
		dirBase == ".gemini" && base == "settings.json", dirBase == ".codex" && base == "config.toml":
		return parseAgentConfig, "agent-config"
	case base == ".env" || strings.HasPrefix(base, ".env.") || base == ".envrc" || strings.HasSuffix(base, ".env"):
		return parseDotenv, "dotenv"
	case base == ".npmrc":
		return parseNpmrc, "npmrc"
	case base == ".pypirc":
		return parsePypirc, "pypirc"
	case base == ".git-credentials":
		return parseGitCredentials, "git-credentials"
	case base == ".netrc":
		return parseNetrc, "netrc"
	case base == ".pgpass":
		return parsePgpass, "pgpass"
	case base == "config.json" && dirBase == ".docker":
		return parseDocker, "docker-config"
	case base == ".s3cfg":
		return parseS3cfg, "s3cmd-config"
	case base == ".my.cnf":
		return parseMyCnf, "mysql-config"
	case dirBase == ".dbeaver" && strings.HasPrefix(base, "data-sources") && strings.HasSuffix(base, ".json"):
		return parseDBeaverDataSources, "dbeaver-data-sources"
	case base == "sftp.json" && dirBase == ".vscode", base == ".remote-sync.json", base == ".ftpconfig":
		return parseSyncConfig, "sync-config"
	case base == "logins.json":
		return parseFirefoxLogins, "firefox-logins"
	case base == "sitemanager.xml" || base == "recentservers.xml":
		return parseFileZilla, "filezilla"
	case base == "robo3t.json" || base == "robomongo.json":
		return parseRobo3T, "robo3t"
	case base == "credentials.tfrc.json":
		return parseTerraform, "terraform-credentials"
	case base == "kubeconfig" || base == "config" && dirBase == ".kube":
		return parseKubeconfig, "kubeconfig"
	case base == "master.key" && dirBase == "config",
		dirBase == "credentials" && strings.HasSuffix(base, ".key") && path.Base(path.Dir(path.Dir(p))) == "config":
		return parseRailsKey, "rails-key"
	}
	return nil, ""
}
