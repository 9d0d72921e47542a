package scope

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
)

// MaxKeyLen bounds the private-key text ParsePrivateKey reads.
const MaxKeyLen = 16 << 10

// KeyFacts is what can be read from a private key without its passphrase.
type KeyFacts struct {
	// Format is the container: pkcs1, sec1, dsa, pkcs8, pkcs8-encrypted,
	// openssh, putty or pgp.
	Format string
	// Type is the algorithm: rsa, ecdsa, ed25519, ed448, x25519, x448, dsa,
	// or "" when unknown.
	Type string
	// Bits is the RSA/DSA modulus size; Curve names an EC curve.
	Bits  int
	Curve string
	// Encrypted keys need a passphrase; Cipher and KDF name how they are
	// protected ("aes256-ctr", "bcrypt").
	Encrypted   bool
	Cipher, KDF string
	// PGPProtection is "none", "s2k" or "unknown" for PGP keys whose
	// packet version this parser does not read.
	PGPProtection string
}

// Describe is a short phrase such as "RSA 2048-bit" or "ECDSA P-256".
func (k KeyFacts) Describe() string {
	t := strings.ToUpper(k.Type)
	if t == "" {
		t = "private"
	}
	switch {
	case k.Bits > 0:
		return fmt.Sprintf("%s %d-bit", t, k.Bits)
	case k.Curve != "":
		return t + " " + k.Curve
	}
	return t
}

// Protection says how an encrypted key is protected: "aes256-ctr/bcrypt".
func (k KeyFacts) Protection() string {
	switch {
	case k.Cipher != "" && k.KDF != "":
		return k.Cipher + "/" + k.KDF
	case k.Cipher != "":
		return k.Cipher
	}
	return "a passphrase"
}

// ParsePrivateKey reads the armour and, within bounds, the structure of a
// private key: PEM (PKCS#1, SEC1, DSA, PKCS#8, encrypted PKCS#8, legacy
// Proc-Type encryption), OpenSSH, PGP or PuTTY. The text may be wrapped as
// it appears in source: JSON "\n" escapes, quotes, indentation, string
// concatenation. ok is false when the text is not a well-formed key, such
// as a placeholder ("...") between real armour lines.
func ParsePrivateKey(text string) (k KeyFacts, ok bool) {
	if len(text) > MaxKeyLen {
		return k, false
	}
	if strings.HasPrefix(text, "PuTTY-User-Key-File-") {
		return parsePuTTY(text)
	}
	label, body, ok := pemParts(text)
	if !ok {
		return k, false
	}
	der, encHeader, dek, ok := pemBody(body, label == "PGP PRIVATE KEY BLOCK")
	if !ok || len(der) < 32 {
		return k, false
	}
	switch label {
	case "RSA PRIVATE KEY":
		k.Format, k.Type = "pkcs1", "rsa"
		if encHeader {
			return legacyEncrypted(k, dek), true
		}
		bits, ok := pkcs1Bits(der)
		k.Bits = bits
		return k, ok
	case "EC PRIVATE KEY":
		k.Format, k.Type = "sec1", "ecdsa"
		if encHeader {
			return legacyEncrypted(k, dek), true
		}
		var ec struct {
			Version int
			Key     []byte
			Curve   asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		}
		if _, err := asn1.Unmarshal(der, &ec); err != nil {
			return k, false
		}
		k.Curve = curveName(ec.Curve)
		return k, true
	case "DSA PRIVATE KEY":
		k.Format, k.Type = "dsa", "dsa"
		if encHeader {
			return legacyEncrypted(k, dek), true
		}
		var d struct{ V, P, Q, G, Y, X *big.Int }
		if _, err := asn1.Unmarshal(der, &d); err != nil || d.P == nil {
			return k, false
		}
		k.Bits = d.P.BitLen()
		return k, true
	case "PRIVATE KEY":
		k.Format = "pkcs8"
		return pkcs8(k, der)
	case "ENCRYPTED PRIVATE KEY":
		k.Format, k.Encrypted = "pkcs8-encrypted", true
		return pkcs8Encrypted(k, der)
	case "OPENSSH PRIVATE KEY":
		k.Format = "openssh"
		return openSSH(k, der)
	case "PGP PRIVATE KEY BLOCK":
		k.Format, k.Type = "pgp", "pgp"
		return pgpSecretKey(k, der)
	}
	return k, false
}

