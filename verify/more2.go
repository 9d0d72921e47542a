package verify

import (
	"context"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// fallback runs p at its own host, then, while the answer is invalid, at
// each of alts (regions of one issuer: an EU key is unknown to the US
// host); the first answer that is not invalid wins.
func fallback(p probe, alts ...string) func(ctx context.Context, c *Call, cred Credential) Result {
	return func(ctx context.Context, c *Call, cred Credential) Result {
		res := p.check(ctx, c, cred)
		for _, h := range alts {
			if res.State != "invalid" {
				return res
			}
			q := p
			q.path = "https://" + h + p.path
			res = q.check(ctx, c, cred)
			if res.State == "live" {
				res.Evidence = append(res.Evidence, "at "+h)
			}
		}
		return res
	}
}

func init() {
	// https://developer.hashicorp.com/vault/api-docs/auth/token#lookup-a-token-self
	register(&Verifier{
		Name: "vault", Provider: "HashiCorp Vault", EndpointOnly: true,
		RuleIDs: []string{"vault-service-token", "vault-batch-token", "vault-legacy-token", "vault-cli-token"},
		Request: "GET <--verify-endpoint vault=URL>/v1/auth/token/lookup-self (X-Vault-Token: <token>); nothing is sent without the endpoint",
		Maps: "200: live; data.policies in evidence (root: admin, can destroy every secret and the server's configuration); " +
			"expire_time sets the expiry; 403 (permission denied): invalid",
		Check: probe{path: "/v1/auth/token/lookup-self", header: func(s string) []string { return []string{"X-Vault-Token", s} },
			invalid: []int{401, 403}, fields: []field{{"data.display_name", "token"}, {"data.type", "type"}},
			read: func(doc any, _ *Response, res *Result) {
				pol := stringsAt(doc, "data.policies")
				res.Evidence = append(res.Evidence, "policies: "+clean(strings.Join(pol, ", ")))
				if containsStr(pol, "root") {
					res.Refine.Access = scope.AccessAdmin
					res.Refine.Reach = scope.ReachOrg
					res.Refine.Destructive = ptr(true)
					res.Refine.DestroysWhat = "every secret and the server's configuration"
				}
				if e, _ := lookup(doc, "data.expire_time").(string); e != "" {
					if t, ok := parseTime(e); ok {
						expiry(&res.Refine, t)
					}
				} else if ttl, ok := lookup(doc, "data.ttl").(float64); ok && ttl == 0 {
					res.Refine.Lifetime = scope.LifetimeLongLived
				}
			}}.check,
	})

	// https://docs.gitlab.com/api/jobs/#get-job-tokens-job
	register(&Verifier{
		Name: "gitlab-job", Provider: "GitLab", Family: "gitlab", SelfHosted: true,
		RuleIDs: []string{"gitlab-ci-job-token"}, Hosts: []string{"gitlab.com"},
		Request: "GET https://gitlab.com/api/v4/job (JOB-TOKEN: <token>)",
		Maps:    "200: live while its job runs, the job and project in evidence (one project: project-wide, short-lived); 401: invalid (the job ended)",
		Check: probe{path: "/api/v4/job", header: func(s string) []string { return []string{"JOB-TOKEN", s} },
			fields: []field{{"id", "job"}, {"pipeline.project_id", "project"}},
			refine: Refine{Reach: scope.ReachProject, Lifetime: scope.LifetimeEphemeral}}.check,
	})

	// https://docs.newrelic.com/docs/apis/nerdgraph/get-started/introduction-new-relic-nerdgraph/
	register(&Verifier{
		Name: "newrelic", Provider: "New Relic", RuleIDs: []string{"newrelic-user-key"}, Hosts: []string{"api.newrelic.com", "api.eu.newrelic.com"},
		Request: `POST https://api.newrelic.com/graphql {"query":"{ actor { user { email name } } }"} (API-Key: <key>); on 401/403 the same at api.eu.newrelic.com`,
		Maps:    "data.actor.user: live, the user in evidence (a user key acts as its user: account-wide); 401/403 in both regions: invalid",
		Check: fallback(probe{method: "POST", path: "/graphql", body: `{"query":"{ actor { user { email name } } }"}`,
			header: func(s string) []string { return []string{"API-Key", s} }, invalid: []int{401, 403},
			fields: []field{{"data.actor.user.name", "user"}}, refine: Refine{Reach: scope.ReachAccount}}, "api.eu.newrelic.com"),
	})

	// https://api-docs.honeycomb.io/api/auth
	register(&Verifier{
		Name: "honeycomb", Provider: "Honeycomb", Hosts: []string{"api.honeycomb.io", "api.eu1.honeycomb.io"},
		RuleIDs: []string{"honeycomb-configuration-key", "honeycomb-ingest-key", "honeycomb-ingest-key-classic"},
		Request: "GET https://api.honeycomb.io/1/auth (X-Honeycomb-Team: <key>); on 401 the same at api.eu1.honeycomb.io",
		Maps: "200: live; team and environment in evidence (one environment: project-wide); api_key_access sets access " +
			"(createDatasets, columns, boards, triggers or slos: write, columns can delete data columns; events only: write, ingest); 401 in both regions: invalid",
		Check: fallback(probe{path: "/1/auth", header: func(s string) []string { return []string{"X-Honeycomb-Team", s} },
			fields: []field{{"team.name", "team"}, {"environment.name", "environment"}},
			read: func(doc any, _ *Response, res *Result) {
				acc, _ := lookup(doc, "api_key_access").(map[string]any)
				var on []string
				for k, v := range acc {
					if b, _ := v.(bool); b {
						on = append(on, k)
					}
				}
				sortStrings(on)
				res.Evidence = append(res.Evidence, "api_key_access: "+clean(strings.Join(on, ", ")))
				res.Refine.Reach = scope.ReachProject
				if len(on) > 0 {
					res.Refine.Access = scope.AccessWrite
				} else {
					res.Refine.Access = scope.AccessRead
				}
				del := containsStr(on, "columns")
				res.Refine.Destructive = ptr(del)
				if del {
					res.Refine.DestroysWhat = "dataset columns"
				}
			}}, "api.eu1.honeycomb.io"),
	})

	// https://apidocs.snyk.io/ (Users: Get my user details, GET /self)
	reg(&Verifier{
		Name: "snyk", Provider: "Snyk", RuleIDs: []string{"snyk-api-token"}, Hosts: []string{"api.snyk.io"},
		Request: "GET https://api.snyk.io/rest/self?version=2024-10-15 (Authorization: token <token>)",
		Maps:    "200: live, the user's username in evidence (a token acts as its user: account-wide); 401: invalid",
	}, probe{path: "/rest/self?version=2024-10-15", header: func(s string) []string { return []string{"Authorization", "token " + s} },
		fields: []field{{"data.attributes.username", "username"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://docs.sentry.io/api/organizations/list-your-organizations/
	reg(&Verifier{
		Name: "sentry", Provider: "Sentry", RuleIDs: []string{"sentry-user-token"}, Hosts: []string{"sentry.io"},
		Request: "GET https://sentry.io/api/0/organizations/ (Authorization: Bearer <token>)",
		Maps:    "200: live, the number of organizations it reaches in evidence; 401: invalid",
	}, probe{path: "/api/0/organizations/", header: bearer, fields: []field{{".", "organizations:"}}})

	// https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
	reg(&Verifier{
		Name: "dropbox", Provider: "Dropbox", RuleIDs: []string{"dropbox-short-lived-token"}, Hosts: []string{"api.dropboxapi.com"},
		Request: "POST https://api.dropboxapi.com/2/users/get_current_account null (Authorization: Bearer <token>)",
		Maps:    "200: live, the account id in evidence (short-lived); 401 (expired_access_token, invalid_access_token): invalid",
	}, probe{method: "POST", path: "/2/users/get_current_account", body: "null", header: bearer,
		fields: []field{{"account_id", "account"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://developer.box.com/reference/get-users-me/
	reg(&Verifier{
		Name: "box", Provider: "Box", RuleIDs: []string{"box-developer-token"}, Hosts: []string{"api.box.com"},
		Request: "GET https://api.box.com/2.0/users/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the user's login in evidence (a developer token lasts an hour); 401: invalid",
	}, probe{path: "/2.0/users/me", header: bearer, fields: []field{{"login", "login"}}})

	// https://www.contentful.com/developers/docs/references/user-management-api/#/reference/users/user/get-the-authenticated-user
	reg(&Verifier{
		Name: "contentful", Provider: "Contentful", RuleIDs: []string{"contentful-personal-access-token"}, Hosts: []string{"api.contentful.com"},
		Request: "GET https://api.contentful.com/users/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the user's id in evidence (a CMA token acts as its user on every space: account-wide); 401: invalid",
	}, probe{path: "/users/me", header: bearer, fields: []field{{"sys.id", "user"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin
	reg(&Verifier{
		Name: "intercom", Provider: "Intercom", RuleIDs: []string{"intercom-access-token"}, Hosts: []string{"api.intercom.io"},
		Request: "GET https://api.intercom.io/me (Authorization: Bearer <token>, Accept: application/json)",
		Maps:    "200: live, the app's name in evidence (the workspace: account-wide); 401: invalid",
	}, probe{path: "/me", header: func(s string) []string { return append(bearer(s), "Accept", "application/json") },
		fields: []field{{"id", "admin"}, {"app.name", "app"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://launchdarkly.com/docs/api/other/get-caller-identity
	reg(&Verifier{
		Name: "launchdarkly", Provider: "LaunchDarkly", RuleIDs: []string{"launchdarkly-access-token"}, Hosts: []string{"app.launchdarkly.com"},
		Request: "GET https://app.launchdarkly.com/api/v2/caller-identity (Authorization: <token>)",
		Maps:    "200: live, the token's name and kind in evidence; 401: invalid",
	}, probe{path: "/api/v2/caller-identity", header: func(s string) []string { return []string{"Authorization", s} },
		fields: []field{{"tokenName", "token"}, {"tokenKind", "kind"}}})

	// https://developer.shortcut.com/api/rest/v3#Get-Current-Member-Info
	reg(&Verifier{
		Name: "shortcut", Provider: "Shortcut", RuleIDs: []string{"shortcut-api-token"}, Hosts: []string{"api.app.shortcut.com"},
		Request: "GET https://api.app.shortcut.com/api/v3/member (Shortcut-Token: <token>)",
		Maps:    "200: live, the member's mention name in evidence (the workspace: account-wide); 401: invalid",
	}, probe{path: "/api/v3/member", header: func(s string) []string { return []string{"Shortcut-Token", s} },
		fields: []field{{"mention_name", "member"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://developer.squareup.com/reference/square/merchants-api/retrieve-merchant (merchant_id "me")
	register(&Verifier{
		Name: "square", Provider: "Square", RuleIDs: []string{"square-access-token", "square-oauth-token-legacy"},
		Hosts:   []string{"connect.squareup.com", "connect.squareupsandbox.com"},
		Request: "GET https://connect.squareup.com/v2/merchants/me (Authorization: Bearer <token>); on 401 the same at connect.squareupsandbox.com",
		Maps:    "200: live, the merchant in evidence (production, or test at the sandbox host); 401 at both: invalid",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			p := probe{path: "/v2/merchants/me", header: func(s string) []string { return append(bearer(s), "Square-Version", "2025-01-23") },
				fields: []field{{"merchant.id", "merchant"}, {"merchant.business_name", "business"}}, refine: Refine{Env: scope.EnvProduction}}
			res := p.check(ctx, c, cred)
			if res.State != "invalid" || c.Custom() {
				return res
			}
			p.path = "https://connect.squareupsandbox.com" + p.path
			p.refine = Refine{Env: scope.EnvTest}
			return p.check(ctx, c, cred)
		},
	})
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortStrings(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
