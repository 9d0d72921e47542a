package scanner

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

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

// prefixLen finds a vendor prefix: letters and digits ending in '_', '-' or
// '.', at most 16 bytes, possibly in several parts ("sk_live_").
func prefixLen(s string) int {
	best := 0
	limit := len(s)
	if limit > 16 {
		limit = 16
	}
	for i := 0; i < limit; i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == '.':
			if i == 0 {
				return 0
			}
			best = i + 1
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return best
		}
	}
	if best == 0 && len(s) >= 16 {
		return 4
	}
	return best
}

// Fingerprint hashes a rule id and a secret into a stable identifier.
func Fingerprint(ruleID, secret string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil)[:16])
}
