package home

import (
	"encoding/base64"
	"encoding/xml"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner/env"
)

// store is one kind of credential file.
type store struct {
	name string
	// paths are relative to the home directory, slash-separated; a path
	// with * ? or [ is a glob.
	paths   []string
	exclude func(base string) bool
	// env returns further paths named by variables (KUBECONFIG, ...).
	env   func(getenv func(string) string) []string
	parse func(p *pctx)
}

func (s *store) fromEnv(getenv func(string) string) []string {
	if s.env == nil {
		return nil
	}
	var out []string
	for _, p := range s.env(getenv) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func envPath(name string, rel ...string) func(func(string) string) []string {
	return func(getenv func(string) string) []string {
		v := getenv(name)
		if v == "" {
			return nil
		}
		return []string{filepath.Join(append([]string{v}, rel...)...)}
	}
}

// storeTable lists every store the home source knows, in report order.
var storeTable = []store{
	{name: "aws-credentials", paths: []string{".aws/credentials"}, env: envPath("AWS_SHARED_CREDENTIALS_FILE"), parse: parseAWS},
	{name: "aws-config", paths: []string{".aws/config"}, env: envPath("AWS_CONFIG_FILE"), parse: parseAWS},
	{name: "aws-sso-cache", paths: []string{".aws/sso/cache/*.json"}, parse: parseAWSSSO},
	{name: "gcloud-adc", paths: []string{".config/gcloud/application_default_credentials.json"},
		env: func(g func(string) string) []string {
			var out []string
			if v := g("CLOUDSDK_CONFIG"); v != "" {
				out = append(out, filepath.Join(v, "application_default_credentials.json"))
			}
			return append(out, g("GOOGLE_APPLICATION_CREDENTIALS"))
		}, parse: parseGoogle},
	{name: "gcloud-legacy-credentials", paths: []string{".config/gcloud/legacy_credentials/*/adc.json"}, parse: parseGoogle},
	{name: "azure-msal-token-cache", paths: []string{".azure/msal_token_cache.json"}, env: envPath("AZURE_CONFIG_DIR", "msal_token_cache.json"), parse: parseAzureMSAL},
	{name: "azure-service-principals", paths: []string{".azure/service_principal_entries.json"}, env: envPath("AZURE_CONFIG_DIR", "service_principal_entries.json"), parse: parseAzureSP},
	{name: "azure-access-tokens", paths: []string{".azure/accessTokens.json"}, parse: parseAzureLegacy},
	{name: "gh-hosts", paths: []string{".config/gh/hosts.yml"}, env: envPath("GH_CONFIG_DIR", "hosts.yml"), parse: parseGHHosts},
	{name: "git-credentials", paths: []string{".git-credentials", ".config/git/credentials"}, env: envPath("XDG_CONFIG_HOME", "git", "credentials"), parse: parseGitCredentials},
	{name: "netrc", paths: []string{".netrc", "_netrc"}, env: envPath("NETRC"), parse: parseNetrc},
	{name: "npmrc", paths: []string{".npmrc"}, env: envPath("NPM_CONFIG_USERCONFIG"), parse: parseNpmrc},
	{name: "pypirc", paths: []string{".pypirc"}, parse: parsePypirc},
	{name: "cargo-credentials", paths: []string{".cargo/credentials.toml", ".cargo/credentials"},
		env: func(g func(string) string) []string {
			if v := g("CARGO_HOME"); v != "" {
				return []string{filepath.Join(v, "credentials.toml"), filepath.Join(v, "credentials")}
			}
			return nil
		}, parse: parseCargo},
	{name: "gem-credentials", paths: []string{".gem/credentials", ".local/share/gem/credentials"}, parse: parseGem},
	{name: "maven-settings", paths: []string{".m2/settings.xml"}, parse: parseMaven},
	{name: "docker-config", paths: []string{".docker/config.json"}, env: envPath("DOCKER_CONFIG", "config.json"), parse: parseDocker},
	{name: "kubeconfig", paths: []string{".kube/config"},
		env: func(g func(string) string) []string {
			return filepath.SplitList(g("KUBECONFIG"))
		}, parse: parseKubeconfig},
	{name: "railway-config", paths: []string{".railway/config.json", ".railway/config-staging.json", ".railway/config-dev.json"}, parse: parseRailway},
	{name: "fly-config", paths: []string{".fly/config.yml"}, parse: parseFly},
	{name: "vercel-auth", paths: []string{".local/share/com.vercel.cli/auth.json", "Library/Application Support/com.vercel.cli/auth.json", ".vercel/auth.json"}, parse: parseVercel},
	{name: "terraform-credentials", paths: []string{".terraform.d/credentials.tfrc.json"}, parse: parseTerraform},
	{name: "vault-token", paths: []string{".vault-token"}, parse: parseVaultToken},
	{name: "doctl-config", paths: []string{".config/doctl/config.yaml", "Library/Application Support/doctl/config.yaml"}, parse: parseDoctl},
	{name: "supabase-access-token", paths: []string{".supabase/access-token"}, parse: parseSupabase},
	{name: "huggingface-token", paths: []string{".cache/huggingface/token", ".huggingface/token", ".cache/huggingface/stored_tokens"},
		env: func(g func(string) string) []string {
			if v := g("HF_HOME"); v != "" {
				return []string{filepath.Join(v, "token"), filepath.Join(v, "stored_tokens")}
			}
			return nil
		}, parse: parseHuggingFace},
	{name: "databricks-config", paths: []string{".databrickscfg"}, env: envPath("DATABRICKS_CONFIG_FILE"), parse: parseDatabricks},
	{name: "pgpass", paths: []string{".pgpass"}, env: envPath("PGPASSFILE"), parse: parsePgpass},
	{name: "mysql-config", paths: []string{".my.cnf"}, parse: parseMyCnf},
	{name: "s3cmd-config", paths: []string{".s3cfg", "AppData/Roaming/s3cmd.ini"}, parse: parseS3cfg},
	{name: "dbeaver-data-sources", paths: []string{".local/share/DBeaverData/workspace6/*/.dbeaver/data-sources*.json",
		"Library/DBeaverData/workspace6/*/.dbeaver/data-sources*.json", "AppData/Roaming/DBeaverData/workspace6/*/.dbeaver/data-sources*.json"}, parse: parseDBeaverDataSources},
	{name: "firefox-logins", paths: []string{".mozilla/firefox/*/logins.json", "snap/firefox/common/.mozilla/firefox/*/logins.json",
		"Library/Application Support/Firefox/Profiles/*/logins.json", "AppData/Roaming/Mozilla/Firefox/Profiles/*/logins.json"}, parse: parseFirefoxLogins},
	{name: "filezilla", paths: []string{".config/filezilla/sitemanager.xml", ".config/filezilla/recentservers.xml", ".filezilla/sitemanager.xml",
		".filezilla/recentservers.xml", "AppData/Roaming/FileZilla/sitemanager.xml", "AppData/Roaming/FileZilla/recentservers.xml"}, parse: parseFileZilla},
	{name: "robo3t", paths: []string{".3T/robo-3t/*/robo3t.json", ".3T/robomongo/*/robomongo.json", ".config/robomongo/*/robomongo.json",
		".config/robomongo/robomongo.json"}, parse: parseRobo3T},
	{name: "ssh-private-key", paths: []string{".ssh/id_*", ".ssh/*.pem", ".ssh/*.ppk", ".putty/*.ppk"}, exclude: func(b string) bool { return strings.HasSuffix(b, ".pub") }, parse: parseSSHKey},
	{name: "shell-history", paths: []string{".bash_history", ".zsh_history", ".history", ".sh_history", ".local/share/fish/fish_history", ".psql_history", ".mysql_history", ".python_history", ".node_repl_history"},
		env: envPath("HISTFILE"), parse: parseHistory},
	{name: "claude-config", paths: []string{".claude.json"}, parse: parseAgentConfig},
	{name: "claude-settings", paths: []string{".claude/settings.json", ".claude/settings.local.json"}, parse: parseAgentConfig},
	{name: "claude-credentials", paths: []string{".claude/.credentials.json"}, parse: parseAgentConfig},
	{name: "claude-desktop-config", paths: []string{"Library/Application Support/Claude/claude_desktop_config.json", ".config/Claude/claude_desktop_config.json"}, parse: parseAgentConfig},
	{name: "cursor-mcp", paths: []string{".cursor/mcp.json"}, parse: parseAgentConfig},
	{name: "vscode-mcp", paths: []string{".config/Code/User/mcp.json", "Library/Application Support/Code/User/mcp.json", ".vscode/mcp.json"}, parse: parseAgentConfig},
	{name: "windsurf-mcp", paths: []string{".codeium/windsurf/mcp_config.json"}, parse: parseAgentConfig},
	{name: "codex-config", paths: []string{".codex/config.toml"}, parse: parseAgentConfig},
	{name: "codex-auth", paths: []string{".codex/auth.json"}, parse: parseAgentConfig},
	{name: "gemini-settings", paths: []string{".gemini/settings.json"}, parse: parseAgentConfig},
	// the agents' own logins (paths observed, unconfirmed by the vendors):
	// Gemini CLI's Google OAuth tokens, GitHub Copilot's OAuth token (the
	// editors' plugins and Copilot CLI), Continue's model API keys
	{name: "gemini-oauth", paths: []string{".gemini/oauth_creds.json"}, parse: parseAgentConfig},
	{name: "copilot-auth", paths: []string{".config/github-copilot/hosts.json", ".config/github-copilot/apps.json"}, parse: parseAgentConfig},
	{name: "continue-config", paths: []string{".continue/config.json", ".continue/config.yaml"}, parse: parseAgentConfig},
	// aider's options file: openai-api-key, anthropic-api-key, api-key
	// (https://aider.chat/docs/config/aider_conf.html)
	{name: "aider-config", paths: []string{".aider.conf.yml"}, parse: parseAgentConfig},
}

// StoreNames lists the stores the home source knows.
func StoreNames() []string {
	out := make([]string, len(storeTable))
	for i, s := range storeTable {
		out[i] = s.name
	}
	return out
}

// ---- cloud CLIs ----

func sections(ls []leaf) ([]string, map[string][]leaf) {
	var two []leaf
	for _, l := range ls {
		if len(l.path) == 2 {
			two = append(two, l)
		}
	}
	return groupBy(two, 0)
}

const awsDestroys = "whatever its IAM policies allow (instances, buckets, databases)"

func parseAWS(p *pctx) {
	order, groups := sections(iniLeaves(p.data))
	for _, sec := range order {
		g := groups[sec]
		profile := strings.TrimSpace(strings.TrimPrefix(sec, "profile "))
		id, _ := field(g, "aws_access_key_id")
		tok, hasTok := field(g, "aws_session_token")
		if secret, ok := field(g, "aws_secret_access_key"); ok {
			temp := hasTok || strings.HasPrefix(id.value, "ASIA")
			kind, life := "long-term access key", scope.LifetimeLongLived
			if temp {
				kind, life = "temporary access key", scope.LifetimeEphemeral
			}
			s := sc(scope.AccessUnknown, scope.ReachUnknown, life, awsDestroys,
				"AWS "+kind+": its rights are the IAM policies attached, not visible offline")
			p.add(cred{rule: "aws-profile-secret-key", provider: "AWS", kind: kind, secret: secret.value,
				key: "aws_secret_access_key", where: "profile " + profile, line: secret.line,
				scope: prodHint(s, profile), attrs: map[string]string{"profile": profile, "access_key_id": id.value}})
		}
		if hasTok {
			s := sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeEphemeral, awsDestroys, "AWS session token: temporary credentials")
			p.add(cred{rule: "aws-profile-session-token", provider: "AWS", kind: "session token", secret: tok.value,
				key: "aws_session_token", where: "profile " + profile, line: tok.line,
				scope: prodHint(s, profile), attrs: map[string]string{"profile": profile}})
		}
	}
}

