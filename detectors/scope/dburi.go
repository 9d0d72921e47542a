package scope

import (
	"net/url"
	"strings"
)

// MaxURILen bounds the URIs ParseConnURI reads.
const MaxURILen = 4096

// ConnURI is a connection URI with embedded credentials, split into the
// parts that say what it unlocks.
type ConnURI struct {
	Scheme string // lower case: postgres, mysql, mongodb+srv, redis, amqps, https...
	// User and Password are percent-decoded.
	User, Password string
	// RawPassword is the password as written, and PassStart/PassEnd its
	// offsets in the parsed string.
	RawPassword        string
	PassStart, PassEnd int
	// Hosts are the hosts (without port), several for replica-set URIs.
	Hosts    []string
	Database string
	// AuthSource is MongoDB's authSource parameter, if given.
	AuthSource string
}

// Host returns the first host.
func (u ConnURI) Host() string {
	if len(u.Hosts) == 0 {
		return ""
	}
	return u.Hosts[0]
}

// ParseConnURI splits scheme://user:password@host[,host...][:port][/db][?params].
// The authority ends at the first '/', '?' or '#'; the userinfo ends at its
// last '@', so an unescaped '@' in a password is kept. A PostgreSQL
// password given as a ?password= parameter is read too. ok is false when
// there is no password.
func ParseConnURI(s string) (u ConnURI, ok bool) {
	if len(s) > MaxURILen {
		return u, false
	}
	i := strings.Index(s, "://")
	if i <= 0 || i > 20 {
		return u, false
	}
	u.Scheme = strings.ToLower(s[:i])
	rest := s[i+3:]
	base := i + 3
	authEnd := strings.IndexAny(rest, "/?#")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	auth := rest[:authEnd]
	tail := rest[authEnd:]
	hostPart := auth
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		info := auth[:at]
		hostPart = auth[at+1:]
		user, pass, hasPass := strings.Cut(info, ":")
		u.User = unescape(user)
		if hasPass {
			u.RawPassword = pass
			u.Password = unescape(pass)
			u.PassStart = base + len(user) + 1
			u.PassEnd = u.PassStart + len(pass)
		}
	}
	for _, h := range strings.Split(hostPart, ",") {
		if h = hostOnly(h); h != "" {
			u.Hosts = append(u.Hosts, strings.ToLower(h))
		}
	}
	path, query, _ := strings.Cut(tail, "?")
	query, _, _ = strings.Cut(query, "#")
	if strings.HasPrefix(path, "/") {
		u.Database = unescape(path[1:])
	}
	qoff := base + authEnd + len(path) + 1
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "authsource":
			u.AuthSource = unescape(v)
		case "password":
			if u.RawPassword == "" && v != "" {
				u.RawPassword, u.Password = v, unescape(v)
				u.PassStart = qoff + len(k) + 1
				u.PassEnd = u.PassStart + len(v)
			}
		case "user":
			if u.User == "" {
				u.User = unescape(v)
			}
		}
		qoff += len(kv) + 1
	}
	return u, u.RawPassword != ""
}

func unescape(s string) string {
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	return s
}

func hostOnly(h string) string {
	// Go MySQL driver DSNs write tcp(host:port) or unix(/path).
	if rest, ok := strings.CutPrefix(h, "tcp("); ok {
		h = strings.TrimSuffix(rest, ")")
	} else if strings.HasPrefix(h, "unix(") {
		return "localhost"
	}
	if strings.HasPrefix(h, "[") {
		if j := strings.IndexByte(h, ']'); j > 0 {
			return h[1:j]
		}
		return ""
	}
	if j := strings.LastIndexByte(h, ':'); j >= 0 {
		h = h[:j]
	}
	return h
}

// ManagedPlatform names the managed database platform a host belongs to.
func ManagedPlatform(host string) string {
	managedPlatforms := [...]struct{ suffix, name string }{
		{".railway.app", "Railway"}, {".rlwy.net", "Railway"}, {".railway.internal", "Railway"},
		{".supabase.co", "Supabase"}, {".supabase.com", "Supabase"},
		{".neon.tech", "Neon"},
		{".rds.amazonaws.com", "AWS RDS"}, {".cache.amazonaws.com", "AWS ElastiCache"},
		{".docdb.amazonaws.com", "AWS DocumentDB"}, {".mq.amazonaws.com", "Amazon MQ"},
		{"compute-1.amazonaws.com", "AWS EC2 (Heroku Postgres uses these hosts)"},
		{".mongodb.net", "MongoDB Atlas"},
		{".database.azure.com", "Azure Database"}, {".database.windows.net", "Azure SQL"},
		{".redis.cache.windows.net", "Azure Cache for Redis"}, {".documents.azure.com", "Azure Cosmos DB"},
		{".psdb.cloud", "PlanetScale"}, {".cockroachlabs.cloud", "CockroachDB Cloud"},
		{".aivencloud.com", "Aiven"}, {".upstash.io", "Upstash"},
		{".redislabs.com", "Redis Cloud"}, {".redis-cloud.com", "Redis Cloud"},
		{".render.com", "Render"}, {".ondigitalocean.com", "DigitalOcean"},
		{".cloudamqp.com", "CloudAMQP"}, {".elephantsql.com", "ElephantSQL"},
		{".timescale.com", "Timescale"}, {".tsdb.cloud.timescale.com", "Timescale"},
		{".xata.sh", "Xata"}, {".turso.io", "Turso"},
	}
	h := strings.ToLower(host)
	for _, p := range managedPlatforms {
		if strings.HasSuffix(h, p.suffix) {
			return p.name
		}
	}
	return ""
}