// pgpSecretKey reads the first secret-key packet (RFC 4880 5.5.3) of a
// version 4 key: algorithm, RSA/DSA size, and the S2K usage octet that
// says whether the secret is protected. Other versions keep Type "pgp"
// and PGPProtection unknown.
func pgpSecretKey(k KeyFacts, der []byte) (KeyFacts, bool) {
	tag := der[0]
	var body []byte
	switch {
	case tag == 0xc5: // new format, tag 5
		if len(der) < 2 {
			return k, false
		}
		switch l := int(der[1]); {
		case l < 192:
			body = der[2:]
		case l < 224 && len(der) > 2:
			body = der[3:]
		case l == 255 && len(der) > 5:
			body = der[6:]
		default:
			return k, false
		}
	case tag&0xfc == 0x94: // old format, tag 5
		n := [4]int{1, 2, 4, 0}[tag&3]
		if len(der) < 1+n {
			return k, false
		}
		body = der[1+n:]
	default:
		return k, false
	}
	k.PGPProtection = "unknown"
	if len(body) < 6 || body[0] != 4 {
		return k, true
	}
	algo := body[5]
	r := body[6:]
	mpi := func() []byte {
		if len(r) < 2 {
			r = nil
			return nil
		}
		n := (int(r[0])<<8 | int(r[1]) + 7) / 8
		if len(r) < 2+n {
			r = nil
			return nil
		}
		v := r[2 : 2+n]
		r = r[2+n:]
		return v
	}
	skip := func() { // a length-prefixed field (curve OID, KDF parameters)
		if len(r) < 1 || len(r) < 1+int(r[0]) {
			r = nil
			return
		}
		r = r[1+int(r[0]):]
	}
	switch algo {
	case 1, 2, 3:
		k.Type = "rsa"
		k.Bits = new(big.Int).SetBytes(mpi()).BitLen()
		mpi()
	case 17:
		k.Type = "dsa"
		k.Bits = new(big.Int).SetBytes(mpi()).BitLen()
		mpi()
		mpi()
		mpi()
	case 16:
		k.Type = "elgamal"
		mpi()
		mpi()
		mpi()
	case 19, 22:
		k.Type = "eddsa"
		if algo == 19 {
			k.Type = "ecdsa"
		}
		skip()
		mpi()
	case 18:
		k.Type = "ecdh"
		skip()
		mpi()
		skip()
	default:
		return k, true
	}
	if len(r) == 0 {
		return k, true
	}
	if r[0] == 0 {
		k.PGPProtection = "none"
		return k, true
	}
	k.PGPProtection = "s2k"
	k.Encrypted, k.Cipher, k.KDF = true, "openpgp-s2k", "passphrase"
	return k, true
}

func legacyEncrypted(k KeyFacts, dek string) KeyFacts {
	k.Encrypted = true
	k.Cipher = strings.ToLower(dek)
	k.KDF = "md5 (legacy OpenSSL)"
	return k
}

// pemParts splits "-----BEGIN L-----body-----END L-----".
func pemParts(text string) (label, body string, ok bool) {
	const begin, dashes = "-----BEGIN ", "-----"
	if !strings.HasPrefix(text, begin) {
		return "", "", false
	}
	rest := text[len(begin):]
	i := strings.Index(rest, dashes)
	if i <= 0 || i > 40 {
		return "", "", false
	}
	label = rest[:i]
	rest = rest[i+len(dashes):]
	end := "-----END " + label + "-----"
	if !strings.HasSuffix(rest, end) {
		return "", "", false
	}
	return label, rest[:len(rest)-len(end)], true
}

