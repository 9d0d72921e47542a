package verify

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// simple is a fixture for a one-request verifier: the documented request
// (method, path with query, one header whose value may hold SECRET), the
// documented live body, the revoked status and body, and a piece of the
// live evidence.
func simple(verifier, rule, tmpl, method, path, header, value, live string, revoked int, revokedBody, evidence string, check ...func(*testing.T, Result)) fixture {
	return fixture{
		verifier: verifier, rule: rule, secret: rand(tmpl),
		request: expect(method, path, header, value),
		live:    func(w http.ResponseWriter) { jsonReply(w, 200, live) },
		revoked: func(w http.ResponseWriter) { jsonReply(w, revoked, revokedBody) },
		check: func(t *testing.T, r Result) {
			hasEvidence(t, r, evidence)
			for _, c := range check {
				c(t, r)
			}
		},
	}
}

func basicOf(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func refined(want Refine) func(*testing.T, Result) {
	return func(t *testing.T, r Result) {
		t.Helper()
		got := r.Refine
		if want.Access != "" && got.Access != want.Access || want.Reach != "" && got.Reach != want.Reach ||
			want.Destructive != nil && (got.Destructive == nil || *got.Destructive != *want.Destructive) {
			t.Errorf("refine = %+v, want %+v", got, want)
		}
	}
}

func init() {
	fixtures = append(fixtures,
		fixture{
			verifier: "sendgrid", rule: "sendgrid-api-key", secret: rand("SG.{{rand 22 b64url}}.{{rand 43 b64url}}"),
			request: expect("GET", "/v3/scopes", "Authorization", "Bearer SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"scopes":["mail.send","templates.read","templates.delete","alerts.read"]}`)
			},
			revoked: func(w http.ResponseWriter) {
				jsonReply(w, 401, `{"errors":[{"field":null,"message":"authorization required"}]}`)
			},
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "scopes: 4")
				refined(Refine{Access: scope.AccessWrite, Destructive: ptr(true)})(t, r)
			},
		},
		fixture{
			verifier: "twilio", rule: "twilio-auth-token", secret: rand("{{rand 32 hex}}"),
			attrs: map[string]string{"account_sid": "AC" + strings.Repeat("0123456789abcdef", 2)},
			request: func(r *http.Request, _ []byte, secret string) string {
				sid := "AC" + strings.Repeat("0123456789abcdef", 2)
				if r.URL.Path != "/2010-04-01/Accounts/"+sid+".json" || r.Header.Get("Authorization") != basicOf(sid, secret) {
					return fmt.Sprintf("got %s %s", r.Method, r.URL.Path)
				}
				return ""
			},
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"sid":"AC0123","friendly_name":"Main","status":"active","type":"Full"}`)
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"code":20003,"message":"Authenticate","status":401}`) },
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "status active, type Full")
				refined(Refine{Access: scope.AccessAdmin})(t, r)
			},
		},
		fixture{
			verifier: "mailgun", rule: "mailgun-api-key", secret: rand("key-{{rand 32 hex}}"),
			request: func(r *http.Request, _ []byte, secret string) string {
				if r.URL.RequestURI() != "/v3/domains?limit=1" || r.Header.Get("Authorization") != basicOf("api", secret) {
					return "got " + r.URL.RequestURI()
				}
				return ""
			},
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"total_count":3,"items":[{"name":"mg.example.com"}]}`)
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `Forbidden`) },
			check:   func(t *testing.T, r Result) { hasEvidence(t, r, "domains 3") },
		},
		simple("datadog", "datadog-api-key", "{{rand 32 hex}}", "GET", "/api/v1/validate", "Dd-Api-Key", "SECRET",
			`{"valid":true}`, 403, `{"errors":["Forbidden"]}`, "site api.datadoghq.com", refined(Refine{Access: scope.AccessWrite})),
		simple("pagerduty", "pagerduty-api-key", "u+{{rand 18 b64url}}", "GET", "/abilities", "Authorization", "Token token=SECRET",
			`{"abilities":["sso","teams","read_only_users"]}`, 401, `{"error":{"message":"Authentication failed","code":2006}}`, "abilities: 3"),
		simple("linear", "linear-api-key", "lin_api_{{rand 40 alnum}}", "POST", "/graphql", "Authorization", "SECRET",
			`{"data":{"viewer":{"id":"u-1","name":"Ada"}}}`, 400, `{"errors":[{"message":"Authentication required, not authenticated"}]}`, "viewer u-1, name Ada"),
		simple("linear-oauth", "linear-oauth-token", "lin_oauth_{{rand 64 hex}}", "POST", "/graphql", "Authorization", "Bearer SECRET",
			`{"data":{"viewer":{"id":"u-2","name":"Bo"}}}`, 401, `{"errors":[{"message":"Authentication required"}]}`, "viewer u-2"),
		simple("notion", "notion-integration-token", "ntn_{{rand 46 alnum}}", "GET", "/v1/users/me", "Notion-Version", "2022-06-28",
			`{"object":"user","id":"bot-1","type":"bot","bot":{"owner":{"type":"workspace","workspace":true},"workspace_name":"Acme"}}`,
			401, `{"object":"error","status":401,"code":"unauthorized","message":"API token is invalid."}`, "workspace Acme"),
		simple("postman", "postman-api-key", "PMAK-{{rand 24 hex}}-{{rand 34 hex}}", "GET", "/me", "X-Api-Key", "SECRET",
			`{"user":{"id":1,"username":"ada"}}`, 401, `{"error":{"name":"AuthenticationError","message":"Invalid API Key."}}`, "username ada"),
		simple("heroku", "heroku-api-key", "HRKU-{{rand 60 b64url}}", "GET", "/account", "Authorization", "Bearer SECRET",
			`{"id":"01234567-89ab-cdef-0123-456789abcdef","email":"a@example.com"}`, 401, `{"id":"unauthorized","message":"Invalid credentials provided."}`, "account 01234567"),
		simple("netlify", "netlify-personal-access-token", "nfp_{{rand 36 alnum}}", "GET", "/api/v1/user", "Authorization", "Bearer SECRET",
			`{"id":"5f3","full_name":"Ada"}`, 401, `{"code":401,"message":"Access Denied"}`, "user 5f3"),
		simple("doppler", "doppler-personal-token", "dp.pt.{{rand 43 alnum}}", "GET", "/v3/me", "Authorization", "Bearer SECRET",
			`{"type":"personal","workplace":{"slug":"acme","name":"Acme"},"slug":"x"}`, 401, `{"messages":["Invalid Auth token"],"success":false}`, "type personal, workplace Acme"),
		fixture{
			verifier: "telegram", rule: "telegram-bot-token", secret: rand("{{rand 10 digits}}:AA{{rand 33 b64url}}"),
			request: func(r *http.Request, _ []byte, secret string) string {
				if r.Method != "GET" || r.URL.Path != "/bot"+secret+"/getMe" {
					return "got " + r.URL.Path
				}
				return ""
			},
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Ops","username":"ops_bot"}}`)
			},
			revoked: func(w http.ResponseWriter) {
				jsonReply(w, 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			},
			check: func(t *testing.T, r Result) { hasEvidence(t, r, "bot ops_bot") },
		},
		simple("discord", "discord-bot-token", "M{{rand 25 b64url}}.{{rand 6 b64url}}.{{rand 30 b64url}}", "GET", "/api/v10/users/@me", "Authorization", "Bot SECRET",
			`{"id":"1","username":"opsbot","bot":true}`, 401, `{"message":"401: Unauthorized","code":0}`, "bot opsbot"),
		simple("circleci", "circleci-personal-token", "CCIPAT_{{rand 22 alnum}}_{{rand 40 hex}}", "GET", "/api/v2/me", "Circle-Token", "SECRET",
			`{"id":"u1","login":"ada","name":"Ada"}`, 401, `{"message":"You must log in first."}`, "login ada"),
		simple("buildkite", "buildkite-api-token", "bkua_{{rand 40 hex}}", "GET", "/v2/access-token", "Authorization", "Bearer SECRET",
			`{"uuid":"b1","scopes":["read_builds","write_pipelines"]}`, 401, `{"message":"Authentication required."}`, "scopes: read_builds, write_pipelines",
			refined(Refine{Access: scope.AccessWrite, Destructive: ptr(true)})),
		simple("groq", "groq-api-key", "gsk_{{rand 52 alnum}}", "GET", "/openai/v1/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"llama-3.3-70b-versatile"}]}`, 401, `{"error":{"message":"Invalid API Key","code":"invalid_api_key"}}`, "models listed: 1"),
		simple("mistral", "mistral-api-key", "{{rand 32 alnum}}", "GET", "/v1/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"mistral-large-latest"},{"id":"codestral-latest"}]}`, 401, `{"message":"Unauthorized"}`, "models listed: 2"),
		simple("deepseek", "deepseek-api-key", "sk-{{rand 32 hex}}", "GET", "/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"deepseek-chat"}]}`, 401, `{"error":{"message":"Authentication Fails"}}`, "models listed: 1"),
		simple("together", "together-api-key", "tgp_v1_{{rand 43 b64url}}", "GET", "/v1/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"m1"}]}`, 401, `{"error":{"message":"Invalid API key"}}`, "models listed: 1"),
		fixture{
			verifier: "xai", rule: "xai-api-key", secret: rand("xai-{{rand 80 alnum}}"),
			request: expect("GET", "/v1/api-key", "Authorization", "Bearer SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"redacted_api_key":"xai-…","name":"ci","acls":["api-key:model:*","api-key:endpoint:*"],"api_key_blocked":false,"api_key_disabled":false,"team_blocked":false}`)
			},
			revoked: func(w http.ResponseWriter) {
				jsonReply(w, 400, `{"code":"Client specified an invalid argument","error":"Incorrect API key provided"}`)
			},
			check: func(t *testing.T, r Result) { hasEvidence(t, r, "acls: api-key:endpoint:*, api-key:model:*") },
		},
		simple("openrouter", "openrouter-api-key", "sk-or-v1-{{rand 64 hex}}", "GET", "/api/v1/key", "Authorization", "Bearer SECRET",
			`{"data":{"label":"sk-or-v1-abc...","limit":20,"usage":3.5,"is_free_tier":false}}`, 401, `{"error":{"message":"No auth credentials found","code":401}}`, "limit 20, usage 3.5"),
		simple("replicate", "replicate-api-token", "r8_{{rand 37 alnum}}", "GET", "/v1/account", "Authorization", "Bearer SECRET",
			`{"type":"organization","username":"acme","name":"Acme"}`, 401, `{"detail":"Invalid token.","status":401}`, "username acme, type organization"),
		simple("cohere", "cohere-api-key", "{{rand 40 alnum}}", "POST", "/v1/check-api-key", "Authorization", "Bearer SECRET",
			`{"valid":true,"organization_id":"o1","organization_name":"Acme"}`, 401, `{"message":"invalid api token"}`, "organization Acme"),
		simple("elevenlabs", "elevenlabs-api-key", "sk_{{rand 48 hex}}", "GET", "/v1/user", "Xi-Api-Key", "SECRET",
			`{"user_id":"u1","subscription":{"tier":"creator"}}`, 401, `{"detail":{"status":"invalid_api_key"}}`, "tier creator"),
		simple("deepgram", "deepgram-api-key", "{{rand 40 hex}}", "GET", "/v1/projects", "Authorization", "Token SECRET",
			`{"projects":[{"project_id":"p1","name":"prod"}]}`, 401, `{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}`, "projects: 1"),
		simple("pinecone", "pinecone-api-key", "pcsk_{{rand 6 alnum}}_{{rand 60 alnum}}", "GET", "/indexes", "Api-Key", "SECRET",
			`{"indexes":[{"name":"docs"},{"name":"faq"}]}`, 401, `{"error":{"code":"UNAUTHENTICATED","message":"Invalid API Key"},"status":401}`, "indexes: 2",
			refined(Refine{Reach: scope.ReachProject, Destructive: ptr(true)})),
		simple("render", "render-api-key", "rnd_{{rand 32 alnum}}", "GET", "/v1/owners?limit=1", "Authorization", "Bearer SECRET",
			`[{"owner":{"id":"tea-1","name":"Acme","type":"team"},"cursor":"c"}]`, 401, `{"message":"unauthorized"}`, "workspace Acme"),
		simple("vultr", "vultr-api-key", "{{rand 36 UBASE32}}", "GET", "/v2/account", "Authorization", "Bearer SECRET",
			`{"account":{"name":"Acme","email":"a@example.com","acls":["subscriptions","dns","billing"],"balance":0}}`, 401, `{"error":"Invalid API token.","status":401}`, "acls: billing, dns, subscriptions",
			refined(Refine{Access: scope.AccessAdmin, Destructive: ptr(true)})),
		fixture{
			verifier: "linode", rule: "linode-token", secret: rand("{{rand 64 hex}}"),
			request: expect("GET", "/v4/profile", "Authorization", "Bearer SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"username":"ada","email":"a@example.com"}`, "X-OAuth-Scopes", "linodes:read_only domains:read_only")
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"errors":[{"reason":"Invalid Token"}]}`) },
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "X-OAuth-Scopes: domains:read_only, linodes:read_only")
				refined(Refine{Access: scope.AccessRead, Destructive: ptr(false)})(t, r)
			},
		},
		simple("pulumi", "pulumi-access-token", "pul-{{rand 40 hex}}", "GET", "/api/user", "Authorization", "token SECRET",
			`{"githubLogin":"ada","name":"Ada","organizations":[{"githubLogin":"acme"}]}`, 401, `{"code":401,"message":"Unauthorized: No credentials provided or are invalid."}`, "login ada, organizations: 1"),
		simple("terraform", "terraform-cloud-token", "{{rand 14 alnum}}.atlasv1.{{rand 67 alnum}}", "GET", "/api/v2/account/details", "Authorization", "Bearer SECRET",
			`{"data":{"id":"user-1","type":"users","attributes":{"username":"ada"}}}`, 401, `{"errors":[{"status":"401","title":"unauthorized"}]}`, "username ada"),
		simple("asana", "asana-personal-access-token", "2/{{rand 16 digits}}/{{rand 16 digits}}:{{rand 32 hex}}", "GET", "/api/1.0/users/me", "Authorization", "Bearer SECRET",
			`{"data":{"gid":"123","name":"Ada","workspaces":[{"gid":"1"},{"gid":"2"}]}}`, 401, `{"errors":[{"message":"Not Authorized"}]}`, "workspaces: 2"),
		fixture{
			verifier: "airtable", rule: "airtable-personal-access-token", secret: rand("pat{{rand 14 alnum}}.{{rand 64 hex}}"),
			request: expect("GET", "/v0/meta/whoami", "Authorization", "Bearer SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"id":"usrL2PNC5o3H4lBEi","scopes":["data.records:read","data.records:write","schema.bases:write"]}`)
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"error":{"type":"AUTHENTICATION_REQUIRED"}}`) },
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "scopes: data.records:read, data.records:write, schema.bases:write")
				refined(Refine{Access: scope.AccessWrite, Destructive: ptr(true)})(t, r)
			},
		},
		simple("figma", "figma-personal-access-token", "figd_{{rand 40 b64url}}", "GET", "/v1/me", "X-Figma-Token", "SECRET",
			`{"id":"1","handle":"ada","email":"a@example.com"}`, 403, `{"status":403,"err":"Invalid token"}`, "handle ada"),
		simple("typeform", "typeform-personal-access-token", "tfp_{{rand 44 alnum}}_{{rand 14 alnum}}", "GET", "/me", "Authorization", "Bearer SECRET",
			`{"alias":"ada","email":"a@example.com","language":"en"}`, 401, `{"code":"AUTHENTICATION_FAILED"}`, "alias ada"),
		fixture{
			verifier: "mapbox", rule: "mapbox-secret-token", secret: rand("sk.eyJ{{rand 60 b64url}}.{{rand 22 b64url}}"),
			request: func(r *http.Request, _ []byte, secret string) string {
				if r.URL.Path != "/tokens/v2" || r.URL.Query().Get("access_token") != secret {
					return "got " + r.URL.Path
				}
				return ""
			},
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"code":"TokenValid","token":{"usage":"sk","user":"ada","scopes":["styles:read","styles:write","fonts:read"]}}`)
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"code":"TokenInvalid"}`) },
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "scopes: fonts:read, styles:read, styles:write")
				refined(Refine{Access: scope.AccessWrite, Destructive: ptr(true)})(t, r)
			},
		},
		simple("hubspot", "hubspot-private-app-token", "pat-na1-{{rand 8 hex}}-{{rand 4 hex}}-{{rand 4 hex}}-{{rand 4 hex}}-{{rand 12 hex}}", "GET", "/account-info/v3/details", "Authorization", "Bearer SECRET",
			`{"portalId":62515,"accountType":"STANDARD"}`, 401, `{"status":"error","category":"INVALID_AUTHENTICATION"}`, "portal 62515"),
		simple("brevo", "brevo-api-key", "xkeysib-{{rand 64 hex}}-{{rand 16 alnum}}", "GET", "/v3/account", "Api-Key", "SECRET",
			`{"email":"a@example.com","companyName":"Acme"}`, 401, `{"code":"unauthorized","message":"Key not found"}`, "company Acme", refined(Refine{Access: scope.AccessAdmin})),
		simple("postmark", "postmark-server-token", "{{uuid}}", "GET", "/server", "X-Postmark-Server-Token", "SECRET",
			`{"ID":1,"Name":"Production"}`, 401, `{"ErrorCode":10,"Message":"The Server Token you provided in the X-Postmark-Server-Token request header was invalid."}`, "server Production",
			refined(Refine{Reach: scope.ReachResource})),
		simple("postmark-account", "postmark-account-token", "{{uuid}}", "GET", "/servers?count=1&offset=0", "X-Postmark-Account-Token", "SECRET",
			`{"TotalCount":4,"Servers":[{"ID":1,"Name":"Production"}]}`, 401, `{"ErrorCode":10,"Message":"invalid"}`, "servers 4"),
		fixture{
			verifier: "mailchimp", rule: "mailchimp-api-key", secret: rand("{{rand 32 hex}}-us6"),
			request: func(r *http.Request, _ []byte, secret string) string {
				if r.Host != "us6.api.mailchimp.com" || r.URL.Path != "/3.0/ping" || r.Header.Get("Authorization") != basicOf("tokenscope", secret) {
					return "got " + r.Host + r.URL.Path
				}
				return ""
			},
			live:    func(w http.ResponseWriter) { jsonReply(w, 200, `{"health_status":"Everything's Chimpy!"}`) },
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"title":"API Key Invalid","status":401}`) },
			check:   func(t *testing.T, r Result) { hasEvidence(t, r, "Chimpy") },
		},
		simple("cloudsmith", "cloudsmith-api-key", "{{rand 40 hex}}", "GET", "/v1/user/self/", "X-Api-Key", "SECRET",
			`{"authenticated":true,"slug":"ada","email":"a@example.com"}`, 401, `{"detail":"Invalid token."}`, "user ada"),
		fixture{
			verifier: "gitlab-runner", rule: "gitlab-runner-token", secret: rand("glrt-{{rand 20 b64url}}"),
			request: func(r *http.Request, body []byte, secret string) string {
				if r.Method != "POST" || r.URL.Path != "/api/v4/runners/verify" || string(body) != `{"token":"`+secret+`"}` {
					return fmt.Sprintf("got %s %s %s", r.Method, r.URL.Path, body)
				}
				return ""
			},
			live:    func(w http.ResponseWriter) { jsonReply(w, 200, `{"id":42,"token":"glrt-…","token_expires_at":null}`) },
			revoked: func(w http.ResponseWriter) { jsonReply(w, 403, `{"message":"403 Forbidden"}`) },
			check:   func(t *testing.T, r Result) { hasEvidence(t, r, "runner 42") },
		},
	)
	_ = testtoken.New
}
