package verify

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/home"
)

// loopback routes every request the guard lets through to one httptest
// server, keeping the host the verifier asked for in the Host header, and
// records those hosts. It is the only way the tests reach a "network".
type loopback struct {
	srv   *httptest.Server
	mu    sync.Mutex
	hosts []string
}

func (l *loopback) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.hosts = append(l.hosts, r.URL.Host)
	l.mu.Unlock()
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = "http"
	r2.URL.Host = l.srv.Listener.Addr().String()
	r2.Host = r.URL.Host
	return http.DefaultTransport.RoundTrip(r2)
}

func (l *loopback) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.hosts...)
}

type harness struct {
	c     *Client
	lb    *loopback
	mu    sync.Mutex
	waits []time.Duration
}

func newHarness(t *testing.T, h http.HandlerFunc, cfg Config) *harness {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	lb := &loopback{srv: srv}
	cfg.Transport = lb
	if cfg.Interval == 0 {
		cfg.Interval = -1
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{c: c, lb: lb}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		hs.mu.Lock()
		hs.waits = append(hs.waits, d)
		hs.mu.Unlock()
		return ctx.Err()
	}
	return hs
}

func TestVerifiers(t *testing.T) {
	for i, fx := range fixtures {
		v, ok := ByName(fx.verifier)
		if !ok {
			t.Fatalf("no verifier %q", fx.verifier)
		}
		if w, _ := For(fx.rule); w != v {
			t.Fatalf("rule %s is not verified by %s", fx.rule, fx.verifier)
		}
		secret := fx.secret(testtoken.New(uint64(100 + i)))
		hosts := v.Hosts
		cfg := Config{}
		if fx.endpoint != "" {
			u, _ := url.Parse(fx.endpoint)
			hosts = []string{u.Host}
			cfg.Endpoints = map[string]string{v.family(): fx.endpoint}
		}
		config := func(c Config) Config {
			c.Endpoints = cfg.Endpoints
			return c
		}
		cred := Credential{RuleID: fx.rule, Secret: secret, Attrs: fx.attrs}
		// serve answers the documented request with reply, and fails
		// the test on any other request
		serve := func(t *testing.T, reply func(n int, w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
			var mu sync.Mutex
			n := 0
			return func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if msg := fx.request(r, body, secret); msg != "" {
					t.Errorf("%s: %s", fx.verifier, msg)
				}
				if !slices.Contains(hosts, r.Host) {
					t.Errorf("%s: request for host %q, not one of %v", fx.verifier, r.Host, hosts)
				}
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				reply(k, w, r)
			}
		}
		t.Run(fx.rule+"/live", func(t *testing.T) {
			h := newHarness(t, serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { fx.live(w) }), config(Config{}))
			res, ver := h.c.Verify(context.Background(), v, cred)
			if res.State != scanner.VerifyLive {
				t.Fatalf("state = %s %q, want live", res.State, res.Evidence)
			}
			if ver.Host != hosts[0] || ver.State != scanner.VerifyLive {
				t.Errorf("verification = %+v", ver)
			}
			fx.check(t, res)
			noSecret(t, res, secret)
		})
		if fx.revoked != nil {
			t.Run(fx.rule+"/revoked", func(t *testing.T) {
				h := newHarness(t, serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { fx.revoked(w) }), config(Config{}))
				res, _ := h.c.Verify(context.Background(), v, cred)
				if res.State != scanner.VerifyInvalid {
					t.Fatalf("state = %s %q, want invalid", res.State, res.Evidence)
				}
				noSecret(t, res, secret)
			})
		}
		t.Run(fx.rule+"/rate-limited-then-ok", func(t *testing.T) {
			h := newHarness(t, serve(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", "2")
					w.WriteHeader(429)
					return
				}
				fx.live(w)
			}), config(Config{}))
			res, _ := h.c.Verify(context.Background(), v, cred)
			if res.State != scanner.VerifyLive {
				t.Fatalf("state = %s %q, want live after the retry", res.State, res.Evidence)
			}
			if got := h.c.Requests(); got != 2 {
				t.Errorf("%d requests, want 2", got)
			}
			if !slices.Equal(h.waits, []time.Duration{2 * time.Second}) {
				t.Errorf("waits = %v, want the Retry-After of 2s", h.waits)
			}
		})
		t.Run(fx.rule+"/server-error", func(t *testing.T) {
			h := newHarness(t, serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }), config(Config{}))
			res, _ := h.c.Verify(context.Background(), v, cred)
			if res.State != scanner.VerifyUnknown || !strings.Contains(strings.Join(res.Evidence, " "), "HTTP 503") {
				t.Fatalf("state = %s %q, want unknown (HTTP 503)", res.State, res.Evidence)
			}
			if got := h.c.Requests(); got != DefaultAttempts {
				t.Errorf("%d requests, want %d", got, DefaultAttempts)
			}
			if !slices.Equal(h.waits, []time.Duration{time.Second, 2 * time.Second}) {
				t.Errorf("backoff = %v, want 1s 2s", h.waits)
			}
		})
		t.Run(fx.rule+"/slow", func(t *testing.T) {
			h := newHarness(t, serve(t, func(_ int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), config(Config{Timeout: 50 * time.Millisecond}))
			res, _ := h.c.Verify(context.Background(), v, cred)
			if res.State != scanner.VerifyUnknown || !strings.Contains(strings.Join(res.Evidence, " "), "timeout") {
				t.Fatalf("state = %s %q, want unknown (timeout)", res.State, res.Evidence)
			}
			noSecret(t, res, secret)
		})
		t.Run(fx.rule+"/malformed", func(t *testing.T) {
			h := newHarness(t, serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(200)
				io.WriteString(w, `{"login": <<not json`)
			}), config(Config{}))
			res, _ := h.c.Verify(context.Background(), v, cred)
			if res.State != scanner.VerifyUnknown || !strings.Contains(strings.Join(res.Evidence, " "), "malformed") {
				t.Fatalf("state = %s %q, want unknown (malformed)", res.State, res.Evidence)
			}
		})
	}
}

