package verify

import (
	"context"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// GitLab: https://docs.gitlab.com/api/personal_access_tokens/#get-details-on-a-personal-access-token
// https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes
func init() {
	register(&Verifier{
		Name:     "gitlab",
		Provider: "GitLab",
		RuleIDs:  []string{"gitlab-pat"},
		Hosts:    []string{"gitlab.com"},
		Request:  "GET https://gitlab.com/api/v4/personal_access_tokens/self (PRIVATE-TOKEN: <token>)",
		Maps: "200 with active and not revoked: live; scopes set access (sudo/admin_mode: admin; api/write_repository/" +
			"write_registry/create_runner/manage_runner/ai_features: write; read_* only: read) and destructive (api: projects " +
			"and groups the user can delete); expires_at sets the expiry. 200 revoked or inactive, or 401: invalid",
		SelfHosted: true,
		Check:      checkGitLab,
	})
}

func checkGitLab(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /api/v4/personal_access_tokens/self"
	r, err := c.Get(ctx, "/api/v4/personal_access_tokens/self", "PRIVATE-TOKEN", cred.Secret)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, expired or never valid)")
	case 403:
		return Live(what + ": HTTP 403: the token authenticates but may not read itself")
	default:
		return unexpected(what, r)
	}
	var t struct {
		Name      string   `json:"name"`
		Scopes    []string `json:"scopes"`
		Active    *bool    `json:"active"`
		Revoked   bool     `json:"revoked"`
		ExpiresAt *string  `json:"expires_at"`
		UserID    int64    `json:"user_id"`
	}
	if err := r.JSON(&t); err != nil || t.Active == nil {
		return Unknown(what + ": HTTP 200 without active (malformed reply)")
	}
	if t.Revoked || !*t.Active {
		state := "inactive (expired)"
		if t.Revoked {
			state = "revoked"
		}
		return Invalid(what + ": token " + clean(t.Name) + " is " + state)
	}
	scopes := append([]string(nil), t.Scopes...)
	slices.Sort(scopes)
	res := Live(what+": HTTP 200, token "+clean(t.Name), "scopes: "+clean(strings.Join(scopes, ", ")))
	has := func(s ...string) bool {
		for _, x := range s {
			if slices.Contains(scopes, x) {
				return true
			}
		}
		return false
	}
	rf := &res.Refine
	switch {
	case has("sudo", "admin_mode"):
		rf.Access = scope.AccessAdmin
	case has("api", "write_repository", "write_registry", "write_virtual_registry", "create_runner", "manage_runner", "ai_features", "k8s_proxy"):
		rf.Access = scope.AccessWrite
	default:
		rf.Access = scope.AccessRead
	}
	rf.Destructive = ptr(has("api", "sudo"))
	if *rf.Destructive {
		rf.DestroysWhat = "projects and groups the user can delete"
	}
	if t.ExpiresAt != nil && *t.ExpiresAt != "" {
		if e, ok := parseTime(*t.ExpiresAt); ok {
			expiry(rf, e)
			res.Evidence = append(res.Evidence, "expires_at: "+clean(*t.ExpiresAt))
		}
	} else {
		rf.Lifetime = scope.LifetimeLongLived
		res.Evidence = append(res.Evidence, "expires_at: none")
	}
	return res
}