func parseAWSSSO(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	exp := ""
	start := ""
	for _, l := range ls {
		switch l.key() {
		case "expiresAt":
			exp = l.value
		case "startUrl":
			start = l.value
		}
	}
	for _, l := range ls {
		if len(l.path) != 1 {
			continue
		}
		switch l.key() {
		case "accessToken":
			s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeEphemeral, awsDestroys,
				"IAM Identity Center access token: acts as the signed-in user in every account and role they can reach")
			s = withExpiry(s, exp)
			p.add(cred{rule: "aws-sso-token", provider: "AWS", kind: "IAM Identity Center (SSO) access token", secret: l.value,
				key: "accessToken", line: l.line, scope: s, attrs: map[string]string{"start_url": start, "expires_at": exp}})
		case "refreshToken":
			s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeExpiring, awsDestroys,
				"IAM Identity Center refresh token: mints new access tokens for the signed-in user")
			p.add(cred{rule: "aws-sso-token", provider: "AWS", kind: "IAM Identity Center (SSO) refresh token", secret: l.value,
				key: "refreshToken", line: l.line, scope: s, attrs: map[string]string{"start_url": start}})
		}
	}
}

// withExpiry marks a scope expired when an RFC 3339 or Unix expiry lies in
// the past, and records the date.
func withExpiry(s scope.Scope, exp string) scope.Scope {
	if exp == "" {
		return s
	}
	var t time.Time
	if n, err := strconv.ParseInt(exp, 10, 64); err == nil {
		t = time.Unix(n, 0).UTC()
	} else if pt, err := time.Parse(time.RFC3339, strings.Replace(exp, "UTC", "Z", 1)); err == nil {
		t = pt.UTC()
	} else {
		return s
	}
	s.ExpiresAt = &t
	if t.Before(time.Now()) {
		s.Lifetime = scope.LifetimeExpired
	}
	return s
}

