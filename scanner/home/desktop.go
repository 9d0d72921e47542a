package home

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"sort"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner/env"
)

// Desktop applications' and editors' credential files (issue 9): files an
// agent reading the home directory or a project tree can open, whose
// passwords carry no prefix a detector could know.

// parseS3cfg reads s3cmd's configuration (INI, [default] and other
// sections): access_key / secret_key for host_base, which names the
// S3-compatible provider (https://s3tools.org/kb/item14.htm; the file
// s3cmd --configure writes).
func parseS3cfg(p *pctx) {
	order, groups := sections(iniLeaves(p.data))
	for _, sec := range order {
		g := groups[sec]
		secret, ok := field(g, "secret_key")
		if !ok || !env.ValuePlausible(secret.value) {
			continue
		}
		id, _ := field(g, "access_key")
		host, _ := field(g, "host_base")
		h := host.value
		if h == "" {
			h = "s3.amazonaws.com" // s3cmd's default endpoint
		}
		prov := s3Provider(h)
		s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "buckets and objects the key can write",
			"s3cmd key for "+h+": every bucket the key's policies allow")
		p.add(cred{rule: "s3cfg-secret-key", provider: prov, kind: "S3 secret key (s3cmd)", secret: secret.value,
			key: "secret_key", where: "section [" + sec + "]", line: secret.line, scope: prodHint(s, sec, h),
			attrs: map[string]string{"section": sec, "host_base": h, "access_key": id.value}})
	}
}

// s3Provider names the provider of an S3-compatible endpoint.
func s3Provider(host string) string {
	h := strings.ToLower(host)
	switch {
	case strings.Contains(h, "amazonaws.com"):
		return "AWS"
	case strings.Contains(h, "digitaloceanspaces.com"):
		return "DigitalOcean"
	case strings.Contains(h, "wasabisys.com"):
		return "Wasabi"
	case strings.Contains(h, "backblazeb2.com"):
		return "Backblaze"
	case strings.Contains(h, "r2.cloudflarestorage.com"):
		return "Cloudflare"
	case strings.Contains(h, "storage.googleapis.com"):
		return "Google Cloud"
	case strings.Contains(h, "linodeobjects.com"):
		return "Linode"
	}
	return hostProvider(host)
}

// parseDBeaverDataSources reads DBeaver's .dbeaver/data-sources*.json
// (https://dbeaver.com/docs/dbeaver/Admin-Manage-Connections/): the
// connections' configuration; credentials normally sit in the encrypted
// credentials-config.json, but a plain "credentials" block (or the older
// "user"/"password" fields) holds them in clear, also for network
// handlers (SSH tunnels, proxies).
func parseDBeaverDataSources(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	order, groups := groupBy(filterPrefix(ls, "connections"), 1)
	for _, id := range order {
		g := groups[id]
		name, _ := field(g, "name")
		var host, db, user string
		for _, l := range g {
			if len(l.path) == 4 && l.path[2] == "configuration" {
				switch l.key() {
				case "host":
					host = l.value
				case "database":
					db = l.value
				case "user":
					user = l.value
				}
			}
			if len(l.path) == 5 && l.path[2] == "configuration" && l.path[3] == "credentials" && l.key() == "user" {
				user = l.value
			}
		}
		for _, l := range g {
			if l.key() != "password" || len(l.path) < 4 || l.path[2] != "configuration" || !env.ValuePlausible(l.value) {
				continue
			}
			what := "database password"
			if len(l.path) >= 6 && l.path[3] == "handlers" {
				what = "network handler " + l.path[4] + " password"
			}
			s := dbScope(user, "DBeaver connection "+name.value+": "+what+" saved in clear", host, db, name.value)
			p.add(cred{rule: "dbeaver-saved-password", provider: "DBeaver", kind: what + " (saved in clear)", secret: l.value,
				key: "password", where: "connection " + name.value, line: l.line, scope: s,
				attrs: map[string]string{"connection": name.value, "connection_id": id, "host": host, "database": db, "user": user}})
		}
	}
}