func noSecret(t *testing.T, r Result, secret string) {
	t.Helper()
	for _, e := range r.Evidence {
		if strings.Contains(e, secret) {
			t.Errorf("evidence holds the secret: %q", e)
		}
	}
}

func TestEveryVerifierHasAFixture(t *testing.T) {
	have := map[string]bool{}
	for _, fx := range fixtures {
		have[fx.verifier] = true
	}
	for _, v := range All() {
		if !have[v.Name] {
			t.Errorf("verifier %s has no fixture", v.Name)
		}
	}
}

func TestVerifiedRulesExist(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]bool{}
	for _, r := range home.Rules() {
		stores[r.ID] = true
	}
	for _, id := range RuleIDs() {
		inf, ok := set.Info(id)
		if !ok {
			if !stores[id] {
				t.Errorf("verifier rule %s is neither a built-in rule nor a credential-store rule", id)
			}
			continue
		}
		v, _ := For(id)
		if inf.Provider != v.Provider {
			t.Errorf("rule %s: provider %q, verifier %s says %q", id, inf.Provider, v.Name, v.Provider)
		}
	}
	for _, v := range All() {
		for _, h := range v.Hosts {
			if strings.ContainsAny(h, "/:@") || !strings.Contains(h, ".") {
				t.Errorf("%s: host %q is not a bare host name", v.Name, h)
			}
		}
		if v.EndpointOnly {
			if len(v.Hosts) != 0 || !strings.Contains(v.Request, "--verify-endpoint "+v.family()) {
				t.Errorf("%s: an endpoint-only verifier declares hosts, or its Request does not say it needs an endpoint", v.Name)
			}
			continue
		}
		if !strings.Contains(v.Request, "https://"+v.Hosts[0]+"/") {
			t.Errorf("%s: Request %q does not name its host", v.Name, v.Request)
		}
	}
}

