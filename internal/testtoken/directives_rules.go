package testtoken

// rulesDirectives are the template directives owned by the rules work.
//
//	{{pypi-token}}                    a pypi- macaroon restricted to one user (account-wide)
//	{{pypi-token project NAME}}       a pypi- macaroon restricted to project NAME
//	{{pypi-token test}}               the same for test.pypi.org
//	{{azure-sas PERMS}}               an Azure SAS query string (sv=...&sig=...) with sp=PERMS
//	{{uuid}}                          a random lower-case UUID
var rulesDirectives = map[string]directiveFunc{
	"pypi-token": rulesPyPIToken,
	"azure-sas":  rulesAzureSAS,
	"uuid":       func(g *Gen, _ []string) (string, error) { return rulesUUID(g), nil },
}