// LocalHost reports whether host is this machine, a container-local name or
// a documentation example.
func LocalHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	switch h {
	case "localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal":
		return true
	}
	for _, suf := range []string{".localhost", ".local", ".test", ".example", ".invalid",
		"example.com", "example.org", "example.net"} {
		if strings.HasSuffix(h, suf) {
			return true
		}
	}
	return strings.HasPrefix(h, "127.")
}

// productionHost reports whether a host name says production.
func productionHost(host string) bool {
	h := strings.ToLower(host)
	for _, w := range strings.FieldsFunc(h, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		if w == "prod" || w == "production" || w == "prd" || w == "live" {
			return true
		}
	}
	return false
}

// testDatabase reports database names such as app_test, shop-dev, local.
func testDatabase(db string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(db), func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		switch w {
		case "test", "tests", "testing", "dev", "development", "local", "example", "sandbox":
			return true
		}
	}
	return false
}

// superuser says why a URI's user is an administrator, or "".
func superuser(u ConnURI) string {
	user := strings.ToLower(u.User)
	switch {
	case strings.HasPrefix(u.Scheme, "postgres") && (user == "postgres" || user == "supabase_admin"):
		return "user " + u.User + ": PostgreSQL superuser"
	case strings.HasPrefix(u.Scheme, "redis") && (user == "" || user == "default"):
		return "Redis default user: every command unless ACLs restrict it"
	case strings.HasPrefix(u.Scheme, "mongodb") && strings.EqualFold(u.AuthSource, "admin") &&
		!strings.HasSuffix(u.Host(), ".mongodb.net"):
		return "authSource=admin: user defined in MongoDB's admin database (cluster-wide roles)"
	case u.Scheme == "sqlserver" || u.Scheme == "mssql":
		if user == "sa" {
			return "user sa: SQL Server system administrator"
		}
	}
	switch user {
	case "root", "admin", "administrator", "superuser", "sa", "rdsadmin", "master":
		return "user " + u.User + ": administrator account"
	}
	return ""
}

// DBURIScope refines base with what a connection URI says: superuser names
// give admin access, production-looking hosts production, local and example
// hosts test; managed platforms are named in evidence.
func DBURIScope(u ConnURI, base Scope) Scope {
	s := base.Clone()
	s.Confidence = ConfidenceDecoded
	if s.Lifetime == "" || s.Lifetime == LifetimeUnknown {
		s.Lifetime = LifetimeLongLived
	}
	web := u.Scheme == "http" || u.Scheme == "https"
	if !web {
		s.Reach = ReachResource
		s.Evidence = append(s.Evidence, "password for "+clip(u.User)+"@"+clip(u.Host())+": a database login on one server")
	}
	if why := superuser(u); why != "" && !web {
		s.Access = AccessAdmin
		s.Destructive = true
		s.DestroysWhat = "every database on the server"
		s.Evidence = append(s.Evidence, why)
	}
	host := u.Host()
	switch {
	case LocalHost(host):
		s.Env, s.envGuessed = EnvTest, true
		s.Evidence = append(s.Evidence, "host "+clip(host)+": local or example host")
	case productionHost(host):
		s.Env = EnvProduction
		s.Evidence = append(s.Evidence, "host "+clip(host)+": production")
	case !web && testDatabase(u.Database):
		s.Env, s.envGuessed = EnvTest, true
		s.Evidence = append(s.Evidence, "database "+clip(u.Database)+": test or development")
	case !web && productionHost(u.Database):
		s.Env = EnvProduction
		s.Evidence = append(s.Evidence, "database "+clip(u.Database)+": production")
	}
	if p := ManagedPlatform(host); p != "" {
		s.Evidence = append(s.Evidence, "managed platform "+p+": the platform's own tokens can also delete this database and its backups")
	}
	return s
}

// DecodeDBURI parses a connection URI and refines base with DBURIScope.
func DecodeDBURI(secret string, base Scope) Scope {
	u, ok := ParseConnURI(secret)
	if !ok {
		return base
	}
	return DBURIScope(u, base)
}
