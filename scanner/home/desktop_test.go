package home_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/home"
)

// Desktop applications' credential files are read by path in any tree
// (what scan runs), with the provider, host and user they belong to; an
// empty or placeholder password is no finding.
func TestDesktopAppFiles(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: home.StoreFormats()})
	g := testtoken.New(91)
	s3Secret, doSecret := g.Rand(40, "b64"), g.Rand(43, "b64")
	dbPass, sshPass := g.Rand(18, "alnum"), g.Rand(20, "alnum")
	sftpPass, sftpProd, phrase := g.Rand(16, "alnum"), g.Rand(16, "alnum"), g.Rand(24, "alnum")
	atomPass, ftpPass, myPass := g.Rand(14, "alnum"), g.Rand(15, "alnum"), g.Rand(16, "alnum")
	ff1, ff2 := "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECA"+g.Rand(32, "b64"), "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECA"+g.Rand(32, "b64")
	fzB64 := base64.StdEncoding.EncodeToString([]byte(g.Rand(12, "alnum")))
	fzPlain := g.Rand(13, "alnum")
	cases := []struct {
		path, content, rule, secret, provider, attr, val string
	}{
		{"deploy/.s3cfg", fmt.Sprintf("[default]\naccess_key = %s\nsecret_key = %s\nhost_base = s3.amazonaws.com\n", g.AWSKeyID("AKIA"), s3Secret),
			"aws-access-key", s3Secret, "AWS", "host_base", "s3.amazonaws.com"}, // the AWS rule names the pair; the parser adds its facts
		{"ops/.s3cfg", fmt.Sprintf("[default]\naccess_key = DO%s\nsecret_key = %s\nhost_base = fra1.digitaloceanspaces.com\nhost_bucket = %%(bucket)s.fra1.digitaloceanspaces.com\n", g.Rand(18, "ualnum"), doSecret),
			"s3cfg-secret-key", doSecret, "DigitalOcean", "host_base", "fra1.digitaloceanspaces.com"},
		{"ws/General/.dbeaver/data-sources.json", fmt.Sprintf(`{
	"folders": {},
	"connections": {
		"postgres-jdbc-18c1f2a3b4d-5e6f7a8b9c0d1e2f": {
			"provider": "postgresql",
			"driver": "postgres-jdbc",
			"name": "prod-orders",
			"save-password": true,
			"configuration": {
				"host": "orders.db.internal",
				"port": "5432",
				"database": "orders",
				"url": "jdbc:postgresql://orders.db.internal:5432/orders",
				"credentials": {"user": "postgres", "password": %q},
				"handlers": {
					"ssh_tunnel": {"type": "TUNNEL", "enabled": true, "save-password": true,
						"credentials": {"user": "deploy", "password": %q},
						"properties": {"host": "bastion.example.net", "port": 22}}
				}
			}
		}
	}
}
`, dbPass, sshPass), "dbeaver-saved-password", dbPass, "DBeaver", "host", "orders.db.internal"},
		{"ws/General/.dbeaver/data-sources.json", "", "dbeaver-saved-password", sshPass, "DBeaver", "connection", "prod-orders"},
		{"site/.vscode/sftp.json", fmt.Sprintf(`{
    "name": "My Server",
    "host": "files.example.net",
    "protocol": "sftp",
    "port": 22,
    "username": "web",
    "password": %q,
    "remotePath": "/var/www",
    "uploadOnSave": true,
    "profiles": {
        "prod": {"host": "prod.example.net", "password": %q},
        "key": {"privateKeyPath": "/home/web/.ssh/id_rsa", "passphrase": %q}
    }
}
`, sftpPass, sftpProd, phrase), "sync-config-password", sftpPass, "SFTP/FTP", "host", "files.example.net"},
		{"site/.vscode/sftp.json", "", "sync-config-password", sftpProd, "SFTP/FTP", "host", "prod.example.net"},
		{"site/.vscode/sftp.json", "", "sync-config-password", phrase, "SFTP/FTP", "user", "web"},
		{"theme/.remote-sync.json", fmt.Sprintf(`{"transport": "scp", "hostname": "10.0.0.7", "port": 22, "username": "deploy", "password": %q, "target": "/srv/theme"}`, atomPass),
			"sync-config-password", atomPass, "SFTP/FTP", "host", "10.0.0.7"},
		{"legacy/.ftpconfig", fmt.Sprintf(`{"protocol": "ftp", "host": "ftp.example.org", "port": 21, "user": "upload", "pass": %q, "remote": "/"}`, ftpPass),
			"sync-config-password", ftpPass, "SFTP/FTP", "user", "upload"},
		{"backup/ff/logins.json", fmt.Sprintf(`{"nextId":3,"logins":[{"id":1,"hostname":"https://a.example.com","encryptedUsername":"MDIE%s","encryptedPassword":%q,"encType":1},{"id":2,"hostname":"https://b.example.com","encryptedUsername":"","encryptedPassword":%q,"encType":1}],"version":3}`, g.Rand(40, "b64"), ff1, ff2),
			"firefox-saved-logins", ff1, "Firefox", "sites", "2"},
		{"backup/ff/logins.json", "", "firefox-saved-logins", ff1, "Firefox", "usernames_saved", "1"},
		{"old/.filezilla/sitemanager.xml", "<FileZilla3><Servers><Server><Host>ftp.example.org</Host><Port>21</Port><User>web</User><Pass encoding=\"base64\">" + fzB64 + "</Pass><Name>shop</Name></Server><Server><Host>10.0.0.9</Host><User>root</User><Pass>" + fzPlain + "</Pass></Server></Servers></FileZilla3>\n",
			"filezilla-saved-password", fzB64, "FileZilla", "host", "ftp.example.org"},
		{"old/.filezilla/sitemanager.xml", "", "filezilla-saved-password", fzPlain, "FileZilla", "user", "root"},
		{"docker/mysql/.my.cnf", "[client]\nuser = app\npassword = " + myPass + "\n", "mysql-config-password", myPass, "MySQL", "user", "app"},
	}
	byPath := map[string][]scanner.Finding{}
	for _, c := range cases {
		if c.content != "" {
			byPath[c.path] = eng.ScanBytes(scanner.Origin{Kind: scanner.KindFile, Path: c.path}, []byte(c.content))
		}
		var hit *scanner.Finding
		for i, f := range byPath[c.path] {
			if f.Secret == c.secret {
				hit = &byPath[c.path][i]
			}
		}
		if hit == nil {
			t.Errorf("%s: %s not found (findings %v)", c.path, c.rule, ruleIDs(byPath[c.path]))
			continue
		}
		if hit.RuleID != c.rule || hit.Provider != c.provider || hit.Attrs[c.attr] != c.val || hit.Line == 0 {
			t.Errorf("%s: got %s/%s %s=%q line %d, want %s/%s %s=%q", c.path, hit.RuleID, hit.Provider, c.attr, hit.Attrs[c.attr], hit.Line,
				c.rule, c.provider, c.attr, c.val)
		}
		if !strings.Contains(strings.Join(hit.Scope.Evidence, "|"), "file "+c.path) {
			t.Errorf("%s: evidence %v", c.path, hit.Scope.Evidence)
		}
	}
	// empty, placeholder and templated passwords are no finding
	for path, content := range map[string]string{
		"a/.s3cfg":                       "[default]\naccess_key = \nsecret_key = \nhost_base = s3.amazonaws.com\n",
		"b/.s3cfg":                       "[default]\naccess_key = AWS_ACCESS_KEY_PLACEHOLDER\nsecret_key = AWS_SECRET_KEY_PLACEHOLDER\n",
		"c/.dbeaver/data-sources.json":   `{"connections": {"mysql8-1": {"name": "local", "configuration": {"host": "localhost", "credentials": {"user": "root", "password": ""}}}}}`,
		"d/.vscode/sftp.json":            `{"host": "example.com", "username": "me", "password": "${env:SFTP_PASSWORD}"}`,
		"e/.ftpconfig":                   `{"host": "ftp.example.com", "user": "me", "pass": "", "promptForPass": true}`,
		"f/.my.cnf":                      "[client]\nuser = root\npassword = changeme\n",
		"g/.remote-sync.json":            `{"hostname": "h", "username": "u", "password": "your-password-here"}`,
		"i/logins.json":                  `{"nextId":1,"logins":[],"version":3}`,
		"j/sitemanager.xml":              "<FileZilla3><Servers><Server><Host>h</Host><User>u</User><Pass encoding=\"crypt\">" + g.Rand(40, "b64") + "</Pass></Server></Servers></FileZilla3>",
		"k/recentservers.xml":            "<FileZilla3><RecentServers><Server><Host>h</Host><User>anonymous</User></Server></RecentServers></FileZilla3>",
		"h/.dbeaver/data-sources-2.json": `{"connections": {"pg-1": {"name": "x", "save-password": false, "configuration": {"host": "db", "user": "app"}}}}`,
	} {
		for _, f := range eng.ScanBytes(scanner.Origin{Kind: scanner.KindFile, Path: path}, []byte(content)) {
			t.Errorf("%s: placeholder reported as %s (%s)", path, f.RuleID, f.Redacted)
		}
	}
}
