package verify

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// More issuers, each through its documented identity or key-info route.
// Every endpoint is cited beside its verifier.

func basic(user, pass string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

func reg(v *Verifier, p probe) {
	v.Check = p.check
	register(v)
}

var mailchimpDC = regexp.MustCompile(`-(us[0-9]{1,2})$`)

func mailchimpHosts() []string {
	var out []string
	for i := 1; i <= 30; i++ {
		out = append(out, fmt.Sprintf("us%d.api.mailchimp.com", i))
	}
	return out
}

func init() {
	// https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access
	reg(&Verifier{
		Name: "sendgrid", Provider: "SendGrid", RuleIDs: []string{"sendgrid-api-key"}, Hosts: []string{"api.sendgrid.com"},
		Request: "GET https://api.sendgrid.com/v3/scopes (Authorization: Bearer <key>)",
		Maps: "200: live; the key's scopes set access (api_keys.*, subusers.*, teammates.*: admin; any create/update/delete " +
			"or mail.send: write; else read) and destructive (any *.delete); 401/403: invalid",
	}, probe{path: "/v3/scopes", header: bearer, invalid: []int{401, 403}, fields: []field{{"scopes", "scopes:"}},
		read: func(doc any, _ *Response, res *Result) {
			sc := stringsAt(doc, "scopes")
			has := func(pred func(string) bool) bool { return slices.ContainsFunc(sc, pred) }
			switch {
			case has(func(s string) bool {
				return strings.HasPrefix(s, "api_keys.") || strings.HasPrefix(s, "subusers.") || strings.HasPrefix(s, "teammates.")
			}):
				res.Refine.Access = scope.AccessAdmin
			case has(func(s string) bool {
				return strings.HasSuffix(s, ".create") || strings.HasSuffix(s, ".update") || strings.HasSuffix(s, ".delete") || s == "mail.send"
			}):
				res.Refine.Access = scope.AccessWrite
			default:
				res.Refine.Access = scope.AccessRead
			}
			del := has(func(s string) bool { return strings.HasSuffix(s, ".delete") })
			res.Refine.Destructive = ptr(del)
			if del {
				res.Refine.DestroysWhat = "templates, contacts, lists and settings its scopes cover"
			}
		}})

	// https://www.twilio.com/docs/usage/api/account#fetch-an-account-resource
	sidRe := regexp.MustCompile(`^AC[0-9a-f]{32}$`)
	register(&Verifier{
		Name: "twilio", Provider: "Twilio", RuleIDs: []string{"twilio-auth-token"}, Hosts: []string{"api.twilio.com"},
		Request: "GET https://api.twilio.com/2010-04-01/Accounts/<attrs.account_sid>.json (HTTP Basic: account SID, auth token)",
		Maps: "200: live, the account's status and type in evidence (an auth token is the account's master credential: " +
			"admin, account-wide); 401: invalid. Sent only when the finding names the Account SID",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			sid := cred.Attrs["account_sid"]
			if !sidRe.MatchString(sid) {
				return Unknown("not sent: the finding names no Account SID (AC…)")
			}
			p := probe{path: "/2010-04-01/Accounts/" + sid + ".json", header: func(s string) []string { return basic(sid, s) },
				fields: []field{{"status", "status"}, {"type", "type"}},
				refine: Refine{Access: scope.AccessAdmin, Reach: scope.ReachAccount}}
			return p.check(ctx, c, cred)
		},
	})

	// https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Domains/
	mailgun := probe{path: "/v3/domains?limit=1", fields: []field{{"total_count", "domains"}}}
	register(&Verifier{
		Name: "mailgun", Provider: "Mailgun", RuleIDs: []string{"mailgun-api-key", "mailgun-private-key"},
		Hosts:   []string{"api.mailgun.net", "api.eu.mailgun.net"},
		Request: "GET https://api.mailgun.net/v3/domains?limit=1 (HTTP Basic: api, key); on 401 the same at api.eu.mailgun.net",
		Maps:    "200 in either region: live, the number of domains in evidence; 401 in both: invalid",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			p := mailgun
			p.header = func(s string) []string { return basic("api", s) }
			r := p.check(ctx, c, cred)
			if r.State != "invalid" || c.base.Host != "api.mailgun.net" {
				return r
			}
			p.path = "https://api.eu.mailgun.net/v3/domains?limit=1"
			eu := p.check(ctx, c, cred)
			if eu.State == "live" {
				eu.Evidence = append(eu.Evidence, "EU region")
			}
			return eu
		},
	})

	// https://docs.datadoghq.com/api/latest/authentication/#validate-api-key
	ddSites := []string{"api.datadoghq.com", "api.us3.datadoghq.com", "api.us5.datadoghq.com", "api.datadoghq.eu", "api.ap1.datadoghq.com", "api.ap2.datadoghq.com", "api.ddog-gov.com"}
	register(&Verifier{
		Name: "datadog", Provider: "Datadog", RuleIDs: []string{"datadog-api-key"}, Hosts: ddSites,
		Request: "GET https://api.datadoghq.com/api/v1/validate (DD-API-KEY: <key>), then each other Datadog site until one accepts it",
		Maps:    "valid true on a site: live, that site in evidence (an API key submits data: write, org-wide); 403 on every site: invalid",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			var last Result
			for _, site := range ddSites {
				p := probe{path: "https://" + site + "/api/v1/validate", header: func(s string) []string { return []string{"DD-API-KEY", s} },
					invalid: []int{403}, truth: "valid", refine: Refine{Access: scope.AccessWrite, Reach: scope.ReachOrg}}
				if site == ddSites[0] {
					p.path = "/api/v1/validate"
				}
				last = p.check(ctx, c, cred)
				if last.State != "invalid" {
					if last.State == "live" {
						last.Evidence = append(last.Evidence, "site "+site)
					}
					return last
				}
			}
			last.Evidence = []string{fmt.Sprintf("GET /api/v1/validate: HTTP 403 on all %d Datadog sites (revoked or never valid)", len(ddSites))}
			return last
		},
	})

	// https://developer.pagerduty.com/api-reference/ (Abilities: GET /abilities)
	reg(&Verifier{
		Name: "pagerduty", Provider: "PagerDuty", RuleIDs: []string{"pagerduty-api-key"}, Hosts: []string{"api.pagerduty.com"},
		Request: "GET https://api.pagerduty.com/abilities (Authorization: Token token=<key>)",
		Maps:    "200: live, the number of account abilities in evidence (read-only or full access is not shown); 401: invalid",
	}, probe{path: "/abilities", header: func(s string) []string {
		return []string{"Authorization", "Token token=" + s, "Accept", "application/vnd.pagerduty+json;version=2"}
	}, fields: []field{{"abilities", "abilities:"}}})

	// https://linear.app/developers/graphql (authentication: personal API keys without Bearer)
	linear := func(bearerPrefix bool) probe {
		return probe{method: "POST", path: "/graphql", body: `{"query":"{ viewer { id name } }"}`,
			header: func(s string) []string {
				if bearerPrefix {
					return bearer(s)
				}
				return []string{"Authorization", s}
			},
			invalid: []int{400, 401}, fields: []field{{"data.viewer.id", "viewer"}, {"data.viewer.name", "name"}},
			refine: Refine{Reach: scope.ReachOrg}}
	}
	reg(&Verifier{
		Name: "linear", Provider: "Linear", RuleIDs: []string{"linear-api-key"}, Hosts: []string{"api.linear.app"},
		Request: `POST https://api.linear.app/graphql {"query":"{ viewer { id name } }"} (Authorization: <key>)`,
		Maps:    "data.viewer: live, the workspace's data (org-wide); 400/401 authentication error: invalid",
	}, linear(false))
	reg(&Verifier{
		Name: "linear-oauth", Provider: "Linear", RuleIDs: []string{"linear-oauth-token"}, Hosts: []string{"api.linear.app"},
		Request: `POST https://api.linear.app/graphql {"query":"{ viewer { id name } }"} (Authorization: Bearer <token>)`,
		Maps:    "data.viewer: live (org-wide); 400/401 authentication error: invalid",
	}, linear(true))

	// https://developers.notion.com/reference/get-self
	reg(&Verifier{
		Name: "notion", Provider: "Notion", RuleIDs: []string{"notion-integration-token"}, Hosts: []string{"api.notion.com"},
		Request: "GET https://api.notion.com/v1/users/me (Authorization: Bearer <token>, Notion-Version: 2022-06-28)",
		Maps:    "200: live, the bot's workspace in evidence (it reaches the pages shared with it); 401: invalid",
	}, probe{path: "/v1/users/me", header: func(s string) []string { return append(bearer(s), "Notion-Version", "2022-06-28") },
		fields: []field{{"id", "bot user"}, {"bot.workspace_name", "workspace"}}})

	// https://learning.postman.com/docs/developer/postman-api/ (GET /me)
	reg(&Verifier{
		Name: "postman", Provider: "Postman", RuleIDs: []string{"postman-api-key"}, Hosts: []string{"api.getpostman.com"},
		Request: "GET https://api.getpostman.com/me (X-API-Key: <key>)",
		Maps:    "200: live, the username in evidence (a key acts as its user: account-wide); 401: invalid",
	}, probe{path: "/me", header: func(s string) []string { return []string{"X-API-Key", s} },
		fields: []field{{"user.username", "username"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://devcenter.heroku.com/articles/platform-api-reference#account-info
	reg(&Verifier{
		Name: "heroku", Provider: "Heroku", RuleIDs: []string{"heroku-api-key", "heroku-api-key-legacy", "netrc-heroku-token"}, Hosts: []string{"api.heroku.com"},
		Request: "GET https://api.heroku.com/account (Authorization: Bearer <key>, Accept: application/vnd.heroku+json; version=3)",
		Maps:    "200: live, the account id in evidence (the offline scope stands: an API key acts as its user); 401: invalid",
	}, probe{path: "/account", header: func(s string) []string {
		return append(bearer(s), "Accept", "application/vnd.heroku+json; version=3")
	}, fields: []field{{"id", "account"}}})

	// https://open-api.netlify.com/#tag/user/operation/getCurrentUser
	reg(&Verifier{
		Name: "netlify", Provider: "Netlify", RuleIDs: []string{"netlify-personal-access-token"}, Hosts: []string{"api.netlify.com"},
		Request: "GET https://api.netlify.com/api/v1/user (Authorization: Bearer <token>)",
		Maps:    "200: live, the user id in evidence (the offline scope stands); 401: invalid",
	}, probe{path: "/api/v1/user", header: bearer, fields: []field{{"id", "user"}}})

	// https://docs.doppler.com/reference/auth-me
	reg(&Verifier{
		Name: "doppler", Provider: "Doppler", Hosts: []string{"api.doppler.com"},
		RuleIDs: []string{"doppler-personal-token", "doppler-cli-token", "doppler-service-token", "doppler-service-account-token"},
		Request: "GET https://api.doppler.com/v3/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the token's type and workplace in evidence; 401: invalid",
	}, probe{path: "/v3/me", header: bearer, fields: []field{{"type", "type"}, {"workplace.name", "workplace"}}})

	// https://core.telegram.org/bots/api#getme
	reg(&Verifier{
		Name: "telegram", Provider: "Telegram", RuleIDs: []string{"telegram-bot-token"}, Hosts: []string{"api.telegram.org"},
		Request: "GET https://api.telegram.org/bot<token>/getMe (the token is part of the path, as the Bot API requires)",
		Maps:    "ok true: live, the bot's username in evidence (the bot's chats: account-wide); 401/404: invalid",
	}, probe{target: func(cred Credential) (string, string, bool) {
		if !regexp.MustCompile(`^[0-9]{6,12}:[0-9A-Za-z_-]{30,40}$`).MatchString(cred.Secret) {
			return "", "not a bot token's shape", false
		}
		return "/bot" + url.PathEscape(cred.Secret) + "/getMe", "", true
	}, path: "/bot{token}/getMe", invalid: []int{401, 404}, truth: "ok", fields: []field{{"result.username", "bot"}},
		refine: Refine{Reach: scope.ReachAccount}})

	// https://discord.com/developers/docs/resources/user#get-current-user
	reg(&Verifier{
		Name: "discord", Provider: "Discord", RuleIDs: []string{"discord-bot-token"}, Hosts: []string{"discord.com"},
		Request: "GET https://discord.com/api/v10/users/@me (Authorization: Bot <token>)",
		Maps:    "200: live, the bot's username in evidence; 401: invalid",
	}, probe{path: "/api/v10/users/@me", header: func(s string) []string { return []string{"Authorization", "Bot " + s} },
		fields: []field{{"username", "bot"}}})

	// https://circleci.com/docs/api/v2/index.html#operation/getCurrentUser
	reg(&Verifier{
		Name: "circleci", Provider: "CircleCI", RuleIDs: []string{"circleci-personal-token"}, Hosts: []string{"circleci.com"},
		Request: "GET https://circleci.com/api/v2/me (Circle-Token: <token>)",
		Maps:    "200: live, the login in evidence (a personal token acts as its user on every project: account-wide); 401: invalid",
	}, probe{path: "/api/v2/me", header: func(s string) []string { return []string{"Circle-Token", s} },
		fields: []field{{"login", "login"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://buildkite.com/docs/apis/rest-api/access-token
	reg(&Verifier{
		Name: "buildkite", Provider: "Buildkite", RuleIDs: []string{"buildkite-api-token"}, Hosts: []string{"api.buildkite.com"},
		Request: "GET https://api.buildkite.com/v2/access-token (Authorization: Bearer <token>)",
		Maps:    "200: live; scopes set access (write_*: write, read_* only: read; write_pipelines: can destroy pipelines); 401: invalid",
	}, probe{path: "/v2/access-token", header: bearer, fields: []field{{"scopes", "scopes:"}},
		read: func(doc any, _ *Response, res *Result) {
			sc := stringsAt(doc, "scopes")
			res.Evidence = append(res.Evidence, "scopes: "+clean(strings.Join(sc, ", ")))
			if slices.ContainsFunc(sc, func(s string) bool { return strings.HasPrefix(s, "write_") }) {
				res.Refine.Access = scope.AccessWrite
			} else {
				res.Refine.Access = scope.AccessRead
			}
			del := slices.Contains(sc, "write_pipelines")
			res.Refine.Destructive = ptr(del)
			if del {
				res.Refine.DestroysWhat = "pipelines"
			}
		}})
}

func init() {
	// AI APIs whose documented model list (or key route) answers any valid key.
	type ai struct {
		name, provider, rule, host, path, hdr string
		doc                                   string
	}
	for _, a := range []ai{
		{"groq", "Groq", "groq-api-key", "api.groq.com", "/openai/v1/models", "bearer", "https://console.groq.com/docs/api-reference#models-list"},
		{"mistral", "Mistral AI", "mistral-api-key", "api.mistral.ai", "/v1/models", "bearer", "https://docs.mistral.ai/api/#tag/models"},
		{"deepseek", "DeepSeek", "deepseek-api-key", "api.deepseek.com", "/models", "bearer", "https://api-docs.deepseek.com/api/list-models"},
		{"together", "Together AI", "together-api-key", "api.together.xyz", "/v1/models", "bearer", "https://docs.together.ai/reference/models-1"},
	} {
		_ = a.doc
		reg(&Verifier{
			Name: a.name, Provider: a.provider, RuleIDs: []string{a.rule}, Hosts: []string{a.host},
			Request: "GET https://" + a.host + a.path + " (Authorization: Bearer <key>)",
			Maps:    "200: live (the key may call the models its account may); 401: invalid",
		}, probe{path: a.path, header: bearer, fields: []field{{"data", "models listed:"}}})
	}

	// https://docs.x.ai/docs/api-reference#api-key
	reg(&Verifier{
		Name: "xai", Provider: "xAI", RuleIDs: []string{"xai-api-key"}, Hosts: []string{"api.x.ai"},
		Request: "GET https://api.x.ai/v1/api-key (Authorization: Bearer <key>)",
		Maps:    "200: live unless api_key_blocked, api_key_disabled or team_blocked (invalid); the key's acls in evidence; 400/401: invalid",
	}, probe{path: "/v1/api-key", header: bearer, invalid: []int{400, 401}, fields: []field{{"name", "key"}},
		read: func(doc any, _ *Response, res *Result) {
			for _, k := range []string{"api_key_blocked", "api_key_disabled", "team_blocked"} {
				if b, _ := lookup(doc, k).(bool); b {
					*res = Invalid("GET /v1/api-key: " + k)
					return
				}
			}
			if acls := stringsAt(doc, "acls"); len(acls) > 0 {
				res.Evidence = append(res.Evidence, "acls: "+clean(strings.Join(acls, ", ")))
			}
		}})

	// https://openrouter.ai/docs/api-reference/api-keys/get-current-key
	reg(&Verifier{
		Name: "openrouter", Provider: "OpenRouter", RuleIDs: []string{"openrouter-api-key"}, Hosts: []string{"openrouter.ai"},
		Request: "GET https://openrouter.ai/api/v1/key (Authorization: Bearer <key>)",
		Maps:    "200: live, the key's label and spending limit in evidence; 401: invalid",
	}, probe{path: "/api/v1/key", header: bearer, fields: []field{{"data.label", "label"}, {"data.limit", "limit"}, {"data.usage", "usage"}}})

	// https://replicate.com/docs/reference/http#accounts.get
	reg(&Verifier{
		Name: "replicate", Provider: "Replicate", RuleIDs: []string{"replicate-api-token"}, Hosts: []string{"api.replicate.com"},
		Request: "GET https://api.replicate.com/v1/account (Authorization: Bearer <token>)",
		Maps:    "200: live, the account's type and username in evidence (account-wide); 401: invalid",
	}, probe{path: "/v1/account", header: bearer, fields: []field{{"username", "username"}, {"type", "type"}}, refine: Refine{Reach: scope.ReachAccount}})

	// https://docs.cohere.com/reference/checkapikey
	reg(&Verifier{
		Name: "cohere", Provider: "Cohere", RuleIDs: []string{"cohere-api-key"}, Hosts: []string{"api.cohere.com"},
		Request: "POST https://api.cohere.com/v1/check-api-key (Authorization: Bearer <key>)",
		Maps:    "valid true: live, the organization in evidence; valid false or 401: invalid",
	}, probe{method: "POST", path: "/v1/check-api-key", header: bearer, truth: "valid", fields: []field{{"organization_name", "organization"}}})

	// https://elevenlabs.io/docs/api-reference/user/get
	reg(&Verifier{
		Name: "elevenlabs", Provider: "ElevenLabs", RuleIDs: []string{"elevenlabs-api-key"}, Hosts: []string{"api.elevenlabs.io"},
		Request: "GET https://api.elevenlabs.io/v1/user (xi-api-key: <key>)",
		Maps:    "200: live, the subscription tier in evidence; 401: invalid",
	}, probe{path: "/v1/user", header: func(s string) []string { return []string{"xi-api-key", s} },
		fields: []field{{"user_id", "user"}, {"subscription.tier", "tier"}}})

	// https://developers.deepgram.com/reference/management-api/projects/list
	reg(&Verifier{
		Name: "deepgram", Provider: "Deepgram", RuleIDs: []string{"deepgram-api-key"}, Hosts: []string{"api.deepgram.com"},
		Request: "GET https://api.deepgram.com/v1/projects (Authorization: Token <key>)",
		Maps:    "200: live, the number of projects in evidence; 401/403: invalid",
	}, probe{path: "/v1/projects", header: func(s string) []string { return []string{"Authorization", "Token " + s} },
		invalid: []int{401, 403}, fields: []field{{"projects", "projects:"}}})

	// https://docs.pinecone.io/reference/api/latest/control-plane/list_indexes
	reg(&Verifier{
		Name: "pinecone", Provider: "Pinecone", RuleIDs: []string{"pinecone-api-key"}, Hosts: []string{"api.pinecone.io"},
		Request: "GET https://api.pinecone.io/indexes (Api-Key: <key>, X-Pinecone-API-Version: 2025-04)",
		Maps:    "200: live, the number of indexes in evidence (a project key can delete them: project-wide, destructive); 401: invalid",
	}, probe{path: "/indexes", header: func(s string) []string { return []string{"Api-Key", s, "X-Pinecone-API-Version", "2025-04"} },
		fields: []field{{"indexes", "indexes:"}}, refine: Refine{Reach: scope.ReachProject, Destructive: ptr(true), DestroysWhat: "the project's indexes"}})
}

func init() {
	// https://api-docs.render.com/reference/list-owners
	reg(&Verifier{
		Name: "render", Provider: "Render", RuleIDs: []string{"render-api-key"}, Hosts: []string{"api.render.com"},
		Request: "GET https://api.render.com/v1/owners?limit=1 (Authorization: Bearer <key>)",
		Maps:    "200: live, the first workspace in evidence (the offline scope stands); 401: invalid",
	}, probe{path: "/v1/owners?limit=1", header: bearer, fields: []field{{"0.owner.name", "workspace"}}})

	// https://www.vultr.com/api/#tag/account/operation/get-account
	reg(&Verifier{
		Name: "vultr", Provider: "Vultr", RuleIDs: []string{"vultr-api-key"}, Hosts: []string{"api.vultr.com"},
		Request: "GET https://api.vultr.com/v2/account (Authorization: Bearer <key>)",
		Maps: "200: live; the account's acls set access (manage_users or billing: admin; subscriptions or dns: write, " +
			"can destroy instances; else read); 401: invalid",
	}, probe{path: "/v2/account", header: bearer, fields: []field{{"account.name", "account"}},
		read: func(doc any, _ *Response, res *Result) {
			acls := stringsAt(doc, "account.acls")
			res.Evidence = append(res.Evidence, "acls: "+clean(strings.Join(acls, ", ")))
			res.Refine.Reach = scope.ReachAccount
			switch {
			case slices.Contains(acls, "manage_users") || slices.Contains(acls, "billing"):
				res.Refine.Access = scope.AccessAdmin
			case slices.Contains(acls, "subscriptions") || slices.Contains(acls, "dns"):
				res.Refine.Access = scope.AccessWrite
			default:
				res.Refine.Access = scope.AccessRead
			}
			if slices.Contains(acls, "subscriptions") || slices.Contains(acls, "manage_users") {
				res.Refine.Destructive = ptr(true)
				res.Refine.DestroysWhat = "instances, block storage and snapshots"
			}
		}})

	// https://techdocs.akamai.com/linode-api/reference/get-profile (X-OAuth-Scopes on every reply)
	reg(&Verifier{
		Name: "linode", Provider: "Linode (Akamai)", RuleIDs: []string{"linode-token"}, Hosts: []string{"api.linode.com"},
		Request: "GET https://api.linode.com/v4/profile (Authorization: Bearer <token>)",
		Maps:    "200: live, the username in evidence; X-OAuth-Scopes * (or any :read_write) sets write and destructive; only :read_only: read; 401: invalid",
	}, probe{path: "/v4/profile", header: bearer, fields: []field{{"username", "username"}},
		read: func(_ any, r *Response, res *Result) {
			v, ok := r.Header["X-Oauth-Scopes"]
			if !ok {
				return
			}
			sc := splitList(strings.Join(v, ","))
			res.Evidence = append(res.Evidence, "X-OAuth-Scopes: "+clean(strings.Join(sc, ", ")))
			res.Refine.Reach = scope.ReachAccount
			if slices.Contains(sc, "*") || slices.ContainsFunc(sc, func(s string) bool { return strings.HasSuffix(s, ":read_write") }) {
				res.Refine.Access = scope.AccessWrite
				res.Refine.Destructive = ptr(true)
				res.Refine.DestroysWhat = "Linodes, volumes and what else its scopes cover"
				if slices.Contains(sc, "*") {
					res.Refine.Access = scope.AccessAdmin
				}
			} else {
				res.Refine.Access = scope.AccessRead
				res.Refine.Destructive = ptr(false)
			}
		}})

	// https://www.pulumi.com/docs/pulumi-cloud/reference/cloud-rest-api/ (GET /api/user, as pulumi whoami)
	reg(&Verifier{
		Name: "pulumi", Provider: "Pulumi", RuleIDs: []string{"pulumi-access-token"}, Hosts: []string{"api.pulumi.com"},
		Request: "GET https://api.pulumi.com/api/user (Authorization: token <token>)",
		Maps:    "200: live, the user's login and organizations in evidence; 401: invalid",
	}, probe{path: "/api/user", header: func(s string) []string {
		return []string{"Authorization", "token " + s, "Accept", "application/vnd.pulumi+8"}
	}, fields: []field{{"githubLogin", "login"}, {"organizations", "organizations:"}}})

	// https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account#get-your-account-details
	reg(&Verifier{
		Name: "terraform", Provider: "HCP Terraform", RuleIDs: []string{"terraform-cloud-token", "terraform-cli-token"}, Hosts: []string{"app.terraform.io"},
		Request: "GET https://app.terraform.io/api/v2/account/details (Authorization: Bearer <token>)",
		Maps:    "200: live, the username in evidence; 401: invalid. A CLI token of another host (Terraform Enterprise) is not sent",
	}, probe{gate: "app.terraform.io", path: "/api/v2/account/details", header: func(s string) []string {
		return append(bearer(s), "Content-Type", "application/vnd.api+json")
	}, fields: []field{{"data.attributes.username", "username"}}})

	// https://developers.asana.com/reference/getuser (users/me)
	reg(&Verifier{
		Name: "asana", Provider: "Asana", RuleIDs: []string{"asana-personal-access-token"}, Hosts: []string{"app.asana.com"},
		Request: "GET https://app.asana.com/api/1.0/users/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the number of workspaces in evidence (a PAT acts as its user: account-wide); 401: invalid",
	}, probe{path: "/api/1.0/users/me", header: bearer, fields: []field{{"data.gid", "user"}, {"data.workspaces", "workspaces:"}},
		refine: Refine{Reach: scope.ReachAccount}})

	// https://airtable.com/developers/web/api/get-user-id-scopes
	reg(&Verifier{
		Name: "airtable", Provider: "Airtable", RuleIDs: []string{"airtable-personal-access-token"}, Hosts: []string{"api.airtable.com"},
		Request: "GET https://api.airtable.com/v0/meta/whoami (Authorization: Bearer <token>)",
		Maps:    "200: live; scopes set access (any :write or :manage: write; else read; schema.bases:write can destroy tables and fields); 401: invalid",
	}, probe{path: "/v0/meta/whoami", header: bearer, fields: []field{{"id", "user"}},
		read: func(doc any, _ *Response, res *Result) {
			sc := stringsAt(doc, "scopes")
			if len(sc) == 0 {
				return
			}
			res.Evidence = append(res.Evidence, "scopes: "+clean(strings.Join(sc, ", ")))
			if slices.ContainsFunc(sc, func(s string) bool { return strings.HasSuffix(s, ":write") || strings.HasSuffix(s, ":manage") }) {
				res.Refine.Access = scope.AccessWrite
			} else {
				res.Refine.Access = scope.AccessRead
			}
			del := slices.Contains(sc, "schema.bases:write")
			res.Refine.Destructive = ptr(del)
			if del {
				res.Refine.DestroysWhat = "tables and fields"
			}
		}})

	// https://www.figma.com/developers/api#get-me-endpoint
	reg(&Verifier{
		Name: "figma", Provider: "Figma", RuleIDs: []string{"figma-personal-access-token"}, Hosts: []string{"api.figma.com"},
		Request: "GET https://api.figma.com/v1/me (X-Figma-Token: <token>)",
		Maps:    "200: live, the handle in evidence; 401/403 (Figma answers 403 Invalid token): invalid",
	}, probe{path: "/v1/me", header: func(s string) []string { return []string{"X-Figma-Token", s} }, invalid: []int{401, 403},
		fields: []field{{"handle", "handle"}}})

	// https://developer.typeform.com/get-started/convert-keys-to-access-tokens/ ; https://www.typeform.com/developers/create/reference/retrieve-account/
	reg(&Verifier{
		Name: "typeform", Provider: "Typeform", RuleIDs: []string{"typeform-personal-access-token"}, Hosts: []string{"api.typeform.com"},
		Request: "GET https://api.typeform.com/me (Authorization: Bearer <token>)",
		Maps:    "200: live, the alias in evidence; 401/403: invalid",
	}, probe{path: "/me", header: bearer, invalid: []int{401, 403}, fields: []field{{"alias", "alias"}}})

	// https://docs.mapbox.com/api/accounts/tokens/#retrieve-a-token
	reg(&Verifier{
		Name: "mapbox", Provider: "Mapbox", RuleIDs: []string{"mapbox-secret-token"}, Hosts: []string{"api.mapbox.com"},
		Request: "GET https://api.mapbox.com/tokens/v2?access_token=<token> (the route reads the token from its query)",
		Maps: "code TokenValid: live, the token's scopes in evidence (any :write: write; tokens:write can mint tokens: admin; " +
			"any :delete or styles:write: destructive); TokenInvalid, TokenExpired, TokenRevoked or 401: invalid",
	}, probe{target: func(cred Credential) (string, string, bool) {
		return "/tokens/v2?access_token=" + url.QueryEscape(cred.Secret), "", true
	}, path: "/tokens/v2", fields: []field{{"code", "code"}},
		read: func(doc any, _ *Response, res *Result) {
			if c, _ := lookup(doc, "code").(string); c != "TokenValid" {
				*res = Invalid("GET /tokens/v2: code " + clean(c))
				return
			}
			sc := stringsAt(doc, "token.scopes")
			res.Evidence = append(res.Evidence, "scopes: "+clean(strings.Join(sc, ", ")))
			switch {
			case slices.Contains(sc, "tokens:write"):
				res.Refine.Access = scope.AccessAdmin
			case slices.ContainsFunc(sc, func(s string) bool { return strings.HasSuffix(s, ":write") }):
				res.Refine.Access = scope.AccessWrite
			default:
				res.Refine.Access = scope.AccessRead
			}
			del := slices.ContainsFunc(sc, func(s string) bool {
				return strings.HasSuffix(s, ":delete") || s == "styles:write" || s == "datasets:write"
			})
			res.Refine.Destructive = ptr(del)
			if del {
				res.Refine.DestroysWhat = "styles, datasets and tilesets its scopes cover"
			}
		}})

	// https://developers.hubspot.com/docs/api/settings/account-information-api
	reg(&Verifier{
		Name: "hubspot", Provider: "HubSpot", RuleIDs: []string{"hubspot-private-app-token"}, Hosts: []string{"api.hubapi.com"},
		Request: "GET https://api.hubapi.com/account-info/v3/details (Authorization: Bearer <token>)",
		Maps:    "200: live, the portal id in evidence (the account's CRM: account-wide); 401: invalid; 403: live without that scope",
	}, probe{path: "/account-info/v3/details", header: bearer, forbidden: []int{403}, fields: []field{{"portalId", "portal"}},
		refine: Refine{Reach: scope.ReachAccount}})

	// https://developers.brevo.com/reference/getaccount
	reg(&Verifier{
		Name: "brevo", Provider: "Brevo", RuleIDs: []string{"brevo-api-key"}, Hosts: []string{"api.brevo.com"},
		Request: "GET https://api.brevo.com/v3/account (api-key: <key>)",
		Maps:    "200: live, the company in evidence (an API key has the account's full API: admin, account-wide); 401: invalid",
	}, probe{path: "/v3/account", header: func(s string) []string { return []string{"api-key", s} },
		fields: []field{{"companyName", "company"}}, refine: Refine{Access: scope.AccessAdmin, Reach: scope.ReachAccount}})

	// https://postmarkapp.com/developer/api/server-api#get-server
	reg(&Verifier{
		Name: "postmark", Provider: "Postmark", RuleIDs: []string{"postmark-server-token"}, Hosts: []string{"api.postmarkapp.com"},
		Request: "GET https://api.postmarkapp.com/server (X-Postmark-Server-Token: <token>)",
		Maps:    "200: live, the server's name in evidence (one server: resource); 401: invalid",
	}, probe{path: "/server", header: func(s string) []string { return []string{"X-Postmark-Server-Token", s, "Accept", "application/json"} },
		fields: []field{{"Name", "server"}}, refine: Refine{Reach: scope.ReachResource}})
	reg(&Verifier{
		Name: "postmark-account", Provider: "Postmark", RuleIDs: []string{"postmark-account-token"}, Hosts: []string{"api.postmarkapp.com"},
		Request: "GET https://api.postmarkapp.com/servers?count=1&offset=0 (X-Postmark-Account-Token: <token>)",
		Maps:    "200: live, the number of servers in evidence (every server of the account: admin, account-wide); 401: invalid",
	}, probe{path: "/servers?count=1&offset=0", header: func(s string) []string {
		return []string{"X-Postmark-Account-Token", s, "Accept", "application/json"}
	}, fields: []field{{"TotalCount", "servers"}}, refine: Refine{Access: scope.AccessAdmin, Reach: scope.ReachAccount}})

	// https://mailchimp.com/developer/marketing/api/ping/
	register(&Verifier{
		Name: "mailchimp", Provider: "Mailchimp", RuleIDs: []string{"mailchimp-api-key"}, Hosts: mailchimpHosts(),
		Request: "GET https://us1.api.mailchimp.com/3.0/ping (HTTP Basic: any user, key), at the data centre the key names (-usN)",
		Maps:    "200 health_status: live (an API key has the account's full API: admin, account-wide); 401: invalid",
		Check: func(ctx context.Context, c *Call, cred Credential) Result {
			m := mailchimpDC.FindStringSubmatch(cred.Secret)
			if m == nil {
				return Unknown("not sent: the key names no data centre (-usN)")
			}
			p := probe{path: "https://" + m[1] + ".api.mailchimp.com/3.0/ping", header: func(s string) []string { return basic("tokenscope", s) },
				fields: []field{{"health_status", "health"}}, refine: Refine{Access: scope.AccessAdmin, Reach: scope.ReachAccount}}
			if c.base.Host == m[1]+".api.mailchimp.com" {
				p.path = "/3.0/ping"
			}
			return p.check(ctx, c, cred)
		},
	})

	// https://api.cloudsmith.io/v1/user/self/ (Cloudsmith API: user self)
	reg(&Verifier{
		Name: "cloudsmith", Provider: "Cloudsmith", RuleIDs: []string{"cloudsmith-api-key"}, Hosts: []string{"api.cloudsmith.io"},
		Request: "GET https://api.cloudsmith.io/v1/user/self/ (X-Api-Key: <key>)",
		Maps:    "authenticated true: live, the user's slug in evidence; authenticated false or 401: invalid",
	}, probe{path: "/v1/user/self/", header: func(s string) []string { return []string{"X-Api-Key", s} },
		truth: "authenticated", fields: []field{{"slug", "user"}}})

	// https://docs.gitlab.com/api/runners/#verify-authentication-for-a-registered-runner
	register(&Verifier{
		Name: "gitlab-runner", Provider: "GitLab", Family: "gitlab", SelfHosted: true,
		RuleIDs: []string{"gitlab-runner-token"}, Hosts: []string{"gitlab.com"},
		Request: `POST https://gitlab.com/api/v4/runners/verify {"token":"<token>"}`,
		Maps:    "200: live, the runner's id in evidence (it picks up jobs and their variables); 403: invalid",
		Check: probe{method: "POST", path: "/api/v4/runners/verify", invalid: []int{401, 403}, fields: []field{{"id", "runner"}}}.withBody(func(s string) string {
			return `{"token":` + jsonString(s) + `}`
		}),
	})
}

// withBody returns a Check that sends body(secret) instead of p.body.
func (p probe) withBody(body func(secret string) string) func(ctx context.Context, c *Call, cred Credential) Result {
	return func(ctx context.Context, c *Call, cred Credential) Result {
		q := p
		q.body = body(cred.Secret)
		return q.check(ctx, c, cred)
	}
}

func jsonString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, r)...)
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}