func parseGoogle(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	typ, acct, project := "", "", ""
	for _, l := range ls {
		if len(l.path) != 1 {
			continue
		}
		switch l.key() {
		case "type":
			typ = l.value
		case "client_email", "account", "quota_project_id":
			if acct == "" && l.key() != "quota_project_id" {
				acct = l.value
			}
			if l.key() == "quota_project_id" {
				project = l.value
			}
		case "project_id":
			project = l.value
		}
	}
	for _, l := range ls {
		if len(l.path) != 1 {
			continue
		}
		switch {
		case l.key() == "refresh_token" && typ != "service_account":
			s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "Google Cloud resources the user can manage",
				"gcloud user credentials (authorized_user): act as the signed-in person, usually broad")
			p.add(cred{rule: "gcloud-user-refresh-token", provider: "Google Cloud", kind: "user refresh token (application default credentials)",
				secret: l.value, key: "refresh_token", line: l.line, scope: s, attrs: map[string]string{"account": acct, "project": project}})
		case l.key() == "private_key" && typ == "service_account":
			s := sc(scope.AccessUnknown, scope.ReachProject, scope.LifetimeLongLived, "",
				"service account key: rights are the IAM roles bound to "+acct)
			p.add(cred{rule: "gcloud-service-account-key", provider: "Google Cloud", kind: "service account key",
				secret: l.value, key: "private_key", line: l.line, scope: prodHint(s, project), attrs: map[string]string{"account": acct, "project": project}})
		}
	}
}

const azureDestroys = "resources in every subscription the identity can manage"

