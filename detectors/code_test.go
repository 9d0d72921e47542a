package detectors_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
)

// scan runs detectors through a Set, as the engine does, so literals and
// windows are part of what is tested. Content is padded with filler on
// both sides so windows are cut from a larger chunk.
func scan(t *testing.T, content string, ds ...detectors.Detector) []detectors.Candidate {
	t.Helper()
	if len(ds) == 0 {
		ds = detectors.CodeDetectors()
	}
	set, err := detectors.NewSet(ds)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("lorem ipsum dolor sit amet\n", 800)
	chunk := pad + content + "\n" + pad
	var out []detectors.Candidate
	set.NewMatcher().Scan([]byte(chunk), func(c detectors.Candidate) {
		if c.Start < 0 || c.End > len(chunk) || c.Start > c.End {
			t.Fatalf("%s: span %d..%d outside chunk", c.RuleID, c.Start, c.End)
		}
		if !strings.Contains(chunk[c.Start:c.End], c.Secret) {
			t.Errorf("%s: reported span %q does not hold the secret", c.RuleID, chunk[c.Start:c.End])
		}
		c.Start -= len(pad)
		c.End -= len(pad)
		out = append(out, c)
	})
	return out
}

type want struct {
	rule   string
	secret string            // "" = do not check
	attrs  map[string]string // subset
	access scope.Access
	life   scope.Lifetime
	env    scope.Env
	sev    scope.Severity
	ev     string // substring of an evidence line
}

func check(t *testing.T, content string, w want, ds ...detectors.Detector) {
	t.Helper()
	got := scan(t, content, ds...)
	if w.rule == "" {
		if len(got) > 0 {
			t.Errorf("want nothing in %q, got %s %q", content, got[0].RuleID, got[0].Secret)
		}
		return
	}
	if len(got) != 1 {
		var ids []string
		for _, c := range got {
			ids = append(ids, c.RuleID+"="+c.Secret)
		}
		t.Fatalf("want one %s in %q, got %d: %v", w.rule, content, len(got), ids)
	}
	c := got[0]
	if c.RuleID != w.rule {
		t.Errorf("rule %s, want %s", c.RuleID, w.rule)
	}
	if w.secret != "" && c.Secret != w.secret {
		t.Errorf("secret %q, want %q", c.Secret, w.secret)
	}
	if c.Provider == "" || c.Kind == "" {
		t.Errorf("provider/kind empty: %+v", c)
	}
	red := scanner.Redact(c.Secret)
	if len(c.Secret) >= 8 && strings.Contains(red, c.Secret) {
		t.Errorf("redacted form %q holds the secret", red)
	}
	if strings.HasPrefix(c.Secret, "-----BEGIN") {
		armour := c.Secret[:strings.Index(c.Secret[5:], "-----")+10]
		if red != armour+"********" {
			t.Errorf("redacted key %q shows more than its armour", red)
		}
	}
	for k, v := range w.attrs {
		if c.Attrs[k] != v {
			t.Errorf("attr %s=%q, want %q (all: %v)", k, c.Attrs[k], v, c.Attrs)
		}
	}
	s := c.Scope.Normalize()
	if w.access != "" && s.Access != w.access {
		t.Errorf("access %s, want %s", s.Access, w.access)
	}
	if w.life != "" && s.Lifetime != w.life {
		t.Errorf("lifetime %s, want %s", s.Lifetime, w.life)
	}
	if w.env != "" && s.Env != w.env {
		t.Errorf("env %s, want %s", s.Env, w.env)
	}
	if s.Severity() != w.sev {
		t.Errorf("severity %s, want %s (scope %+v)", s.Severity(), w.sev, s)
	}
	if w.ev != "" {
		found := false
		for _, e := range s.Evidence {
			found = found || strings.Contains(e, w.ev)
		}
		if !found {
			t.Errorf("no evidence %q in %q", w.ev, s.Evidence)
		}
	}
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
}