// pemBody decodes a PEM body as it appears in files and source code. It
// returns the bytes, whether a Proc-Type ENCRYPTED header was seen, and the
// DEK-Info cipher.
func pemBody(body string, pgp bool) (der []byte, encrypted bool, dek string, ok bool) {
	var b64 []byte
	inHeaders := true
	for len(body) > 0 {
		line := body
		next := ""
		if i := lineBreak(body); i >= 0 {
			line = body[:i]
			rest := body[i:]
			switch {
			case strings.HasPrefix(rest, "\r\n"):
				next = rest[2:]
			case rest[0] == '\n' || rest[0] == '\r':
				next = rest[1:]
			case strings.HasPrefix(rest, `\r\n`):
				next = rest[4:]
			default: // `\n` or `\r`: lineBreak saw both bytes
				next = rest[2:]
			}
		}
		body = next
		line = cleanLine(line)
		if line == "" {
			continue
		}
		if c := strings.IndexByte(line, ':'); c > 0 && inHeaders {
			name, val := strings.TrimSpace(line[:c]), strings.TrimSpace(line[c+1:])
			switch strings.ToLower(name) {
			case "proc-type":
				if strings.Contains(strings.ToUpper(val), "ENCRYPTED") {
					encrypted = true
				}
			case "dek-info":
				dek, _, _ = strings.Cut(val, ",")
			}
			continue
		}
		inHeaders = false
		if pgp && line[0] == '=' && len(line) <= 5 {
			continue // armour checksum
		}
		for j := 0; j < len(line); j++ {
			c := line[j]
			switch {
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
				b64 = append(b64, c)
			case c == '=':
			default:
				return nil, false, "", false
			}
		}
	}
	der, err := base64.RawStdEncoding.DecodeString(string(b64))
	if err != nil {
		return nil, false, "", false
	}
	return der, encrypted, dek, true
}

// cleanLine strips what source code wraps around a line of base64: indent,
// quotes, string concatenation ("..." +), commas and line continuations.
// A '+' is only stripped next to a quote, as it is also a base64 letter.
func cleanLine(line string) string {
	for {
		n := len(line)
		line = strings.Trim(line, " \t\r,;\\")
		if t, ok := strings.CutSuffix(line, "+"); ok {
			if t2 := strings.TrimRight(t, " \t"); strings.HasSuffix(t2, `"`) || strings.HasSuffix(t2, "'") || strings.HasSuffix(t2, "`") {
				line = t2
			}
		}
		if t, ok := strings.CutPrefix(line, "+"); ok {
			if t2 := strings.TrimLeft(t, " \t"); strings.HasPrefix(t2, `"`) || strings.HasPrefix(t2, "'") || strings.HasPrefix(t2, "`") {
				line = t2
			}
		}
		line = strings.Trim(line, "\"'`")
		if len(line) == n {
			return line
		}
	}
}

// lineBreak finds the next real newline or a "\n" / "\r" escape.
func lineBreak(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r':
			return i
		case '\\':
			if i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == 'r') {
				return i
			}
		}
	}
	return -1
}

func pkcs1Bits(der []byte) (int, bool) {
	// encoding/asn1 allows trailing elements, so the first two suffice.
	var raw struct {
		Version int
		N       *big.Int
	}
	if _, err := asn1.Unmarshal(der, &raw); err != nil || raw.N == nil {
		return 0, false
	}
	return raw.N.BitLen(), true
}

var (
	oidRSA         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidEC          = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidDSA         = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidEd25519     = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEd448       = asn1.ObjectIdentifier{1, 3, 101, 113}
	oidX25519      = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidX448        = asn1.ObjectIdentifier{1, 3, 101, 111}
	oidPBES2       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidP256        = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384        = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521        = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
	oidP224        = asn1.ObjectIdentifier{1, 3, 132, 0, 33}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	oidAES128CBC   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC  = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidPBEWithSHA1 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
)

func curveName(oid asn1.ObjectIdentifier) string {
	switch {
	case oid.Equal(oidP256):
		return "P-256"
	case oid.Equal(oidP384):
		return "P-384"
	case oid.Equal(oidP521):
		return "P-521"
	case oid.Equal(oidP224):
		return "P-224"
	case oid.Equal(oidSecp256k1):
		return "secp256k1"
	}
	return ""
}

