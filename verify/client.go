package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tokenscope/tokenscope/scanner"
)

// Defaults of Config.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 10 * time.Second
	DefaultInterval    = 250 * time.Millisecond
	DefaultAttempts    = 3
	DefaultMaxWait     = 10 * time.Second
	// maxBody is how much of a reply is read.
	maxBody = 1 << 20
)

// Config bounds a Client. The zero value means the defaults.
type Config struct {
	// Concurrency is how many requests are in flight at once, over all
	// hosts.
	Concurrency int
	// Timeout bounds one attempt (connect, send, read the reply).
	Timeout time.Duration
	// Interval is the least time between two requests to one host; a
	// negative value means none.
	Interval time.Duration
	// Attempts is how many times a request is sent when the issuer
	// answers 429 or 5xx.
	Attempts int
	// MaxWait is the longest wait between attempts: a Retry-After beyond
	// it is not honoured, and the answer stays unknown (rate-limited).
	MaxWait time.Duration
	// Endpoints replace the base URL of self-hosted verifiers, by Name
	// (--verify-endpoint gitlab=https://gitlab.example.com).
	Endpoints map[string]string
	// UserAgent is sent with every request.
	UserAgent string
	// Transport carries the requests after the host guard; nil means a
	// clone of http.DefaultTransport. Tests route it to loopback servers.
	Transport http.RoundTripper
}

// Client verifies credentials within the bounds of its Config. It is safe
// for concurrent use.
type Client struct {
	cfg       Config
	hc        *http.Client
	sem       chan struct{}
	endpoints map[string]*url.URL
	sleep     func(context.Context, time.Duration) error

	mu    sync.Mutex
	next  map[string]time.Time // per host: earliest time of its next request
	down  map[string]string    // per host: why it failed, once it did
	cache map[[32]byte]*entry

	requests atomic.Int64
}

type entry struct {
	once sync.Once
	res  Result
	ver  scanner.Verification
}

// New returns a client. An endpoint that names no self-hosted verifier,
// or whose URL is not https (http only to a loopback host), is an error.
func New(cfg Config) (*Client, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "tokenscope (scan --verify)"
	}
	eps := map[string]*url.URL{}
	for name, raw := range cfg.Endpoints {
		if !SelfHostedFamily(name) {
			return nil, fmt.Errorf("--verify-endpoint %s: only %s take an endpoint", name, strings.Join(selfHostedNames(), " and "))
		}
		u, err := ParseEndpoint(raw)
		if err != nil {
			return nil, fmt.Errorf("--verify-endpoint %s: %w", name, err)
		}
		eps[strings.ToLower(name)] = u
	}
	tr := cfg.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	c := &Client{
		cfg:       cfg,
		sem:       make(chan struct{}, cfg.Concurrency),
		endpoints: eps,
		sleep:     sleepCtx,
		next:      map[string]time.Time{},
		down:      map[string]string{},
		cache:     map[[32]byte]*entry{},
	}
	c.hc = &http.Client{
		Transport: guard{next: tr},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// a redirect within the same host is followed (twice at
			// most); to another host never: the reply comes back as is
			if len(via) > 2 || hostKey(req.URL) != hostKey(via[0].URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return c, nil
}

func selfHostedNames() []string {
	var out []string
	for _, v := range All() {
		if v.SelfHosted && !slices.Contains(out, v.family()) {
			out = append(out, v.family())
		}
	}
	return out
}

// ParseEndpoint checks a --verify-endpoint URL: https (http only to a
// loopback host), a host, no credentials, query or fragment.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not a URL such as https://gitlab.example.com", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: no credentials, query or fragment, please", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%q: http sends the token in clear; use https (http only to a loopback host)", raw)
		}
	default:
		return nil, fmt.Errorf("%q: want an https URL", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Requests is how many HTTP requests the client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Verify asks v's issuer about cred, once per distinct credential: a
// secret found many times is sent once and its answer reused.
func (c *Client) Verify(ctx context.Context, v *Verifier, cred Credential) (Result, scanner.Verification) {
	key := cacheKey(v, cred)
	c.mu.Lock()
	e, ok := c.cache[key]
	if !ok {
		e = &entry{}
		c.cache[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.res, e.ver = c.verify(ctx, v, cred) })
	return e.res, e.ver
}

// requestAttrs are the attrs a verifier may put in its request (or use
// to decide not to send it); the others (file mode, store, profile) differ
// from place to place without changing the answer.
var requestAttrs = []string{"access_key_id", "account_sid", "host", "key_id", "user"}

func cacheKey(v *Verifier, cred Credential) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", v.Name, cred.Secret)
	for _, k := range requestAttrs {
		fmt.Fprintf(h, "\x00%s=%s", k, cred.Attrs[k])
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (c *Client) verify(ctx context.Context, v *Verifier, cred Credential) (res Result, ver scanner.Verification) {
	if _, ok := c.endpoints[v.family()]; v.EndpointOnly && !ok {
		why := fmt.Sprintf("not sent: %s has no public host; --verify-endpoint %s=URL names your server", v.Provider, v.family())
		return Unknown(why), scanner.Verification{State: scanner.VerifyUnknown, Evidence: []string{why}}
	}
	call := c.newCall(v, cred.Secret)
	ver = scanner.Verification{Host: call.base.Host}
	if u, ok := c.endpoints[v.family()]; ok {
		ver.Endpoint = u.String()
	}
	defer func() {
		if r := recover(); r != nil {
			res = Unknown("verifier " + v.Name + " failed on the reply")
		}
		res.Evidence = scrub(res.Evidence, cred.Secret)
		if res.State == "" {
			res.State = scanner.VerifyUnknown
		}
		ver.State = res.State
		ver.Evidence = res.Evidence
	}()
	return v.Check(ctx, call, cred), ver
}

// scrub removes the secret from evidence, whatever a verifier wrote.
func scrub(ev []string, secret string) []string {
	if secret == "" {
		return ev
	}
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = strings.ReplaceAll(e, secret, scanner.Redact(secret))
	}
	return out
}

func (c *Client) newCall(v *Verifier, secret string) *Call {
	call := &Call{c: c, secret: secret, allowed: map[string]bool{}}
	if u, ok := c.endpoints[v.family()]; ok {
		call.base = u
		call.custom = true
		call.allowed[hostKey(u)] = true
		return call
	}
	call.base = &url.URL{Scheme: "https", Host: v.Hosts[0]}
	for _, h := range v.Hosts {
		call.allowed[hostKey(&url.URL{Scheme: "https", Host: h})] = true
	}
	return call
}

// Call is one verifier's handle on the network: requests go only to its
// base URL or to the hosts it declared.
type Call struct {
	c       *Client
	base    *url.URL
	allowed map[string]bool
	secret  string
	sign    func(*http.Request, []byte) error
	custom  bool
}

// WithSigner returns a Call whose requests are signed by sign (after every
// header is set, before each attempt): AWS SigV4.
func (c *Call) WithSigner(sign func(req *http.Request, body []byte) error) *Call {
	cp := *c
	cp.sign = sign
	return &cp
}

// Host is the host requests go to by default.
func (c *Call) Host() string { return c.base.Host }

// Custom reports whether --verify-endpoint replaced the verifier's host.
func (c *Call) Custom() bool { return c.custom }

// Response is a reply, its body read (up to 1 MiB).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body; a body that is not JSON is an *Error.
func (r *Response) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return &Error{msg: fmt.Sprintf("malformed reply (HTTP %d, not the JSON the issuer documents)", r.Status)}
	}
	return nil
}

