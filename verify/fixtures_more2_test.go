package verify

import (
	"net/http"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

func init() {
	vault := simple("vault", "vault-service-token", "hvs.{{rand 90 b64url}}", "GET", "/v1/auth/token/lookup-self", "X-Vault-Token", "SECRET",
		`{"data":{"display_name":"token-ci","policies":["default","root"],"ttl":0,"expire_time":null,"type":"service","orphan":true}}`,
		403, `{"errors":["permission denied"]}`, "policies: default, root",
		refined(Refine{Access: scope.AccessAdmin, Destructive: ptr(true)}))
	vault.endpoint = "https://vault.example.com:8200"
	fixtures = append(fixtures, vault,
		simple("gitlab-job", "gitlab-ci-job-token", "glcbt-{{rand 20 b64url}}", "GET", "/api/v4/job", "Job-Token", "SECRET",
			`{"id":8,"status":"running","ref":"main","pipeline":{"id":6,"project_id":1}}`, 401, `{"message":"401 Unauthorized"}`, "job 8, project 1",
			refined(Refine{Reach: scope.ReachProject})),
		simple("newrelic", "newrelic-user-key", "NRAK-{{rand 27 UBASE32}}", "POST", "/graphql", "Api-Key", "SECRET",
			`{"data":{"actor":{"user":{"email":"a@example.com","name":"Ada"}}}}`, 401, `{"errors":[{"message":"Invalid API key"}]}`, "user Ada"),
		fixture{
			verifier: "honeycomb", rule: "honeycomb-configuration-key", secret: rand("hcxik_{{rand 58 lalnum}}"),
			request: expect("GET", "/1/auth", "X-Honeycomb-Team", "SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 200, `{"id":"k1","type":"configuration","api_key_access":{"events":true,"markers":true,"columns":true,"createDatasets":false},"environment":{"name":"prod","slug":"prod"},"team":{"name":"Acme","slug":"acme"}}`)
			},
			revoked: func(w http.ResponseWriter) { jsonReply(w, 401, `{"error":"unknown API key - check your credentials"}`) },
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "team Acme, environment prod")
				hasEvidence(t, r, "api_key_access: columns, events, markers")
				refined(Refine{Access: scope.AccessWrite, Reach: scope.ReachProject, Destructive: ptr(true)})(t, r)
			},
		},
		simple("snyk", "snyk-api-token", "{{uuid}}", "GET", "/rest/self?version=2024-10-15", "Authorization", "token SECRET",
			`{"data":{"id":"u1","type":"user","attributes":{"name":"Ada","username":"ada"}}}`, 401, `{"errors":[{"status":"401","detail":"Unauthorized"}]}`, "username ada"),
		simple("sentry", "sentry-user-token", "sntryu_{{rand 64 hex}}", "GET", "/api/0/organizations/", "Authorization", "Bearer SECRET",
			`[{"id":"1","slug":"acme"},{"id":"2","slug":"beta"}]`, 401, `{"detail":"Invalid token"}`, "organizations: 2"),
		simple("dropbox", "dropbox-short-lived-token", "sl.{{rand 140 b64url}}", "POST", "/2/users/get_current_account", "Authorization", "Bearer SECRET",
			`{"account_id":"dbid:AAH4f99","name":{"display_name":"Ada"},"email":"a@example.com"}`, 401, `{"error_summary":"expired_access_token/","error":{".tag":"expired_access_token"}}`, "account dbid:AAH4f99"),
		simple("box", "box-developer-token", "{{rand 32 alnum}}", "GET", "/2.0/users/me", "Authorization", "Bearer SECRET",
			`{"type":"user","id":"11446498","name":"Ada","login":"ada@example.com"}`, 401, ``, "login ada@example.com"),
		simple("contentful", "contentful-personal-access-token", "CFPAT-{{rand 43 b64url}}", "GET", "/users/me", "Authorization", "Bearer SECRET",
			`{"firstName":"Ada","sys":{"type":"User","id":"7BslKh9TdKGOK41VmLDjFZ"}}`, 401, `{"sys":{"type":"Error","id":"AccessTokenInvalid"}}`, "user 7BslKh9TdKGOK41VmLDjFZ"),
		simple("intercom", "intercom-access-token", "dG9rOj{{rand 54 b64}}", "GET", "/me", "Accept", "application/json",
			`{"type":"admin","id":"991267","name":"Ada","app":{"type":"app","id_code":"this_is_an_id","name":"Acme Inbox"}}`, 401, `{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`, "app Acme Inbox"),
		simple("launchdarkly", "launchdarkly-access-token", "api-{{uuid}}", "GET", "/api/v2/caller-identity", "Authorization", "SECRET",
			`{"accountId":"a1","tokenName":"ci","tokenKind":"auth","serviceToken":true}`, 401, `{"code":"unauthorized","message":"Invalid access token"}`, "token ci, kind auth"),
		simple("shortcut", "shortcut-api-token", "{{uuid}}", "GET", "/api/v3/member", "Shortcut-Token", "SECRET",
			`{"id":"m1","name":"Ada","mention_name":"ada","workspace2":{"url_slug":"acme"}}`, 401, `{"message":"Unauthorized"}`, "member ada"),
		simple("square", "square-access-token", "EAAA{{rand 60 b64url}}", "GET", "/v2/merchants/me", "Authorization", "Bearer SECRET",
			`{"merchant":{"id":"DM7VKY8Q63GNP","business_name":"Acme Coffee","status":"ACTIVE"}}`, 401, `{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED"}]}`, "business Acme Coffee",
			refined(Refine{Env: scope.EnvProduction})),
	)
}
