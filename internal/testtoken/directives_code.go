package testtoken

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// codeDirectives are the template directives owned by the code work:
//
//	{{jwt K=V...}}        HS256 JWT with the given claims. Values that
//	                      parse as integers are numbers; exp=+DURATION and
//	                      exp=-DURATION (also iat) are relative to now;
//	                      exp=far is 2099-01-01. Example:
//	                      {{jwt role=service_role iss=supabase ref=abc exp=far}}
//	{{privatekey KIND}}   a generated private key (see PrivateKeyKinds), with
//	                      real newlines
var codeDirectives = map[string]directiveFunc{
	"jwt": func(g *Gen, args []string) (string, error) {
		claims, err := ParseClaims(args, time.Now())
		if err != nil {
			return "", err
		}
		return g.JWT(claims), nil
	},
	"privatekey": func(g *Gen, args []string) (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("want {{privatekey KIND}}")
		}
		return g.PrivateKey(args[0])
	},
}

// ParseClaims turns K=V arguments into JWT claims (see {{jwt}}).
func ParseClaims(args []string, now time.Time) (map[string]any, error) {
	claims := map[string]any{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("want K=V, got %q", a)
		}
		switch {
		case (k == "exp" || k == "iat" || k == "nbf") && v == "far":
			claims[k] = farFuture().Unix()
		case (k == "exp" || k == "iat" || k == "nbf") && (strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-")):
			d, err := time.ParseDuration(v)
			if err != nil {
				return nil, fmt.Errorf("claim %s: %w", k, err)
			}
			claims[k] = now.Add(d).Unix()
		default:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				claims[k] = n
			} else {
				claims[k] = v
			}
		}
	}
	return claims, nil
}
