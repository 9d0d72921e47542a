package verify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// otherHost returns a result when the finding says its credential belongs
// to a host other than want (a credential store names it) and no
// --verify-endpoint was given: such a secret is not sent to want.
func otherHost(c *Call, cred Credential, want, family string) (Result, bool) {
	h := strings.ToLower(cred.Attrs["host"])
	if h == "" || h == want || c.Custom() {
		return Result{}, false
	}
	why := "not sent: the credential belongs to " + clean(h) + ", not " + want
	if family != "" {
		why += " (--verify-endpoint " + family + "=URL sends it there)"
	}
	return Unknown(why), true
}

func bearer(secret string) []string { return []string{"Authorization", "Bearer " + secret} }

// failed is the result of a request that got no usable answer.
func failed(err error) Result { return Unknown(err.Error()) }

// unexpected is the result of an answer the issuer does not document.
func unexpected(what string, r *Response) Result {
	return Unknown(fmt.Sprintf("%s: unexpected HTTP %d", what, r.Status))
}

func ptr[T any](v T) *T { return &v }

// splitList splits a header such as "repo, delete_repo" into sorted,
// unique, non-empty items.
func splitList(v string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// clean bounds and sanitises a value the issuer returned before it goes
// into evidence: one line, printable, at most 80 bytes.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > 80 {
		cut := 80
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// parseTime reads the time formats issuers use.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05.000Z", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// expiry refines the lifetime from an expiry the issuer reported.
func expiry(rf *Refine, t time.Time) {
	t = t.UTC()
	rf.ExpiresAt = &t
	if t.Before(time.Now()) {
		rf.Lifetime = scope.LifetimeExpired
	} else {
		rf.Lifetime = scope.LifetimeExpiring
	}
}
