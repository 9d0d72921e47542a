package detectors

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// PrivateKeys finds private keys in PEM armour (PKCS#1, SEC1, DSA, PKCS#8,
// encrypted PKCS#8), OpenSSH, PGP and PuTTY form, encrypted or not, as
// they appear in files and source code (also with JSON "\n" escapes).
// Each container is its own rule.
type PrivateKeys struct{}

// privateKeyMaxLen covers an 8192-bit RSA key in PEM, with escaped newlines.
const privateKeyMaxLen = 12 << 10

var _ Lister = PrivateKeys{}

type keyKind struct{ label, id, kind string }

func keyKinds() []keyKind {
	return []keyKind{
		{"RSA PRIVATE KEY", "private-key-rsa", "RSA private key (PKCS#1)"},
		{"EC PRIVATE KEY", "private-key-ec", "EC private key (SEC1)"},
		{"DSA PRIVATE KEY", "private-key-dsa", "DSA private key"},
		{"PRIVATE KEY", "private-key-pkcs8", "private key (PKCS#8)"},
		{"ENCRYPTED PRIVATE KEY", "private-key-pkcs8-encrypted", "encrypted private key (PKCS#8)"},
		{"OPENSSH PRIVATE KEY", "private-key-openssh", "OpenSSH private key"},
		{"PGP PRIVATE KEY BLOCK", "private-key-pgp", "PGP private key block"},
		{"PuTTY", "private-key-putty", "PuTTY private key"},
	}
}

func (PrivateKeys) info(k keyKind) Info {
	return Info{
		ID: k.id, Provider: "Private key", Kind: k.kind,
		Description: "A private key lets whoever holds it act as its owner wherever the matching public key is trusted: SSH logins, TLS servers, code or commit signing.",
		Base: base(scope.Scope{Lifetime: scope.LifetimeLongLived, Confidence: scope.ConfidencePrefix},
			"private key armour: long-lived; what it unlocks is not in the key"),
	}
}

func (p PrivateKeys) Info() Info {
	return Info{ID: "private-key", Provider: "Private key", Kind: "private key"}
}

func (p PrivateKeys) Rules() []Info {
	var out []Info
	for _, k := range keyKinds() {
		out = append(out, p.info(k))
	}
	return out
}

func (PrivateKeys) Literals() []string {
	return []string{"PRIVATE KEY-----", "PRIVATE KEY BLOCK-----", "PuTTY-User-Key-File-"}
}

func (PrivateKeys) MaxLen() int { return privateKeyMaxLen }

// trailer remembers where the next occurrence of a closing mark is, so a
// window with many openers before one far closer is searched once.
type trailer struct {
	mark      string
	from, pos int // pos: first mark at or after from, or -1
}

func (t *trailer) next(w []byte, mark string, from int) int {
	if t.mark == mark && from >= t.from && (t.pos < 0 || t.pos >= from) {
		return t.pos
	}
	pos := bytes.Index(w[from:], []byte(mark))
	if pos >= 0 {
		pos += from
	}
	*t = trailer{mark, from, pos}
	return pos
}

func (p PrivateKeys) Find(w []byte, emit func(Candidate)) {
	const begin = "-----BEGIN "
	var tr trailer
	for i := 0; i < len(w); {
		j := bytes.Index(w[i:], []byte(begin))
		if j < 0 {
			break
		}
		start := i + j
		i = start + len(begin)
		lblEnd := bytes.Index(w[i:min(len(w), i+40)], []byte("-----"))
		if lblEnd <= 0 {
			continue
		}
		label := string(w[i : i+lblEnd])
		kind, ok := kindByLabel(label)
		if !ok {
			continue
		}
		endMark := "-----END " + label + "-----"
		e := tr.next(w, endMark, i)
		if e < 0 || e+len(endMark)-start > privateKeyMaxLen {
			continue
		}
		if k := bytes.LastIndex(w[i:e], []byte(begin)); k >= 0 {
			i += k // a later BEGIN is nearer the END: start from it
			continue
		}
		end := e + len(endMark)
		if inServiceAccountJSON(w, start) {
			i = end
			continue // GCPCredentials reports it with its project
		}
		text := string(w[start:end])
		facts, ok := scope.ParsePrivateKey(text)
		if !ok {
			continue
		}
		p.emitKey(kind, facts, text, start, end, emit)
		i = end
	}
	p.findPuTTY(w, emit)
}

func (p PrivateKeys) findPuTTY(w []byte, emit func(Candidate)) {
	const magic = "PuTTY-User-Key-File-"
	var mac, hash trailer
	for i := 0; i < len(w); {
		j := bytes.Index(w[i:], []byte(magic))
		if j < 0 {
			return
		}
		start := i + j
		i = start + len(magic)
		limit := min(len(w), start+privateKeyMaxLen)
		m := mac.next(w, "\nPrivate-MAC:", i)
		if h := hash.next(w, "\nPrivate-Hash:", i); h >= 0 && (m < 0 || h < m) {
			m = h
		}
		if m < 0 || m >= limit {
			continue
		}
		end := m + 1
		if nl := bytes.IndexByte(w[end:limit], '\n'); nl >= 0 {
			end += nl
		} else {
			end = limit
		}
		text := strings.TrimRight(string(w[start:end]), "\r")
		if k := bytes.LastIndex(w[i:end], []byte(magic)); k >= 0 {
			i += k // a later header is nearer the MAC: start from it
			continue
		}
		facts, ok := scope.ParsePrivateKey(text)
		if !ok {
			i = end
			continue
		}
		p.emitKey(keyKind{"PuTTY", "private-key-putty", "PuTTY private key"}, facts, text, start, start+len(text), emit)
		i = start + len(text)
	}
}

func (p PrivateKeys) emitKey(k keyKind, facts scope.KeyFacts, text string, start, end int, emit func(Candidate)) {
	inf := p.info(k)
	attrs := map[string]string{"format": facts.Format, "encrypted": strconv.FormatBool(facts.Encrypted)}
	if facts.Type != "" {
		attrs["key_type"] = facts.Type
	}
	if facts.Bits > 0 {
		attrs["bits"] = strconv.Itoa(facts.Bits)
	}
	if facts.Curve != "" {
		attrs["curve"] = facts.Curve
	}
	if facts.Encrypted {
		attrs["protection"] = facts.Protection()
	}
	emit(candidate(inf, text, start, end, scope.KeyScope(facts, inf.Base), attrs))
}

func kindByLabel(label string) (keyKind, bool) {
	for _, k := range keyKinds() {
		if k.label == label {
			return k, true
		}
	}
	return keyKind{}, false
}

// inServiceAccountJSON reports whether the key starting at start is the
// "private_key" string of a GCP service-account JSON object in w.
func inServiceAccountJSON(w []byte, start int) bool {
	if start == 0 || w[start-1] != '"' {
		return false
	}
	if !jsonKeyBefore(w, start-1, `"private_key"`) {
		return false
	}
	return bytes.Contains(w, []byte(`"service_account"`))
}
