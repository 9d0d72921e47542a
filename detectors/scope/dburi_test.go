package scope_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func TestParseConnURI(t *testing.T) {
	g := testtoken.New(13)
	pw := g.Rand(20, "alnum")
	tests := []struct {
		uri                    string
		scheme, user, password string
		host, db, authSource   string
		raw                    string
	}{
		{"postgres://app:" + pw + "@db.internal:5432/shop?sslmode=require", "postgres", "app", pw, "db.internal", "shop", "", pw},
		{"mongodb://root:p%40ss" + pw + "@a.example.net:27017,b.example.net/?authSource=admin", "mongodb", "root", "p@ss" + pw, "a.example.net", "", "admin", "p%40ss" + pw},
		{"redis://:" + pw + "@cache:6379/0", "redis", "", pw, "cache", "0", "", pw},
		{"postgresql://app@db/x?password=" + pw + "&user=ignored", "postgresql", "app", pw, "db", "x", "", pw},
		{"mysql://u:p@ss" + pw + "@[::1]:3306/db", "mysql", "u", "p@ss" + pw, "::1", "db", "", "p@ss" + pw},
	}
	for _, tt := range tests {
		u, ok := scope.ParseConnURI(tt.uri)
		if !ok {
			t.Errorf("%s: not parsed", tt.uri)
			continue
		}
		if u.Scheme != tt.scheme || u.User != tt.user || u.Password != tt.password || u.Host() != tt.host ||
			u.Database != tt.db || u.AuthSource != tt.authSource || u.RawPassword != tt.raw {
			t.Errorf("%s: got %+v", tt.uri, u)
		}
		if tt.uri[u.PassStart:u.PassEnd] != u.RawPassword {
			t.Errorf("%s: password offsets %d..%d", tt.uri, u.PassStart, u.PassEnd)
		}
	}
	for _, bad := range []string{"postgres://db.internal/x", "https://example.com/a@b", "no scheme", "://x:y@z"} {
		if u, ok := scope.ParseConnURI(bad); ok {
			t.Errorf("%s: accepted as %+v", bad, u)
		}
	}
}

func TestDBURIScope(t *testing.T) {
	g := testtoken.New(14)
	pw := g.Rand(20, "alnum")
	tests := []struct {
		uri         string
		access      scope.Access
		env         scope.Env
		destructive bool
		evidence    string
		sev         scope.Severity
	}{
		{"postgres://postgres:" + pw + "@db.prod.internal/app", scope.AccessAdmin, scope.EnvProduction, true, "PostgreSQL superuser", scope.SevHigh},
		{"postgresql://postgres:" + pw + "@db.abcdefgh.supabase.co:5432/postgres", scope.AccessAdmin, scope.EnvUnknown, true, "managed platform Supabase", scope.SevHigh},
		{"mysql://shop:" + pw + "@mysql.railway.internal:3306/railway", scope.AccessUnknown, scope.EnvUnknown, false, "managed platform Railway", scope.SevMedium},
		{"mysql://root:" + pw + "@localhost/app", scope.AccessAdmin, scope.EnvTest, true, "local or example host", scope.SevLow},
		{"mongodb+srv://app:" + pw + "@cluster0.abcde.mongodb.net/?authSource=admin", scope.AccessUnknown, scope.EnvUnknown, false, "MongoDB Atlas", scope.SevMedium},
		{"mongodb://ops:" + pw + "@mongo1.corp:27017/?authSource=admin", scope.AccessAdmin, scope.EnvUnknown, true, "admin database", scope.SevHigh},
		{"redis://:" + pw + "@cache.corp:6379", scope.AccessAdmin, scope.EnvUnknown, true, "Redis default user", scope.SevHigh},
		{"sqlserver://sa:" + pw + "@sql.corp:1433", scope.AccessAdmin, scope.EnvUnknown, true, "SQL Server system administrator", scope.SevHigh},
		{"mysql://app:" + pw + "@tcp(localhost:3306)/app", scope.AccessUnknown, scope.EnvTest, false, "local or example host", scope.SevLow},
		{"postgres://app:" + pw + "@db:5432/shop_dev", scope.AccessUnknown, scope.EnvTest, false, "database shop_dev: test", scope.SevLow},
		{"amqps://worker:" + pw + "@rabbit.prd.corp/vhost", scope.AccessUnknown, scope.EnvProduction, false, "password for worker@rabbit.prd.corp", scope.SevMedium},
	}
	for _, tt := range tests {
		u, ok := scope.ParseConnURI(tt.uri)
		if !ok {
			t.Fatalf("%s: not parsed", tt.uri)
		}
		s := scope.DBURIScope(u, scope.Scope{}.Normalize())
		if s.Access != tt.access || s.Env != tt.env || s.Destructive != tt.destructive || s.Reach != scope.ReachResource {
			t.Errorf("%s: got %+v", tt.uri, s)
		}
		if !hasEvidence(s, tt.evidence) {
			t.Errorf("%s: no evidence %q in %q", tt.uri, tt.evidence, s.Evidence)
		}
		if s.Severity() != tt.sev {
			t.Errorf("%s: severity %s, want %s", tt.uri, s.Severity(), tt.sev)
		}
		for _, e := range s.Evidence {
			if strings.Contains(e, pw) {
				t.Errorf("%s: password in evidence %q", tt.uri, e)
			}
		}
	}
}

func FuzzParseConnURI(f *testing.F) {
	f.Add("postgres://u:p@h:1/d?password=x&authSource=admin")
	f.Add("mongodb+srv://a:b@[::1,c:d@e/?#")
	f.Add("redis://:%zz@")
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := scope.ParseConnURI(s)
		if !ok {
			return
		}
		if u.PassStart < 0 || u.PassEnd > len(s) || u.PassStart > u.PassEnd || s[u.PassStart:u.PassEnd] != u.RawPassword {
			t.Fatalf("bad password span %d..%d in %q", u.PassStart, u.PassEnd, s)
		}
		if err := scope.DBURIScope(u, scope.Scope{}).Validate(); err != nil {
			t.Fatal(err)
		}
	})
}
