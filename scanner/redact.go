package scanner

import "strings"

// Redact masks a secret whose format is not known: only a PEM block's
// armour header ("-----BEGIN OPENSSH PRIVATE KEY-----", the same for
// every key of its type) is kept. A detector's finding is redacted with
// RedactPrefix and the rule's documented prefix instead.
func Redact(secret string) string { return RedactPrefix(secret, "") }

// RedactPrefix masks a secret, keeping only prefix, a documented vendor
// prefix that says what kind of credential it is ("ghp_", "sk_live_",
// "xoxb-"), when the secret starts with it and it is at most a quarter of
// the secret; a PEM block keeps its armour header. Nothing else of the
// secret is ever shown: no first characters of an unprefixed secret, no
// first segment that merely looks like a prefix (a UUID's or a password's
// first eight characters are random).
func RedactPrefix(secret, prefix string) string {
	if strings.HasPrefix(secret, "-----BEGIN ") {
		if i := strings.Index(secret[5:], "-----"); i >= 0 {
			return secret[:i+10] + "********"
		}
	}
	if prefix == "" || !strings.HasPrefix(secret, prefix) || len(prefix)*4 > len(secret) {
		return "********"
	}
	return prefix + "********"
}
