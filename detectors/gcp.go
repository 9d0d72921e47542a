package detectors

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// GCPCredentials finds Google Cloud credential files: service-account keys
// ("type": "service_account" with a private_key) and application-default
// user credentials ("type": "authorized_user" with a refresh_token).
type GCPCredentials struct{}

// gcpMaxLen covers a service-account JSON file with a 4096-bit key.
const gcpMaxLen = 8 << 10

var _ Lister = GCPCredentials{}

func (GCPCredentials) sa() Info {
	return Info{
		ID: "gcp-service-account-key", Provider: "Google Cloud", Kind: "service account key (JSON)",
		Description: "A service-account key acts as the service account with every IAM role bound to it, usually until the key is deleted.",
		Base: base(scope.Scope{Lifetime: scope.LifetimeLongLived, Confidence: scope.ConfidencePrefix},
			`"type": "service_account": user-managed key, does not expire by default; rights are the account's IAM roles`),
	}
}

func (GCPCredentials) user() Info {
	return Info{
		ID: "gcp-authorized-user", Provider: "Google Cloud", Kind: "application-default user credentials",
		Description: "An authorized_user refresh token acts as the signed-in person, usually with broad cloud-platform access.",
		Base: base(scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Lifetime: scope.LifetimeLongLived, Confidence: scope.ConfidencePrefix},
			`"type": "authorized_user": refresh token of a person's gcloud login, acts as them`),
	}
}

func (g GCPCredentials) Info() Info {
	return Info{ID: "gcp-credentials", Provider: "Google Cloud", Kind: "credential file"}
}

func (g GCPCredentials) Rules() []Info { return []Info{g.sa(), g.user()} }

// gcpBase64 holds `"service_account"` and `"authorized_user"` as they look
// inside base64 at each of the three alignments (credential files are often
// stored base64-encoded in CI variables).
func gcpBase64() []string {
	return []string{
		"InNlcnZpY2VfYWNjb3Vu", "JzZXJ2aWNlX2FjY291bnQi", "ic2VydmljZV9hY2NvdW50",
		"ImF1dGhvcml6ZWRfdXNl", "JhdXRob3JpemVkX3VzZXIi", "iYXV0aG9yaXplZF91c2Vy",
	}
}

func (GCPCredentials) Literals() []string {
	return append([]string{`"service_account"`, `"authorized_user"`}, gcpBase64()...)
}

func (GCPCredentials) MaxLen() int { return gcpMaxLen }

func (g GCPCredentials) Find(w []byte, emit func(Candidate)) {
	g.findJSON(w, emit)
	g.findBase64(w, emit)
}

func isB64Any(c byte) bool { return isB64URL(c) || c == '+' || c == '/' }

// findBase64 decodes base64 blobs that hold a credential file and reports
// the whole blob.
func (g GCPCredentials) findBase64(w []byte, emit func(Candidate)) {
	var spans [][2]int // blobs already reported
	for _, frag := range gcpBase64() {
	hits:
		for i := 0; i < len(w); {
			j := bytes.Index(w[i:], []byte(frag))
			if j < 0 {
				break
			}
			hit := i + j
			i = hit + len(frag)
			for _, sp := range spans {
				if hit >= sp[0] && hit < sp[1] {
					continue hits
				}
			}
			lo, hi := hit, i
			for lo > 0 && hit-lo < gcpMaxLen && isB64Any(w[lo-1]) {
				lo--
			}
			for hi < len(w) && hi-hit < gcpMaxLen && isB64Any(w[hi]) {
				hi++
			}
			end := hi
			for end < len(w) && end-hi < 2 && w[end] == '=' {
				end++
			}
			if end-lo > gcpMaxLen {
				continue
			}
			blob := w[lo:hi]
			dec, err := base64.RawStdEncoding.DecodeString(string(blob))
			if err != nil {
				dec, err = base64.RawURLEncoding.DecodeString(string(blob))
			}
			if err != nil {
				continue
			}
			var found *Candidate
			g.findJSON(dec, func(c Candidate) {
				if found == nil {
					found = &c
				}
			})
			if found == nil {
				continue
			}
			c := *found
			c.Secret = string(w[lo:end])
			c.Start, c.End = lo, end
			c.Scope.Evidence = append(c.Scope.Evidence, "credential file stored base64-encoded")
			c.Attrs["encoding"] = "base64"
			emit(c)
			spans = append(spans, [2]int{lo, end})
			i = end
		}
	}
}