func TestPrivateKeys(t *testing.T) {
	g := testtoken.New(21)
	rules := map[string]string{
		"rsa": "private-key-rsa", "rsa-encrypted": "private-key-rsa", "ec": "private-key-ec", "dsa": "private-key-dsa",
		"pkcs8-rsa": "private-key-pkcs8", "pkcs8-ec": "private-key-pkcs8", "pkcs8-ed25519": "private-key-pkcs8",
		"pkcs8-encrypted": "private-key-pkcs8-encrypted", "openssh-ed25519": "private-key-openssh",
		"openssh-ed25519-encrypted": "private-key-openssh", "openssh-rsa": "private-key-openssh",
		"openssh-ecdsa": "private-key-openssh", "putty": "private-key-putty", "putty-encrypted": "private-key-putty",
		"pgp": "private-key-pgp", "pgp-encrypted": "private-key-pgp",
	}
	for _, kind := range append(testtoken.PrivateKeyKinds(), "rsa-4096") {
		t.Run(kind, func(t *testing.T) {
			key, err := g.PrivateKey(kind)
			if err != nil {
				t.Fatal(err)
			}
			key = strings.TrimRight(key, "\n")
			enc := strings.Contains(kind, "encrypted")
			w := want{rule: rules[strings.TrimSuffix(kind, "-4096")], secret: key, life: scope.LifetimeLongLived,
				access: scope.AccessAdmin, sev: scope.SevCritical, ev: "unencrypted",
				attrs: map[string]string{"encrypted": fmt.Sprint(enc)}}
			if enc {
				w.access, w.sev, w.ev = scope.AccessUnknown, scope.SevMedium, "encrypted with"
			}
			if strings.HasSuffix(kind, "-4096") {
				w.attrs["bits"] = "4096"
			}
			check(t, "# deploy key\n"+key+"\n", w)
			if kind == "putty" || kind == "putty-encrypted" {
				return
			}
			// The same key in a JSON string, in YAML with indentation, in
			// Go string concatenation.
			esc := strings.ReplaceAll(key, "\n", `\n`)
			w.secret = esc
			check(t, `{"key": "`+esc+`"}`, w)
			w.secret = ""
			check(t, "tls:\n  key: |\n    "+strings.ReplaceAll(key, "\n", "\n    ")+"\n", w)
			check(t, "const k = \""+strings.ReplaceAll(key, "\n", "\\n\" +\n\t\"")+"\"\n", w)
		})
	}
}

func TestPrivateKeysRejects(t *testing.T) {
	for _, s := range []string{
		"-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
		"-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----",
		"-----BEGIN RSA TESTING KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA TESTING KEY-----",
		"if strings.Contains(s, \"-----BEGIN RSA PRIVATE KEY-----\") {",
		"-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----",
	} {
		check(t, s, want{})
	}
}

func TestJWTs(t *testing.T) {
	g := testtoken.New(22)
	jwt := func(kv ...string) string {
		c, err := testtoken.ParseClaims(kv, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return g.JWT(c)
	}
	service := jwt("iss=supabase", "ref=abcdefghijkl", "role=service_role", "iat=-1000h", "exp=far")
	anon := jwt("iss=supabase", "ref=abcdefghijkl", "role=anon", "iat=-1000h", "exp=far")
	expired := jwt("sub=42", "iat=-2h", "exp=-1h")
	k8s := g.JWT(map[string]any{"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "ci",
		"kubernetes.io/serviceaccount/service-account.name": "builder", "sub": "system:serviceaccount:ci:builder"})
	es, err := g.JWTES256(map[string]any{"sub": "svc", "scope": "read:all"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		content string
		w       want
	}{
		{"SUPABASE_SERVICE_ROLE_KEY=" + service, want{rule: "jwt", secret: service, access: scope.AccessAdmin, sev: scope.SevHigh, ev: "service_role"}},
		{`const anonKey = "` + anon + `";`, want{rule: "jwt", secret: anon, access: scope.AccessNone, sev: scope.SevInfo, ev: "role=anon"}},
		{"Authorization: Bearer " + expired, want{rule: "jwt", secret: expired, life: scope.LifetimeExpired, sev: scope.SevLow}},
		{"token: " + k8s, want{rule: "jwt", secret: k8s, life: scope.LifetimeLongLived, sev: scope.SevMedium, ev: "ci/builder"}},
		{"jwt=" + es, want{rule: "jwt", secret: es, access: scope.AccessRead, sev: scope.SevMedium, ev: "read:all"}},
		// not JWTs
		{"eyJub3QgYSBqd3R9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", want{}},
		{"x" + service, want{}},
		{service + ".eyJmb3VydGgiOjF9", want{}},
		{strings.Join(strings.Split(service, ".")[:2], "."), want{}},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) { check(t, tt.content, tt.w, detectors.JWTs{}) })
	}
}

