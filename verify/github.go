package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// GitHub: https://docs.github.com/en/rest/users/users#get-the-authenticated-user
// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
// https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation
func init() {
	register(&Verifier{
		Name:     "github",
		Provider: "GitHub",
		RuleIDs:  []string{"github-classic-pat", "github-fine-grained-pat", "github-oauth-token", "github-app-user-token", "gh-cli-oauth-token"},
		Hosts:    []string{"api.github.com"},
		Request:  "GET https://api.github.com/user (Authorization: Bearer <token>)",
		Maps: "200: live; the login names the owner; X-OAuth-Scopes (classic and OAuth tokens) sets access " +
			"(admin:org/admin:enterprise/site_admin: admin, org-wide; repo/public_repo/workflow/write:*: write; else read) " +
			"and destructive (delete_repo: repositories; delete:packages: packages); no scopes header (fine-grained, App user " +
			"tokens): permissions are not listed, scope kept; GitHub-Authentication-Token-Expiration sets the expiry. 401: invalid",
		SelfHosted: true,
		Check:      checkGitHubUser,
	})
	register(&Verifier{
		Name:     "github-app",
		Provider: "GitHub",
		RuleIDs:  []string{"github-app-installation-token", "github-app-installation-token-v2"},
		Hosts:    []string{"api.github.com"},
		Request:  "GET https://api.github.com/installation/repositories?per_page=1 (Authorization: Bearer <token>)",
		Maps: "200: live; total_count sets reach (1 repository: resource; more: org); GitHub-Authentication-Token-Expiration " +
			"sets the expiry. 401: invalid",
		SelfHosted: true,
		Family:     "github",
		Check:      checkGitHubInstallation,
	})
}

func githubHeaders(secret string) []string {
	return append(bearer(secret), "Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28")
}

func checkGitHubUser(ctx context.Context, c *Call, cred Credential) Result {
	if res, ok := otherHost(c, cred, "github.com", "github"); ok {
		return res
	}
	r, err := c.Get(ctx, "/user", githubHeaders(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch {
	case r.Status == 401:
		return Invalid("GET /user: HTTP 401 Bad credentials (revoked, expired or never valid)")
	case r.Status == 403 && r.Header.Get("X-RateLimit-Remaining") == "0":
		return Unknown("GET /user: rate-limited (HTTP 403, X-RateLimit-Remaining: 0)")
	case r.Status == 403:
		return Live("GET /user: HTTP 403: the token authenticates but may not read its user")
	case r.Status != 200:
		return unexpected("GET /user", r)
	}
	var u struct {
		Login     string `json:"login"`
		Type      string `json:"type"`
		SiteAdmin bool   `json:"site_admin"`
	}
	if err := r.JSON(&u); err != nil || u.Login == "" {
		return Unknown("GET /user: HTTP 200 without a login (malformed reply)")
	}
	res := Live("GET /user: HTTP 200, login " + clean(u.Login))
	if v := r.Header.Get("GitHub-Authentication-Token-Expiration"); v != "" {
		if t, ok := parseTime(v); ok {
			expiry(&res.Refine, t)
			res.Evidence = append(res.Evidence, "GitHub-Authentication-Token-Expiration: "+clean(v))
		}
	}
	raw, has := r.Header["X-Oauth-Scopes"]
	if !has {
		res.Evidence = append(res.Evidence, "no X-OAuth-Scopes header: fine-grained permissions are not listed by the API")
		return res
	}
	scopes := splitList(strings.Join(raw, ","))
	res.Evidence = append(res.Evidence, "X-OAuth-Scopes: "+clean(strings.Join(scopes, ", ")))
	mapGitHubScopes(&res.Refine, scopes, u.SiteAdmin)
	return res
}

// mapGitHubScopes turns classic OAuth scopes into a scope.
func mapGitHubScopes(rf *Refine, scopes []string, siteAdmin bool) {
	has := func(s ...string) bool {
		for _, x := range s {
			if slices.Contains(scopes, x) {
				return true
			}
		}
		return false
	}
	rf.Reach = scope.ReachAccount
	switch {
	case has("admin:org", "admin:enterprise", "site_admin") || siteAdmin:
		rf.Access = scope.AccessAdmin
		rf.Reach = scope.ReachOrg
	case has("repo", "public_repo", "workflow", "write:packages", "write:org", "admin:repo_hook", "admin:public_key", "gist", "codespace", "project", "write:discussion"):
		rf.Access = scope.AccessWrite
	default:
		rf.Access = scope.AccessRead
	}
	var what []string
	if has("delete_repo") {
		what = append(what, "repositories")
	}
	if has("delete:packages") {
		what = append(what, "packages")
	}
	if has("admin:org") {
		what = append(what, "organization teams and members")
	}
	rf.Destructive = ptr(len(what) > 0)
	if len(what) > 0 {
		rf.DestroysWhat = strings.Join(what, ", ")
	}
}

func checkGitHubInstallation(ctx context.Context, c *Call, cred Credential) Result {
	r, err := c.Get(ctx, "/installation/repositories?per_page=1", githubHeaders(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
	case 401:
		return Invalid("GET /installation/repositories: HTTP 401 Bad credentials (expired or revoked)")
	case 403:
		return Live("GET /installation/repositories: HTTP 403: the token authenticates but may not list repositories")
	default:
		return unexpected("GET /installation/repositories", r)
	}
	var body struct {
		TotalCount *int `json:"total_count"`
	}
	if err := r.JSON(&body); err != nil || body.TotalCount == nil {
		return Unknown("GET /installation/repositories: HTTP 200 without total_count (malformed reply)")
	}
	res := Live(fmt.Sprintf("GET /installation/repositories: HTTP 200, %d repositories", *body.TotalCount))
	if *body.TotalCount <= 1 {
		res.Refine.Reach = scope.ReachResource
	} else {
		res.Refine.Reach = scope.ReachOrg
	}
	if v := r.Header.Get("GitHub-Authentication-Token-Expiration"); v != "" {
		if t, ok := parseTime(v); ok {
			expiry(&res.Refine, t)
		}
	}
	return res
}