func parseAzureMSAL(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	users := map[string]string{}
	for _, l := range ls {
		if len(l.path) == 3 && l.path[0] == "Account" && l.key() == "username" {
			users[l.path[1]] = l.value
		}
	}
	for _, section := range []string{"RefreshToken", "AccessToken"} {
		order, groups := groupBy(filterPrefix(ls, section), 1)
		for _, id := range order {
			g := groups[id]
			secret, ok := field(g, "secret")
			if !ok {
				continue
			}
			home, _ := field(g, "home_account_id")
			envName, _ := field(g, "environment")
			user := ""
			for k, u := range users {
				if home.value != "" && strings.HasPrefix(k, home.value) {
					user = u
				}
			}
			attrs := map[string]string{"account": user, "environment": envName.value}
			if section == "RefreshToken" {
				s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, azureDestroys,
					"Azure CLI refresh token: acts as the signed-in user")
				p.add(cred{rule: "azure-cli-token", provider: "Azure", kind: "CLI refresh token", secret: secret.value,
					key: "secret", where: "RefreshToken", line: secret.line, scope: s, attrs: attrs})
				continue
			}
			exp, _ := field(g, "expires_on")
			s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeEphemeral, azureDestroys, "Azure CLI access token")
			s = withExpiry(s, exp.value)
			p.add(cred{rule: "azure-cli-token", provider: "Azure", kind: "CLI access token", secret: secret.value,
				key: "secret", where: "AccessToken", line: secret.line, scope: s, attrs: attrs})
		}
	}
}

func filterPrefix(ls []leaf, first string) []leaf {
	var out []leaf
	for _, l := range ls {
		if len(l.path) > 0 && l.path[0] == first {
			out = append(out, l)
		}
	}
	return out
}

func parseAzureSP(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	order, groups := groupBy(ls, 0)
	for _, i := range order {
		g := groups[i]
		id, _ := field(g, "client_id", "servicePrincipalId")
		tenant, _ := field(g, "tenant", "servicePrincipalTenant")
		secret, ok := field(g, "client_secret", "accessToken")
		if !ok {
			continue
		}
		s := sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeLongLived, azureDestroys,
			"Entra service principal secret: rights are its role assignments, not visible offline")
		p.add(cred{rule: "azure-service-principal-secret", provider: "Azure", kind: "service principal secret", secret: secret.value,
			key: secret.key(), line: secret.line, scope: s, attrs: map[string]string{"client_id": id.value, "tenant": tenant.value}})
	}
}

func parseAzureLegacy(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	order, groups := groupBy(ls, 0)
	for _, i := range order {
		g := groups[i]
		user, _ := field(g, "userId")
		for _, k := range []string{"refreshToken", "accessToken"} {
			if t, ok := field(g, k); ok {
				s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeExpiring, azureDestroys, "legacy Azure CLI token cache")
				p.add(cred{rule: "azure-cli-token", provider: "Azure", kind: "CLI " + k, secret: t.value,
					key: k, line: t.line, scope: s, attrs: map[string]string{"account": user.value}})
			}
		}
	}
}

// ---- source hosting, git, netrc ----

func parseGHHosts(p *pctx) {
	ls, _ := yamlLeaves(p.data)
	for _, l := range ls {
		if l.key() != "oauth_token" || len(l.path) < 2 {
			continue
		}
		host := l.path[0]
		user := ""
		if len(l.path) == 4 && l.path[1] == "users" {
			user = l.path[2]
		} else {
			for _, u := range ls {
				if len(u.path) == 2 && u.path[0] == host && u.key() == "user" {
					user = u.value
				}
			}
		}
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"GitHub CLI OAuth token: scopes repo, read:org, gist at least; every repository of the user")
		p.add(cred{rule: "gh-cli-oauth-token", provider: "GitHub", kind: "CLI OAuth token", secret: l.value,
			key: "oauth_token", where: "host " + host, line: l.line, scope: s, attrs: map[string]string{"host": host, "user": user}})
	}
}

func parseGitCredentials(p *pctx) {
	for n, line := range strings.Split(string(p.data), "\n") {
		line = strings.TrimSpace(line)
		i := strings.Index(line, "://")
		if i < 0 {
			continue
		}
		rest := line[i+3:]
		at := strings.LastIndexByte(rest, '@')
		if at < 0 {
			continue
		}
		userinfo, host := rest[:at], rest[at+1:]
		if j := strings.IndexByte(host, '/'); j >= 0 {
			host = host[:j]
		}
		user, pass, ok := strings.Cut(userinfo, ":")
		if !ok || pass == "" {
			continue
		}
		if u, err := urlUnescape(pass); err == nil {
			pass = u
		}
		prov := hostProvider(host)
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"git credential store: push and pull as "+user+" on "+host)
		p.add(cred{rule: "git-stored-credential", provider: prov, kind: "git credential (stored password or token)", secret: pass,
			key: "password", where: "host " + host, line: n + 1, scope: s, attrs: map[string]string{"host": host, "user": user}})
	}
}

func urlUnescape(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return s, err
			}
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

func parseNetrc(p *pctx) {
	for _, e := range netrcEntries(p.data) {
		if e.password == "" {
			continue
		}
		attrs := map[string]string{"host": e.machine, "user": e.login}
		if strings.HasSuffix(strings.ToLower(e.machine), "heroku.com") {
			s := sc(scope.AccessAdmin, scope.ReachAccount, scope.LifetimeExpiring, "apps and add-on databases",
				"Heroku CLI login in .netrc: global scope, acts as the user")
			p.add(cred{rule: "netrc-heroku-token", provider: "Heroku", kind: "API token (CLI login)", secret: e.password,
				key: "password", where: "machine " + e.machine, line: e.passLine, scope: s, attrs: attrs})
			continue
		}
		s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "", "netrc password for "+e.machine)
		p.add(cred{rule: "netrc-password", provider: hostProvider(e.machine), kind: "netrc password or token", secret: e.password,
			key: "password", where: "machine " + e.machine, line: e.passLine, scope: s, attrs: attrs})
	}
}

