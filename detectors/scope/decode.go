package scope

// DecodeFunc refines a scope from the token itself. It must not panic, must
// be bounded in time and memory on any input, and returns base unchanged
// when the token tells nothing.
type DecodeFunc func(secret string, base Scope) Scope

// Decoder returns the offline decoder a rule names in its `decode` field.
func Decoder(name string) (DecodeFunc, bool) {
	switch name {
	case "jwt":
		return DecodeJWT, true
	case "pypi-macaroon":
		return DecodePyPIMacaroon, true
	case "fly-macaroon":
		return DecodeFlyMacaroon, true
	case "azure-sas":
		return DecodeAzureSAS, true
	}
	return nil, false
}