// parseSyncConfig reads editors' remote-sync configurations: VS Code's
// SFTP extension (.vscode/sftp.json: host, username, password, passphrase,
// profiles), Atom's remote-sync (.remote-sync.json: hostname, username,
// password, passphrase) and remote-ftp (.ftpconfig: host, user, pass,
// passphrase). A saved password logs in to the server as that user.
func parseSyncConfig(p *pctx) {
	ls, _ := jsonLeaves(p.data)
	// group by the object holding each value (a config, a profile or an
	// array element)
	type obj struct{ host, user string }
	objs := map[string]*obj{}
	parent := func(l leaf) string { return strings.Join(l.path[:len(l.path)-1], ".") }
	for _, l := range ls {
		o := objs[parent(l)]
		if o == nil {
			o = &obj{}
			objs[parent(l)] = o
		}
		switch l.key() {
		case "host", "hostname":
			o.host = l.value
		case "username", "user":
			o.user = l.value
		}
	}
	top := objs[""]
	for _, l := range ls {
		k := l.key()
		if k != "password" && k != "pass" && k != "passphrase" || !env.ValuePlausible(l.value) {
			continue
		}
		o := objs[parent(l)]
		host, user := o.host, o.user
		if top != nil && host == "" {
			host = top.host
		}
		if top != nil && user == "" {
			user = top.user
		}
		kind := "saved server password"
		what := "logs in to " + host + " as " + user
		if k == "passphrase" {
			kind = "private key passphrase"
			what = "unlocks the private key the configuration names"
		}
		where := "host " + host
		if pp := parent(l); pp != "" {
			where += " (" + pp + ")"
		}
		s := sc(scope.AccessWrite, scope.ReachResource, scope.LifetimeLongLived, "files on the server",
			"remote-sync configuration: "+what)
		p.add(cred{rule: "sync-config-password", provider: "SFTP/FTP", kind: kind, secret: l.value,
			key: k, where: where, line: l.line, scope: prodHint(s, host, parent(l)),
			attrs: map[string]string{"host": host, "user": user}})
	}
}

// parseFirefoxLogins reads a Firefox profile's logins.json (Mozilla's
// LoginStore: a "logins" array of hostname, encryptedUsername,
// encryptedPassword, encType). The values are encrypted with the key in
// key4.db beside it, which opens without any password unless the user set
// a Primary Password: whoever copies both files recovers every saved
// password. One finding per file: the store, never a decrypted value (the
// reported value is the first entry's ciphertext, which only locates it).
func parseFirefoxLogins(p *pctx) {
	ls, err := jsonLeaves(p.data)
	if err != nil && len(ls) == 0 {
		return
	}
	order, groups := groupBy(filterPrefix(ls, "logins"), 1)
	var first leaf
	var hosts []string
	sites, users := 0, 0
	for _, i := range order {
		pw, ok := field(groups[i], "encryptedPassword")
		if !ok || len(pw.value) < 16 {
			continue
		}
		if sites == 0 {
			first = pw
		}
		sites++
		if u, ok := field(groups[i], "encryptedUsername"); ok && u.value != "" {
			users++
		}
		if h, ok := field(groups[i], "hostname"); ok && len(hosts) < 5 {
			hosts = append(hosts, h.value)
		}
	}
	if sites == 0 {
		return
	}
	s := sc(scope.AccessUnknown, scope.ReachAccount, scope.LifetimeLongLived, "",
		strconv.Itoa(sites)+" saved site passwords, encrypted with the profile's key4.db: recoverable by whoever has both files unless a Primary Password is set")
	p.add(cred{rule: "firefox-saved-logins", provider: "Firefox", kind: "saved browser passwords (encrypted with key4.db)", secret: first.value,
		key: "encryptedPassword", where: strconv.Itoa(sites) + " sites", line: first.line, scope: s,
		attrs: map[string]string{"sites": strconv.Itoa(sites), "usernames_saved": strconv.Itoa(users), "hosts": strings.Join(hosts, ",")}})
}

