package detectors

import (
	"bytes"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// JWTs finds JSON Web Tokens (compact JWS: three base64url segments whose
// header decodes to a JSON object with "alg") and reads their claims. A JWT
// in a file is a bearer token: whoever holds it is whoever it names, until
// it expires.
type JWTs struct{}

// jwtMaxLen covers large tokens (Entra ID tokens with many groups).
const jwtMaxLen = 8 << 10

const (
	jwtMinHeader = 16 // {"alg":"HS256"} is 20 characters in base64url
	jwtMinClaims = 8
	jwtMinSig    = 16
)

func (JWTs) Info() Info {
	return Info{
		ID: "jwt", Provider: "JWT", Kind: "JSON Web Token",
		Description: "A signed JWT is a bearer token: its claims say who it acts as, what it may do and when it expires.",
		Base: base(scope.Scope{Confidence: scope.ConfidencePrefix},
			"JWT: bearer token, scope in its claims"),
	}
}

func (JWTs) Literals() []string { return []string{"eyJ"} }
func (JWTs) MaxLen() int        { return jwtMaxLen }

func (d JWTs) Find(w []byte, emit func(Candidate)) {
	inf := d.Info()
	for i := 0; i < len(w); {
		j := bytes.Index(w[i:], []byte("eyJ"))
		if j < 0 {
			return
		}
		start := i + j
		i = start + 3
		if start > 0 && (isB64URL(w[start-1]) || w[start-1] == '.') {
			continue
		}
		end, ok := jwtSpan(w, start)
		if !ok {
			continue
		}
		i = end
		tok := string(w[start:end])
		if _, ok := scope.ParseJWT(tok); !ok {
			continue
		}
		emit(candidate(inf, tok, start, end, scope.DecodeJWT(tok, inf.Base.Clone()), nil))
	}
}

// jwtSpan reads header.payload.signature from start and returns its end.
func jwtSpan(w []byte, start int) (int, bool) {
	mins := [3]int{jwtMinHeader, jwtMinClaims, jwtMinSig}
	p := start
	for seg := 0; seg < 3; seg++ {
		s := p
		for p < len(w) && p-start < jwtMaxLen && isB64URL(w[p]) {
			p++
		}
		if p-s < mins[seg] {
			return 0, false
		}
		if seg < 2 {
			if p >= len(w) || w[p] != '.' {
				return 0, false
			}
			p++
		}
	}
	// A fourth segment makes it a JWE or something else.
	if p < len(w) && (w[p] == '.' && p+1 < len(w) && isB64URL(w[p+1]) || isB64URL(w[p])) {
		return 0, false
	}
	return p, true
}
