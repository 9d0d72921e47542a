package testtoken

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FakeHome is a home directory that WriteFakeHome filled with one
// credential store of each kind `tokenscope reach` reads, each holding
// generated tokens.
type FakeHome struct {
	Dir string
	// Secrets maps each store's path (relative to Dir, slash-separated) to
	// the raw values written into it that reach must report there.
	Secrets map[string][]string
}

// Paths lists the store paths, sorted.
func (h *FakeHome) Paths() []string {
	out := make([]string, 0, len(h.Secrets))
	for p := range h.Secrets {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// All lists every secret written, in path order.
func (h *FakeHome) All() []string {
	var out []string
	for _, p := range h.Paths() {
		out = append(out, h.Secrets[p]...)
	}
	return out
}

// AWSKeyID returns an access key id: AKIA (long-term) or ASIA (temporary)
// and 16 upper-case letters and digits.
func (g *Gen) AWSKeyID(prefix string) string { return prefix + g.Rand(16, "ualnum") }

// AWSSecret returns a 40-character secret access key.
func (g *Gen) AWSSecret() string { return g.Rand(40, "alnum") }

// WriteFakeHome fills dir with about 35 credential stores in their real
// formats (INI, JSON, YAML, TOML, netrc, XML, shell history, SSH keys),
// each holding freshly generated values.
func (g *Gen) WriteFakeHome(dir string) (*FakeHome, error) {
	h := &FakeHome{Dir: dir, Secrets: map[string][]string{}}
	var werr error
	write := func(rel, content string, secrets ...string) {
		if werr != nil {
			return
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			werr = err
			return
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			werr = err
			return
		}
		if len(secrets) > 0 {
			h.Secrets[rel] = append(h.Secrets[rel], secrets...)
		}
	}

	awsSecret, awsProd := g.AWSSecret(), g.AWSSecret()
	write(".aws/credentials", fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n[prod]\naws_access_key_id=%s\naws_secret_access_key=%s\n",
		g.AWSKeyID("AKIA"), awsSecret, g.AWSKeyID("AKIA"), awsProd), awsSecret, awsProd)
	tmpSecret, session := g.AWSSecret(), g.Rand(120, "b64")
	write(".aws/config", fmt.Sprintf("[default]\nregion = eu-west-1\n\n[profile ci]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n",
		g.AWSKeyID("ASIA"), tmpSecret, session), tmpSecret, session)
	ssoAccess, ssoRefresh := g.Rand(80, "b64url"), g.Rand(80, "b64url")
	write(".aws/sso/cache/"+g.Rand(40, "hex")+".json", fmt.Sprintf(`{"startUrl": "https://example.awsapps.com/start", "region": "eu-west-1", "accessToken": %q, "refreshToken": %q, "expiresAt": "2099-01-01T00:00:00Z"}`,
		ssoAccess, ssoRefresh), ssoAccess, ssoRefresh)
	gRefresh := "1//" + g.Rand(100, "b64url")
	write(".config/gcloud/application_default_credentials.json", fmt.Sprintf(`{
  "account": "",
  "client_id": "%s.apps.googleusercontent.com",
  "client_secret": "%s",
  "quota_project_id": "acme-prod",
  "refresh_token": %q,
  "type": "authorized_user"
}
`, g.Rand(12, "digits"), g.Rand(24, "alnum"), gRefresh), gRefresh)
	azRefresh, home := g.Rand(300, "b64url"), g.UUID()+"."+g.UUID()
	write(".azure/msal_token_cache.json", fmt.Sprintf(`{
  "Account": {"%s-login.microsoftonline.com-%s": {"home_account_id": %q, "username": "dev@example.com"}},
  "RefreshToken": {
    "%s-login.microsoftonline.com-refreshtoken-04b07795-8ddb-461a-bbee-02f9e1bf7b46--": {
      "credential_type": "RefreshToken", "environment": "login.microsoftonline.com",
      "home_account_id": %q, "secret": %q, "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    }
  }
}
`, home, g.UUID(), home, home, home, azRefresh), azRefresh)
	spSecret := g.Rand(40, "alnum")
	write(".azure/service_principal_entries.json", fmt.Sprintf(`[{"client_id": %q, "tenant": %q, "client_secret": %q}]`, g.UUID(), g.UUID(), spSecret), spSecret)
	gho := g.GitHub("gho_")
	write(".config/gh/hosts.yml", fmt.Sprintf("github.com:\n    users:\n        octo:\n            oauth_token: %s\n    git_protocol: https\n    oauth_token: %s\n    user: octo\n", gho, gho), gho)
	ghp := g.GitHub("ghp_")
	gitlabPass := g.Rand(20, "alnum")
	write(".git-credentials", fmt.Sprintf("https://octo:%s@github.com\nhttps://deploy:%s@gitlab.example.com\n", ghp, gitlabPass), ghp, gitlabPass)
	heroku, other := g.UUID(), g.Rand(18, "alnum")
	write(".netrc", fmt.Sprintf("machine api.heroku.com\n  login dev@example.com\n  password %s\nmachine git.heroku.com\n  login dev@example.com\n  password %s\nmachine ftp.example.com login anon password %s\n", heroku, heroku, other), heroku, other)
	npm := g.Npm()
	write(".npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken="+npm+"\n", npm)
	pypi := g.PyPI("pypi.org")
	write(".pypirc", "[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = "+pypi+"\n", pypi)
	cargo := "cio" + g.Rand(32, "alnum")
	write(".cargo/credentials.toml", "[registry]\ntoken = \""+cargo+"\"\n", cargo)
	gem := "rubygems_" + g.Rand(48, "hex")
	write(".gem/credentials", "---\n:rubygems_api_key: "+gem+"\n", gem)
	mvn := g.Rand(20, "alnum")
	write(".m2/settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deploy</username>\n      <password>"+mvn+"</password>\n    </server>\n  </servers>\n</settings>\n", mvn)
	dockerPAT := "dckr_pat_" + g.Rand(27, "b64url")
	write(".docker/config.json", fmt.Sprintf(`{
	"auths": {
		"https://index.docker.io/v1/": {
			"auth": %q
		}
	},
	"credsStore": "desktop"
}
`, base64.StdEncoding.EncodeToString([]byte("octo:"+dockerPAT))), dockerPAT)
	kubeToken := g.Rand(64, "b64url")
	write(".kube/config", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://prod.k8s.example.com
  name: prod-cluster
contexts:
- context:
    cluster: prod-cluster
    user: prod-admin
  name: prod
- context:
    cluster: prod-cluster
    user: eks-user
  name: eks
current-context: prod
users:
- name: prod-admin
  user:
    token: %s
- name: eks-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: ["eks", "get-token", "--cluster-name", "prod"]
`, kubeToken), kubeToken)
	railway := g.UUID()
	write(".railway/config.json", fmt.Sprintf(`{
  "projects": {
    "/home/dev/app": {"projectPath": "/home/dev/app", "name": "app", "project": %q, "environment": %q}
  },
  "user": {
    "token": %q
  }
}
`, g.UUID(), g.UUID(), railway), railway)
	fly := "fo1_" + g.Rand(43, "b64url")
	write(".fly/config.yml", "access_token: "+fly+"\nwireguard_state: {}\n", fly)
	vercel := g.Rand(24, "alnum")
	write(".local/share/com.vercel.cli/auth.json", fmt.Sprintf("{\n  \"// Note\": \"This is your Vercel credentials file. DO NOT SHARE!\",\n  \"token\": %q\n}\n", vercel), vercel)
	tf := g.Rand(14, "alnum") + ".atlasv1." + g.Rand(67, "alnum")
	write(".terraform.d/credentials.tfrc.json", fmt.Sprintf(`{"credentials": {"app.terraform.io": {"token": %q}}}`, tf), tf)
	vault := "hvs." + g.Rand(90, "b64url")
	write(".vault-token", vault, vault)
	doctl := "dop_v1_" + g.Rand(64, "hex")
	write(".config/doctl/config.yaml", "access-token: "+doctl+"\ncontext: default\n", doctl)
	supa := "sbp_" + g.Rand(40, "hex")
	write(".supabase/access-token", supa, supa)
	hf := "hf_" + g.Rand(34, "alnum")
	write(".cache/huggingface/token", hf, hf)
	dapi := "dapi" + g.Rand(32, "hex")
	write(".databrickscfg", "[DEFAULT]\nhost = https://prod.cloud.databricks.com\ntoken = "+dapi+"\n", dapi)
	pg := g.Rand(16, "alnum")
	write(".pgpass", "# host:port:db:user:password\nprod-db.internal:5432:app:postgres:"+pg+"\n", pg)
	my := g.Rand(16, "alnum")
	write(".my.cnf", "[client]\nuser = root\npassword = "+my+"\nhost = db.internal\n", my)
	s3 := g.Rand(40, "b64")
	write(".s3cfg", "[default]\naccess_key = "+g.Rand(20, "ualnum")+"\nsecret_key = "+s3+"\nhost_base = s3.eu-central-1.wasabisys.com\n", s3)
	dbv := g.Rand(18, "alnum")
	write(".local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json", fmt.Sprintf(`{"folders": {}, "connections": {"mysql8-%s": {
  "provider": "mysql", "driver": "mysql8", "name": "shop", "save-password": true,
  "configuration": {"host": "shop.db.internal", "port": "3306", "database": "shop", "credentials": {"user": "root", "password": %q}}}}}
`, g.Rand(12, "hex"), dbv), dbv)
	ffPass := "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECA" + g.Rand(32, "b64")
	write(".mozilla/firefox/"+g.Rand(8, "lalnum")+".default-release/logins.json", fmt.Sprintf(`{"nextId":3,"logins":[
{"id":1,"hostname":"https://git.example.com","httpRealm":null,"formSubmitURL":"https://git.example.com","usernameField":"login","passwordField":"password","encryptedUsername":"MDIEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECA%s","encryptedPassword":%q,"guid":"{%s}","encType":1,"timesUsed":4},
{"id":2,"hostname":"https://admin.example.net","httpRealm":null,"formSubmitURL":"","usernameField":"","passwordField":"pw","encryptedUsername":"","encryptedPassword":"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECA%s","guid":"{%s}","encType":1,"timesUsed":1}
],"potentiallyVulnerablePasswords":[],"dismissedBreachAlertsByLoginGUID":{},"version":3}
`, g.Rand(24, "b64"), ffPass, g.UUID(), g.Rand(32, "b64"), g.UUID()), ffPass)
	fz := base64.StdEncoding.EncodeToString([]byte(g.Rand(14, "alnum")))
	write(".config/filezilla/sitemanager.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.66.1\" platform=\"linux\">\n  <Servers>\n    <Folder expanded=\"1\">prod\n      <Server>\n        <Host>sftp.example.net</Host>\n        <Port>22</Port>\n        <Protocol>1</Protocol>\n        <Type>0</Type>\n        <User>deploy</User>\n        <Pass encoding=\"base64\">"+fz+"</Pass>\n        <Logontype>1</Logontype>\n        <Name>prod web</Name>\n      </Server>\n    </Folder>\n  </Servers>\n</FileZilla3>\n", fz)
	roboPw, roboSSH := "AwI"+g.Rand(41, "b64"), "AwI"+g.Rand(37, "b64")
	write(".3T/robo-3t/1.4.4/robo3t.json", fmt.Sprintf(`{
    "anonymousID": %q,
    "connections": [
        {
            "connectionName": "orders",
            "credentials": [
                {"databaseName": "admin", "enabled": true, "mechanism": "SCRAM-SHA-256", "userName": "orders_app", "userPasswordEncrypted": %q}
            ],
            "defaultDatabase": "orders",
            "isReplicaSet": false,
            "serverHost": "localhost",
            "serverPort": 27017,
            "ssh": {"askPassword": false, "enabled": true, "host": "bastion.example.net", "localPort": 0, "method": "password", "passphraseEncrypted": "",
                "port": 22, "privateKeyFile": "", "publicKeyFile": "", "userName": "deploy", "userPasswordEncrypted": %q},
            "uuid": "{%s}"
        }
    ],
    "version": "2.0"
}
`, g.UUID(), roboPw, roboSSH, g.UUID()), roboPw, roboSSH)
	key, err := g.PrivateKey("openssh-ed25519")
	if err != nil {
		return nil, err
	}
	write(".ssh/id_ed25519", key, strings.TrimSpace(key))
	write(".ssh/id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"+g.Rand(43, "b64")+" dev@example\n")
	enc, err := g.PrivateKey("openssh-ed25519-encrypted")
	if err != nil {
		return nil, err
	}
	write(".ssh/id_work", enc, strings.TrimSpace(enc))
	ppk, err := g.PrivateKey("putty")
	if err != nil {
		return nil, err
	}
	write(".ssh/deploy.ppk", ppk, strings.TrimSpace(ppk))
	histRailway, bearer := g.UUID(), g.Rand(40, "alnum")
	write(".bash_history", "ls -la\nexport RAILWAY_API_TOKEN="+histRailway+"\nrailway up\ncurl -H 'Authorization: Bearer "+bearer+"' https://api.example.com/v1/items\n", histRailway, bearer)
	mcpRailway, sbp := g.UUID(), "sbp_"+g.Rand(40, "hex")
	write(".claude.json", fmt.Sprintf(`{
  "numStartups": 3,
  "mcpServers": {
    "railway": {"command": "npx", "args": ["-y", "@railway/mcp-server"], "env": {"RAILWAY_API_TOKEN": %q}}
  },
  "projects": {
    "/home/dev/app": {
      "mcpServers": {
        "supabase": {"command": "npx", "args": ["-y", "@supabase/mcp-server-supabase", "--access-token", %q]}
      }
    }
  }
}
`, mcpRailway, sbp), mcpRailway, sbp)
	dbPass := g.Rand(24, "alnum")
	write(".claude/settings.json", fmt.Sprintf(`{"env": {"DATABASE_PASSWORD": %q, "DISABLE_TELEMETRY": "1"}}`, dbPass), dbPass)
	cursorGH := g.GitHub("ghp_")
	write(".cursor/mcp.json", fmt.Sprintf(`{"mcpServers": {"github": {"url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer %s"}}}}`, cursorGH), cursorGH)
	linear := "lin_api_" + g.Rand(40, "alnum")
	write(".codex/config.toml", "model = \"o4\"\n\n[mcp_servers.linear]\ncommand = \"npx\"\nargs = [\"-y\", \"mcp-remote\", \"https://mcp.linear.app/sse\"]\nenv = { LINEAR_API_KEY = \""+linear+"\" }\n", linear)
	vercelMCP := g.Rand(24, "alnum")
	write(".gemini/settings.json", fmt.Sprintf(`{"theme": "Default", "mcpServers": {"vercel": {"httpUrl": "https://mcp.vercel.com", "headers": {"Authorization": "Bearer %s"}}}}`, vercelMCP), vercelMCP)
	projTok := g.UUID()
	write(".codeium/windsurf/mcp_config.json", fmt.Sprintf(`{"mcpServers": {"railway-project": {"serverUrl": "https://mcp.example.com/railway", "headers": {"Project-Access-Token": %q}}}}`, projTok), projTok)
	gAccess, gRefresh := "ya29."+g.Rand(150, "b64url"), "1//"+g.Rand(100, "b64url")
	write(".gemini/oauth_creds.json", fmt.Sprintf(`{"access_token": %q, "scope": "https://www.googleapis.com/auth/cloud-platform openid", "token_type": "Bearer", "refresh_token": %q, "expiry_date": 1767225600000}`, gAccess, gRefresh), gAccess, gRefresh)
	copilot := g.GitHub("ghu_")
	write(".config/github-copilot/apps.json", fmt.Sprintf(`{"github.com:Iv1.b507a08c87ecfe98": {"user": "dev", "oauth_token": %q, "githubAppId": "Iv1.b507a08c87ecfe98"}}`, copilot), copilot)
	contKey := g.Rand(40, "alnum")
	write(".continue/config.json", fmt.Sprintf(`{"models": [{"title": "Local", "provider": "openai", "model": "gpt-4o", "apiKey": %q}]}`, contKey), contKey)
	aiderKey := "sk-ant-api03-" + g.Rand(93, "b64url") + "AA"
	aiderOther := g.Rand(40, "alnum")
	write(".aider.conf.yml", "model: sonnet\nanthropic-api-key: "+aiderKey+"\napi-key:\n  - deepseek="+aiderOther+"\nauto-commits: false\n", aiderKey)
	if werr != nil {
		return nil, werr
	}
	return h, nil
}
