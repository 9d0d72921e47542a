package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/verify"
)

// fakeIssuers answers as GitHub, npm and a self-hosted GitLab document,
// on one loopback server; verifyConfigHook routes the verify client's
// transport to it (after the client's host guard), keeping the host the
// verifier asked for in the Host header.
type fakeIssuers struct {
	srv     *httptest.Server
	liveGH  string
	mu      sync.Mutex
	asked   []string
	request int
}

func (f *fakeIssuers) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host, r2.Host = "http", f.srv.Listener.Addr().String(), r.URL.Host
	return http.DefaultTransport.RoundTrip(r2)
}

func newFakeIssuers(t *testing.T, liveGH string) *fakeIssuers {
	f := &fakeIssuers{liveGH: liveGH}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.asked = append(f.asked, r.Host+r.URL.Path)
		f.request++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Host == "api.github.com" && r.URL.Path == "/user" && r.Header.Get("Authorization") == "Bearer "+f.liveGH:
			w.Header().Set("X-OAuth-Scopes", "repo, delete_repo")
			w.Write([]byte(`{"login":"octo"}`))
		case r.Host == "gitlab.example.com" && r.URL.Path == "/api/v4/personal_access_tokens/self":
			w.Write([]byte(`{"name":"ci","scopes":["read_api"],"active":true,"revoked":false,"expires_at":"2099-01-01"}`))
		default:
			w.WriteHeader(401)
			w.Write([]byte(`{"message":"Bad credentials"}`))
		}
	}))
	t.Cleanup(f.srv.Close)
	verifyConfigHook = func(c *verify.Config) { c.Transport = f; c.Interval = -1 }
	t.Cleanup(func() { verifyConfigHook = nil })
	return f
}

type verifyReport struct {
	Summary struct {
		Verification *struct {
			Live, Invalid, Unknown, Hidden int
			Requests                       int
			OnlyLive                       bool     `json:"only_live"`
			Endpoints                      []string `json:"endpoints"`
		} `json:"verification"`
	} `json:"summary"`
	Findings []struct {
		RuleID   string `json:"rule_id"`
		Severity string `json:"severity"`
		Scope    struct {
			Access     string   `json:"access"`
			Confidence string   `json:"confidence"`
			Evidence   []string `json:"evidence"`
		} `json:"scope"`
		Verification *struct {
			State    string   `json:"state"`
			Evidence []string `json:"evidence"`
			Host     string   `json:"host"`
			Endpoint string   `json:"endpoint"`
		} `json:"verification"`
	} `json:"findings"`
}