// A verifier can reach only the hosts it declares: an absolute URL to
// another host, a redirect to another host and a request the guard did not
// bless all stay off the network.
func TestNoRequestLeavesForAnotherHost(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
	}, Config{})
	evil := &Verifier{Name: "evil", Provider: "X", RuleIDs: []string{"x"}, Hosts: []string{"api.example.com"}, Request: "-", Maps: "-",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			if _, err := c.Get(ctx, "https://elsewhere.example/x", bearer(cred.Secret)...); err == nil {
				return Live("reached another host")
			}
			r, err := c.Get(ctx, "/redirects", bearer(cred.Secret)...)
			if err != nil {
				return failed(err)
			}
			return unexpected("GET /redirects", r)
		}}
	res, _ := h.c.Verify(context.Background(), evil, Credential{Secret: "s3cr3t-value"})
	if res.State != scanner.VerifyUnknown || !strings.Contains(res.Evidence[0], "redirected away from api.example.com, not followed") {
		t.Fatalf("got %s %q", res.State, res.Evidence)
	}
	if got := h.lb.seen(); !slices.Equal(got, []string{"api.example.com"}) {
		t.Errorf("hosts reached: %v, want only api.example.com", got)
	}
	// the guard itself: a request whose host is not blessed never reaches
	// the transport
	req, _ := http.NewRequestWithContext(context.WithValue(context.Background(), allowKey{}, map[string]bool{"api.example.com:443": true}), "GET", "https://elsewhere.example/", nil)
	if _, err := h.c.hc.Do(req); !errors.Is(err, errHostRefused) {
		t.Errorf("guard let elsewhere.example through: %v", err)
	}
	req, _ = http.NewRequest("GET", "https://api.example.com/", nil)
	if _, err := h.c.hc.Do(req); !errors.Is(err, errHostRefused) {
		t.Errorf("guard let a request without a verifier through: %v", err)
	}
	if got := h.lb.seen(); len(got) != 1 {
		t.Errorf("hosts reached: %v", got)
	}
}

func TestRetryAfterBeyondCapIsNotHonoured(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}, Config{})
	v, _ := ByName("npm")
	res, _ := h.c.Verify(context.Background(), v, Credential{RuleID: "npm-access-token", Secret: testtoken.New(1).Npm()})
	if res.State != scanner.VerifyUnknown || !strings.Contains(res.Evidence[0], "rate-limited") {
		t.Fatalf("got %s %q", res.State, res.Evidence)
	}
	if h.c.Requests() != 1 || len(h.waits) != 0 {
		t.Errorf("%d requests, waits %v: want 1 request and no wait", h.c.Requests(), h.waits)
	}
}