// parseFileZilla reads FileZilla's sitemanager.xml and recentservers.xml
// (<Server> elements with Host, Port, User and Pass): a Pass with
// encoding="base64" (or none, as older versions wrote) is the password
// itself; encoding="crypt" is protected by FileZilla's master password
// and is not reported. The value reported is the stored text, so the
// YAML rule filezilla-saved-password and this parser name one finding.
func parseFileZilla(p *pctx) {
	dec := xml.NewDecoder(bytes.NewReader(p.data))
	type server struct{ name, host, port, user, pass, enc string }
	var cur *server
	var field string
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil || depth > 64 {
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "Server" {
				cur = &server{}
				field = ""
				continue
			}
			field = t.Name.Local
			if cur != nil && field == "Pass" {
				for _, a := range t.Attr {
					if a.Name.Local == "encoding" {
						cur.enc = a.Value
					}
				}
			}
		case xml.CharData:
			if cur == nil {
				continue
			}
			v := strings.TrimSpace(string(t))
			switch field {
			case "Host":
				cur.host = v
			case "Port":
				cur.port = v
			case "User":
				cur.user = v
			case "Pass":
				cur.pass = v
			case "Name":
				cur.name = v
			}
		case xml.EndElement:
			depth--
			field = ""
			if t.Name.Local != "Server" || cur == nil {
				continue
			}
			sv := *cur
			cur = nil
			if sv.pass == "" || sv.enc == "crypt" || sv.enc != "base64" && !env.ValuePlausible(sv.pass) {
				continue
			}
			kind := "saved site password (base64)"
			if sv.enc != "base64" {
				kind = "saved site password (plain text)"
			}
			s := sc(scope.AccessUnknown, scope.ReachResource, scope.LifetimeLongLived, "",
				"FileZilla saved password for "+sv.user+"@"+sv.host+": not encrypted (no master password)")
			p.add(cred{rule: "filezilla-saved-password", provider: "FileZilla", kind: kind, secret: sv.pass,
				key: "Pass", where: "server " + sv.host, scope: prodHint(s, sv.name, sv.host),
				attrs: map[string]string{"host": sv.host, "port": sv.port, "user": sv.user, "site": sv.name}})
		}
	}
}