func TestScanVerify(t *testing.T) {
	g := testtoken.New(131)
	gh, revokedGH, npm, gl := g.GitHub("ghp_"), g.GitHub("ghp_"), g.Npm(), "glpat-"+g.Rand(20, "b64url")
	sentry := "sntrys_eyJ" + g.Rand(120, "b64url") + "_" + g.Rand(43, "b64url") // no verifier
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.env"), "GITHUB_TOKEN="+gh+"\nNPM_TOKEN="+npm+"\nGITLAB_TOKEN="+gl+"\nSENTRY_AUTH_TOKEN="+sentry+"\n")
	mustWrite(t, filepath.Join(root, "b.env"), "GH="+gh+"\nGH_OLD="+revokedGH+"\n")
	mustWrite(t, filepath.Join(root, "c.sh"), "export GITHUB_TOKEN="+gh+"\n")
	secrets := []string{gh, revokedGH, npm, gl, sentry}

	t.Run("off", func(t *testing.T) {
		f := newFakeIssuers(t, gh)
		s, out, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", root, "--format", "json", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if f.request != 0 || strings.Contains(out.String(), `"verification"`) {
			t.Errorf("without --verify: %d requests, report %s", f.request, out)
		}
	})

	t.Run("json", func(t *testing.T) {
		f := newFakeIssuers(t, gh)
		s, out, errb := reachStreams(nil, nil)
		code := run([]string{"scan", root, "--verify", "--verify-endpoint", "gitlab=https://gitlab.example.com", "--format", "json", "--no-progress"}, s)
		if code != exitFindings {
			t.Fatalf("exit %d: %s", code, errb)
		}
		for _, sec := range secrets {
			if strings.Contains(out.String(), sec) || strings.Contains(errb.String(), sec) {
				t.Fatal("a raw secret reached the report")
			}
		}
		var rep verifyReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		v := rep.Summary.Verification
		// gh three times, revoked gh, npm, gitlab: 4 distinct secrets, 4 requests
		if v == nil || v.Requests != 4 || v.Live != 4 || v.Invalid != 2 || v.Unknown != 0 || !slices.Equal(v.Endpoints, []string{"gitlab=https://gitlab.example.com"}) {
			t.Fatalf("summary.verification = %+v", v)
		}
		states := map[string]int{}
		sawSentry := false
		for _, fd := range rep.Findings {
			if fd.RuleID == "sentry-org-token" {
				sawSentry = true
				if fd.Verification != nil {
					t.Error("sentry has no verifier, yet was verified")
				}
				continue
			}
			if fd.Verification == nil {
				t.Fatalf("%s not verified", fd.RuleID)
			}
			states[fd.RuleID+" "+fd.Verification.State]++
			switch fd.RuleID + " " + fd.Verification.State {
			case "github-classic-pat live":
				if fd.Scope.Confidence != "verified" || !slices.Contains(fd.Scope.Evidence, "verified: X-OAuth-Scopes: delete_repo, repo") || fd.Verification.Host != "api.github.com" || fd.Severity != "critical" {
					t.Errorf("live github finding: %+v", fd)
				}
			case "gitlab-pat live":
				if fd.Verification.Endpoint != "https://gitlab.example.com" || fd.Verification.Host != "gitlab.example.com" || fd.Scope.Access != "read" {
					t.Errorf("gitlab finding: %+v", fd)
				}
			}
		}
		if !sawSentry {
			t.Error("the finding without a verifier is missing")
		}
		want := map[string]int{"github-classic-pat live": 3, "github-classic-pat invalid": 1, "npm-access-token invalid": 1, "gitlab-pat live": 1}
		if len(states) != len(want) {
			t.Errorf("states %v, want %v", states, want)
		}
		for k, n := range want {
			if states[k] != n {
				t.Errorf("states %v, want %v", states, want)
				break
			}
		}
		for _, a := range f.asked {
			if !strings.HasPrefix(a, "api.github.com/") && !strings.HasPrefix(a, "registry.npmjs.org/") && !strings.HasPrefix(a, "gitlab.example.com/") {
				t.Errorf("asked %s", a)
			}
		}
	})

	t.Run("only-live", func(t *testing.T) {
		newFakeIssuers(t, gh)
		s, out, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", root, "--verify", "--only-live", "--format", "json", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("exit %d: %s", code, errb)
		}
		var rep verifyReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		for _, fd := range rep.Findings {
			if fd.Verification == nil || fd.Verification.State != "live" {
				t.Errorf("--only-live kept %s", fd.RuleID)
			}
		}
		// without an endpoint the GitLab token goes to gitlab.com, which
		// says 401 here: only the three live GitHub findings remain
		if v := rep.Summary.Verification; len(rep.Findings) != 3 || v == nil || !v.OnlyLive || v.Hidden != 4 {
			t.Errorf("%d findings, summary %+v", len(rep.Findings), v)
		}
	})

	t.Run("only-live-nothing-live", func(t *testing.T) {
		newFakeIssuers(t, "none-is-live")
		dir := t.TempDir()
		mustWrite(t, filepath.Join(dir, "a.env"), "GITHUB_TOKEN="+revokedGH+"\n")
		s, _, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", dir, "--verify", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("a revoked finding is still reported and fails: exit %d: %s", code, errb)
		}
		s, out, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", dir, "--verify", "--only-live", "--fail-on", "low", "--no-progress"}, s); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if !strings.Contains(out.String(), "No credential verified live.") || !strings.Contains(out.String(), "--only-live hid 1") {
			t.Errorf("terminal report: %s", out)
		}
	})

	t.Run("terminal-and-sarif", func(t *testing.T) {
		newFakeIssuers(t, gh)
		s, out, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", filepath.Join(root, "c.sh"), "--verify", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("exit %d: %s", code, errb)
		}
		for _, want := range []string{"issuer  live (api.github.com): GET /user: HTTP 200, login octo", "Verified with the issuers (1 request): 1 live, 0 invalid, 0 unknown"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("terminal report lacks %q:\n%s", want, out)
			}
		}
		s, out, errb = reachStreams(nil, nil)
		if code := run([]string{"scan", filepath.Join(root, "c.sh"), "--verify", "--format", "sarif", "--no-progress"}, s); code != exitFindings {
			t.Fatalf("exit %d: %s", code, errb)
		}
		var log struct {
			Runs []struct {
				Properties struct {
					Verification struct{ Live int } `json:"verification"`
				} `json:"properties"`
				Results []struct {
					Properties struct {
						Verification struct{ State, Host string } `json:"verification"`
					} `json:"properties"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(out.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		if r := log.Runs[0]; r.Properties.Verification.Live != 1 || len(r.Results) != 1 || r.Results[0].Properties.Verification.State != "live" || r.Results[0].Properties.Verification.Host != "api.github.com" {
			t.Errorf("sarif: %+v", r)
		}
	})

	t.Run("suppressed-not-sent", func(t *testing.T) {
		f := newFakeIssuers(t, gh)
		dir := t.TempDir()
		mustWrite(t, filepath.Join(dir, "a.env"), "GITHUB_TOKEN="+revokedGH+"  # tokenscope:allow fixture\n")
		s, out, errb := reachStreams(nil, nil)
		if code := run([]string{"scan", dir, "--verify", "--format", "json", "--no-progress"}, s); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if f.request != 0 || !strings.Contains(out.String(), `"suppressed"`) {
			t.Errorf("%d requests for a suppressed finding; report %s", f.request, out)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"--only-live"},
			{"--verify-endpoint", "gitlab=https://gitlab.example.com"},
			{"--verify", "--verify-endpoint", "stripe=https://stripe.example.com"},
			{"--verify", "--verify-endpoint", "gitlab=http://gitlab.example.com"},
			{"--verify", "--verify-endpoint", "gitlab"},
		} {
			s, _, errb := reachStreams(nil, nil)
			if code := run(append([]string{"scan", root, "--no-progress"}, args...), s); code != exitUsage {
				t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errb)
			}
		}
	})
}
