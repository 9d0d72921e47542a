package scanner

import "strings"

// Redact masks a secret, keeping only a vendor prefix that says what kind
// of credential it is ("ghp_", "sk_live_", "xoxb-") or, for long secrets
// without one, the first four characters. The result never holds more
// than a quarter of the secret.
func Redact(secret string) string {
	if strings.HasPrefix(secret, "-----BEGIN ") {
		if i := strings.Index(secret[5:], "-----"); i >= 0 {
			return secret[:i+10] + "********"
		}
	}
	keep := prefixLen(secret)
	if keep*4 > len(secret) {
		keep = 0
	}
	return secret[:keep] + "********"
}

// prefixLen finds a vendor prefix: a first segment of letters (digits
// allowed after the first letter only when the segment is lower case),
// at most 8 bytes, ending in '_', '-' or '.', followed by at most two more
// segments that are known vendor words ("sk_live_", "github_pat_",
// "sk-ant-api03-", "dp.st."). Any other segment may be random, so it is
// never kept.
func prefixLen(s string) int {
	first := segment(s, 0)
	if first <= 0 || first > 8 || !plausibleFirst(s[:first]) {
		if len(s) >= 16 && isAlnum(s[:4]) {
			return 4
		}
		return 0
	}
	keep := first + 1
	for k := 0; k < 2; k++ {
		n := segment(s, keep)
		if n <= 0 || !vendorWords[s[keep:keep+n]] {
			break
		}
		keep += n + 1
	}
	return keep
}

// segment returns the length of the run of letters and digits at s[i:]
// when a separator follows it, else -1.
func segment(s string, i int) int {
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_' || c == '-' || c == '.':
			return j - i
		default:
			return -1
		}
	}
	return -1
}

func plausibleFirst(seg string) bool {
	lower, upper, digit := false, false, false
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		default:
			digit = true
		}
	}
	if seg[0] >= '0' && seg[0] <= '9' {
		return false
	}
	// "glpat", "ghp", "dop", "SG", "HRKU", "PMAK": one case; mixed case is
	// what random text looks like.
	return !(lower && upper) && !(digit && upper)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// vendorWords are the later segments of documented multi-part prefixes.
var vendorWords = map[string]bool{
	"live": true, "test": true, "proj": true, "svcacct": true, "admin": true,
	"admin01": true, "api03": true, "ant": true, "pat": true, "oat": true,
	"oauth": true, "v1": true, "secret": true, "publishable": true,
	"ct": true, "pt": true, "st": true, "sa": true, "xoxp": true, "xoxb": true,
	"api": true,
}
