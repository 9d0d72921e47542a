package testtoken

// rulesDirectives are the template directives owned by the rules work.
var rulesDirectives = map[string]directiveFunc{}