// ---- package registries ----

func parseNpmrc(p *pctx) {
	for _, l := range iniLeaves(p.data) {
		k := l.key()
		base := k
		host := "registry.npmjs.org"
		if i := strings.LastIndex(k, ":"); i >= 0 && strings.HasPrefix(k, "//") {
			base = k[i+1:]
			host = strings.Trim(k[:i], "/")
		}
		switch base {
		case "_authToken", "_password", "_auth":
		default:
			continue
		}
		if !env.ValuePlausible(l.value) {
			continue
		}
		prov := hostProvider(host)
		if prov == host && strings.Contains(host, "npm") {
			prov = "npm"
		}
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"npm registry credential for "+host+": publish rights unless the token is read-only or granular")
		p.add(cred{rule: "npmrc-auth", provider: prov, kind: "npm registry " + base, secret: l.value,
			key: k, where: "registry " + host, line: l.line, scope: s, attrs: map[string]string{"registry": host}})
	}
}

func parsePypirc(p *pctx) {
	order, groups := sections(iniLeaves(p.data))
	for _, sec := range order {
		g := groups[sec]
		pw, ok := field(g, "password")
		if !ok || !env.ValuePlausible(pw.value) {
			continue
		}
		user, _ := field(g, "username")
		repo, _ := field(g, "repository")
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"PyPI upload credential: every project of the user unless the token's caveats restrict it")
		if strings.Contains(strings.ToLower(sec+repo.value), "test") {
			s.Env = scope.EnvTest
		}
		p.add(cred{rule: "pypirc-password", provider: "PyPI", kind: "package upload token or password", secret: pw.value,
			key: "password", where: "repository " + sec, line: pw.line, scope: s,
			attrs: map[string]string{"repository": sec, "user": user.value}})
	}
}

func parseCargo(p *pctx) {
	for _, l := range tomlLeaves(p.data) {
		if l.key() != "token" {
			continue
		}
		reg := "crates.io"
		if len(l.path) == 3 && l.path[0] == "registries" {
			reg = l.path[1]
		}
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"Cargo registry token: publish and yank the owner's crates unless scoped")
		p.add(cred{rule: "cargo-registry-token", provider: "crates.io", kind: "registry token", secret: l.value,
			key: "token", where: "registry " + reg, line: l.line, scope: s, attrs: map[string]string{"registry": reg}})
	}
}

func parseGem(p *pctx) {
	ls, _ := yamlLeaves(p.data)
	for _, l := range ls {
		if len(l.path) != 1 || !env.ValuePlausible(l.value) {
			continue
		}
		s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
			"RubyGems API key: push and yank the owner's gems unless scoped")
		p.add(cred{rule: "gem-api-key", provider: "RubyGems", kind: "API key", secret: l.value,
			key: strings.TrimPrefix(l.key(), ":"), where: "key " + l.key(), line: l.line, scope: s,
			attrs: map[string]string{"key": strings.TrimPrefix(l.key(), ":")}})
	}
}

func parseMaven(p *pctx) {
	var doc struct {
		Servers []struct {
			ID         string `xml:"id"`
			Username   string `xml:"username"`
			Password   string `xml:"password"`
			Passphrase string `xml:"passphrase"`
		} `xml:"servers>server"`
	}
	if err := xml.Unmarshal(p.data, &doc); err != nil {
		return
	}
	for _, sv := range doc.Servers {
		for _, v := range []struct{ key, val string }{{"password", sv.Password}, {"passphrase", sv.Passphrase}} {
			val := strings.TrimSpace(v.val)
			if val == "" || strings.HasPrefix(val, "${") {
				continue
			}
			s := sc(scope.AccessWrite, scope.ReachResource, scope.LifetimeLongLived, "",
				"Maven repository credential for server "+sv.ID)
			if strings.HasPrefix(val, "{") && strings.HasSuffix(val, "}") {
				s.Evidence = append(s.Evidence, "encrypted with the master password in settings-security.xml")
			}
			p.add(cred{rule: "maven-server-password", provider: "Maven", kind: "repository " + v.key, secret: val,
				key: v.key, where: "server " + sv.ID, scope: prodHint(s, sv.ID), attrs: map[string]string{"server": sv.ID, "user": sv.Username}})
		}
	}
}

// ---- containers and clusters ----

func parseDocker(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	order, groups := groupBy(filterPrefix(ls, "auths"), 1)
	for _, reg := range order {
		g := groups[reg]
		prov := hostProvider(reg)
		s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "",
			"Docker registry login for "+reg+" (push and pull as the user)")
		attrs := map[string]string{"registry": reg}
		if a, ok := field(g, "auth"); ok {
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(a.value))
			if err == nil {
				user, secret, ok := strings.Cut(string(raw), ":")
				if ok && secret != "" {
					attrs["user"] = user
					p.add(cred{rule: "docker-registry-auth", provider: prov, kind: "registry password or token (base64 auth)",
						secret: secret, key: "auth", where: "registry " + reg, line: a.line, scope: s, attrs: attrs})
				}
			}
		}
		for _, k := range []string{"identitytoken", "registrytoken", "password"} {
			if t, ok := field(g, k); ok {
				p.add(cred{rule: "docker-registry-auth", provider: prov, kind: "registry " + k, secret: t.value,
					key: k, where: "registry " + reg, line: t.line, scope: s, attrs: attrs})
			}
		}
	}
}

