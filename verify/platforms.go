package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// Stripe: https://docs.stripe.com/api/accounts/retrieve https://docs.stripe.com/keys#limit-access
// npm: https://docs.npmjs.com/cli/commands/npm-whoami
// Cloudflare: https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/
// DigitalOcean: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account
// Vercel: https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user
// Supabase: https://supabase.com/docs/reference/api/v1-list-all-projects
// Railway: https://docs.railway.com/integrations/api
// Docker Hub: https://docs.docker.com/reference/api/hub/latest/#tag/authentication-api/operation/AuthCreateAccessToken
func init() {
	register(&Verifier{
		Name:     "stripe",
		Provider: "Stripe",
		RuleIDs:  []string{"stripe-live-secret-key", "stripe-live-restricted-key", "stripe-test-secret-key", "stripe-test-restricted-key"},
		Hosts:    []string{"api.stripe.com"},
		Request:  "GET https://api.stripe.com/v1/account (Authorization: Bearer <key>)",
		Maps: "200: live, the account id in evidence; 403: live, a restricted key whose permissions leave out account " +
			"details; 401: invalid (expired, rolled or never valid)",
		Check: checkStripe,
	})
	register(&Verifier{
		Name:     "npm",
		Provider: "npm",
		RuleIDs:  []string{"npm-access-token"},
		Hosts:    []string{"registry.npmjs.org"},
		Request:  "GET https://registry.npmjs.org/-/whoami (Authorization: Bearer <token>)",
		Maps:     "200: live, the username in evidence (package permissions are not listed); 401/403: invalid",
		Check:    checkNpm,
	})
	register(&Verifier{
		Name:     "cloudflare",
		Provider: "Cloudflare",
		RuleIDs:  []string{"cloudflare-user-api-token"},
		Hosts:    []string{"api.cloudflare.com"},
		Request:  "GET https://api.cloudflare.com/client/v4/user/tokens/verify (Authorization: Bearer <token>)",
		Maps: "success and status active: live, expires_on sets the expiry; status disabled or expired, or 401: invalid. " +
			"Permissions are not listed by this call",
		Check: checkCloudflare,
	})
	register(&Verifier{
		Name:     "digitalocean",
		Provider: "DigitalOcean",
		RuleIDs:  []string{"digitalocean-pat", "digitalocean-oauth-token", "doctl-token"},
		Hosts:    []string{"api.digitalocean.com"},
		Request:  "GET https://api.digitalocean.com/v2/account (Authorization: Bearer <token>)",
		Maps:     "200: live, account status and team in evidence (scopes are not returned; the offline scope stands); 401: invalid",
		Check:    checkDigitalOcean,
	})
	register(&Verifier{
		Name:     "vercel",
		Provider: "Vercel",
		RuleIDs:  []string{"vercel-personal-token", "vercel-api-key", "vercel-integration-token", "vercel-app-access-token", "vercel-cli-token"},
		Hosts:    []string{"api.vercel.com"},
		Request:  "GET https://api.vercel.com/v2/user (Authorization: Bearer <token>)",
		Maps:     "200: live, the username in evidence (the offline scope stands); 401, or 403 with invalidToken: invalid",
		Check:    checkVercel,
	})
	register(&Verifier{
		Name:     "supabase",
		Provider: "Supabase",
		RuleIDs:  []string{"supabase-pat", "supabase-oauth-token", "supabase-cli-token"},
		Hosts:    []string{"api.supabase.com"},
		Request:  "GET https://api.supabase.com/v1/projects (Authorization: Bearer <token>)",
		Maps:     "200: live, the number of reachable projects in evidence (one project: project-wide; more: account-wide); 401: invalid",
		Check:    checkSupabase,
	})
	register(&Verifier{
		Name:     "railway",
		Provider: "Railway",
		RuleIDs:  []string{"railway-account-token", "railway-cli-token"},
		Hosts:    []string{"backboard.railway.com"},
		Request:  `POST https://backboard.railway.com/graphql/v2 {"query":"query { me { name email } }"} (Authorization: Bearer <token>)`,
		Maps: "data.me: live, an account token (account-wide); errors Not Authorized: unknown, since a workspace token " +
			"cannot ask me (it is no proof of revocation); 401: invalid",
		Check: checkRailwayAccount,
	})
	register(&Verifier{
		Name:     "railway-project",
		Provider: "Railway",
		RuleIDs:  []string{"railway-project-token", "railway-project-token-header"},
		Hosts:    []string{"backboard.railway.com"},
		Request:  `POST https://backboard.railway.com/graphql/v2 {"query":"query { projectToken { projectId environmentId } }"} (Project-Access-Token: <token>)`,
		Maps:     "data.projectToken: live, one environment of one project (resource); errors Not Authorized or 401: invalid",
		Check:    checkRailwayProject,
	})
	register(&Verifier{
		Name:     "dockerhub",
		Provider: "Docker Hub",
		RuleIDs:  []string{"dockerhub-pat", "dockerhub-org-token"},
		Hosts:    []string{"hub.docker.com"},
		Request:  `POST https://hub.docker.com/v2/auth/token {"identifier":"<user from the finding>","secret":"<token>"}`,
		Maps: "200 with access_token: live; 401: invalid. Sent only when the finding names the Docker ID (attrs.user, " +
			"as credential stores give it): without it the answer stays unknown",
		Check: checkDockerHub,
	})
}

