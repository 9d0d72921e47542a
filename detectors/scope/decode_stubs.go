package scope

// These decoders are filled in by the scope work; until then they return
// the base scope unchanged.

// DecodePyPIMacaroon reads a pypi- token's caveats.
func DecodePyPIMacaroon(secret string, base Scope) Scope { return base }

// DecodeFlyMacaroon reads a Fly.io macaroon's caveats.
func DecodeFlyMacaroon(secret string, base Scope) Scope { return base }

// DecodeAzureSAS reads an Azure SAS query string (sp, se, ss, srt, sr).
func DecodeAzureSAS(secret string, base Scope) Scope { return base }