func parseKubeconfig(p *pctx) {
	ls, err := yamlLeaves(p.data)
	if err != nil {
		return
	}
	// context -> user and cluster; cluster -> server
	type ctxInfo struct{ name, user, cluster string }
	var ctxs []ctxInfo
	_, cg := groupBy(filterPrefix(ls, "contexts"), 1)
	for _, g := range cg {
		n, _ := field(g, "name")
		u, _ := field(g, "user")
		c, _ := field(g, "cluster")
		ctxs = append(ctxs, ctxInfo{n.value, u.value, c.value})
	}
	servers := map[string]string{}
	_, clg := groupBy(filterPrefix(ls, "clusters"), 1)
	for _, g := range clg {
		n, _ := field(g, "name")
		s, _ := field(g, "server")
		servers[n.value] = s.value
	}
	order, ug := groupBy(filterPrefix(ls, "users"), 1)
	for _, i := range order {
		g := ug[i]
		nameLeaf, _ := field(g, "name")
		user := nameLeaf.value
		var ctxNames, clusters, hints []string
		for _, c := range ctxs {
			if c.user == user {
				ctxNames = append(ctxNames, c.name)
				clusters = append(clusters, c.cluster)
				hints = append(hints, c.name, c.cluster, servers[c.cluster])
			}
		}
		attrs := map[string]string{"user": user, "contexts": strings.Join(ctxNames, ","), "clusters": strings.Join(clusters, ",")}
		if len(clusters) > 0 {
			attrs["server"] = servers[clusters[0]]
		}
		base := sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeUnknown, "workloads, volumes and secrets in the cluster",
			"kubeconfig credential: often cluster-admin; RBAC rights are not visible offline")
		base = prodHint(base, hints...)
		where := "user " + user
		if len(ctxNames) > 0 {
			where += " (context " + strings.Join(ctxNames, ", ") + ")"
		}
		for _, l := range g {
			if len(l.path) < 4 || l.path[2] != "user" {
				continue
			}
			sub := strings.Join(l.path[3:], ".")
			switch {
			case sub == "token" || sub == "password":
				p.add(cred{rule: "kubeconfig-credential", provider: "Kubernetes", kind: "cluster " + sub, secret: l.value,
					key: sub, where: where, line: l.line, scope: base, attrs: attrs})
			case sub == "client-key-data":
				p.add(cred{rule: "kubeconfig-credential", provider: "Kubernetes", kind: "client certificate key", secret: l.value,
					key: sub, where: where, line: l.line, scope: base, attrs: attrs})
			case strings.HasPrefix(sub, "auth-provider.config.") &&
				(strings.HasSuffix(sub, "access-token") || strings.HasSuffix(sub, "refresh-token") ||
					strings.HasSuffix(sub, "client-secret") || strings.HasSuffix(sub, "id-token")):
				p.add(cred{rule: "kubeconfig-credential", provider: "Kubernetes", kind: "auth-provider " + l.key(), secret: l.value,
					key: l.key(), where: where, line: l.line, scope: base, attrs: attrs})
			case sub == "exec.command":
				a := map[string]string{}
				for k, v := range attrs {
					a[k] = v
				}
				a["exec_command"] = l.value
				es := base.Clone()
				es.Lifetime = scope.LifetimeEphemeral
				es.Evidence = append(es.Evidence, "exec plugin "+l.value+": kubectl runs it to obtain a token (tokenscope never runs it)")
				p.add(cred{rule: "kubeconfig-exec-plugin", provider: "Kubernetes", kind: "exec credential plugin (named, not run)",
					secret: "exec:" + l.value, key: "command", where: where, line: l.line, scope: es, attrs: a})
			}
		}
	}
}

// ---- platform CLIs ----

func parseRailway(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	projects := map[string]bool{}
	for _, l := range ls {
		if len(l.path) >= 2 && l.path[0] == "projects" {
			projects[l.path[1]] = true
		}
	}
	for _, l := range ls {
		if len(l.path) != 2 || l.path[0] != "user" || (l.key() != "token" && l.key() != "accessToken") {
			continue
		}
		s := sc(scope.AccessAdmin, scope.ReachAccount, scope.LifetimeLongLived, "services, volumes and backups",
			"Railway CLI login token (user."+l.key()+"): same as an account token, every workspace of the user")
		p.add(cred{rule: "railway-cli-token", provider: "Railway", kind: "account token (CLI login)", secret: l.value,
			key: "user." + l.key(), where: "user." + l.key(), line: l.line, scope: s,
			attrs: map[string]string{"linked_projects": strconv.Itoa(len(projects))}})
	}
}