func checkStripe(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v1/account"
	r, err := c.Get(ctx, "/v1/account", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var a struct {
			ID string `json:"id"`
		}
		if err := r.JSON(&a); err != nil || a.ID == "" {
			return Unknown(what + ": HTTP 200 without an id (malformed reply)")
		}
		return Live(what + ": HTTP 200, account " + clean(a.ID))
	case 401:
		return Invalid(what + ": HTTP 401 (expired, rolled or never valid)")
	case 403:
		return Live(what + ": HTTP 403: a restricted key; account details are not among its permissions")
	}
	return unexpected(what, r)
}

func checkNpm(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /-/whoami"
	r, err := c.Get(ctx, "/-/whoami", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var w struct {
			Username string `json:"username"`
		}
		if err := r.JSON(&w); err != nil || w.Username == "" {
			return Unknown(what + ": HTTP 200 without a username (malformed reply)")
		}
		return Live(what + ": HTTP 200, username " + clean(w.Username))
	case 401, 403:
		return Invalid(fmt.Sprintf("%s: HTTP %d (revoked, expired or never valid)", what, r.Status))
	}
	return unexpected(what, r)
}

func checkCloudflare(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /client/v4/user/tokens/verify"
	r, err := c.Get(ctx, "/client/v4/user/tokens/verify", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	if r.Status != 200 && r.Status != 401 && r.Status != 403 && r.Status != 400 {
		return unexpected(what, r)
	}
	var v struct {
		Success bool `json:"success"`
		Result  *struct {
			ID        string `json:"id"`
			Status    string `json:"status"`
			ExpiresOn string `json:"expires_on"`
		} `json:"result"`
	}
	if err := r.JSON(&v); err != nil {
		return failed(err)
	}
	if !v.Success || v.Result == nil {
		if r.Status == 200 {
			return Unknown(what + ": HTTP 200 without success (malformed reply)")
		}
		return Invalid(fmt.Sprintf("%s: HTTP %d, success false (invalid token)", what, r.Status))
	}
	switch v.Result.Status {
	case "active":
	case "disabled", "expired":
		return Invalid(what + ": status " + v.Result.Status)
	default:
		return Unknown(what + ": status " + clean(v.Result.Status))
	}
	res := Live(what + ": status active")
	if v.Result.ExpiresOn != "" {
		if t, ok := parseTime(v.Result.ExpiresOn); ok {
			expiry(&res.Refine, t)
			res.Evidence = append(res.Evidence, "expires_on "+clean(v.Result.ExpiresOn))
		}
	}
	return res
}

func checkDigitalOcean(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v2/account"
	r, err := c.Get(ctx, "/v2/account", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var a struct {
			Account *struct {
				Status string `json:"status"`
				Team   *struct {
					Name string `json:"name"`
				} `json:"team"`
			} `json:"account"`
		}
		if err := r.JSON(&a); err != nil || a.Account == nil {
			return Unknown(what + ": HTTP 200 without an account (malformed reply)")
		}
		res := Live(what + ": HTTP 200, account status " + clean(a.Account.Status))
		if a.Account.Team != nil && a.Account.Team.Name != "" {
			res.Evidence = append(res.Evidence, "team "+clean(a.Account.Team.Name))
		}
		return res
	case 401:
		return Invalid(what + ": HTTP 401 unable to authenticate (revoked, expired or never valid)")
	case 403:
		return Live(what + ": HTTP 403: the token authenticates but may not read the account")
	}
	return unexpected(what, r)
}

func checkVercel(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v2/user"
	r, err := c.Get(ctx, "/v2/user", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var u struct {
			User *struct {
				Username string `json:"username"`
			} `json:"user"`
		}
		if err := r.JSON(&u); err != nil || u.User == nil {
			return Unknown(what + ": HTTP 200 without a user (malformed reply)")
		}
		return Live(what + ": HTTP 200, username " + clean(u.User.Username))
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, expired or never valid)")
	case 403:
		var e struct {
			Error struct {
				InvalidToken bool `json:"invalidToken"`
			} `json:"error"`
		}
		if json.Unmarshal(r.Body, &e) == nil && e.Error.InvalidToken {
			return Invalid(what + ": HTTP 403, invalidToken (revoked, expired or never valid)")
		}
		return Live(what + ": HTTP 403: the token authenticates but may not read the user")
	}
	return unexpected(what, r)
}

