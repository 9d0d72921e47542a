package detectors

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidBasicCredentials checks the value of an HTTP Basic Authorization
// header (RFC 7617): base64 of "user-id:password", printable text with a
// colon and a non-empty password. Random base64 (test fixtures, tokens of
// other schemes) does not decode to that, and the specification's and
// tutorials' examples ("Aladdin:open sesame", "user:pass") are left out.
func ValidBasicCredentials(b64 string) bool {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "="))
		if err != nil {
			return false
		}
	}
	s := string(raw)
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	user, pass, ok := strings.Cut(s, ":")
	if !ok || pass == "" {
		return false
	}
	if documentedExample(user) || documentedExample(pass) {
		return false // RFC 6749's s6BhdRkqt3:gX1fBat3bV and the like
	}
	return !placeholderBasic(strings.ToLower(user), strings.ToLower(pass))
}

// placeholderBasic reports the user/password pairs documentation uses.
func placeholderBasic(user, pass string) bool {
	switch pass {
	case "open sesame", "opensesame", "pass", "password", "passwd", "secret", "changeme", "example", "<password>", "${password}", "$password",
		"hunter2":
		return true
	}

	if strings.Trim(pass, "x*.") == "" {
		return true // "xxxx", "****"
	}
	return user == "aladdin" || user == "username" && pass == "password"
}
