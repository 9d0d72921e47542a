package verify

import (
	"context"
	"fmt"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// OpenAI: https://platform.openai.com/docs/api-reference/models/list
// https://platform.openai.com/docs/api-reference/projects/list
// Anthropic: https://docs.anthropic.com/en/api/models-list
// https://docs.anthropic.com/en/api/admin-api/organization/get-me
// Hugging Face: https://huggingface.co/docs/huggingface.js/hub/interfaces/AuthInfo
func init() {
	register(&Verifier{
		Name:     "openai",
		Provider: "OpenAI",
		RuleIDs:  []string{"openai-project-key", "openai-service-account-key", "openai-legacy-key"},
		Hosts:    []string{"api.openai.com"},
		Request:  "GET https://api.openai.com/v1/models (Authorization: Bearer <key>)",
		Maps:     "200: live (the number of models listed in evidence); 403: live, a restricted key without model access; 401: invalid",
		Check:    checkOpenAI,
	})
	register(&Verifier{
		Name:     "openai-admin",
		Provider: "OpenAI",
		RuleIDs:  []string{"openai-admin-key"},
		Hosts:    []string{"api.openai.com"},
		Request:  "GET https://api.openai.com/v1/organization/projects?limit=1 (Authorization: Bearer <admin key>)",
		Maps:     "200: live, admin of the organization (org-wide); 401: invalid",
		Check:    checkOpenAIAdmin,
	})
	register(&Verifier{
		Name:     "anthropic",
		Provider: "Anthropic",
		RuleIDs:  []string{"anthropic-api-key"},
		Hosts:    []string{"api.anthropic.com"},
		Request:  "GET https://api.anthropic.com/v1/models (x-api-key: <key>, anthropic-version: 2023-06-01)",
		Maps:     "200: live; 403: live without model access; 401: invalid",
		Check:    checkAnthropic,
	})
	register(&Verifier{
		Name:     "anthropic-admin",
		Provider: "Anthropic",
		RuleIDs:  []string{"anthropic-admin-key"},
		Hosts:    []string{"api.anthropic.com"},
		Request:  "GET https://api.anthropic.com/v1/organizations/me (x-api-key: <admin key>, anthropic-version: 2023-06-01)",
		Maps:     "200: live, admin of the organization named in evidence (org-wide); 401: invalid",
		Check:    checkAnthropicAdmin,
	})
	register(&Verifier{
		Name:     "huggingface",
		Provider: "Hugging Face",
		RuleIDs:  []string{"huggingface-token"},
		Hosts:    []string{"huggingface.co"},
		Request:  "GET https://huggingface.co/api/whoami-v2 (Authorization: Bearer <token>)",
		Maps: "200: live; auth.accessToken.role sets access (read: read; write: write, can delete the user's models, datasets " +
			"and Spaces; fineGrained: kept, permissions per repository); orgs make it org-wide; expiresAt sets the expiry. 401: invalid",
		Check: checkHuggingFace,
	})
}

func checkOpenAI(ctx context.Context, c *Call, cred Credential) Result {
	return listModels(ctx, c, bearer(cred.Secret),
		"HTTP 401 invalid_api_key (revoked, deleted or never valid)",
		"HTTP 403: the key authenticates but may not list models (restricted key)")
}

// listModels asks GET /v1/models, as OpenAI and Anthropic both serve it:
// 200 lists the models the key may use, 401 and 403 say what the issuer's
// answers mean (invalid, forbidden).
func listModels(ctx context.Context, c *Call, hdr []string, invalid, forbidden string) Result {
	const what = "GET /v1/models"
	r, err := c.Get(ctx, "/v1/models", hdr...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var m struct {
			Data []struct{} `json:"data"`
		}
		if err := r.JSON(&m); err != nil {
			return failed(err)
		}
		return Live(fmt.Sprintf("%s: HTTP 200, %d models", what, len(m.Data)))
	case 401:
		return Invalid(what + ": " + invalid)
	case 403:
		return Live(what + ": " + forbidden)
	}
	return unexpected(what, r)
}

func checkOpenAIAdmin(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v1/organization/projects"
	r, err := c.Get(ctx, "/v1/organization/projects?limit=1", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var m struct {
			Object string `json:"object"`
		}
		if err := r.JSON(&m); err != nil {
			return failed(err)
		}
		res := Live(what + ": HTTP 200: an organization admin key")
		res.Refine.Access, res.Refine.Reach = scope.AccessAdmin, scope.ReachOrg
		return res
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, deleted or never valid)")
	case 403:
		return Live(what + ": HTTP 403: the key authenticates but may not list projects")
	}
	return unexpected(what, r)
}

