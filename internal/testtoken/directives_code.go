package testtoken

// codeDirectives are the template directives owned by the code work.
var codeDirectives = map[string]directiveFunc{}