func TestConnURIs(t *testing.T) {
	g := testtoken.New(23)
	pw := g.Rand(18, "alnum")
	tok := g.GitHub("ghp_")
	tests := []struct {
		content string
		w       want
	}{
		{"DATABASE_URL=postgres://postgres:" + pw + "@db.prod.example-corp.io:5432/app", want{rule: "uri-postgres", secret: pw,
			attrs:  map[string]string{"user": "postgres", "host": "db.prod.example-corp.io", "database": "app"},
			access: scope.AccessAdmin, env: scope.EnvProduction, sev: scope.SevHigh, ev: "superuser"}},
		{`url = "postgresql+psycopg2://shop:` + pw + `@shop-db.internal/shop"`, want{rule: "uri-postgres", secret: pw,
			attrs: map[string]string{"user": "shop", "host": "shop-db.internal"}, access: scope.AccessUnknown, sev: scope.SevMedium}},
		{"jdbc:mysql://root:" + pw + "@127.0.0.1:3306/test", want{rule: "uri-mysql", secret: pw, env: scope.EnvTest, sev: scope.SevLow}},
		{"MONGO_URL='mongodb+srv://app:" + pw + "@cluster0.ab1cd.mongodb.net/db?retryWrites=true&authSource=admin'", want{rule: "uri-mongodb", secret: pw,
			attrs: map[string]string{"platform": "MongoDB Atlas"}, access: scope.AccessUnknown, sev: scope.SevMedium}},
		{"REDIS_URL=rediss://default:" + pw + "@eu1-cache.upstash.io:6379", want{rule: "uri-redis", secret: pw, access: scope.AccessAdmin, sev: scope.SevHigh,
			attrs: map[string]string{"platform": "Upstash"}}},
		{"broker: amqps://worker:" + pw + "@rabbit.corp.net/vhost", want{rule: "uri-amqp", secret: pw, sev: scope.SevMedium}},
		{"sqlserver://sa:" + pw + "@sql.corp.net:1433?database=x", want{rule: "uri-sqlserver", secret: pw, access: scope.AccessAdmin, sev: scope.SevHigh}},
		{"git clone https://deploy:" + pw + "@git.corp.net/team/repo.git", want{rule: "uri-http-basic-auth", secret: pw,
			attrs: map[string]string{"user": "deploy", "host": "git.corp.net"}, sev: scope.SevMedium}},
		{"https://" + tok + "@github.com/org/repo.git", want{rule: "uri-http-basic-auth", secret: tok, sev: scope.SevMedium, ev: "user name"}},
		// an 8-character random password with one repeated character
		// (2.75 bits a byte) is one
		{"https://deploy:h7Fk29sh@nexus.corp.net/repository", want{rule: "uri-http-basic-auth", secret: "h7Fk29sh", sev: scope.SevMedium}},
		// placeholders and non-credentials
		{"postgres://user:password@localhost/db", want{}},
		{"postgres://user:${DB_PASSWORD}@db/app", want{}},
		{"mysql://root:<password>@db/app", want{}},
		{"redis://:***@cache:6379", want{}},
		{"mongodb://admin:xxxxxxxx@mongo/", want{}},
		{"postgres://app:@db/app", want{}},
		{"amqp://guest:guest@localhost:5672/", want{}},
		{"https://example.com/login?next=a@b.com", want{}},
		{"https://user@example.com/", want{}},
		{"see http://go.dev/issue/12345 (user:pass@host)", want{}},
		{"ftp://anon:" + pw + "@ftp.example.com/", want{}},
		// a Sentry DSN's user part is its public client key
		{"SENTRY_DSN=https://" + g.Rand(32, "hex") + "@o123456.ingest.us.sentry.io/4507", want{}},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) { check(t, tt.content, tt.w, detectors.ConnURIs{}) })
	}
}

