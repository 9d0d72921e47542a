package detectors

import (
	"bytes"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// ConnURIs finds connection URIs with embedded credentials (PostgreSQL,
// MySQL, MongoDB, Redis, AMQP, SQL Server, and HTTP basic auth). The
// secret is the password; the user and host go into Attrs.
type ConnURIs struct{}

// uriMaxLen bounds scheme + userinfo + hosts.
const uriMaxLen = 1024

var _ Lister = ConnURIs{}

type uriKind struct {
	id, provider, kind string
	schemes            []string
}

func uriKinds() []uriKind {
	return []uriKind{
		{"uri-postgres", "PostgreSQL", "connection URI with password", []string{"postgres", "postgresql"}},
		{"uri-mysql", "MySQL", "connection URI with password", []string{"mysql", "mariadb", "mysqlx"}},
		{"uri-mongodb", "MongoDB", "connection URI with password", []string{"mongodb", "mongodb+srv"}},
		{"uri-redis", "Redis", "connection URI with password", []string{"redis", "rediss"}},
		{"uri-amqp", "AMQP", "connection URI with password", []string{"amqp", "amqps"}},
		{"uri-sqlserver", "SQL Server", "connection URI with password", []string{"sqlserver", "mssql"}},
		{"uri-http-basic-auth", "HTTP", "URL with basic-auth credentials", []string{"http", "https"}},
	}
}

func (ConnURIs) info(k uriKind) Info {
	desc := "A database URI with a password logs in as its user on the server it names."
	if k.id == "uri-http-basic-auth" {
		desc = "A URL with user:password@ sends those credentials to the host (often a git host token or a registry password)."
	}
	return Info{
		ID: k.id, Provider: k.provider, Kind: k.kind, Description: desc,
		Base: base(scope.Scope{Lifetime: scope.LifetimeLongLived, Confidence: scope.ConfidencePrefix},
			"password embedded in a "+k.schemes[0]+" URI"),
	}
}

func (c ConnURIs) Info() Info {
	return Info{ID: "uri", Provider: "URI", Kind: "connection URI with credentials"}
}

func (c ConnURIs) Rules() []Info {
	var out []Info
	for _, k := range uriKinds() {
		out = append(out, c.info(k))
	}
	return out
}

func (ConnURIs) Literals() []string { return []string{"://"} }
func (ConnURIs) MaxLen() int        { return uriMaxLen }

// uriKindOf maps a scheme (lower case, driver suffix removed) to its kind.
func uriKindOf(scheme string) (uriKind, bool) {
	var id string
	switch scheme {
	case "postgres", "postgresql":
		id = "uri-postgres"
	case "mysql", "mariadb", "mysqlx":
		id = "uri-mysql"
	case "mongodb", "mongodb+srv":
		id = "uri-mongodb"
	case "redis", "rediss":
		id = "uri-redis"
	case "amqp", "amqps":
		id = "uri-amqp"
	case "sqlserver", "mssql":
		id = "uri-sqlserver"
	case "http", "https":
		id = "uri-http-basic-auth"
	default:
		return uriKind{}, false
	}
	for _, k := range uriKinds() {
		if k.id == id {
			return k, true
		}
	}
	return uriKind{}, false
}

// knownScheme is uriKindOf's test without allocating.
func knownScheme(b []byte) bool {
	switch string(b) {
	case "postgres", "postgresql", "mysql", "mariadb", "mysqlx", "mongodb", "mongodb+srv",
		"redis", "rediss", "amqp", "amqps", "sqlserver", "mssql", "http", "https":
		return true
	}
	return false
}

func isSchemeChar(c byte) bool {
	return isAlnum(c) || c == '+' || c == '.' || c == '-'
}

// uriStop ends a URI in text.
func uriStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', '<', '>', '\\', '{', '}', '|', '^':
		return true
	}
	return c < 0x20 || c == 0x7f
}

func (c ConnURIs) Find(w []byte, emit func(Candidate)) {
	for i := 0; i < len(w); {
		j := bytes.Index(w[i:], []byte("://"))
		if j < 0 {
			return
		}
		sep := i + j
		i = sep + 3
		s := sep
		for s > 0 && sep-s < 32 && isSchemeChar(w[s-1]) {
			s--
		}
		if s == sep {
			continue
		}
		var buf [32]byte
		scheme := buf[:0]
		for _, c := range w[s:sep] {
			if c >= 'A' && c <= 'Z' {
				c += 32
			}
			scheme = append(scheme, c)
		}
		if string(scheme) != "mongodb+srv" {
			if k := bytes.IndexByte(scheme, '+'); k >= 0 {
				scheme = scheme[:k] // postgresql+psycopg2
			}
		}
		if !knownScheme(scheme) {
			continue
		}
		// Quick reject: no '@' before the authority ends.
		e := i
		at := -1
		for e < len(w) && e-s < uriMaxLen && !uriStop(w[e]) && w[e] != '/' && w[e] != '?' && w[e] != '#' {
			if w[e] == '@' {
				at = e
			}
			e++
		}
		if at < 0 {
			continue
		}
		for e < len(w) && e-s < uriMaxLen && !uriStop(w[e]) {
			e++
		}
		i = e // what follows belongs to this URI (a redirect URL in its query, say)
		kind, ok := uriKindOf(string(scheme))
		if !ok {
			continue
		}
		raw := trimURITail(string(w[s:e]))
		u, ok := scope.ParseConnURI(raw)
		if !ok {
			if kind.id == "uri-http-basic-auth" {
				c.tokenUser(kind, w, s, raw, emit)
			}
			continue
		}
		if placeholderPassword(u.Password, u.User) || (kind.id == "uri-http-basic-auth" && !plausibleHTTPPassword(u)) {
			continue
		}
		inf := c.info(kind)
		sc := scope.DBURIScope(u, inf.Base)
		attrs := map[string]string{"scheme": u.Scheme, "host": u.Host()}
		if u.User != "" {
			attrs["user"] = u.User
		}
		if u.Database != "" && kind.id != "uri-http-basic-auth" {
			attrs["database"] = u.Database
		}
		if p := scope.ManagedPlatform(u.Host()); p != "" {
			attrs["platform"] = p
		}
		emit(candidate(inf, u.RawPassword, s, s+len(raw), sc, attrs))
	}
}