type algID struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

func pkcs8(k KeyFacts, der []byte) (KeyFacts, bool) {
	var p struct {
		Version int
		Algo    algID
		Key     []byte
	}
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return k, false
	}
	switch a := p.Algo.Algorithm; {
	case a.Equal(oidRSA), a.Equal(oidRSAPSS):
		k.Type = "rsa"
		k.Bits, _ = pkcs1Bits(p.Key)
	case a.Equal(oidEC):
		k.Type = "ecdsa"
		var curve asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(p.Algo.Parameters.FullBytes, &curve); err == nil {
			k.Curve = curveName(curve)
		}
	case a.Equal(oidDSA):
		k.Type = "dsa"
		var params struct{ P, Q, G *big.Int }
		if _, err := asn1.Unmarshal(p.Algo.Parameters.FullBytes, &params); err == nil && params.P != nil {
			k.Bits = params.P.BitLen()
		}
	case a.Equal(oidEd25519):
		k.Type = "ed25519"
	case a.Equal(oidEd448):
		k.Type = "ed448"
	case a.Equal(oidX25519):
		k.Type = "x25519"
	case a.Equal(oidX448):
		k.Type = "x448"
	}
	return k, true
}

func pkcs8Encrypted(k KeyFacts, der []byte) (KeyFacts, bool) {
	var p struct {
		Algo algID
		Data []byte
	}
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return k, false
	}
	switch a := p.Algo.Algorithm; {
	case a.Equal(oidPBES2):
		var params struct {
			KDF algID
			Enc algID
		}
		if _, err := asn1.Unmarshal(p.Algo.Parameters.FullBytes, &params); err != nil {
			return k, true
		}
		switch {
		case params.KDF.Algorithm.Equal(oidPBKDF2):
			k.KDF = "pbkdf2"
		case params.KDF.Algorithm.Equal(oidScrypt):
			k.KDF = "scrypt"
		}
		switch e := params.Enc.Algorithm; {
		case e.Equal(oidAES128CBC):
			k.Cipher = "aes128-cbc"
		case e.Equal(oidAES192CBC):
			k.Cipher = "aes192-cbc"
		case e.Equal(oidAES256CBC):
			k.Cipher = "aes256-cbc"
		case e.Equal(oidDESEDE3CBC):
			k.Cipher = "3des-cbc"
		}
	case len(a) == len(oidPBEWithSHA1)+1 && a[:len(oidPBEWithSHA1)].Equal(oidPBEWithSHA1):
		k.Cipher, k.KDF = "pkcs12-pbe", "sha1"
	}
	return k, true
}

// sshReader reads the SSH wire encoding within bounds.
type sshReader struct {
	b   []byte
	bad bool
}