func TestGCPCredentials(t *testing.T) {
	g := testtoken.New(24)
	key, err := g.PrivateKey("pkcs8-rsa")
	if err != nil {
		t.Fatal(err)
	}
	sa := map[string]string{
		"type": "service_account", "project_id": "shop-prod-123", "private_key_id": g.Rand(40, "hex"),
		"private_key": key, "client_email": "deployer@shop-prod-123.iam.gserviceaccount.com",
		"client_id": g.Rand(21, "digits"), "token_uri": "https://oauth2.googleapis.com/token",
	}
	b, _ := json.MarshalIndent(sa, "", "  ")
	esc, _ := json.Marshal(key)
	// Every code detector runs: the private key inside must be reported once,
	// as the service-account key.
	check(t, string(b), want{rule: "gcp-service-account-key", secret: string(esc[1 : len(esc)-1]),
		attrs:  map[string]string{"project": "shop-prod-123", "client_email": "deployer@shop-prod-123.iam.gserviceaccount.com", "key_type": "rsa"},
		access: scope.AccessAdmin, life: scope.LifetimeLongLived, sev: scope.SevCritical, ev: "service account deployer@"})

	rt := "1//0" + g.Rand(60, "b64url")
	adc, _ := json.MarshalIndent(map[string]string{"type": "authorized_user", "client_id": g.Rand(12, "digits") + ".apps.googleusercontent.com",
		"client_secret": "d-" + g.Rand(22, "alnum"), "refresh_token": rt, "account": "dev@corp.example"}, "", "  ")
	check(t, string(adc), want{rule: "gcp-authorized-user", secret: rt, access: scope.AccessWrite, sev: scope.SevHigh,
		attrs: map[string]string{"account": "dev@corp.example"}}, detectors.GCPCredentials{})

	// The same file base64-encoded, as CI variables often hold it, at
	// each alignment of "type" in the encoding.
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append([]byte(strings.Repeat(" ", pad)), b...))
		check(t, "GOOGLE_CREDENTIALS_B64="+enc+"\n", want{rule: "gcp-service-account-key", secret: enc,
			attrs:  map[string]string{"project": "shop-prod-123", "encoding": "base64"},
			access: scope.AccessAdmin, sev: scope.SevCritical, ev: "base64-encoded"})
	}
	adcEnc := base64.URLEncoding.EncodeToString(adc)
	check(t, "creds: "+adcEnc, want{rule: "gcp-authorized-user", secret: adcEnc, sev: scope.SevHigh}, detectors.GCPCredentials{})
	check(t, "x="+base64.StdEncoding.EncodeToString([]byte(`{"type": "service_account"}`)), want{}, detectors.GCPCredentials{})

	check(t, `{"type": "service_account", "project_id": "x", "private_key": "", "client_email": "a@b"}`, want{}, detectors.GCPCredentials{})
	check(t, `if cred.Type == "service_account" {`, want{}, detectors.GCPCredentials{})
}

