package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// fixture mimics one issuer's documented answers for one verifier.
type fixture struct {
	verifier string
	rule     string
	secret   func(g *testtoken.Gen) string
	attrs    map[string]string
	// request checks what the verifier sent (method, path, where the
	// secret goes); it returns "" when the request is the documented one.
	request func(r *http.Request, body []byte, secret string) string
	live    func(w http.ResponseWriter)
	revoked func(w http.ResponseWriter)
	// check asserts what the live answer did to the result.
	check func(t *testing.T, r Result)
	// endpoint, when set, is given as --verify-endpoint (a verifier
	// without a public host).
	endpoint string
}

func jsonReply(w http.ResponseWriter, status int, body string, header ...string) {
	for i := 0; i+1 < len(header); i += 2 {
		w.Header().Set(header[i], header[i+1])
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func expect(method, path, header, value string) func(r *http.Request, body []byte, secret string) string {
	return func(r *http.Request, body []byte, secret string) string {
		if r.Method != method || r.URL.RequestURI() != path {
			return fmt.Sprintf("got %s %s, want %s %s", r.Method, r.URL.RequestURI(), method, path)
		}
		want := strings.ReplaceAll(value, "SECRET", secret)
		if got := r.Header.Get(header); got != want {
			return fmt.Sprintf("header %s: got %q, want %q", header, got, want)
		}
		return ""
	}
}

func hasEvidence(t *testing.T, r Result, sub string) {
	t.Helper()
	for _, e := range r.Evidence {
		if strings.Contains(e, sub) {
			return
		}
	}
	t.Errorf("evidence %q lacks %q", r.Evidence, sub)
}

func rand(tmpl string) func(g *testtoken.Gen) string {
	return func(g *testtoken.Gen) string {
		s, err := g.Expand(tmpl)
		if err != nil {
			panic(err)
		}
		return s
	}
}

var fixtures = []fixture{
	{
		verifier: "github", rule: "github-classic-pat",
		secret:  func(g *testtoken.Gen) string { return g.GitHub("ghp_") },
		request: expect("GET", "/user", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"login":"octo","type":"User","site_admin":false}`, "X-OAuth-Scopes", "repo, delete_repo", "GitHub-Authentication-Token-Expiration", "2099-01-02 03:04:05 UTC")
		},
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"message":"Bad credentials"}`) },
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "X-OAuth-Scopes: delete_repo, repo")
			hasEvidence(t, r, "login octo")
			if r.Refine.Access != scope.AccessWrite || r.Refine.Destructive == nil || !*r.Refine.Destructive || r.Refine.DestroysWhat != "repositories" {
				t.Errorf("refine = %+v, want write, destroys repositories", r.Refine)
			}
			if r.Refine.ExpiresAt == nil || r.Refine.ExpiresAt.Year() != 2099 || r.Refine.Lifetime != scope.LifetimeExpiring {
				t.Errorf("expiry not read: %+v", r.Refine)
			}
		},
	},
	{
		verifier: "github-app", rule: "github-app-installation-token",
		secret:  func(g *testtoken.Gen) string { return g.GitHub("ghs_") },
		request: expect("GET", "/installation/repositories?per_page=1", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"total_count":1,"repositories":[{"full_name":"o/r"}]}`)
		},
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"message":"Bad credentials"}`) },
		check: func(t *testing.T, r Result) {
			if r.Refine.Reach != scope.ReachResource {
				t.Errorf("reach = %q, want resource", r.Refine.Reach)
			}
		},
	},
	{
		verifier: "gitlab", rule: "gitlab-pat",
		secret:  rand("glpat-{{rand 20 b64url}}"),
		request: expect("GET", "/api/v4/personal_access_tokens/self", "Private-Token", "SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"id":4,"name":"ci","revoked":false,"scopes":["read_api","api"],"user_id":24,"active":true,"expires_at":null}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "scopes: api, read_api")
			if r.Refine.Access != scope.AccessWrite || !*r.Refine.Destructive || r.Refine.Lifetime != scope.LifetimeLongLived {
				t.Errorf("refine = %+v", r.Refine)
			}
		},
	},
	{
		verifier: "slack", rule: "slack-bot-token",
		secret:  rand("xoxb-{{rand 12 digits}}-{{rand 13 digits}}-{{rand 24 alnum}}"),
		request: expect("POST", "/api/auth.test", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T1","user_id":"U1","bot_id":"B1"}`, "X-OAuth-Scopes", "chat:write,channels:read")
		},
		revoked: func(w http.ResponseWriter) { jsonReply(w, 200, `{"ok":false,"error":"token_revoked"}`) },
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "team Acme")
			if r.Refine.Access != scope.AccessWrite || r.Refine.Reach != scope.ReachAccount {
				t.Errorf("refine = %+v", r.Refine)
			}
		},
	},
	{
		verifier: "aws", rule: "aws-access-key",
		secret: func(g *testtoken.Gen) string { return g.AWSSecret() },
		attrs:  map[string]string{"key_id": "AKIA" + strings.Repeat("Q", 16)},
		request: func(r *http.Request, body []byte, secret string) string {
			if r.Method != "POST" || r.URL.Path != "/" || string(body) != "Action=GetCallerIdentity&Version=2011-06-15" {
				return fmt.Sprintf("got %s %s %q", r.Method, r.URL.Path, body)
			}
			a := r.Header.Get("Authorization")
			if !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIA"+strings.Repeat("Q", 16)+"/") || !strings.Contains(a, "/us-east-1/sts/aws4_request") {
				return "not SigV4-signed for sts: " + a
			}
			if strings.Contains(a, secret) || strings.Contains(string(body), secret) {
				return "the secret itself was sent"
			}
			return ""
		},
		live: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
		},
		revoked: func(w http.ResponseWriter) {
			w.WriteHeader(403)
			io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "account 123456789012")
			hasEvidence(t, r, "root user")
			if r.Refine.Access != scope.AccessAdmin || !*r.Refine.Destructive {
				t.Errorf("root not detected: %+v", r.Refine)
			}
		},
	},
	{
		verifier: "stripe", rule: "stripe-live-restricted-key",
		secret:  rand("rk_live_{{rand 99 alnum}}"),
		request: expect("GET", "/v1/account", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 403, `{"error":{"message":"The provided key 'rk_live_***' does not have the required permissions for this endpoint","type":"invalid_request_error"}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"error":{"message":"Invalid API Key provided: rk_live_***","type":"invalid_request_error"}}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "restricted key") },
	},
	{
		verifier: "stripe", rule: "stripe-live-secret-key",
		secret:  rand("sk_live_{{rand 99 alnum}}"),
		request: expect("GET", "/v1/account", "Authorization", "Bearer SECRET"),
		live:    func(w http.ResponseWriter) { jsonReply(w, 200, `{"id":"acct_1Nv0FGQ9RKHgCVdK","object":"account"}`) },
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"error":{"message":"Expired API Key provided: sk_live_***","type":"invalid_request_error"}}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "account acct_1Nv0FGQ9RKHgCVdK") },
	},
	{
		verifier: "openai", rule: "openai-project-key",
		secret:  rand("sk-proj-{{rand 100 b64url}}"),
		request: expect("GET", "/v1/models", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"object":"list","data":[{"id":"gpt-4o","object":"model"},{"id":"o3","object":"model"}]}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "2 models") },
	},
	{
		verifier: "openai-admin", rule: "openai-admin-key",
		secret:  rand("sk-admin-{{rand 100 b64url}}"),
		request: expect("GET", "/v1/organization/projects?limit=1", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"object":"list","data":[{"id":"proj_abc","object":"organization.project"}]}`)
		},
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"error":{"code":"invalid_api_key"}}`) },
		check: func(t *testing.T, r Result) {
			if r.Refine.Access != scope.AccessAdmin || r.Refine.Reach != scope.ReachOrg {
				t.Errorf("refine = %+v", r.Refine)
			}
		},
	},
	{
		verifier: "anthropic", rule: "anthropic-api-key",
		secret:  rand("sk-ant-api03-{{rand 93 b64url}}AA"),
		request: expect("GET", "/v1/models", "X-Api-Key", "SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"data":[{"type":"model","id":"claude-sonnet-4-5"}],"has_more":false}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "1 models") },
	},
	{
		verifier: "anthropic-admin", rule: "anthropic-admin-key",
		secret:  rand("sk-ant-admin01-{{rand 93 b64url}}AA"),
		request: expect("GET", "/v1/organizations/me", "Anthropic-Version", "2023-06-01"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"id":"12345678-1234","type":"organization","name":"Acme"}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "organization Acme")
			if r.Refine.Access != scope.AccessAdmin {
				t.Errorf("refine = %+v", r.Refine)
			}
		},
	},
	{
		verifier: "huggingface", rule: "huggingface-token",
		secret:  rand("hf_{{rand 34 alnum}}"),
		request: expect("GET", "/api/whoami-v2", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"type":"user","name":"alice","orgs":[{"name":"acme"}],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"write","createdAt":"2025-01-01T00:00:00.000Z"}}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"error":"Invalid credentials in Authorization header"}`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "role write")
			if r.Refine.Access != scope.AccessWrite || r.Refine.Reach != scope.ReachOrg || !*r.Refine.Destructive {
				t.Errorf("refine = %+v", r.Refine)
			}
		},
	},
	{
		verifier: "npm", rule: "npm-access-token",
		secret:  func(g *testtoken.Gen) string { return g.Npm() },
		request: expect("GET", "/-/whoami", "Authorization", "Bearer SECRET"),
		live:    func(w http.ResponseWriter) { jsonReply(w, 200, `{"username":"alice"}`) },
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"error":"Unauthorized"}`) },
		check:   func(t *testing.T, r Result) { hasEvidence(t, r, "username alice") },
	},
	{
		verifier: "cloudflare", rule: "cloudflare-user-api-token",
		secret:  rand("cfut_{{rand 48 alnum}}"),
		request: expect("GET", "/client/v4/user/tokens/verify", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"active","expires_on":"2099-01-01T00:00:00Z"}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "status active")
			if r.Refine.ExpiresAt == nil {
				t.Error("expires_on not read")
			}
		},
	},
	{
		verifier: "digitalocean", rule: "digitalocean-pat",
		secret:  rand("dop_v1_{{rand 64 hex}}"),
		request: expect("GET", "/v2/account", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"account":{"droplet_limit":25,"email":"a@example.com","uuid":"b6fr89dbf6d9156cace5f3c78dc9851d957381ef","status":"active","team":{"uuid":"5df3e3004a17e242b7c20ca6c9fc25b701a47ece","name":"Acme Ops"}}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 401, `{"id":"Unauthorized","message":"Unable to authenticate you"}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "team Acme Ops") },
	},
	{
		verifier: "vercel", rule: "vercel-personal-token",
		secret:  rand("vcp_{{rand 56 alnum}}"),
		request: expect("GET", "/v2/user", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"user":{"id":"u1","username":"alice","email":"a@example.com"}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 403, `{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}`)
		},
		check: func(t *testing.T, r Result) { hasEvidence(t, r, "username alice") },
	},
	{
		verifier: "supabase", rule: "supabase-pat",
		secret:  rand("sbp_{{rand 40 hex}}"),
		request: expect("GET", "/v1/projects", "Authorization", "Bearer SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `[{"id":"abcdefghijklmnopqrst","organization_id":"o1","name":"prod","region":"us-east-1"},{"id":"bbcdefghijklmnopqrst","organization_id":"o1","name":"staging","region":"us-east-1"}]`)
		},
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"message":"Unauthorized"}`) },
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "2 projects")
			if r.Refine.Reach != scope.ReachAccount {
				t.Errorf("reach = %q", r.Refine.Reach)
			}
		},
	},
	{
		verifier: "railway", rule: "railway-account-token",
		secret: func(g *testtoken.Gen) string { return g.UUID() },
		request: func(r *http.Request, body []byte, secret string) string {
			if r.URL.Path != "/graphql/v2" || !strings.Contains(string(body), "me {") || r.Header.Get("Authorization") != "Bearer "+secret {
				return fmt.Sprintf("got %s %s %q", r.Method, r.URL.Path, body)
			}
			return ""
		},
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"data":{"me":{"name":"Alice","email":"a@example.com"}}}`)
		},
		revoked: nil, // Not Authorized is unknown for account tokens (workspace tokens cannot ask me)
		check: func(t *testing.T, r Result) {
			if r.Refine.Reach != scope.ReachAccount {
				t.Errorf("reach = %q", r.Refine.Reach)
			}
		},
	},
	{
		verifier: "railway-project", rule: "railway-project-token",
		secret:  func(g *testtoken.Gen) string { return g.UUID() },
		request: expect("POST", "/graphql/v2", "Project-Access-Token", "SECRET"),
		live: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"data":{"projectToken":{"projectId":"p-1","environmentId":"e-1"}}}`)
		},
		revoked: func(w http.ResponseWriter) {
			jsonReply(w, 200, `{"errors":[{"message":"Not Authorized","locations":[{"line":1,"column":9}],"path":["projectToken"]}],"data":null}`)
		},
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, "project p-1, environment e-1")
			if r.Refine.Reach != scope.ReachResource {
				t.Errorf("reach = %q", r.Refine.Reach)
			}
		},
	},
	{
		verifier: "dockerhub", rule: "dockerhub-pat",
		secret: rand("dckr_pat_{{rand 27 b64url}}"),
		attrs:  map[string]string{"user": "alice"},
		request: func(r *http.Request, body []byte, secret string) string {
			var b map[string]string
			if r.Method != "POST" || r.URL.Path != "/v2/auth/token" || json.Unmarshal(body, &b) != nil || b["identifier"] != "alice" || b["secret"] != secret {
				return fmt.Sprintf("got %s %s %q", r.Method, r.URL.Path, body)
			}
			return ""
		},
		live:    func(w http.ResponseWriter) { jsonReply(w, 200, `{"access_token":"eyJhbGciOi.x.y"}`) },
		revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"detail":"Incorrect authentication credentials"}`) },
		check:   func(t *testing.T, r Result) { hasEvidence(t, r, "signed in as alice") },
	},
}
