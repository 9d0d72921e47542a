package detectors

import (
	"bytes"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// CodeDetectors returns the detectors written in Go rather than as rules:
// those that need more than a pattern to judge a match.
func CodeDetectors() []Detector {
	return []Detector{
		PrivateKeys{},
		JWTs{},
		ConnURIs{},
		GCPCredentials{},
		GenericAssignments{},
	}
}

// base returns a normalised scope with one line of evidence.
func base(s scope.Scope, evidence ...string) scope.Scope {
	s.Evidence = append(s.Evidence, evidence...)
	return s.Normalize()
}

// candidate fills a Candidate from a rule's Info.
func candidate(inf Info, secret string, start, end int, sc scope.Scope, attrs map[string]string) Candidate {
	return Candidate{
		RuleID: inf.ID, Provider: inf.Provider, Kind: inf.Kind,
		Secret: secret, Start: start, End: end, Scope: sc, Attrs: attrs,
	}
}

// indexFold finds an ASCII case-insensitive occurrence of lower (which must
// be lower case) in b at or after from, or -1.
func indexFold(b []byte, lower string, from int) int {
	if len(lower) == 0 {
		return from
	}
	c0 := lower[0]
	up0 := c0
	if c0 >= 'a' && c0 <= 'z' {
		up0 = c0 - 32
	}
	for i := from; i+len(lower) <= len(b); i++ {
		c := b[i]
		if c != c0 && c != up0 {
			j := bytes.IndexByte(b[i:], c0)
			k := -1
			if up0 != c0 {
				k = bytes.IndexByte(b[i:], up0)
			}
			switch {
			case j < 0 && k < 0:
				return -1
			case j < 0 || (k >= 0 && k < j):
				j = k
			}
			i += j
			if i+len(lower) > len(b) {
				return -1
			}
		}
		if equalFold(b[i:i+len(lower)], lower) {
			return i
		}
	}
	return -1
}

// equalFold compares ASCII case-insensitively with lower-case s.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