func checkSupabase(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v1/projects"
	r, err := c.Get(ctx, "/v1/projects", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var ps []struct {
			ID string `json:"id"`
		}
		if err := r.JSON(&ps); err != nil {
			return failed(err)
		}
		res := Live(fmt.Sprintf("%s: HTTP 200, %d projects reachable", what, len(ps)))
		if len(ps) == 1 {
			res.Refine.Reach = scope.ReachProject
		} else if len(ps) > 1 {
			res.Refine.Reach = scope.ReachAccount
		}
		return res
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, expired or never valid)")
	case 403:
		return Live(what + ": HTTP 403: the token authenticates but may not list projects")
	}
	return unexpected(what, r)
}

type graphQLReply struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func (g *graphQLReply) notAuthorized() bool {
	for _, e := range g.Errors {
		m := strings.ToLower(e.Message)
		if strings.Contains(m, "not authorized") || strings.Contains(m, "unauthorized") || strings.Contains(m, "invalid token") {
			return true
		}
	}
	return false
}

func (g *graphQLReply) has(field string) bool {
	v, ok := g.Data[field]
	return ok && string(v) != "null"
}

func checkRailwayAccount(ctx context.Context, c *Call, cred Credential) Result {
	const what = "POST /graphql/v2 me"
	r, err := c.Post(ctx, "/graphql/v2", []byte(`{"query":"query { me { name email } }"}`), bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200, 400:
	case 401:
		return Invalid(what + ": HTTP 401 (revoked or never valid)")
	default:
		return unexpected(what, r)
	}
	var g graphQLReply
	if err := r.JSON(&g); err != nil {
		return failed(err)
	}
	if g.has("me") {
		res := Live(what + ": an account token (me answered)")
		res.Refine.Reach = scope.ReachAccount
		return res
	}
	if g.notAuthorized() {
		return Unknown(what + ": Not Authorized: revoked, or a workspace token (which cannot ask me)")
	}
	return Unknown(what + ": no data.me in the reply (malformed reply)")
}

func checkRailwayProject(ctx context.Context, c *Call, cred Credential) Result {
	const what = "POST /graphql/v2 projectToken"
	r, err := c.Post(ctx, "/graphql/v2", []byte(`{"query":"query { projectToken { projectId environmentId } }"}`), "Project-Access-Token", cred.Secret)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200, 400:
	case 401:
		return Invalid(what + ": HTTP 401 (revoked or never valid)")
	default:
		return unexpected(what, r)
	}
	var g graphQLReply
	if err := r.JSON(&g); err != nil {
		return failed(err)
	}
	if g.has("projectToken") {
		var pt struct {
			ProjectID     string `json:"projectId"`
			EnvironmentID string `json:"environmentId"`
		}
		_ = json.Unmarshal(g.Data["projectToken"], &pt)
		res := Live(what + ": project " + clean(pt.ProjectID) + ", environment " + clean(pt.EnvironmentID))
		res.Refine.Reach = scope.ReachResource
		return res
	}
	if g.notAuthorized() {
		return Invalid(what + ": Not Authorized (revoked or never valid)")
	}
	return Unknown(what + ": no data.projectToken in the reply (malformed reply)")
}

func checkDockerHub(ctx context.Context, c *Call, cred Credential) Result {
	const what = "POST /v2/auth/token"
	user := cred.Attrs["user"]
	if user == "" {
		return Unknown("not sent: Docker Hub checks a token with its Docker ID, which this finding does not name")
	}
	body, _ := json.Marshal(map[string]string{"identifier": user, "secret": cred.Secret})
	r, err := c.Post(ctx, "/v2/auth/token", body)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var t struct {
			AccessToken string `json:"access_token"`
		}
		if err := r.JSON(&t); err != nil || t.AccessToken == "" {
			return Unknown(what + ": HTTP 200 without access_token (malformed reply)")
		}
		return Live(what + ": HTTP 200, signed in as " + clean(user))
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, expired, or not this user's token)")
	}
	return unexpected(what, r)
}
