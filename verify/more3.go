package verify

import (
	"context"
	"encoding/json"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

func init() {
	// https://guides.rubygems.org/rubygems-org-api/#gem-methods (GET /api/v1/gems: the gems you own)
	reg(&Verifier{
		Name: "rubygems", Provider: "RubyGems", RuleIDs: []string{"rubygems-api-key", "gem-api-key"}, Hosts: []string{"rubygems.org"},
		Request: "GET https://rubygems.org/api/v1/gems.json (Authorization: <key>)",
		Maps:    "200: live, the number of gems its owner can push in evidence; 401: invalid",
	}, probe{path: "/api/v1/gems.json", header: func(s string) []string { return []string{"Authorization", s} },
		fields: []field{{".", "gems owned:"}}})

	// https://docs.hetzner.cloud/reference/cloud#locations-get-all-locations
	reg(&Verifier{
		Name: "hetzner", Provider: "Hetzner", RuleIDs: []string{"hetzner-cloud-token"}, Hosts: []string{"api.hetzner.cloud"},
		Request: "GET https://api.hetzner.cloud/v1/locations?per_page=1 (Authorization: Bearer <token>)",
		Maps:    "200: live (a token reaches one project, read-only or read-write: the call does not say which); 401: invalid",
	}, probe{path: "/v1/locations?per_page=1", header: bearer, fields: []field{{"locations", "locations listed:"}},
		refine: Refine{Reach: scope.ReachProject}})

	// https://app.prefect.cloud/api/docs (GET /api/me/)
	reg(&Verifier{
		Name: "prefect", Provider: "Prefect", RuleIDs: []string{"prefect-user-api-key", "prefect-service-account-key"}, Hosts: []string{"api.prefect.cloud"},
		Request: "GET https://api.prefect.cloud/api/me/ (Authorization: Bearer <key>)",
		Maps:    "200: live, the actor's id in evidence; 401: invalid",
	}, probe{path: "/api/me/", header: bearer, fields: []field{{"id", "actor"}, {"handle", "handle"}}})

	// https://docs.apify.com/api/v2/users-me-get
	reg(&Verifier{
		Name: "apify", Provider: "Apify", RuleIDs: []string{"apify-api-token"}, Hosts: []string{"api.apify.com"},
		Request: "GET https://api.apify.com/v2/users/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the username in evidence (a token acts as its user: account-wide); 401: invalid",
	}, probe{path: "/v2/users/me", header: bearer, fields: []field{{"data.username", "username"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://cal.com/docs/api-reference/v2/me/get-my-profile
	reg(&Verifier{
		Name: "calcom", Provider: "Cal.com", RuleIDs: []string{"calcom-api-key"}, Hosts: []string{"api.cal.com"},
		Request: "GET https://api.cal.com/v2/me (Authorization: Bearer <key>)",
		Maps:    "200: live, the username in evidence; 401: invalid",
	}, probe{path: "/v2/me", header: bearer, fields: []field{{"data.username", "username"}}})

	// https://developer.calendly.com/api-docs/005832c83aeae-get-current-user
	reg(&Verifier{
		Name: "calendly", Provider: "Calendly", RuleIDs: []string{"calendly-token"}, Hosts: []string{"api.calendly.com"},
		Request: "GET https://api.calendly.com/users/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the user's name in evidence; 401: invalid",
	}, probe{path: "/users/me", header: bearer, fields: []field{{"resource.name", "user"}}})

	// https://docs.fireworks.ai/api-reference/list-models (OpenAI-compatible /v1/models)
	reg(&Verifier{
		Name: "fireworks", Provider: "Fireworks AI", RuleIDs: []string{"fireworks-api-key"}, Hosts: []string{"api.fireworks.ai"},
		Request: "GET https://api.fireworks.ai/inference/v1/models (Authorization: Bearer <key>)",
		Maps:    "200: live; 401: invalid",
	}, probe{path: "/inference/v1/models", header: bearer, fields: []field{{"data", "models listed:"}}})

	// https://inference-docs.cerebras.ai/api-reference/models
	reg(&Verifier{
		Name: "cerebras", Provider: "Cerebras", RuleIDs: []string{"cerebras-api-key"}, Hosts: []string{"api.cerebras.ai"},
		Request: "GET https://api.cerebras.ai/v1/models (Authorization: Bearer <key>)",
		Maps:    "200: live; 401: invalid",
	}, probe{path: "/v1/models", header: bearer, fields: []field{{"data", "models listed:"}}})

	// https://resend.com/docs/api-reference/domains/list-domains ; https://resend.com/docs/api-reference/errors (restricted_api_key)
	register(&Verifier{
		Name: "resend", Provider: "Resend", RuleIDs: []string{"resend-api-key"}, Hosts: []string{"api.resend.com"},
		Request: "GET https://api.resend.com/domains (Authorization: Bearer <key>)",
		Maps: "200: live, a full-access key (admin, account-wide); 401 restricted_api_key: live, a sending-only key " +
			"(write, account-wide, cannot delete); other 401/403: invalid",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			const what = "GET /domains"
			r, err := c.Get(ctx, "/domains", bearer(cred.Secret)...)
			if err != nil {
				return failed(err)
			}
			var e struct {
				Name string `json:"name"`
			}
			switch r.Status {
			case 200:
				var d struct {
					Data []struct{} `json:"data"`
				}
				if err := r.JSON(&d); err != nil {
					return failed(err)
				}
				res := Live(what + ": HTTP 200, a full-access key")
				res.Refine = Refine{Access: scope.AccessAdmin, Reach: scope.ReachAccount}
				return res
			case 401, 403:
				if json.Unmarshal(r.Body, &e) == nil && e.Name == "restricted_api_key" {
					res := Live(what + ": restricted_api_key: a sending-only key")
					res.Refine = Refine{Access: scope.AccessWrite, Reach: scope.ReachAccount, Destructive: ptr(false)}
					return res
				}
				return Invalid(what + ": HTTP 401 (revoked or never valid)")
			}
			return unexpected(what, r)
		},
	})
}