func parseFly(p *pctx) {
	ls, _ := yamlLeaves(p.data)
	for _, l := range ls {
		if len(l.path) == 1 && l.key() == "access_token" {
			s := sc(scope.AccessAdmin, scope.ReachAccount, scope.LifetimeLongLived, "apps, machines and volumes",
				"flyctl login token: acts as the user in every organisation")
			p.add(cred{rule: "fly-cli-token", provider: "Fly.io", kind: "flyctl login token", secret: l.value,
				key: "access_token", line: l.line, scope: s})
		}
	}
}

func parseVercel(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	for _, l := range ls {
		if len(l.path) == 1 && l.key() == "token" {
			s := sc(scope.AccessAdmin, scope.ReachAccount, scope.LifetimeLongLived, "projects and deployments",
				"Vercel CLI login token: full account (reads every project's environment variables)")
			p.add(cred{rule: "vercel-cli-token", provider: "Vercel", kind: "CLI login token", secret: l.value,
				key: "token", line: l.line, scope: s})
		}
	}
}

func parseTerraform(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	for _, l := range ls {
		if len(l.path) == 3 && l.path[0] == "credentials" && l.key() == "token" {
			host := l.path[1]
			s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "workspaces and their state",
				"Terraform CLI token for "+host+": a user token inherits the user's permissions")
			p.add(cred{rule: "terraform-cli-token", provider: "Terraform", kind: "HCP Terraform / Enterprise API token", secret: l.value,
				key: "token", where: "host " + host, line: l.line, scope: s, attrs: map[string]string{"host": host}})
		}
	}
}

func wholeFile(p *pctx) (string, int) {
	v := strings.TrimSpace(string(p.data))
	if v == "" || strings.ContainsAny(v, "\n\r \t") {
		return "", 0
	}
	return v, 1
}

func parseVaultToken(p *pctx) {
	if v, line := wholeFile(p); v != "" {
		s := sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeUnknown, "",
			"Vault CLI token: rights are its policies (a root token is unlimited)")
		p.add(cred{rule: "vault-cli-token", provider: "Vault", kind: "CLI token", secret: v, line: line, scope: s})
	}
}

// parseRailsKey reads a Rails key file, config/master.key or
// config/credentials/<environment>.key: 32 hex digits that decrypt
// config/credentials.yml.enc (or that environment's .yml.enc), and so
// every secret the application keeps there
// (https://guides.rubyonrails.org/security.html#custom-credentials).
func parseRailsKey(p *pctx) {
	v, line := wholeFile(p)
	if len(v) != 32 || !isHexString(v) || detectors.Entropy(v) < 3.0 {
		return
	}
	env := strings.TrimSuffix(path.Base(p.origin.Path), ".key")
	s := sc(scope.AccessAdmin, scope.ReachResource, scope.LifetimeLongLived, "",
		"Rails key file "+path.Base(p.origin.Path)+": decrypts the application's encrypted credentials, secret_key_base and every other secret in them")
	if env != "master" {
		s = prodHint(s, env)
	}
	enc := strings.TrimSuffix(p.origin.Path, ".key") + ".yml.enc"
	if env == "master" {
		enc = path.Join(path.Dir(p.origin.Path), "credentials.yml.enc")
	}
	p.add(cred{rule: "rails-key-file", provider: "Web framework", kind: "Rails " + env + " key", secret: v, line: line, scope: s,
		attrs: map[string]string{"credentials": enc}})
}

func isHexString(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func parseDoctl(p *pctx) {
	ls, _ := yamlLeaves(p.data)
	for _, l := range ls {
		ctx := ""
		switch {
		case len(l.path) == 1 && l.key() == "access-token":
			ctx = "default"
		case len(l.path) == 2 && l.path[0] == "auth-contexts":
			ctx = l.path[1]
		default:
			continue
		}
		if !env.ValuePlausible(l.value) {
			continue
		}
		s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "droplets, databases and volumes",
			"doctl token: full-access tokens can delete every resource of the team")
		p.add(cred{rule: "doctl-token", provider: "DigitalOcean", kind: "personal access token (doctl)", secret: l.value,
			key: l.key(), where: "context " + ctx, line: l.line, scope: prodHint(s, ctx), attrs: map[string]string{"context": ctx}})
	}
}

func parseSupabase(p *pctx) {
	if v, line := wholeFile(p); v != "" {
		s := sc(scope.AccessAdmin, scope.ReachAccount, scope.LifetimeLongLived, "projects and their databases",
			"Supabase CLI access token: every organisation and project of the account")
		p.add(cred{rule: "supabase-cli-token", provider: "Supabase", kind: "personal access token (CLI)", secret: v, line: line, scope: s})
	}
}

func parseHuggingFace(p *pctx) {
	s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "",
		"Hugging Face token: read or write on every repository of the user and their orgs, unless fine-grained")
	if strings.HasSuffix(p.origin.Path, "stored_tokens") {
		order, groups := sections(iniLeaves(p.data))
		for _, name := range order {
			if t, ok := field(groups[name], "hf_token"); ok {
				p.add(cred{rule: "huggingface-token", provider: "Hugging Face", kind: "access token", secret: t.value,
					key: "hf_token", where: "token " + name, line: t.line, scope: s, attrs: map[string]string{"name": name}})
			}
		}
		return
	}
	if v, line := wholeFile(p); v != "" {
		p.add(cred{rule: "huggingface-token", provider: "Hugging Face", kind: "access token", secret: v, line: line, scope: s})
	}
}

