package scope

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// MaxJWTLen bounds the tokens DecodeJWT reads; longer input is left alone.
const MaxJWTLen = 16 << 10

// JWTClaims are the registered and common claims of a JWT payload that say
// something about privilege, as decoded by ParseJWT.
type JWTClaims struct {
	Alg      string
	Issuer   string
	Subject  string
	Audience []string
	// Exp and Iat are zero when the claim is absent.
	Exp, Iat time.Time
	Role     string
	Roles    []string
	Scopes   []string
	// Ref is Supabase's project reference claim.
	Ref string
	// Kubernetes service-account claims.
	K8sNamespace, K8sServiceAccount string
}

// jwtPayload mirrors the JSON shape; loosely typed claims are RawMessage.
type jwtPayload struct {
	Iss   json.RawMessage `json:"iss"`
	Sub   json.RawMessage `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Exp   json.RawMessage `json:"exp"`
	Iat   json.RawMessage `json:"iat"`
	Role  json.RawMessage `json:"role"`
	Roles json.RawMessage `json:"roles"`
	Scope json.RawMessage `json:"scope"`
	Scp   json.RawMessage `json:"scp"`
	Ref   json.RawMessage `json:"ref"`
	K8s   json.RawMessage `json:"kubernetes.io"`

	K8sLegacyNS   json.RawMessage `json:"kubernetes.io/serviceaccount/namespace"`
	K8sLegacyName json.RawMessage `json:"kubernetes.io/serviceaccount/service-account.name"`
}

// ParseJWT splits a compact JWS (header.payload.signature), checks that the
// header is a JSON object with "alg", and decodes the payload's claims. It
// does not verify the signature. ok is false when s is not such a token.
func ParseJWT(s string) (c JWTClaims, ok bool) {
	if len(s) > MaxJWTLen {
		return c, false
	}
	h, rest, found := strings.Cut(s, ".")
	if !found {
		return c, false
	}
	p, sig, found := strings.Cut(rest, ".")
	if !found || strings.Contains(sig, ".") {
		return c, false
	}
	hb, err := b64url(h)
	if err != nil {
		return c, false
	}
	var hdr struct {
		Alg *string `json:"alg"`
	}
	if json.Unmarshal(hb, &hdr) != nil || hdr.Alg == nil {
		return c, false
	}
	c.Alg = *hdr.Alg
	pb, err := b64url(p)
	if err != nil {
		return c, false
	}
	var pl jwtPayload
	if json.Unmarshal(pb, &pl) != nil {
		return c, false
	}
	c.Issuer, c.Subject, c.Ref = str(pl.Iss), str(pl.Sub), str(pl.Ref)
	c.Audience = stringList(pl.Aud)
	c.Exp = numericDate(pl.Exp)
	c.Iat = numericDate(pl.Iat)
	if r := stringList(pl.Role); len(r) == 1 {
		c.Role = r[0]
	} else {
		c.Roles = append(c.Roles, r...)
	}
	c.Roles = append(c.Roles, stringList(pl.Roles)...)
	c.Scopes = append(spaceList(pl.Scope), spaceList(pl.Scp)...)
	if len(pl.K8s) > 0 {
		var k8s struct {
			Namespace      json.RawMessage `json:"namespace"`
			ServiceAccount struct {
				Name json.RawMessage `json:"name"`
			} `json:"serviceaccount"`
		}
		if json.Unmarshal(pl.K8s, &k8s) == nil {
			c.K8sNamespace, c.K8sServiceAccount = str(k8s.Namespace), str(k8s.ServiceAccount.Name)
		}
	}
	if c.K8sNamespace == "" {
		c.K8sNamespace, c.K8sServiceAccount = str(pl.K8sLegacyNS), str(pl.K8sLegacyName)
	}
	return c, true
}

// str reads a claim that should be a string; numbers are kept as written,
// anything else is "".
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func b64url(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	return base64.RawURLEncoding.DecodeString(s)
}

// numericDate reads a JWT NumericDate (seconds, possibly fractional).
func numericDate(raw json.RawMessage) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || math.IsNaN(f) || f <= 0 || f > 1e11 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

// stringList reads a claim that is a string or an array of strings.
func stringList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// spaceList reads an OAuth scope claim: a space-separated string or a list.
func spaceList(raw json.RawMessage) []string {
	var out []string
	for _, s := range stringList(raw) {
		out = append(out, strings.Fields(s)...)
	}
	return out
}

// DecodeJWT reads JWT claims (exp, iat, iss, sub, aud, role, scope) and
// refines base with them, judging expiry against the current time.
func DecodeJWT(secret string, base Scope) Scope { return DecodeJWTAt(secret, base, time.Now()) }

// DecodeJWTAt is DecodeJWT with the current time given.
func DecodeJWTAt(secret string, base Scope, now time.Time) Scope {
	c, ok := ParseJWT(secret)
	if !ok {
		return base
	}
	s := base.Clone()
	s.Confidence = ConfidenceDecoded
	ev := func(format string, a ...any) { s.Evidence = append(s.Evidence, fmt.Sprintf(format, a...)) }

	switch {
	case !c.Exp.IsZero() && !c.Exp.After(now):
		s.Lifetime = LifetimeExpired
		t := c.Exp
		s.ExpiresAt = &t
		ev("JWT claim exp=%s: expired", c.Exp.Format(time.RFC3339))
	case !c.Exp.IsZero():
		t := c.Exp
		s.ExpiresAt = &t
		if !c.Iat.IsZero() && c.Exp.Sub(c.Iat) <= 24*time.Hour {
			s.Lifetime = LifetimeEphemeral
		} else {
			s.Lifetime = LifetimeExpiring
		}
		ev("JWT claim exp=%s", c.Exp.Format(time.RFC3339))
	default:
		s.Lifetime = LifetimeLongLived
		ev("JWT has no exp claim: does not expire by itself")
	}
	if c.Issuer != "" {
		ev("JWT claim iss=%s", clip(c.Issuer))
	}

	roles := c.Roles
	if c.Role != "" {
		roles = append([]string{c.Role}, roles...)
	}
	supabase := c.Ref != "" || strings.Contains(strings.ToLower(c.Issuer), "supabase")
	switch {
	case c.Role == "service_role":
		s.Access = AccessAdmin
		s.Reach = ReachProject
		s.Destructive = true
		s.DestroysWhat = "every table of the project (bypasses row-level security)"
		ev("JWT claim role=service_role: Supabase service key, bypasses row-level security")
	case c.Role == "anon" && (supabase || c.Subject == ""):
		s.Access = AccessNone
		s.Reach = ReachProject
		s.Destructive = false
		s.DestroysWhat = ""
		ev("JWT claim role=anon: public anonymous key, meant to ship in clients")
	case len(roles) > 0:
		ev("JWT roles: %s", clip(strings.Join(roles, " ")))
		if anyWord(roles, "admin", "owner", "superuser", "root") {
			s.Access = AccessAdmin
		}
	}
	if c.Role == "authenticated" && supabase {
		s.Access = AccessWrite
		s.Reach = ReachResource
		ev("JWT claim role=authenticated: one Supabase user's session")
	}

	if len(c.Scopes) > 0 {
		sc := append([]string(nil), c.Scopes...)
		sort.Strings(sc)
		ev("JWT scopes: %s", clip(strings.Join(sc, " ")))
		if s.Access == AccessUnknown || s.Access == "" {
			switch {
			case anyWord(sc, "admin", "owner", "root", "sudo", "full_access"):
				s.Access = AccessAdmin
			case anyWord(sc, "write", "delete", "manage", "create", "update", "modify"):
				s.Access = AccessWrite
			case anyWord(sc, "read", "readonly", "view", "list", "get"):
				s.Access = AccessRead
			}
		}
	}

	if c.K8sNamespace != "" || strings.Contains(c.Issuer, "kubernetes/serviceaccount") {
		ns, name := c.K8sNamespace, c.K8sServiceAccount
		if ns == "" && strings.HasPrefix(c.Subject, "system:serviceaccount:") {
			parts := strings.SplitN(strings.TrimPrefix(c.Subject, "system:serviceaccount:"), ":", 2)
			if len(parts) == 2 {
				ns, name = parts[0], parts[1]
			}
		}
		ev("Kubernetes service account %s/%s: rights are its RBAC bindings", clip(ns), clip(name))
		if ns == "kube-system" {
			ev("namespace kube-system: cluster components' accounts are often highly privileged")
		}
		if s.Reach == ReachUnknown || s.Reach == "" {
			s.Reach = ReachProject
		}
	}
	if len(c.Audience) > 0 {
		ev("JWT claim aud=%s", clip(strings.Join(c.Audience, " ")))
	}
	if c.Subject != "" && len(c.Subject) <= 64 {
		ev("JWT claim sub=%s", c.Subject)
	}
	return s
}

// anyWord reports whether any item, split on non-letters, has one of the
// words.
func anyWord(items []string, words ...string) bool {
	for _, it := range items {
		for _, f := range strings.FieldsFunc(strings.ToLower(it), func(r rune) bool {
			return (r < 'a' || r > 'z') && r != '_'
		}) {
			for _, w := range words {
				if f == w {
					return true
				}
			}
		}
	}
	return false
}

// clip bounds a decoded string put into evidence.
func clip(s string) string {
	const n = 120
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