func TestGenericAssignments(t *testing.T) {
	g := testtoken.New(25)
	v := g.Rand(24, "alnum")
	for strings.IndexAny(v, "0123456789") < 0 {
		v = g.Rand(24, "alnum")
	}
	pw := "h7Fk29sLq0Zp"
	tests := []struct {
		content string
		w       want
	}{
		{"DB_PASSWORD=" + pw, want{rule: "generic-password", secret: pw, attrs: map[string]string{"name": "DB_PASSWORD"}, sev: scope.SevMedium, ev: "DB_PASSWORD"}},
		{"api_key: \"" + v + "\"", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`{"client_secret": "` + v + `"}`, want{rule: "generic-secret-assignment", secret: v, attrs: map[string]string{"name": "client_secret"}, sev: scope.SevMedium}},
		{"token := \"" + v + "\"", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"'apiKey' => '" + v + "',", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"mycli --auth-token=" + v + " --verbose", want{rule: "generic-secret-assignment", secret: v, attrs: map[string]string{"name": "auth-token"}, sev: scope.SevMedium}},
		{"export AWS_SECRET_ACCESS_KEY=" + v, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"spring.datasource.password=" + pw, want{rule: "generic-password", secret: pw, sev: scope.SevMedium}},
		// forms without an operator after the name
		{"<apiKey>" + v + "</apiKey>", want{rule: "generic-secret-assignment", secret: v, attrs: map[string]string{"name": "apiKey"}, sev: scope.SevMedium}},
		{`<add key="ApiSecret" value="` + v + `" />`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"config = { :api_key => '" + v + "' }", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`$env:ACME_TOKEN = "` + v + `"`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`os.environ["ACME_TOKEN"] = "` + v + `"`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`System.setProperty("acme.secret", "` + v + `");`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`define('DB_PASSWORD', '` + pw + `');`, want{rule: "generic-password", secret: pw, sev: scope.SevMedium}},
		{"mycli --api-key " + v + " --verbose", want{rule: "generic-secret-assignment", secret: v, attrs: map[string]string{"name": "api-key"}, sev: scope.SevMedium}},
		{"set -gx ACME_TOKEN " + v, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"setx ACME_TOKEN \"" + v + "\"", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"env:\n  - name: ACME_TOKEN\n    value: " + v, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`const API_KEY: &str = "` + v + `";`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`let apiKey: String = "` + v + `"`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`#define API_TOKEN "` + v + `"`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"ENV API_TOKEN " + v, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`[{"name": "DB_PASSWORD", "value": "` + pw + `"}]`, want{rule: "generic-password", secret: pw, sev: scope.SevMedium}},
		{`Environment.SetEnvironmentVariable("API_TOKEN", "` + v + `");`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{"API_TOKEN ?= " + v, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`api_key <- "` + v + `"`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`$ENV{API_TOKEN} = '` + v + `';`, want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		// a random 8-character password with one repeated character (2.75
		// bits a byte) is one; a word and a number is a fixture's value
		{`DB_PASSWORD="h7Fk29sh"`, want{rule: "generic-password", secret: "h7Fk29sh", sev: scope.SevMedium}},
		{`tokenValue := "Issue149"`, want{}},
		{`password: "admin2024"`, want{}},
		{"let token: String = readToken()", want{}},
		{"#define TOKEN_LEN 32", want{}},
		{"ENV TOKEN_FILE /run/secrets/token", want{}},
		{`{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "x"}}}`, want{}},
		{`{"name": "API_TOKEN", "value": "${API_TOKEN}"}`, want{}},
		{"<token>${TOKEN}</token>", want{}},
		{"<token>" + v + "</other>", want{}},
		{"docker service create --secret source=app-key,target=" + v, want{}},
		{"mycli --token $TOKEN", want{}},
		{"mycli --token --verbose", want{}},
		{`arn:aws:secretsmanager:us-east-1:123456789012:secret:api_token = "` + v + `"`, want{}},
		{"- name: ACME_TOKEN\n  valueFrom:\n    secretKeyRef: {name: acme, key: token}", want{}},
		// placeholders, code, non-secrets
		{`password = os.Getenv("DB_PASSWORD")`, want{}},
		{"token: ${GITHUB_TOKEN}", want{}},
		{`secret = "changeme123"`, want{}},
		{`api_key = "your_api_key_here"`, want{}},
		{`password: "{{ .Values.password }}"`, want{}},
		{`token = process.env.TOKEN1`, want{}},
		{`secret_name = "` + v + `"`, want{}},
		{`tokenizer = "` + v + `"`, want{}},
		{`if password == "` + v + `" {`, want{}},
		{"token: 1234567890", want{}},
		// real trees' false alarms: RFC examples, keyboard mash, escaped
		// and base64-wrapped placeholders, settings named after passwords
		{`access_token="2YotnFZFEjr1zCsicMWpAA",`, want{}},
		{`"instance": "https://example.com/acme/agreement/?token=W8Ih3PswD-8"`, want{}},
		{`oauth_token=lsdkfol23w54jlksdef&oauth_token_secret=qwe089234lkjsdf`, want{}},
		{`access_token = 'sdlfkj452'`, want{}},
		{`refresh_token = "askfjh234as9sd8"`, want{}},
		{`oauth_token="lock%26key"`, want{}},
		{`password: bm90IG15IHJlYWwgcGFzc3dvcmQ=`, want{}},
		{`#password_encryption = scram-sha-256	# scram-sha-256 or md5`, want{}},
		// ...while real-shaped values in the same shapes stay findings
		{"token=" + v + "&x=1", want{rule: "generic-secret-assignment", secret: v, sev: scope.SevMedium}},
		{`DB_PASSWORD="` + pw + `"`, want{rule: "generic-password", secret: pw, sev: scope.SevMedium}},
		{"api_key = true", want{}},
		{"passwordLength = 12", want{}},
		{`api_key = "<API_KEY>"`, want{}},
		{`private_key_path = "/etc/keys/server.pem"`, want{}},
		{`token = tok.Next()`, want{}},
		{`secret := []byte("` + v + `")`, want{}},
		{`password: "correct horse battery staple 1"`, want{}},
		{`token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuv`, want{}},
		{`access_key = "AAAAAAAAAAAA1"`, want{}},
		{`token: v1.2.3-beta4`, want{}},
		{`case token.IDENT:`, want{}},
		{`secret: config.Secret2`, want{}},
		{"Token: `urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2`,", want{}},
		{`SharePointAuthTypeOauth2ClientCredentials = "OAUTH2_CLIENT_CREDENTIALS"`, want{}},
		{`"nextToken": "gPFEGk7CF4wS901w7ppYclt7gPFEGk7CF4wS901w"`, want{}},
		{`ExpectedAccessToken: "` + v + `",`, want{}},
		{`"SecretId": "arn:aws:secretsmanager:us-east-1:012345678901:secret:myorg/A1B2C3"`, want{}},
		{`"PasswordLastUsed": "2016-09-08T21:47:36Z"`, want{}},
		{`{"nonce":"0a1b2c3d4e5f60718293a4b5","secret":"12fff91991e93b48de37e7daddb5298a"}`, want{}},
		{`Action=Op&Token=abc123&Version=2014-01-01`, want{}},
		{`expectedPrivateKey: expectedRSAPrivateKeyPKCS8,`, want{}},
		{`[![codecov](https://codecov.io/gh/o/r/graph/badge.svg?token=JMEB8W8GNZ)](https://codecov.io/gh/o/r)`, want{}},
		{`"AWS4-HMAC-SHA256 Credential=AKID/19700101/us-east-1/es/aws4_request"`, want{}},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) { check(t, tt.content, tt.w, detectors.GenericAssignments{}) })
	}
}