func (r *sshReader) uint32() uint32 {
	if r.bad || len(r.b) < 4 {
		r.bad = true
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *sshReader) str() []byte {
	n := r.uint32()
	if r.bad || uint64(n) > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// openSSH reads the header of an "openssh-key-v1" key (PROTOCOL.key): the
// cipher and KDF names and the first public key, which stay readable when
// the private part is encrypted.
func openSSH(k KeyFacts, der []byte) (KeyFacts, bool) {
	const magic = "openssh-key-v1\x00"
	if !bytes.HasPrefix(der, []byte(magic)) {
		return k, false
	}
	r := &sshReader{b: der[len(magic):]}
	cipher := string(r.str())
	kdf := string(r.str())
	r.str() // kdf options
	n := r.uint32()
	if r.bad || n == 0 || n > 64 || !printable(cipher) || !printable(kdf) {
		return k, false
	}
	pub := r.str()
	if r.bad {
		return k, false
	}
	if cipher != "none" {
		k.Encrypted, k.Cipher, k.KDF = true, cipher, kdf
	}
	sshPublicKey(&k, pub)
	return k, true
}

// sshPublicKey fills type and size from an SSH public-key blob.
func sshPublicKey(k *KeyFacts, blob []byte) {
	r := &sshReader{b: blob}
	typ := string(r.str())
	switch {
	case typ == "ssh-rsa":
		k.Type = "rsa"
		r.str() // e
		n := r.str()
		if !r.bad {
			k.Bits = new(big.Int).SetBytes(n).BitLen()
		}
	case typ == "ssh-dss":
		k.Type = "dsa"
		p := r.str()
		if !r.bad {
			k.Bits = new(big.Int).SetBytes(p).BitLen()
		}
	case strings.HasPrefix(typ, "ecdsa-sha2-"):
		k.Type = "ecdsa"
		switch strings.TrimPrefix(typ, "ecdsa-sha2-") {
		case "nistp256":
			k.Curve = "P-256"
		case "nistp384":
			k.Curve = "P-384"
		case "nistp521":
			k.Curve = "P-521"
		}
	case typ == "ssh-ed25519":
		k.Type = "ed25519"
	case strings.HasPrefix(typ, "sk-ecdsa-"):
		k.Type, k.Curve = "ecdsa-sk", "P-256"
	case strings.HasPrefix(typ, "sk-ssh-ed25519"):
		k.Type = "ed25519-sk"
	}
}

func printable(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parsePuTTY reads a PuTTY-User-Key-File-N key: its algorithm, encryption
// and public blob.
func parsePuTTY(text string) (k KeyFacts, ok bool) {
	k.Format = "putty"
	var pub []byte
	sawPrivate, sawMAC := false, false
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, val, found := strings.Cut(lines[i], ":")
		if !found {
			continue
		}
		val = strings.TrimSpace(val)
		switch {
		case strings.HasPrefix(name, "PuTTY-User-Key-File-"):
			k.Type = val
		case name == "Encryption":
			if val != "none" {
				k.Encrypted, k.Cipher = true, val
			}
		case name == "Key-Derivation":
			k.KDF = strings.ToLower(val)
		case name == "Public-Lines", name == "Private-Lines":
			var n int
			if _, err := fmt.Sscanf(val, "%d", &n); err != nil || n < 0 || n > len(lines)-i-1 {
				return k, false
			}
			if name == "Public-Lines" {
				b, err := base64.StdEncoding.DecodeString(strings.Join(lines[i+1:i+1+n], ""))
				if err == nil {
					pub = b
				}
			} else {
				sawPrivate = n > 0
			}
			i += n
		case name == "Private-MAC", name == "Private-Hash":
			sawMAC = true
		}
	}
	if !sawPrivate || !sawMAC {
		return k, false
	}
	if k.Encrypted && k.KDF == "" {
		k.KDF = "sha1 (PuTTY v2)"
	}
	sshPublicKey(&k, pub)
	return k, true
}

// KeyScope refines base with what the key's facts say.
func KeyScope(k KeyFacts, base Scope) Scope {
	s := base.Clone()
	s.Confidence = ConfidenceDecoded
	s.Lifetime = LifetimeLongLived
	if k.Encrypted {
		s.Access = AccessUnknown
		s.Evidence = append(s.Evidence, fmt.Sprintf("%s private key (%s) encrypted with %s: useless without its passphrase, which may be nearby or weak",
			k.Describe(), k.Format, k.Protection()))
		return s
	}
	if k.PGPProtection == "unknown" {
		s.Access = AccessUnknown
		s.Evidence = append(s.Evidence, "PGP private key block: whether a passphrase protects it was not read (packet version other than 4)")
		return s
	}
	s.Access = AccessAdmin
	s.Evidence = append(s.Evidence, fmt.Sprintf("unencrypted %s private key (%s): whoever reads it acts as its owner wherever the key is trusted (SSH logins, TLS, signing); what it unlocks is not in the key",
		k.Describe(), k.Format))
	return s
}

// DecodePrivateKey reads a private key's armour and header and refines base:
// unencrypted keys are long-lived identities (admin-ish, reach unknown);
// encrypted ones say how they are protected.
func DecodePrivateKey(secret string, base Scope) Scope {
	k, ok := ParsePrivateKey(secret)
	if !ok {
		return base
	}
	return KeyScope(k, base)
}