func parseDatabricks(p *pctx) {
	order, groups := sections(iniLeaves(p.data))
	for _, prof := range order {
		g := groups[prof]
		host, _ := field(g, "host")
		for _, k := range []string{"token", "password", "client_secret"} {
			t, ok := field(g, k)
			if !ok || !env.ValuePlausible(t.value) {
				continue
			}
			s := sc(scope.AccessUnknown, scope.ReachProject, scope.LifetimeLongLived, "",
				"Databricks "+k+" for one workspace ("+host.value+")")
			p.add(cred{rule: "databricks-credential", provider: "Databricks", kind: "workspace " + k, secret: t.value,
				key: k, where: "profile " + prof, line: t.line, scope: prodHint(s, prof, host.value),
				attrs: map[string]string{"profile": prof, "host": host.value}})
		}
	}
}

// ---- databases ----

func dbScope(user, what string, hints ...string) scope.Scope {
	s := sc(scope.AccessWrite, scope.ReachResource, scope.LifetimeLongLived, "database data", what)
	switch strings.ToLower(user) {
	case "postgres", "root", "admin", "sa", "rdsadmin":
		s.Access = scope.AccessAdmin
		s.Evidence = append(s.Evidence, "user "+user+": superuser by default")
	}
	return prodHint(s, hints...)
}

func parsePgpass(p *pctx) {
	for n, line := range strings.Split(string(p.data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := splitPgpass(line)
		if len(f) != 5 || f[4] == "" {
			continue
		}
		host, port, db, user, pw := f[0], f[1], f[2], f[3], f[4]
		p.add(cred{rule: "pgpass-password", provider: "PostgreSQL", kind: "database password", secret: pw,
			key: "password", where: "entry " + user + "@" + host + ":" + port + "/" + db, line: n + 1,
			scope: dbScope(user, "PostgreSQL password for "+user+"@"+host, host, db),
			attrs: map[string]string{"host": host, "port": port, "database": db, "user": user}})
	}
}

// splitPgpass splits a .pgpass line at unescaped colons.
func splitPgpass(line string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case line[i] == ':':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(out, cur.String())
}

func parseMyCnf(p *pctx) {
	order, groups := sections(iniLeaves(p.data))
	for _, sec := range order {
		g := groups[sec]
		pw, ok := field(g, "password")
		if !ok || !env.ValuePlausible(pw.value) {
			continue
		}
		user, _ := field(g, "user")
		host, _ := field(g, "host")
		p.add(cred{rule: "mysql-config-password", provider: "MySQL", kind: "database password", secret: pw.value,
			key: "password", where: "section [" + sec + "]", line: pw.line,
			scope: dbScope(user.value, "MySQL password in ["+sec+"]", host.value, sec),
			attrs: map[string]string{"section": sec, "user": user.value, "host": host.value}})
	}
}

// ---- SSH keys ----

func parseSSHKey(p *pctx) {
	text := strings.TrimSpace(string(p.data))
	if !strings.HasPrefix(text, "-----BEGIN ") || !strings.Contains(text, "PRIVATE KEY-----") {
		return
	}
	end := strings.Index(text, "-----END ")
	if end < 0 {
		return
	}
	if e := strings.Index(text[end+9:], "-----"); e >= 0 {
		text = text[:end+9+e+5]
	}
	encrypted := sshKeyEncrypted(text)
	kind := "SSH private key (unencrypted)"
	s := sc(scope.AccessWrite, scope.ReachAccount, scope.LifetimeLongLived, "",
		"unencrypted SSH key: signs in as the user on every host and forge that trusts it")
	if encrypted {
		kind = "SSH private key (encrypted)"
		s = sc(scope.AccessUnknown, scope.ReachUnknown, scope.LifetimeLongLived, "",
			"SSH key encrypted with a passphrase: unusable without it")
	}
	p.add(cred{rule: "ssh-private-key-file", provider: "SSH", kind: kind, secret: text, line: 1, scope: s,
		attrs: map[string]string{"encrypted": strconv.FormatBool(encrypted)}})
}

// sshKeyEncrypted reads the key's armour: PKCS#8 "ENCRYPTED PRIVATE KEY",
// legacy PEM "Proc-Type: 4,ENCRYPTED", or an OpenSSH key whose cipher is
// not "none".
func sshKeyEncrypted(text string) bool {
	switch {
	case strings.Contains(text, "BEGIN ENCRYPTED PRIVATE KEY"), strings.Contains(text, "Proc-Type: 4,ENCRYPTED"):
		return true
	case strings.Contains(text, "BEGIN OPENSSH PRIVATE KEY"):
		lines := strings.Split(text, "\n")
		var b64 strings.Builder
		for _, l := range lines[1:] {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "-----END") {
				break
			}
			b64.WriteString(l)
		}
		raw, err := base64.StdEncoding.DecodeString(b64.String())
		if err != nil {
			return false
		}
		const magic = "openssh-key-v1\x00"
		if !strings.HasPrefix(string(raw), magic) || len(raw) < len(magic)+4 {
			return false
		}
		r := raw[len(magic):]
		n := int(r[0])<<24 | int(r[1])<<16 | int(r[2])<<8 | int(r[3])
		if n < 0 || 4+n > len(r) {
			return false
		}
		return string(r[4:4+n]) != "none"
	}
	return false
}