func (g GCPCredentials) findJSON(w []byte, emit func(Candidate)) {
	for _, typ := range []string{"service_account", "authorized_user"} {
		lit := []byte(`"` + typ + `"`)
		prev := 0 // end of the previous type hit: the region of one object
		for i := 0; i < len(w); {
			j := bytes.Index(w[i:], lit)
			if j < 0 {
				break
			}
			hit := i + j
			i = hit + len(lit)
			if !typeKeyBefore(w, hit) {
				continue
			}
			lo := max(prev, hit-gcpMaxLen/2)
			hi := min(len(w), hit+gcpMaxLen)
			if k := bytes.Index(w[i:hi], lit); k >= 0 {
				hi = i + k // the next object's type
			}
			prev = i
			obj := w[lo:hi]
			if typ == "service_account" {
				g.findSA(obj, lo, emit)
			} else {
				g.findUser(obj, lo, emit)
			}
		}
	}
}

// typeKeyBefore checks that the quoted value at hit follows `"type":`.
func typeKeyBefore(w []byte, hit int) bool { return jsonKeyBefore(w, hit, `"type"`) }

// jsonKeyBefore reports whether the JSON value starting at i is the value
// of key (given with its quotes): `"key"`, optional blanks, `:`, optional
// blanks, then the value.
func jsonKeyBefore(w []byte, i int, key string) bool {
	for i > 0 && (w[i-1] == ' ' || w[i-1] == '\t') {
		i--
	}
	if i == 0 || w[i-1] != ':' {
		return false
	}
	i--
	for i > 0 && (w[i-1] == ' ' || w[i-1] == '\t') {
		i--
	}
	return i >= len(key) && string(w[i-len(key):i]) == key
}

func (g GCPCredentials) findSA(obj []byte, off int, emit func(Candidate)) {
	ks, ke, key, ok := jsonStringField(obj, "private_key")
	if !ok || !strings.Contains(key, "PRIVATE KEY") {
		return
	}
	inf := g.sa()
	sc := inf.Base.Clone()
	attrs := map[string]string{}
	if facts, ok := scope.ParsePrivateKey(strings.TrimSpace(key)); ok {
		sc = scope.KeyScope(facts, sc)
		if facts.Type != "" {
			attrs["key_type"] = facts.Type
		}
	}
	// The key is a full credential for the service account; its reach is
	// the account's IAM bindings, which the file does not hold.
	if _, _, email, ok := jsonStringField(obj, "client_email"); ok && len(email) < 256 {
		attrs["client_email"] = email
		sc.Evidence = append(sc.Evidence, "service account "+email)
	}
	if _, _, project, ok := jsonStringField(obj, "project_id"); ok && len(project) < 128 {
		attrs["project"] = project
		sc.Evidence = append(sc.Evidence, "project "+project)
	}
	if _, _, kid, ok := jsonStringField(obj, "private_key_id"); ok && len(kid) < 128 {
		attrs["private_key_id"] = kid
	}
	emit(candidate(inf, string(obj[ks:ke]), off+ks, off+ke, sc, attrs))
}

func (g GCPCredentials) findUser(obj []byte, off int, emit func(Candidate)) {
	ks, ke, tok, ok := jsonStringField(obj, "refresh_token")
	if !ok || len(tok) < 20 || placeholderPassword(tok, "") {
		return
	}
	inf := g.user()
	sc := inf.Base.Clone()
	attrs := map[string]string{}
	if _, _, id, ok := jsonStringField(obj, "client_id"); ok && len(id) < 256 {
		attrs["client_id"] = id
	}
	if _, _, acct, ok := jsonStringField(obj, "account"); ok && acct != "" && len(acct) < 256 {
		attrs["account"] = acct
		sc.Evidence = append(sc.Evidence, "account "+acct)
	}
	if _, _, proj, ok := jsonStringField(obj, "quota_project_id"); ok && proj != "" && len(proj) < 128 {
		attrs["project"] = proj
	}
	emit(candidate(inf, string(obj[ks:ke]), off+ks, off+ke, sc, attrs))
}

// jsonStringField finds `"name": "value"` in b and returns the raw value's
// span (inside the quotes) and its decoded text.
func jsonStringField(b []byte, name string) (start, end int, val string, ok bool) {
	key := []byte(`"` + name + `"`)
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], key)
		if j < 0 {
			return 0, 0, "", false
		}
		p := i + j + len(key)
		i = p
		for p < len(b) && (b[p] == ' ' || b[p] == '\t') {
			p++
		}
		if p >= len(b) || b[p] != ':' {
			continue
		}
		p++
		for p < len(b) && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r') {
			p++
		}
		if p >= len(b) || b[p] != '"' {
			continue
		}
		s := p + 1
		e := s
		for e < len(b) && b[e] != '"' && b[e] != '\n' {
			if b[e] == '\\' {
				e++
			}
			e++
		}
		if e >= len(b) || b[e] != '"' {
			continue
		}
		if err := json.Unmarshal(b[s-1:e+1], &val); err != nil {
			continue
		}
		return s, e, val, true
	}
	return 0, 0, "", false
}
