package verify

import (
	"context"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// Slack: https://docs.slack.dev/reference/methods/auth.test
func init() {
	register(&Verifier{
		Name:     "slack",
		Provider: "Slack",
		RuleIDs:  []string{"slack-bot-token", "slack-user-token"},
		Hosts:    []string{"slack.com"},
		Request:  "POST https://slack.com/api/auth.test (Authorization: Bearer <token>)",
		Maps: "ok true: live, workspace-wide (org-wide with enterprise_id); team and user in evidence; the X-OAuth-Scopes " +
			"header, when sent, sets access (admin*: admin; *:write, chat:write and the like: write; else read). " +
			"ok false with invalid_auth, token_revoked, token_expired, account_inactive, not_authed: invalid",
		Check: checkSlack,
	})
}

func checkSlack(ctx context.Context, c *Call, cred Credential) Result {
	const what = "POST /api/auth.test"
	r, err := c.Post(ctx, "/api/auth.test", []byte{}, append(bearer(cred.Secret), "Content-Type", "application/x-www-form-urlencoded")...)
	if err != nil {
		return failed(err)
	}
	if r.Status != 200 {
		return unexpected(what, r)
	}
	var a struct {
		OK           bool   `json:"ok"`
		Error        string `json:"error"`
		Team         string `json:"team"`
		User         string `json:"user"`
		BotID        string `json:"bot_id"`
		EnterpriseID string `json:"enterprise_id"`
	}
	if err := r.JSON(&a); err != nil {
		return failed(err)
	}
	if !a.OK {
		switch a.Error {
		case "invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed", "no_authed":
			return Invalid(what + ": ok false, error " + clean(a.Error))
		case "":
			return Unknown(what + ": ok false without an error (malformed reply)")
		}
		return Unknown(what + ": ok false, error " + clean(a.Error))
	}
	res := Live(what + ": ok, team " + clean(a.Team) + ", user " + clean(a.User))
	rf := &res.Refine
	rf.Reach = scope.ReachAccount
	if a.EnterpriseID != "" {
		rf.Reach = scope.ReachOrg
		res.Evidence = append(res.Evidence, "enterprise_id "+clean(a.EnterpriseID))
	}
	if raw, ok := r.Header["X-Oauth-Scopes"]; ok {
		scopes := splitList(strings.Join(raw, ","))
		res.Evidence = append(res.Evidence, "X-OAuth-Scopes: "+clean(strings.Join(scopes, ", ")))
		switch {
		case slices.ContainsFunc(scopes, func(s string) bool { return strings.HasPrefix(s, "admin") }):
			rf.Access = scope.AccessAdmin
		case slices.ContainsFunc(scopes, func(s string) bool {
			return strings.HasSuffix(s, ":write") || s == "chat:write" || s == "files:write" || s == "client" || s == "post"
		}):
			rf.Access = scope.AccessWrite
		default:
			rf.Access = scope.AccessRead
		}
	}
	return res
}