// TestCodeRulesListed checks every code detector's rules are distinct, named
// and carry a valid base scope, and that the set accepts them with the
// built-in limits.
func TestCodeRulesListed(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range detectors.CodeDetectors() {
		if d.MaxLen() > detectors.MaxWindow {
			t.Errorf("%s: MaxLen %d > %d", d.Info().ID, d.MaxLen(), detectors.MaxWindow)
		}
		for _, l := range d.Literals() {
			if len(l) < 3 {
				t.Errorf("%s: literal %q too short", d.Info().ID, l)
			}
		}
		for _, inf := range detectors.AllInfos(d) {
			if seen[inf.ID] {
				t.Errorf("rule %s twice", inf.ID)
			}
			seen[inf.ID] = true
			if inf.Provider == "" || inf.Kind == "" || inf.Description == "" {
				t.Errorf("%s: incomplete info %+v", inf.ID, inf)
			}
			if err := inf.Base.Validate(); err != nil {
				t.Errorf("%s: %v", inf.ID, err)
			}
			if strings.HasPrefix(inf.ID, "generic-") != (d.Info().ID == "generic") {
				t.Errorf("%s: generic prefix on the wrong detector", inf.ID)
			}
		}
	}
	if _, err := detectors.NewSet(detectors.CodeDetectors()); err != nil {
		t.Fatal(err)
	}
}

