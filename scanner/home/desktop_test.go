package home_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
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

// Robo 3T's (formerly Robomongo's) connection file: one finding per saved
// password, in a committed copy (scan) and in the home directory (reach),
// in every format its versions wrote: 1.2's plain "ssh" object, 1.3's
// encrypted fields, Robomongo 0.8's flat ssh* fields. Empty, placeholder
// and templated values are no finding; a corrupt file is no finding and no
// crash, a truncated one still yields what precedes the cut.
func TestRobo3T(t *testing.T) {
	g := testtoken.New(93)
	pw, off, tunnel := g.Rand(20, "alnum"), g.Rand(18, "alnum"), g.Rand(16, "alnum")
	enc, encPhrase := "AwI"+g.Rand(41, "b64"), "AwI"+g.Rand(45, "b64")
	flatSSH, flatPw := g.Rand(17, "alnum"), g.Rand(19, "alnum")
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Robo 3T 1.2: passwords in clear; two connections, one with two
	// credentials (the second switched off), one through an SSH tunnel,
	// and one holding only placeholders
	plain := fmt.Sprintf(`{
    "anonymousID": "%s",
    "autoExpand": true,
    "batchSize": 50,
    "connections": [
        {
            "connectionName": "orders",
            "credentials": [
                {
                    "databaseName": "admin",
                    "enabled": true,
                    "mechanism": "SCRAM-SHA-1",
                    "userName": "orders_app",
                    "userPassword": %q
                },
                {
                    "databaseName": "reporting",
                    "enabled": false,
                    "mechanism": "SCRAM-SHA-1",
                    "userName": "reporter",
                    "userPassword": %q
                }
            ],
            "defaultDatabase": "orders",
            "isReplicaSet": false,
            "serverHost": "orders.mongo.internal",
            "serverPort": 27017,
            "ssh": {"enabled": false, "host": "", "method": "publickey", "passphrase": "", "port": 22, "privateKeyFile": "", "publicKeyFile": "", "userName": "", "userPassword": ""},
            "ssl": {"allowInvalidCertificates": false, "caFile": "", "pemKeyFile": "", "pemPassPhrase": "", "sslEnabled": false, "usePemFile": false},
            "uuid": "{%s}"
        },
        {
            "connectionName": "analytics via bastion",
            "credentials": [
                {"databaseName": "admin", "enabled": false, "mechanism": "SCRAM-SHA-1", "userName": "", "userPassword": ""}
            ],
            "defaultDatabase": "",
            "isReplicaSet": false,
            "serverHost": "localhost",
            "serverPort": 27018,
            "ssh": {"enabled": true, "host": "bastion.example.net", "method": "password", "passphrase": "", "port": 2222, "privateKeyFile": "", "publicKeyFile": "", "userName": "tunnel", "userPassword": %q},
            "uuid": "{%s}"
        },
        {
            "connectionName": "local",
            "credentials": [{"databaseName": "test", "enabled": true, "userName": "app", "userPassword": "changeme"}],
            "serverHost": "localhost",
            "serverPort": 27017,
            "ssh": {"enabled": true, "host": "h", "userName": "u", "userPassword": "${SSH_PASSWORD}", "passphrase": "your-passphrase"}
        }
    ],
    "version": "2.0"
}
`, g.UUID(), pw, off, g.UUID(), tunnel, g.UUID())
	write("proj/ops/robo3t.json", plain)
	// Robomongo 0.8.5: the tunnel in flat ssh* fields
	write("proj/old/robomongo.json", fmt.Sprintf(`{"connections": [{"connectionName": "legacy", "serverHost": "10.0.0.5", "serverPort": 27017,
  "sshHost": "jump.example.org", "sshPort": 22, "sshUserName": "ops", "sshUserPassword": %q, "sshAuthMethod": 1,
  "credentials": [{"userName": "legacy", "userPassword": %q, "databaseName": "legacy", "enabled": true}]}], "version": "1.0"}
`, flatSSH, flatPw))
	write("proj/broken/robo3t.json", `{"connections": [{"connectionName": "x", "credentials": [{"userName": "u", "userPassword": ]]]}`)
	cut := plain[:strings.Index(plain, off)]
	write("proj/cut/robo3t.json", cut)
	// Robo 3T 1.4 in the home directory: encrypted values, a replica set
	write("home/.3T/robo-3t/1.4.4/robo3t.json", fmt.Sprintf(`{
    "connections": [
        {
            "connectionName": "prod cluster",
            "credentials": [
                {"databaseName": "admin", "enabled": true, "mechanism": "SCRAM-SHA-256", "userName": "root", "userPasswordEncrypted": %q}
            ],
            "isReplicaSet": true,
            "replicaSet": {"0": "mongo-a.internal:27017", "1": "mongo-b.internal:27017", "readPreference": 0, "setName": "rs0"},
            "serverHost": "mongo-a.internal",
            "serverPort": 27017,
            "ssh": {"askPassword": false, "enabled": true, "host": "bastion.internal", "localPort": 0, "method": "publickey", "passphraseEncrypted": %q,
                "port": 22, "privateKeyFile": "/home/dev/.ssh/id_rsa", "publicKeyFile": "", "userName": "dev", "userPasswordEncrypted": ""},
            "ssl": {"pemPassPhraseEncrypted": "", "sslEnabled": false}
        }
    ],
    "version": "2.0"
}
`, enc, encPhrase))

	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: home.StoreFormats()})
	res, err := eng.Run(context.Background(), dir.New([]string{filepath.Join(root, "proj")}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	reach, _ := scanHome(t, home.Options{Home: filepath.Join(root, "home")})
	byFile := map[string][]scanner.Finding{}
	for _, f := range append(res.Findings, reach.Findings...) {
		byFile[filepath.Base(filepath.Dir(f.Origin.Path))] = append(byFile[filepath.Base(filepath.Dir(f.Origin.Path))], f)
	}
	lineOf := func(text, s string) int { return strings.Count(text[:strings.Index(text, s)], "\n") + 1 }
	cases := []struct {
		dir, secret, rule, provider string
		line                        int
		attrs                       map[string]string
		kind                        string
	}{
		{"ops", pw, "robo3t-saved-password", "MongoDB", lineOf(plain, pw),
			map[string]string{"connection": "orders", "host": "orders.mongo.internal", "port": "27017", "user": "orders_app", "database": "admin", "enabled": "true", "format": "robo3t"}, "in clear"},
		{"ops", off, "robo3t-saved-password", "MongoDB", lineOf(plain, off),
			map[string]string{"user": "reporter", "database": "reporting", "enabled": "false"}, "in clear"},
		{"ops", tunnel, "robo3t-ssh-password", "SSH", lineOf(plain, tunnel),
			map[string]string{"connection": "analytics via bastion", "port": "27018", "ssh_host": "bastion.example.net", "ssh_port": "2222", "ssh_user": "tunnel", "enabled": "true"}, "SSH tunnel password"},
		{"old", flatSSH, "robo3t-ssh-password", "SSH", 2, map[string]string{"ssh_host": "jump.example.org", "ssh_user": "ops", "ssh_port": "22", "enabled": "true"}, "tunnel"},
		{"old", flatPw, "robo3t-saved-password", "MongoDB", 3, map[string]string{"connection": "legacy", "host": "10.0.0.5", "user": "legacy"}, "MongoDB password"},
		{"cut", pw, "robo3t-saved-password", "MongoDB", lineOf(plain, pw), map[string]string{"user": "orders_app", "database": "admin"}, "in clear"}, // serverHost follows the credentials (keys are sorted): cut off
		{"1.4.4", enc, "robo3t-saved-password", "MongoDB", 0,
			map[string]string{"encrypted": "true", "replica_set": "rs0", "members": "mongo-a.internal:27017,mongo-b.internal:27017", "user": "root", "ssh_host": "bastion.internal"}, "encrypted"},
		{"1.4.4", encPhrase, "robo3t-ssh-password", "SSH", 0, map[string]string{"encrypted": "true", "private_key_file": "/home/dev/.ssh/id_rsa", "ssh_user": "dev"}, "passphrase"},
	}
	for _, c := range cases {
		var hit *scanner.Finding
		for i, f := range byFile[c.dir] {
			if f.Secret == c.secret {
				hit = &byFile[c.dir][i]
			}
		}
		if hit == nil {
			t.Errorf("%s: %s not found (findings %v)", c.dir, c.rule, ruleIDs(byFile[c.dir]))
			continue
		}
		if hit.RuleID != c.rule || hit.Provider != c.provider || !strings.Contains(hit.Kind, c.kind) || hit.Line == 0 || c.line > 0 && hit.Line != c.line {
			t.Errorf("%s: got %s/%s %q line %d, want %s/%s %q line %d", c.dir, hit.RuleID, hit.Provider, hit.Kind, hit.Line, c.rule, c.provider, c.kind, c.line)
		}
		for k, v := range c.attrs {
			if hit.Attrs[k] != v {
				t.Errorf("%s %s: attr %s=%q, want %q", c.dir, c.rule, k, hit.Attrs[k], v)
			}
		}
		if hit.Scope.Reach != scope.ReachResource {
			t.Errorf("%s %s: reach %s, want resource", c.dir, c.rule, hit.Scope.Reach)
		}
	}
	ev := func(f scanner.Finding) string { return strings.Join(f.Scope.Evidence, "|") }
	for _, f := range byFile["1.4.4"] {
		if f.Origin.Store != "robo3t" || !strings.Contains(ev(f), "reversible") {
			t.Errorf("home robo3t.json: store %q evidence %v", f.Origin.Store, f.Scope.Evidence)
		}
		if f.Provider == "MongoDB" && (f.Scope.Env != scope.EnvProduction || f.Scope.Access != scope.AccessUnknown) {
			t.Errorf("prod cluster: env %s access %s, want production, unknown", f.Scope.Env, f.Scope.Access)
		}
	}
	for _, f := range byFile["ops"] {
		if f.Secret == off && !strings.Contains(ev(f), "switched off") {
			t.Errorf("disabled credential: evidence %v", f.Scope.Evidence)
		}
	}
	// exactly the saved passwords: no placeholder, template or empty field
	for d, n := range map[string]int{"ops": 3, "old": 2, "broken": 0, "cut": 1, "1.4.4": 2} {
		if got := len(byFile[d]); got != n {
			t.Errorf("%s: %d findings %v, want %d", d, got, ruleIDs(byFile[d]), n)
		}
	}
}

// A Rails key file (config/master.key, config/credentials/<env>.key) is
// the whole file, 32 hex digits: reported by path with the credentials it
// decrypts; the same name elsewhere, or other content, is not.
func TestRailsKeyFiles(t *testing.T) {
	g := testtoken.New(61)
	root := t.TempDir()
	master, prod := g.Rand(32, "hex"), g.Rand(32, "hex")
	files := map[string]string{
		"app/config/master.key":                 master + "\n",
		"app/config/credentials/production.key": prod,
		"app/lib/master.key":                    g.Rand(32, "hex"),               // not under config/
		"app/config/credentials/staging.key":    "-----BEGIN PRIVATE KEY-----\n", // not a Rails key
		"other/config/master.key":               strings.Repeat("0", 32),         // a placeholder
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: home.StoreFormats()})
	res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]scanner.Finding{}
	for _, f := range res.Findings {
		if f.RuleID == "rails-key-file" {
			rel, _ := filepath.Rel(root, f.Origin.Path)
			got[filepath.ToSlash(rel)] = f
		}
	}
	if len(got) != 2 {
		t.Fatalf("rails key findings %v, want the master and production keys", got)
	}
	m, p := got["app/config/master.key"], got["app/config/credentials/production.key"]
	if m.Secret != master || m.Line != 1 || !strings.HasSuffix(m.Attrs["credentials"], "app/config/credentials.yml.enc") || m.Severity < scope.SevHigh {
		t.Errorf("master.key: %+v", m)
	}
	if p.Secret != prod || p.Scope.Env != scope.EnvProduction || !strings.HasSuffix(p.Attrs["credentials"], "credentials/production.yml.enc") {
		t.Errorf("production.key: %+v", p)
	}
}