// tokenUser reports https://TOKEN@host, a token passed as the user name
// (git remotes), when the user looks like a random token.
func (c ConnURIs) tokenUser(kind uriKind, w []byte, s int, raw string, emit func(Candidate)) {
	rest := raw[strings.Index(raw, "://")+3:]
	authEnd := strings.IndexAny(rest, "/?#")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	at := strings.LastIndexByte(rest[:authEnd], '@')
	if at < 0 {
		return
	}
	user := rest[:at]
	if len(user) < 20 || len(user) > 256 || !tokenLike(user) {
		return
	}
	host := rest[at+1 : authEnd]
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if publicDSNHost(host) {
		return
	}
	inf := c.info(kind)
	u := scope.ConnURI{Scheme: strings.ToLower(raw[:strings.Index(raw, "://")]), Hosts: []string{strings.ToLower(host)}}
	sc := scope.DBURIScope(u, inf.Base)
	sc.Evidence = append(sc.Evidence, "token given as the URL's user name")
	emit(candidate(inf, user, s, s+len(raw), sc, map[string]string{"scheme": u.Scheme, "host": u.Host()}))
}

// publicDSNHost reports Sentry's ingest hosts: a DSN's user part is its
// public client key, which Sentry documents as safe to publish
// (https://docs.sentry.io/concepts/key-terms/dsn-explainer/).
func publicDSNHost(host string) bool {
	h := strings.ToLower(host)
	return h == "sentry.io" || strings.HasSuffix(h, ".sentry.io")
}

// trimURITail drops trailing punctuation that belongs to the text around a
// URI, not to it.
func trimURITail(s string) string {
	return strings.TrimRight(s, ".,;:)]*")
}

// tokenLike reports whether s looks like a random credential rather than a
// word: letters and digits mixed, enough entropy.
func tokenLike(s string) bool {
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '_' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return digit && (lower || upper) && Entropy(s) >= 3.5
}

// plausibleHTTPPassword rejects user:password pairs in http URLs that are
// documentation rather than credentials.
func plausibleHTTPPassword(u scope.ConnURI) bool {
	pw := u.Password
	if len(pw) < 8 || strings.ContainsAny(pw, " \t") || Entropy(pw) < min(entropyFloor(len(pw)), 3.0) {
		return false
	}
	if strings.IndexAny(pw, "0123456789") < 0 || strings.IndexFunc(pw, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}) < 0 {
		return false
	}
	if u.Host() == "" || !strings.Contains(u.Host(), ".") && u.Host() != "localhost" {
		return false
	}
	return true
}

// placeholderPassword reports passwords that are examples, templates or
// defaults rather than secrets.
func placeholderPassword(pw, user string) bool {
	if len(pw) < 3 || len(pw) > 256 {
		return true
	}
	l := strings.ToLower(pw)
	if l == strings.ToLower(user) {
		return true
	}
	switch l {
	case "password", "passwd", "pass", "pwd", "secret", "changeme", "change_me", "changeit",
		"xxx", "xxxx", "xxxxx", "xxxxxx", "xxxxxxxx", "guest", "test", "testing", "example",
		"mypassword", "yourpassword", "your_password", "your-password", "dbpassword", "db_password",
		"user", "username", "admin", "root", "postgres", "mysql", "redis", "mongo", "mongodb",
		"password123", "pass123", "secret123", "foobar", "foo", "bar", "baz", "qwerty", "letmein",
		"token", "apikey", "api_key", "placeholder", "dummy", "sample", "none", "null", "nil":
		return true
	}
	if strings.Trim(l, "*x.#-_") == "" {
		return true // ***, xxxx, ..., ###
	}
	for _, p := range []string{"${", "{{", "$(", "<", ">", "%s", "%v", "%(", "[", "]", "{", "}"} {
		if strings.Contains(pw, p) {
			return true
		}
	}
	if pw[0] == '$' || pw[0] == '%' || pw[0] == ':' {
		return true // $PASSWORD, %PASSWORD%, :password (Rails-style symbol)
	}
	for _, w := range []string{"password", "passwd", "changeme", "example", "your_", "your-", "yourpass", "placeholder", "redacted", "secret_here", "here"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	// p@ssword, pa%3Fsword, swordfish
	letters := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, l)
	for _, w := range []string{"passw", "pasw", "sword"} {
		if strings.Contains(letters, w) {
			return true
		}
	}
	return false
}
