package verify

import (
	"net/http"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

func init() {
	fixtures = append(fixtures,
		simple("rubygems", "rubygems-api-key", "rubygems_{{rand 48 hex}}", "GET", "/api/v1/gems.json", "Authorization", "SECRET",
			`[{"name":"rails"},{"name":"rack"}]`, 401, `Access Denied. Please sign up for an account at https://rubygems.org`, "gems owned: 2"),
		simple("hetzner", "hetzner-cloud-token", "{{rand 64 alnum}}", "GET", "/v1/locations?per_page=1", "Authorization", "Bearer SECRET",
			`{"locations":[{"id":1,"name":"fsn1"}],"meta":{"pagination":{"total_entries":6}}}`, 401, `{"error":{"code":"unauthorized","message":"unable to authenticate"}}`, "locations listed: 1",
			refined(Refine{Reach: scope.ReachProject})),
		simple("prefect", "prefect-user-api-key", "pnu_{{rand 36 alnum}}", "GET", "/api/me/", "Authorization", "Bearer SECRET",
			`{"id":"a1","handle":"ada","email":"a@example.com"}`, 401, `{"detail":"Invalid authentication credentials"}`, "actor a1, handle ada"),
		simple("apify", "apify-api-token", "apify_api_{{rand 36 alnum}}", "GET", "/v2/users/me", "Authorization", "Bearer SECRET",
			`{"data":{"id":"u1","username":"ada"}}`, 401, `{"error":{"type":"token-not-valid"}}`, "username ada"),
		simple("calcom", "calcom-api-key", "cal_live_{{rand 32 hex}}", "GET", "/v2/me", "Authorization", "Bearer SECRET",
			`{"status":"success","data":{"id":1,"username":"ada"}}`, 401, `{"status":"error","error":{"code":"UNAUTHORIZED"}}`, "username ada"),
		simple("calendly", "calendly-token", "eyJ{{rand 60 b64url}}.eyJ{{rand 100 b64url}}.{{rand 43 b64url}}", "GET", "/users/me", "Authorization", "Bearer SECRET",
			`{"resource":{"name":"Ada Lovelace","uri":"https://api.calendly.com/users/AAA"}}`, 401, `{"title":"Unauthenticated","message":"The access token is invalid"}`, "user Ada Lovelace"),
		simple("fireworks", "fireworks-api-key", "fw_{{rand 24 alnum}}", "GET", "/inference/v1/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"accounts/fireworks/models/llama"}]}`, 401, `{"error":{"message":"Unauthorized"}}`, "models listed: 1"),
		simple("cerebras", "cerebras-api-key", "csk-{{rand 48 lalnum}}", "GET", "/v1/models", "Authorization", "Bearer SECRET",
			`{"object":"list","data":[{"id":"llama3.1-8b"}]}`, 401, `{"message":"Wrong API Key","type":"invalid_request_error"}`, "models listed: 1"),
		fixture{
			verifier: "resend", rule: "resend-api-key", secret: rand("re_{{rand 8 alnum}}_{{rand 24 alnum}}"),
			request: expect("GET", "/domains", "Authorization", "Bearer SECRET"),
			live: func(w http.ResponseWriter) {
				jsonReply(w, 401, `{"statusCode":401,"name":"restricted_api_key","message":"This API key is restricted to only send emails"}`)
			},
			revoked: func(w http.ResponseWriter) {
				jsonReply(w, 401, `{"statusCode":401,"name":"validation_error","message":"API key is invalid"}`)
			},
			check: func(t *testing.T, r Result) {
				hasEvidence(t, r, "sending-only")
				refined(Refine{Access: scope.AccessWrite, Destructive: ptr(false)})(t, r)
			},
		},
	)
}