// parseRobo3T reads the configuration of Robo 3T, formerly Robomongo
// (robo3t.json, robomongo.json; the format of its SettingsManager): a
// "connections" array whose elements name the server (connectionName,
// serverHost, serverPort, a replicaSet's setName and members) and hold a
// "credentials" array (userName, userPassword, databaseName — the
// authentication database — mechanism, enabled), an "ssh" tunnel (host,
// port, userName, userPassword, privateKeyFile, passphrase, method,
// enabled) and "ssl" settings (pemKeyFile, pemPassPhrase). Robomongo 0.8
// kept the tunnel in flat sshHost, sshUserName, sshUserPassword,
// sshPrivateKey, sshPassphrase and sshAuthMethod fields. From Robo 3T 1.3
// the values are written as userPasswordEncrypted, passphraseEncrypted and
// pemPassPhraseEncrypted instead: a reversible cipher whose key is built
// in (1.3) or kept in ~/.3T/robo-3t/robo3t.key (1.4 on), so whoever copies
// the files recovers the password; those are reported as stored, never
// decrypted. A MongoDB password is reported for the server it names (the
// user's roles are not in the file), a tunnel password or key passphrase
// for the SSH host; a credential or tunnel switched off (enabled false)
// still holds the password, and says so.
func parseRobo3T(p *pctx) {
	ls, _ := jsonLeaves(p.data) // a truncated file still yields its strings
	// ports and enabled flags are numbers and booleans, not leaves
	type flags struct {
		Enabled any `json:"enabled"`
		Port    any `json:"port"`
	}
	var doc struct {
		Connections []struct {
			ServerPort    any     `json:"serverPort"`
			SSHPort       any     `json:"sshPort"`
			SSHAuthMethod any     `json:"sshAuthMethod"`
			Credentials   []flags `json:"credentials"`
			SSH           flags   `json:"ssh"`
			SSL           struct {
				Enabled any `json:"sslEnabled"`
			} `json:"ssl"`
		} `json:"connections"`
	}
	_ = json.Unmarshal(p.data, &doc) // a type it does not expect leaves that field unknown
	order, groups := groupBy(filterPrefix(ls, "connections"), 1)
	for _, id := range order {
		g := groups[id]
		top := map[string]leaf{}
		sub := map[string]map[string]map[string]leaf{} // credentials/ssh/ssl/replicaSet -> element -> key
		for _, l := range g {
			switch {
			case len(l.path) == 3:
				top[l.key()] = l
			case len(l.path) == 4 && (l.path[2] == "ssh" || l.path[2] == "ssl" || l.path[2] == "replicaSet"):
				put(sub, l.path[2], "", l)
			case len(l.path) == 5 && l.path[2] == "credentials":
				put(sub, "credentials", l.path[3], l)
			}
		}
		var port, sshPort string
		var credEnabled map[string]string
		sshEnabled, sslEnabled := "", ""
		if i, err := strconv.Atoi(id); err == nil && i < len(doc.Connections) {
			c := doc.Connections[i]
			port, sshPort, sshEnabled = jsonScalar(c.ServerPort), jsonScalar(c.SSH.Port), jsonScalar(c.SSH.Enabled)
			sslEnabled = jsonScalar(c.SSL.Enabled)
			credEnabled = map[string]string{}
			for j, cr := range c.Credentials {
				credEnabled[strconv.Itoa(j)] = jsonScalar(cr.Enabled)
			}
			if _, flat := top["sshHost"]; flat {
				sshPort = jsonScalar(c.SSHPort)
				switch jsonScalar(c.SSHAuthMethod) {
				case "1", "2":
					sshEnabled = "true"
				case "0":
					sshEnabled = "false"
				}
			}
		}
		name, host, db := top["connectionName"].value, top["serverHost"].value, top["defaultDatabase"].value
		addr := host
		if port != "" && port != "0" {
			addr = host + ":" + port
		}
		rs := sub["replicaSet"][""]
		setName := rs["setName"].value
		var members []string
		for i := 0; ; i++ {
			m, ok := rs[strconv.Itoa(i)]
			if !ok {
				break
			}
			members = append(members, m.value)
		}
		if setName != "" {
			addr = "replica set " + setName
			if len(members) > 0 {
				addr += " (" + strings.Join(members, ",") + ")"
			}
		}
		ssh := sub["ssh"][""]
		sshHost, sshUser, keyFile := ssh["host"].value, ssh["userName"].value, ssh["privateKeyFile"].value
		if _, flat := top["sshHost"]; flat {
			sshHost, sshUser, keyFile = top["sshHost"].value, top["sshUserName"].value, top["sshPrivateKey"].value
		}
		base := map[string]string{"connection": name, "host": host, "port": port, "default_database": db,
			"replica_set": setName, "members": strings.Join(members, ",")}
		if sshHost != "" {
			base["ssh_host"] = sshHost
		}
		hints := []string{name, host, db, setName}
		// the MongoDB users' passwords
		credOrder := make([]string, 0, len(sub["credentials"]))
		for k := range sub["credentials"] {
			credOrder = append(credOrder, k)
		}
		sort.Slice(credOrder, func(i, j int) bool { return atoiOr(credOrder[i]) < atoiOr(credOrder[j]) })
		for _, ci := range credOrder {
			cr := sub["credentials"][ci]
			user, authDB, mech := cr["userName"].value, cr["databaseName"].value, cr["mechanism"].value
			for _, key := range []string{"userPassword", "userPasswordEncrypted"} {
				pw, ok := cr[key]
				if !ok || !env.ValuePlausible(pw.value) {
					continue
				}
				encrypted := key == "userPasswordEncrypted"
				s := sc(scope.AccessUnknown, scope.ReachResource, scope.LifetimeLongLived, "documents in the databases the user's roles cover",
					"Robo 3T connection "+name+": MongoDB password of "+user+" for "+addr+" (the user's roles are not in the file)")
				if authDB == "admin" {
					s.Evidence = append(s.Evidence, "authentication database admin: where users with roles on every database are defined")
				}
				a := robo3tAttrs(base, map[string]string{"user": user, "database": authDB, "mechanism": mech, "enabled": credEnabled[ci]})
				kind := "MongoDB password (saved in clear)"
				if encrypted {
					kind = "MongoDB password (saved encrypted, reversible)"
					s.Evidence = append(s.Evidence, robo3tCipher)
					a["encrypted"] = "true"
				}
				if credEnabled[ci] == "false" {
					s.Evidence = append(s.Evidence, "authentication switched off for this connection: the password is still saved")
				}
				p.add(cred{rule: "robo3t-saved-password", provider: "MongoDB", kind: kind, secret: pw.value,
					key: key, where: "connection " + name + " user " + orIndex(user, ci), line: pw.line, scope: prodHint(s, hints...), attrs: a})
			}
		}
		// the TLS client key's passphrase
		ssl := sub["ssl"][""]
		for _, key := range []string{"pemPassPhrase", "pemPassPhraseEncrypted"} {
			pw, ok := ssl[key]
			if !ok || !env.ValuePlausible(pw.value) {
				continue
			}
			s := sc(scope.AccessUnknown, scope.ReachResource, scope.LifetimeLongLived, "",
				"Robo 3T connection "+name+": passphrase of the TLS client key "+ssl["pemKeyFile"].value+" for "+addr)
			a := robo3tAttrs(base, map[string]string{"pem_key_file": ssl["pemKeyFile"].value, "enabled": sslEnabled})
			kind := "TLS client key passphrase (saved in clear)"
			if key == "pemPassPhraseEncrypted" {
				kind = "TLS client key passphrase (saved encrypted, reversible)"
				s.Evidence = append(s.Evidence, robo3tCipher)
				a["encrypted"] = "true"
			}
			p.add(cred{rule: "robo3t-saved-password", provider: "MongoDB", kind: kind, secret: pw.value,
				key: key, where: "connection " + name + " ssl", line: pw.line, scope: prodHint(s, hints...), attrs: a})
		}
		// the SSH tunnel's password and key passphrase
		tunnel := []struct {
			m    map[string]leaf
			keys []string
		}{
			{ssh, []string{"userPassword", "userPasswordEncrypted", "passphrase", "passphraseEncrypted"}},
			{top, []string{"sshUserPassword", "sshPassphrase"}},
		}
		for _, t := range tunnel {
			for _, key := range t.keys {
				pw, ok := t.m[key]
				if !ok || !env.ValuePlausible(pw.value) {
					continue
				}
				passphrase := strings.Contains(strings.ToLower(key), "passphrase")
				what := "logs in to " + sshHost + " as " + sshUser + " (the tunnel to " + addr + ")"
				kind := "SSH tunnel password"
				if passphrase {
					kind = "SSH private key passphrase"
					what = "unlocks the private key " + keyFile + " that logs in to " + sshHost + " as " + sshUser
				}
				s := sc(scope.AccessWrite, scope.ReachResource, scope.LifetimeLongLived, "",
					"Robo 3T connection "+name+" SSH tunnel: "+what)
				a := robo3tAttrs(base, map[string]string{"ssh_port": sshPort, "ssh_user": sshUser, "private_key_file": keyFile, "enabled": sshEnabled})
				if strings.HasSuffix(key, "Encrypted") {
					kind += " (saved encrypted, reversible)"
					s.Evidence = append(s.Evidence, robo3tCipher)
					a["encrypted"] = "true"
				} else {
					kind += " (saved in clear)"
				}
				if sshEnabled == "false" {
					s.Evidence = append(s.Evidence, "SSH tunnel switched off for this connection: the credential is still saved")
				}
				p.add(cred{rule: "robo3t-ssh-password", provider: "SSH", kind: kind, secret: pw.value,
					key: key, where: "connection " + name + " ssh", line: pw.line, scope: prodHint(s, name, sshHost), attrs: a})
			}
		}
	}
}

const robo3tCipher = "encrypted with Robo 3T's own key (built in, or ~/.3T/robo-3t/robo3t.key): reversible by whoever copies the files"

// put files a leaf under m[group][elem][key].
func put(m map[string]map[string]map[string]leaf, group, elem string, l leaf) {
	if m[group] == nil {
		m[group] = map[string]map[string]leaf{}
	}
	if m[group][elem] == nil {
		m[group][elem] = map[string]leaf{}
	}
	m[group][elem][l.key()] = l
}

// robo3tAttrs merges a connection's attributes with a credential's.
func robo3tAttrs(base, more map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(more))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// jsonScalar renders a decoded JSON number, boolean or string; "" for
// anything else.
func jsonScalar(v any) string {
	switch t := v.(type) {
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	case string:
		return t
	}
	return ""
}

// orIndex names an array element by its value, else by its index.
func orIndex(v, i string) string {
	if v != "" {
		return v
	}
	return "#" + i
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1 << 30
	}
	return n
}