func anthropicHeaders(secret string) []string {
	return []string{"x-api-key", secret, "anthropic-version", "2023-06-01"}
}

func checkAnthropic(ctx context.Context, c *Call, cred Credential) Result {
	return listModels(ctx, c, anthropicHeaders(cred.Secret),
		"HTTP 401 authentication_error (disabled, deleted or never valid)",
		"HTTP 403 permission_error: the key authenticates but may not list models")
}

func checkAnthropicAdmin(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /v1/organizations/me"
	r, err := c.Get(ctx, "/v1/organizations/me", anthropicHeaders(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
		var o struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if err := r.JSON(&o); err != nil || o.ID == "" {
			return Unknown(what + ": HTTP 200 without an id (malformed reply)")
		}
		res := Live(what + ": HTTP 200, organization " + clean(o.Name))
		res.Refine.Access, res.Refine.Reach = scope.AccessAdmin, scope.ReachOrg
		return res
	case 401:
		return Invalid(what + ": HTTP 401 authentication_error (disabled, deleted or never valid)")
	case 403:
		return Live(what + ": HTTP 403 permission_error: the key authenticates but is not an admin key")
	}
	return unexpected(what, r)
}

func checkHuggingFace(ctx context.Context, c *Call, cred Credential) Result {
	const what = "GET /api/whoami-v2"
	r, err := c.Get(ctx, "/api/whoami-v2", bearer(cred.Secret)...)
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
	case 401:
		return Invalid(what + ": HTTP 401 (revoked, expired or never valid)")
	default:
		return unexpected(what, r)
	}
	var w struct {
		Type string `json:"type"`
		Name string `json:"name"`
		Orgs []struct {
			Name string `json:"name"`
		} `json:"orgs"`
		Auth struct {
			Type        string `json:"type"`
			AccessToken *struct {
				DisplayName string `json:"displayName"`
				Role        string `json:"role"`
			} `json:"accessToken"`
			ExpiresAt string `json:"expiresAt"`
		} `json:"auth"`
	}
	if err := r.JSON(&w); err != nil || w.Name == "" {
		return Unknown(what + ": HTTP 200 without a name (malformed reply)")
	}
	res := Live(what + ": HTTP 200, " + clean(w.Type) + " " + clean(w.Name))
	rf := &res.Refine
	rf.Reach = scope.ReachAccount
	if len(w.Orgs) > 0 {
		rf.Reach = scope.ReachOrg
		res.Evidence = append(res.Evidence, fmt.Sprintf("member of %d organizations", len(w.Orgs)))
	}
	if at := w.Auth.AccessToken; at != nil {
		res.Evidence = append(res.Evidence, "token "+clean(at.DisplayName)+", role "+clean(at.Role))
		switch at.Role {
		case "read":
			rf.Access = scope.AccessRead
			rf.Destructive = ptr(false)
		case "write":
			rf.Access = scope.AccessWrite
			rf.Destructive = ptr(true)
			rf.DestroysWhat = "the user's models, datasets and Spaces"
		}
	}
	if w.Auth.ExpiresAt != "" {
		if t, ok := parseTime(w.Auth.ExpiresAt); ok {
			expiry(rf, t)
		}
	}
	return res
}
