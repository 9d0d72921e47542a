package testtoken

import (
	"fmt"
	"strings"
	"time"
)

// farFuture is the fixed expiry directives use, so rule examples stay
// deterministic and unexpired.
func farFuture() time.Time { return time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) }

// scopeDirectives are the template directives owned by the scope work:
//
//	{{pypi}}                 account-wide PyPI token (no caveats)
//	{{pypi PROJECT...}}      PyPI token limited to the projects
//	{{flyv1 org|deploy|readonly}}  FlyV1 header value with two fm2_ tokens
//	{{sas-url K=V...}}       SAS URL; keys sp, ss, srt, sr, si, account, path
var scopeDirectives = map[string]directiveFunc{
	"pypi": func(g *Gen, args []string) (string, error) {
		if len(args) == 0 {
			return g.PyPI("pypi.org", PyPIUser(g.UUID())), nil
		}
		return g.PyPI("pypi.org", PyPIProjects(args...), PyPIUser(g.UUID())), nil
	},
	"flyv1": func(g *Gen, args []string) (string, error) {
		kind := "org"
		if len(args) > 0 {
			kind = args[0]
		}
		org := uint64(g.r.IntN(1 << 20))
		login := []FlyCaveat{FlyConfineOrg(org), FlyValidity(farFuture().AddDate(-20, 0, 0), farFuture())}
		switch kind {
		case "org":
			return g.FlyToken([]FlyCaveat{FlyOrg(org, FlyAll), g.Fly3P("https://api.fly.io/aaa/v1")}, login), nil
		case "deploy":
			return g.FlyToken([]FlyCaveat{FlyOrg(org, FlyRead), FlyApps(FlyAll, uint64(g.r.IntN(1<<20))), g.Fly3P("https://api.fly.io/aaa/v1")}, login), nil
		case "readonly":
			return g.FlyToken([]FlyCaveat{FlyOrg(org, FlyRead), g.Fly3P("https://api.fly.io/aaa/v1")}, login), nil
		}
		return "", fmt.Errorf("want {{flyv1 org|deploy|readonly}}, got %q", kind)
	},
	"sas-url": func(g *Gen, args []string) (string, error) {
		s := SAS{Account: "acct" + g.Rand(8, "lalnum"), Expiry: farFuture()}
		for _, a := range args {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				return "", fmt.Errorf("want K=V, got %q", a)
			}
			switch k {
			case "sp":
				s.SP = v
			case "ss":
				s.SS = v
			case "srt":
				s.SRT = v
			case "sr":
				s.SR = v
			case "si":
				s.SI = v
			case "account":
				s.Account = v
			case "path":
				s.Path = v
			default:
				return "", fmt.Errorf("unknown SAS key %q", k)
			}
		}
		return g.SASURL(s), nil
	},
}