// TestCodeDetectorsThroughEngine scans one file holding every kind through
// the engine with small chunks, so matches straddle chunk boundaries, and
// checks each secret is reported exactly once with the right rule.
func TestCodeDetectorsThroughEngine(t *testing.T) {
	g := testtoken.New(26)
	var b strings.Builder
	want := map[string]string{} // secret -> rule
	filler := func() {
		for i := 0; i < 40; i++ {
			b.WriteString("// " + g.Rand(70, "lower") + "\n")
		}
	}
	for _, kind := range []string{"rsa-4096", "openssh-ed25519-encrypted", "pkcs8-ec", "putty"} {
		k, err := g.PrivateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		k = strings.TrimRight(k, "\n")
		filler()
		b.WriteString(k + "\n")
		want[k] = map[string]string{"rsa-4096": "private-key-rsa", "openssh-ed25519-encrypted": "private-key-openssh",
			"pkcs8-ec": "private-key-pkcs8", "putty": "private-key-putty"}[kind]
	}
	jwt := g.JWT(map[string]any{"sub": "svc", "role": "service_role"})
	pw := g.Rand(16, "alnum") + "9"
	gen := "Zq8" + g.Rand(20, "alnum")
	filler()
	b.WriteString("SERVICE_KEY=" + jwt + "\n")
	filler()
	b.WriteString("DATABASE_URL=postgres://app:" + pw + "@db.internal/app\n")
	filler()
	b.WriteString("api_key: \"" + gen + "\"\n")
	filler()
	want[jwt], want[pw], want[gen] = "jwt", "uri-postgres", "generic-secret-assignment"

	set, err := detectors.NewSet(detectors.CodeDetectors())
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1 << 20, 4096, 1500} {
		eng := scanner.NewEngine(set, scanner.Options{ChunkSize: chunk, ShowSecrets: true})
		fs := eng.ScanBytes(scanner.Origin{Kind: "file", Path: "all.txt"}, []byte(b.String()))
		got := map[string]int{}
		for _, f := range fs {
			got[f.Secret]++
			if want[f.Secret] != f.RuleID {
				t.Errorf("chunk %d: %s found %q (want rule %q)", chunk, f.RuleID, scanner.Redact(f.Secret), want[f.Secret])
			}
		}
		for s, rule := range want {
			if got[s] != 1 {
				t.Errorf("chunk %d: %s found %d times", chunk, rule, got[s])
			}
		}
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.RuleID)
		}
		if u := detectors.Unregistered(ids...); len(u) > 0 {
			t.Errorf("chunk %d: code detectors emit unregistered rule ids %v", chunk, u)
		}
	}
}
