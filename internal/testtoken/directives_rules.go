package testtoken

// rulesDirectives are the template directives owned by the rules work.
// Rule examples also use the scope work's {{pypi}}, {{flyv1}} and
// {{azure-sas}}.
//
//	{{uuid}}   a random version-4 UUID (Railway and Heroku tokens by context)
var rulesDirectives = map[string]directiveFunc{
	"uuid": func(g *Gen, _ []string) (string, error) { return g.UUID(), nil },
}
