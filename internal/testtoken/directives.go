package testtoken

// Template directives beyond rand, github and npm. Each takes the generator
// and the directive's arguments. Every area of the code keeps its own map
// (in its own file) so that work on one does not touch another's.
type directiveFunc func(g *Gen, args []string) (string, error)

func directive(name string) (directiveFunc, bool) {
	for _, m := range []map[string]directiveFunc{rulesDirectives, codeDirectives, scopeDirectives} {
		if fn, ok := m[name]; ok {
			return fn, true
		}
	}
	return nil, false
}
