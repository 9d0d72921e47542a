package testtoken

// scopeDirectives are the template directives owned by the scope work.
var scopeDirectives = map[string]directiveFunc{}
