package testtoken

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// rulesUUID returns a random version-4-shaped UUID in lower case.
func rulesUUID(g *Gen) string {
	h := g.Rand(32, "hex")
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// randBytes returns n bytes from the seeded source.
func rulesRandBytes(g *Gen, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

// rulesMacaroonField appends one field of the libmacaroons version-2 binary
// format: a type byte, a varint length, the data.
func rulesMacaroonField(b []byte, typ byte, data []byte) []byte {
	b = append(b, typ)
	n := uint64(len(data))
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	b = append(b, byte(n))
	return append(b, data...)
}

// rulesMacaroon builds a PyPI-style API token: "pypi-" followed by a
// version-2 macaroon (location, identifier, first-party caveats, a
// signature) in unpadded URL-safe base64, the shape PyPI's warehouse issues.
// The signature is random: the token is well-formed but not valid anywhere.
func rulesMacaroon(g *Gen, location string, caveats ...string) string {
	const (
		eos        = 0
		fLocation  = 1
		fIdent     = 2
		fSignature = 6
	)
	b := []byte{2}
	b = rulesMacaroonField(b, fLocation, []byte(location))
	b = rulesMacaroonField(b, fIdent, []byte(fmt.Sprintf(`{"version": 1, "id": "%s"}`, rulesUUID(g))))
	b = append(b, eos)
	for _, c := range caveats {
		b = rulesMacaroonField(b, fIdent, []byte(c))
		b = append(b, eos)
	}
	b = append(b, eos)
	b = rulesMacaroonField(b, fSignature, rulesRandBytes(g, 32))
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b)
}

func rulesPyPIToken(g *Gen, args []string) (string, error) {
	switch {
	case len(args) == 0:
		return rulesMacaroon(g, "pypi.org", fmt.Sprintf(`[3,"%s"]`, rulesUUID(g))), nil
	case len(args) == 1 && args[0] == "test":
		return rulesMacaroon(g, "test.pypi.org", fmt.Sprintf(`[3,"%s"]`, rulesUUID(g))), nil
	case len(args) == 2 && args[0] == "project":
		return rulesMacaroon(g, "pypi.org", fmt.Sprintf(`[1,["%s"]]`, args[1])), nil
	}
	return "", fmt.Errorf("want {{pypi-token}}, {{pypi-token test}} or {{pypi-token project NAME}}")
}

// rulesSASQuery returns an account SAS query string with permissions perms,
// signed with a random (so invalid) signature, URL-encoded as Azure
// hands it out.
func rulesSASQuery(g *Gen, perms string) string {
	sig := base64.StdEncoding.EncodeToString(rulesRandBytes(g, 32))
	return "sv=2022-11-02&ss=bfqt&srt=sco&sp=" + perms +
		"&se=2031-01-01T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=" + url.QueryEscape(sig)
}

func rulesAzureSAS(g *Gen, args []string) (string, error) {
	if len(args) != 1 || strings.Trim(args[0], "racwdxylutfpi") != "" {
		return "", fmt.Errorf("want {{azure-sas PERMS}} with PERMS from racwdxylutfpi")
	}
	return rulesSASQuery(g, args[0]), nil
}
