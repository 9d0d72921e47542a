package detectors

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// documentedExamples are the sample credentials specifications print in
// their worked examples. Libraries that implement them copy the values into
// tests and docstrings, so a real tree holds them by the dozen; none was
// ever a credential of a real account.
var documentedExamples = map[string]bool{
	// RFC 6749 (OAuth 2.0) sections 4.1-4.4, 5.1, 6, 2.3.1
	"2YotnFZFEjr1zCsicMWpAA": true, "tGzv3JOkF0XG5Qx2TlKWIA": true, "SplxlOBeZQQYbYS6WxSbIA": true,
	"s6BhdRkqt3": true, "gX1fBat3bV": true, "7Fjfp0ZBr1KtDRbnfVdmIw": true,
	// RFC 6750 (OAuth 2.0 bearer tokens) section 2
	"mF_9.B5f-4.1JqM": true,
	// RFC 5849 (OAuth 1.0) sections 1.2, 3.1
	"dpf43f3p2l4k3l03": true, "kd94hf93k423kf44": true, "hh5s93j4hdidpola": true,
	"hdk48Djdsa": true, "nnch734d00sl2jdk": true, "pfkkdhi9sl3r4s00": true,
	"9djdj82h48djs9d2": true, "hsu94j3884jdopsl": true, "j49sk3j29djd": true, "dh893hdasih9": true,
	// RFC 8555 (ACME) sections 7.3.3, 8
	"W8Ih3PswD-8": true, "DGyRejmCefe7v4NfDGDKfA": true,
}

// documentedExample reports a value a specification prints as its example.
func documentedExample(v string) bool { return documentedExamples[v] }

// keyboardMash reports values typed by running fingers along the home row
// ("sdlfkj452", "askfjh234as9sd8"): lower-case letters and digits only,
// short, at least two thirds of the letters from asdfghjkl (a random
// lower-case token has about a third; three quarters below 16 bytes),
// three of them in a row. Hex is left alone: its letters are
// half home row (a, d, f) by chance.
func keyboardMash(v string) bool {
	if len(v) > 24 || isHex(v) {
		return false
	}
	letters, home, run, maxRun := 0, 0, 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			run = 0
		case c >= 'a' && c <= 'z':
			letters++
			if strings.IndexByte("asdfghjkl", c) >= 0 {
				home++
				run++
				maxRun = max(maxRun, run)
			} else {
				run = 0
			}
		default:
			return false
		}
	}
	if maxRun >= 3 && (strings.HasPrefix(v, "qwe") || strings.HasPrefix(v, "asdf")) {
		return true // typed from the keyboard's top-left corner
	}
	if len(v) < 16 {
		return maxRun >= 3 && 4*home >= 3*letters // short: by chance more often
	}
	return maxRun >= 3 && 3*home >= 2*letters
}

// percentDecoded returns v with %XX escapes decoded, and whether it had any.
func percentDecoded(v string) (string, bool) {
	i := strings.IndexByte(v, '%')
	if i < 0 || i+2 >= len(v) || !isHex(v[i+1:i+3]) {
		return v, false
	}
	d, err := url.PathUnescape(v)
	if err != nil {
		return v, false
	}
	return d, true
}

// base64Prose reports standard base64 that decodes to printable text which
// is a placeholder or prose (`password: bm90IG15IHJlYWwgcGFzc3dvcmQ=`,
// "not my real password"): random key bytes are never all printable, and a
// real password that was base64-encoded (a Kubernetes Secret) is a word,
// not a sentence.
func base64Prose(v string) bool {
	if len(v) < 12 || len(v)%4 != 0 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return false
	}
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	s := strings.ToLower(string(raw))
	if strings.Count(s, " ") >= 2 {
		return true
	}
	return placeholderWord(s)
}
