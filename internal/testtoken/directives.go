package testtoken

// extra lists template directives beyond rand, github and npm. Each takes
// the generator and the directive's arguments. Add new token builders here
// (JWTs, macaroons, SAS URLs, keys) as methods on Gen and an entry below.
var extra = map[string]func(g *Gen, args []string) (string, error){}