func TestPacingSpacesRequestsToOneHost(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{"username":"a"}`) }, Config{Interval: time.Minute})
	v, _ := ByName("npm")
	g := testtoken.New(2)
	for i := 0; i < 3; i++ {
		h.c.Verify(context.Background(), v, Credential{RuleID: "npm-access-token", Secret: g.Npm()})
	}
	// the first request goes at once; the next ones wait for their turn
	if len(h.waits) != 2 || h.waits[0] <= 0 || h.waits[1] <= h.waits[0] {
		t.Errorf("waits = %v, want two growing waits", h.waits)
	}
}

func TestEndpoints(t *testing.T) {
	var hosts, paths []string
	var mu sync.Mutex
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts, paths = append(hosts, r.Host), append(paths, r.URL.Path)
		mu.Unlock()
		jsonReply(w, 200, `{"login":"octo"}`, "X-OAuth-Scopes", "read:user")
	}, Config{Endpoints: map[string]string{"GitHub": "https://ghe.example.com/api/v3/"}})
	v, _ := For("github-classic-pat")
	res, ver := h.c.Verify(context.Background(), v, Credential{RuleID: "github-classic-pat", Secret: testtoken.New(3).GitHub("ghp_")})
	if res.State != scanner.VerifyLive || ver.Host != "ghe.example.com" || ver.Endpoint != "https://ghe.example.com/api/v3" {
		t.Fatalf("got %s %+v", res.State, ver)
	}
	if !slices.Equal(hosts, []string{"ghe.example.com"}) || !slices.Equal(paths, []string{"/api/v3/user"}) {
		t.Errorf("asked %v %v", hosts, paths)
	}
	for _, bad := range []map[string]string{
		{"stripe": "https://stripe.example.com"},
		{"gitlab": "http://gitlab.example.com"},
		{"gitlab": "https://user:pw@gitlab.example.com"},
		{"gitlab": "gitlab.example.com"},
		{"nosuch": "https://x.example.com"},
	} {
		if _, err := New(Config{Endpoints: bad}); err == nil {
			t.Errorf("New accepted endpoint %v", bad)
		}
	}
	if _, err := New(Config{Endpoints: map[string]string{"gitlab": "http://127.0.0.1:8080"}}); err != nil {
		t.Errorf("a loopback http endpoint was refused: %v", err)
	}
}

// errTransport fails with an error that, like *url.Error, names the URL
// and the secret in it.
type errTransport struct{ err error }

func (e errTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: "Get", URL: r.URL.String() + "?token=" + r.Header.Get("Authorization"), Err: e.err}
}

func TestErrorsNameNoURLAndNoSecret(t *testing.T) {
	secret := testtoken.New(4).Npm()
	for _, err := range []error{errors.New("dial tcp: something with " + secret), context.DeadlineExceeded} {
		c, _ := New(Config{Transport: errTransport{err}, Interval: -1})
		v, _ := ByName("npm")
		res, _ := c.Verify(context.Background(), v, Credential{RuleID: "npm-access-token", Secret: secret})
		if res.State != scanner.VerifyUnknown {
			t.Fatalf("state %s", res.State)
		}
		for _, e := range res.Evidence {
			if strings.Contains(e, secret) || strings.Contains(e, "whoami") || strings.Contains(e, "http") {
				t.Errorf("evidence names the URL or secret: %q", e)
			}
		}
	}
}

func TestApplyVerifiesOnceAndRefines(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Host {
		case "api.github.com":
			jsonReply(w, 200, `{"login":"octo"}`, "X-OAuth-Scopes", "read:user")
		case "registry.npmjs.org":
			jsonReply(w, 401, `{}`)
		}
	}, Config{})
	g := testtoken.New(5)
	gh, npm := g.GitHub("ghp_"), g.Npm()
	raw := scanner.NewRawSecrets()
	eng := scanner.NewEngine(mustSet(t), scanner.Options{Raw: raw})
	var content strings.Builder
	for i := 0; i < 50; i++ {
		content.WriteString("GITHUB_TOKEN=" + gh + "\n")
	}
	content.WriteString("NPM_TOKEN=" + npm + "\n")
	fs := eng.ScanBytes(scanner.Origin{Kind: "file", Path: "a.env"}, []byte(content.String()))
	res := &scanner.Result{Findings: fs}
	if len(fs) != 51 {
		t.Fatalf("%d findings", len(fs))
	}
	for _, f := range fs {
		if _, ok := raw.Get(f.Fingerprint); !ok || f.Secret != "" {
			t.Errorf("%s: raw secret not kept, or kept in the finding", f.RuleID)
		}
	}
	if got := strings.Count(fmtString(raw), gh); got != 0 {
		t.Error("RawSecrets printed a secret")
	}
	var before scope.Severity
	for _, f := range fs {
		if f.RuleID == "npm-access-token" {
			before = f.Severity
		}
	}
	sum := h.c.Apply(context.Background(), res, raw)
	if sum.Requests != 2 || sum.Live != 50 || sum.Invalid != 1 {
		t.Fatalf("summary %+v: want 2 requests, 50 live, 1 invalid", sum)
	}
	var sawNpm bool
	for _, f := range res.Findings {
		if f.Verification == nil {
			t.Fatalf("%s not verified", f.RuleID)
		}
		switch f.RuleID {
		case "github-classic-pat":
			if f.Scope.Access != "read" || f.Scope.Confidence != "verified" || f.Severity.String() != "medium" || !slices.Contains(f.Scope.Evidence, "verified: X-OAuth-Scopes: read:user") {
				t.Errorf("github finding not refined: %+v %s", f.Scope, f.Severity)
			}
		case "npm-access-token":
			sawNpm = true
			if f.Verification.State != scanner.VerifyInvalid || f.Severity != before {
				t.Errorf("npm: %+v", f.Verification)
			}
		}
	}
	if !sawNpm {
		t.Error("the invalid finding was dropped")
	}
}

// Some findings cannot be verified without sending the secret somewhere
// it does not belong, or without a part the finding lacks: nothing is sent.
func TestNotSent(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s%s", r.Host, r.URL.Path) }, Config{})
	g := testtoken.New(6)
	for _, tc := range []struct {
		rule  string
		cred  Credential
		cause string
	}{
		{"gh-cli-oauth-token", Credential{Secret: g.GitHub("gho_"), Attrs: map[string]string{"host": "ghe.example.com"}}, "belongs to ghe.example.com"},
		{"terraform-cli-token", Credential{Secret: g.Rand(90, "alnum"), Attrs: map[string]string{"host": "tfe.example.com"}}, "belongs to tfe.example.com"},
		{"aws-profile-secret-key", Credential{Secret: g.AWSSecret(), Attrs: map[string]string{"access_key_id": "ASIA" + g.Rand(16, "UBASE32")}}, "session token"},
		{"aws-access-key", Credential{Secret: g.AWSSecret()}, "no access key id"},
		{"dockerhub-pat", Credential{Secret: "dckr_pat_" + g.Rand(27, "alnum")}, "Docker ID"},
		{"twilio-auth-token", Credential{Secret: g.Rand(32, "hex")}, "Account SID"},
		{"mailchimp-api-key", Credential{Secret: g.Rand(32, "hex")}, "data centre"},
		{"vault-service-token", Credential{Secret: "hvs." + g.Rand(90, "b64url")}, "--verify-endpoint vault=URL"},
	} {
		v, _ := For(tc.rule)
		tc.cred.RuleID = tc.rule
		res, _ := h.c.Verify(context.Background(), v, tc.cred)
		if res.State != scanner.VerifyUnknown || !strings.Contains(res.Evidence[0], "not sent") || !strings.Contains(res.Evidence[0], tc.cause) {
			t.Errorf("%s: %s %q", tc.rule, res.State, res.Evidence)
		}
	}
	if n := h.c.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// A host that timed out is not asked again in the run: an offline machine
// pays one timeout per host, not one per secret.
func TestDownHostIsNotAskedAgain(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, Config{Timeout: 50 * time.Millisecond})
	v, _ := ByName("npm")
	g := testtoken.New(7)
	first, _ := h.c.Verify(context.Background(), v, Credential{RuleID: "npm-access-token", Secret: g.Npm()})
	second, _ := h.c.Verify(context.Background(), v, Credential{RuleID: "npm-access-token", Secret: g.Npm()})
	if first.State != scanner.VerifyUnknown || second.State != scanner.VerifyUnknown || !strings.Contains(second.Evidence[0], "not asked again") {
		t.Fatalf("%q / %q", first.Evidence, second.Evidence)
	}
	if n := h.c.Requests(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// another host is still asked
	gh, _ := ByName("github")
	h.c.Verify(context.Background(), gh, Credential{RuleID: "github-classic-pat", Secret: g.GitHub("ghp_")})
	if n := h.c.Requests(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// The cache keys on what the request is made of: attrs that only say
// where a secret was found do not cause a second request.
func TestCacheIgnoresPlaceAttrs(t *testing.T) {
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{"access_token":"x"}`) }, Config{})
	v, _ := ByName("dockerhub")
	secret := "dckr_pat_" + testtoken.New(8).Rand(27, "alnum")
	for _, attrs := range []map[string]string{
		{"user": "ada", "store": "docker-config", "mode": "0644"},
		{"user": "ada", "mode": "0600"},
		{"user": "bo"},
	} {
		h.c.Verify(context.Background(), v, Credential{RuleID: "dockerhub-pat", Secret: secret, Attrs: attrs})
	}
	if n := h.c.Requests(); n != 2 {
		t.Errorf("%d requests, want 2 (one per Docker ID)", n)
	}
}
