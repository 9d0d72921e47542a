package home

import (
	"sort"

	"github.com/tokenscope/tokenscope/detectors"
)

// RuleInfo describes a rule id that the parsers of this package report,
// for `rules`-style listings and SARIF.
type RuleInfo struct {
	ID          string
	Provider    string
	Kind        string
	Description string
}

// Rules lists the rule ids the parsers report, sorted by id.
func Rules() []RuleInfo {
	out := []RuleInfo{
		{"aws-profile-secret-key", "AWS", "access key in a profile", "aws_secret_access_key of a profile in ~/.aws/credentials or ~/.aws/config"},
		{"aws-profile-session-token", "AWS", "session token in a profile", "aws_session_token of a profile"},
		{"aws-sso-token", "AWS", "IAM Identity Center token", "access or refresh token cached under ~/.aws/sso/cache"},
		{"gcloud-user-refresh-token", "Google Cloud", "user refresh token", "application default credentials of a signed-in user"},
		{"gcloud-service-account-key", "Google Cloud", "service account key", "service account key file used as application default credentials"},
		{"azure-cli-token", "Azure", "Azure CLI token", "token in the Azure CLI's token cache"},
		{"azure-service-principal-secret", "Azure", "service principal secret", "secret in ~/.azure/service_principal_entries.json"},
		{"gh-cli-oauth-token", "GitHub", "GitHub CLI OAuth token", "oauth_token in ~/.config/gh/hosts.yml"},
		{"git-stored-credential", "git", "stored git credential", "https://user:token@host line of a git credential store"},
		{"netrc-heroku-token", "Heroku", "Heroku API token", "Heroku CLI login kept in .netrc"},
		{"netrc-password", "netrc", "netrc password", "password of a machine entry in .netrc"},
		{"npmrc-auth", "npm", "npm registry credential", "_authToken, _auth or _password in .npmrc"},
		{"pypirc-password", "PyPI", "package upload credential", "password of a repository in .pypirc"},
		{"cargo-registry-token", "crates.io", "Cargo registry token", "token in Cargo's credentials.toml"},
		{"gem-api-key", "RubyGems", "RubyGems API key", "API key in ~/.gem/credentials"},
		{"maven-server-password", "Maven", "repository password", "server password in ~/.m2/settings.xml"},
		{"docker-registry-auth", "Docker", "registry credential", "inline auth in ~/.docker/config.json"},
		{"kubeconfig-credential", "Kubernetes", "cluster credential", "token, password or client key of a kubeconfig user"},
		{"kubeconfig-exec-plugin", "Kubernetes", "exec credential plugin", "command kubectl runs to obtain a token (named, never run)"},
		{"railway-cli-token", "Railway", "account token (CLI login)", "user.token in ~/.railway/config.json"},
		{"fly-cli-token", "Fly.io", "flyctl login token", "access_token in ~/.fly/config.yml"},
		{"vercel-cli-token", "Vercel", "Vercel CLI login token", "token in the Vercel CLI's auth.json"},
		{"terraform-cli-token", "Terraform", "HCP Terraform token", "token in ~/.terraform.d/credentials.tfrc.json"},
		{"vault-cli-token", "Vault", "Vault token", "~/.vault-token"},
		{"doctl-token", "DigitalOcean", "personal access token", "access token in doctl's config.yaml"},
		{"supabase-cli-token", "Supabase", "personal access token", "~/.supabase/access-token"},
		{"huggingface-token", "Hugging Face", "access token", "the Hugging Face CLI's token file"},
		{"databricks-credential", "Databricks", "workspace credential", "token or password of a profile in ~/.databrickscfg"},
		{"pgpass-password", "PostgreSQL", "database password", "password of a ~/.pgpass entry"},
		{"rails-key-file", "Web framework", "Rails master or credentials key", "config/master.key or config/credentials/<environment>.key: decrypts the application's encrypted credentials"},
		{"mysql-config-password", "MySQL", "database password", "password in ~/.my.cnf"},
		{"s3cfg-secret-key", "S3-compatible storage", "S3 secret key (s3cmd)", "secret_key of a section in s3cmd's .s3cfg; the provider is named by host_base"},
		{"dbeaver-saved-password", "DBeaver", "saved connection password", "password saved in clear in DBeaver's .dbeaver/data-sources.json (connection or SSH/proxy handler)"},
		{"sync-config-password", "SFTP/FTP", "saved server password", "password or key passphrase in an editor's remote-sync configuration (.vscode/sftp.json, .remote-sync.json, .ftpconfig)"},
		{"firefox-saved-logins", "Firefox", "saved browser passwords", "a Firefox profile's logins.json: site passwords encrypted with key4.db, recoverable without a Primary Password"},
		{"robo3t-saved-password", "MongoDB", "saved MongoDB password", "password (or TLS client key passphrase) of a connection in Robo 3T's robo3t.json or Robomongo's robomongo.json, in clear or in its reversible encrypted form (Robo 3T 1.3 on)"},
		{"robo3t-ssh-password", "SSH", "saved SSH tunnel credential", "SSH tunnel password or private key passphrase of a connection in Robo 3T's robo3t.json or Robomongo's robomongo.json"},
		{"ssh-private-key-file", "SSH", "SSH private key", "private key under ~/.ssh"},
		{"shell-history-secret", "unknown", "secret typed in a shell command", "credential-named assignment or bearer header in a shell history"},
		{"agent-config-secret", "unknown", "secret in an agent's configuration", "credential-named field of an AI agent's or editor's configuration"},
		{"mcp-server-secret", "unknown", "MCP server credential", "token in an MCP server entry's env, headers, arguments or URL"},
		{"dotenv-secret", "unknown", "secret in a .env file", "credential-named variable in a .env file"},
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// The store formats' rule ids are registered (detectors.Registry) when a
// program links this package.
func init() {
	detectors.Register(detectors.SourceStore, func() ([]detectors.Info, error) {
		var out []detectors.Info
		for _, r := range Rules() {
			out = append(out, detectors.Info{ID: r.ID, Provider: r.Provider, Kind: r.Kind, Description: r.Description})
		}
		return out, nil
	})
}