// Error is a failure that names no URL and no secret.
type Error struct {
	msg string
	// RateLimited is set when the issuer kept answering 429.
	RateLimited bool
	// hostDown is set when the host itself failed (DNS, refused, timeout,
	// TLS): the run asks it nothing more.
	hostDown bool
}

func (e *Error) Error() string { return e.msg }

var errHostRefused = errors.New("host refused")

// Get sends a GET with header pairs ("Authorization", "Bearer …").
func (c *Call) Get(ctx context.Context, target string, header ...string) (*Response, error) {
	return c.Do(ctx, http.MethodGet, target, pairs(header), nil)
}

// Post sends a POST with a body and header pairs.
func (c *Call) Post(ctx context.Context, target string, body []byte, header ...string) (*Response, error) {
	return c.Do(ctx, http.MethodPost, target, pairs(header), body)
}

func pairs(kv []string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// Do sends one request: target is a path under the base URL ("/user") or
// an absolute URL on one of the verifier's hosts. 429 and 5xx answers are
// retried with backoff (Retry-After honoured up to MaxWait); when they
// persist Do returns an *Error, as it does for network errors, timeouts,
// a redirect to another host and a host the verifier did not declare.
func (c *Call) Do(ctx context.Context, method, target string, header http.Header, body []byte) (*Response, error) {
	u, err := c.resolve(target)
	if err != nil {
		return nil, err
	}
	cl := c.c
	hk := hostKey(u)
	for attempt := 1; ; attempt++ {
		if why, down := cl.isDown(hk); down {
			// a host that failed once is not asked again in this run: an
			// offline machine pays one timeout per host, not per secret
			return nil, &Error{msg: why + " (earlier in this run; not asked again)"}
		}
		if err := cl.pace(ctx, hk); err != nil {
			return nil, c.describe(err, u)
		}
		resp, err := cl.send(ctx, c.allowed, c.sign, method, u, header, body)
		if err != nil {
			e := c.describe(err, u)
			if e.hostDown {
				cl.markDown(hk, e.msg)
			}
			return nil, e
		}
		if resp.Status == http.StatusTooManyRequests || resp.Status >= 500 {
			what := fmt.Sprintf("HTTP %d", resp.Status)
			if resp.Status == http.StatusTooManyRequests {
				what = "rate-limited (HTTP 429)"
			}
			if attempt >= cl.cfg.Attempts {
				return nil, &Error{msg: fmt.Sprintf("%s from %s after %d attempts", what, u.Host, attempt), RateLimited: resp.Status == http.StatusTooManyRequests}
			}
			wait := backoff(attempt)
			if ra, ok := retryAfter(resp.Header, time.Now()); ok {
				wait = ra
			}
			if wait > cl.cfg.MaxWait {
				return nil, &Error{msg: fmt.Sprintf("%s from %s: asked to wait %s, more than the %s cap", what, u.Host, wait.Round(time.Second), cl.cfg.MaxWait), RateLimited: resp.Status == http.StatusTooManyRequests}
			}
			if err := cl.sleep(ctx, wait); err != nil {
				return nil, c.describe(err, u)
			}
			continue
		}
		if resp.Status >= 300 && resp.Status < 400 {
			return nil, &Error{msg: fmt.Sprintf("HTTP %d: redirected away from %s, not followed", resp.Status, u.Host)}
		}
		return resp, nil
	}
}

func (c *Call) resolve(target string) (*url.URL, error) {
	if strings.HasPrefix(target, "/") {
		ref, err := url.Parse(target)
		if err != nil {
			return nil, &Error{msg: "verifier built a bad path"}
		}
		u := *c.base
		u.Path = c.base.Path + ref.Path
		u.RawPath = ""
		if ref.RawPath != "" {
			u.RawPath = c.base.Path + ref.RawPath
		}
		u.RawQuery = ref.RawQuery
		return &u, nil
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "https" || !c.allowed[hostKey(u)] {
		return nil, &Error{msg: "refused: a request to a host this verifier does not declare"}
	}
	return u, nil
}

func (c *Client) isDown(host string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	why, ok := c.down[host]
	return why, ok
}

func (c *Client) markDown(host, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.down[host]; !ok {
		c.down[host] = why
	}
}

// describe turns a transport error into an *Error naming the host only.
func (c *Call) describe(err error, u *url.URL) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	host := u.Host
	var dns *net.DNSError
	var ne net.Error
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	msg := "network error talking to " + host
	down := true
	switch {
	case errors.Is(err, errHostRefused):
		msg, down = "refused: "+host+" is not a host this verifier declares", false
	case errors.Is(err, context.Canceled):
		msg, down = "cancelled before "+host+" answered", false
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		msg = fmt.Sprintf("timeout: %s did not answer within %s", host, c.c.cfg.Timeout)
	case errors.As(err, &dns):
		msg = "DNS lookup failed for " + u.Hostname()
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "connection refused by " + host
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg, down = "connection to "+host+" closed before the reply", false
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		msg = "TLS: " + host + "'s certificate is not trusted"
	case errors.As(err, &rh):
		msg = "TLS handshake with " + host + " failed"
	}
	return &Error{msg: msg, hostDown: down}
}

// pace waits until host may get its next request.
func (c *Client) pace(ctx context.Context, host string) error {
	if c.cfg.Interval < 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	now := time.Now()
	at := c.next[host]
	if at.Before(now) {
		at = now
	}
	c.next[host] = at.Add(c.cfg.Interval)
	c.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return c.sleep(ctx, d)
	}
	return ctx.Err()
}

func (c *Client) send(ctx context.Context, allowed map[string]bool, sign func(*http.Request, []byte) error, method string, u *url.URL, header http.Header, body []byte) (*Response, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.WithValue(ctx, allowKey{}, allowed), method, u.String(), rd)
	if err != nil {
		return nil, &Error{msg: "verifier built a bad request"}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sign != nil {
		if err := sign(req, body); err != nil {
			return nil, &Error{msg: "could not sign the request"}
		}
	}
	c.requests.Add(1)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

type allowKey struct{}

// guard refuses every request whose host is not one the calling verifier
// declared (or its --verify-endpoint): the last word before the network,
// redirects included.
type guard struct{ next http.RoundTripper }

func (g guard) RoundTrip(r *http.Request) (*http.Response, error) {
	allowed, _ := r.Context().Value(allowKey{}).(map[string]bool)
	if !allowed[hostKey(r.URL)] {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errHostRefused
	}
	return g.next.RoundTrip(r)
}

// hostKey is host:port with the scheme's default port filled in.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		default:
			port = "443"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// backoff is the wait before attempt n+1: 1s, 2s, 4s...
func backoff(n int) time.Duration { return time.Second << (n - 1) }

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
