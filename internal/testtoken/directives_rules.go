package testtoken

import (
	"encoding/base64"
	"fmt"
)

// rulesDirectives are the template directives owned by the rules work.
// Rule examples also use the scope work's {{pypi}}, {{flyv1}} and
// {{azure-sas}}.
//
//	{{uuid}}        a random version-4 UUID (Railway and Heroku tokens by context)
//	{{basic USER}}  base64 of USER:password, a random 16-character password
//	                (an HTTP Basic Authorization value)
var rulesDirectives = map[string]directiveFunc{
	"uuid": func(g *Gen, _ []string) (string, error) { return g.UUID(), nil },
	"basic": func(g *Gen, args []string) (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("want {{basic USER}}")
		}
		return base64.StdEncoding.EncodeToString([]byte(args[0] + ":" + g.Rand(16, "alnum"))), nil
	},
}
