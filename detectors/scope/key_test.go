package scope_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func TestParsePrivateKey(t *testing.T) {
	g := testtoken.New(11)
	tests := []struct {
		kind      string
		format    string
		typ       string
		bits      int
		curve     string
		encrypted bool
		protect   string
	}{
		{"rsa", "pkcs1", "rsa", 2048, "", false, ""},
		{"rsa-4096", "pkcs1", "rsa", 4096, "", false, ""},
		{"rsa-encrypted", "pkcs1", "rsa", 0, "", true, "aes-256-cbc/md5 (legacy OpenSSL)"},
		{"ec", "sec1", "ecdsa", 0, "P-256", false, ""},
		{"dsa", "dsa", "dsa", 2048, "", false, ""},
		{"pkcs8-rsa", "pkcs8", "rsa", 2048, "", false, ""},
		{"pkcs8-ec", "pkcs8", "ecdsa", 0, "P-384", false, ""},
		{"pkcs8-ed25519", "pkcs8", "ed25519", 0, "", false, ""},
		{"pkcs8-encrypted", "pkcs8-encrypted", "", 0, "", true, "aes256-cbc/pbkdf2"},
		{"openssh-ed25519", "openssh", "ed25519", 0, "", false, ""},
		{"openssh-ed25519-encrypted", "openssh", "ed25519", 0, "", true, "aes256-ctr/bcrypt"},
		{"openssh-rsa", "openssh", "rsa", 2048, "", false, ""},
		{"openssh-ecdsa", "openssh", "ecdsa", 0, "P-256", false, ""},
		{"putty", "putty", "ed25519", 0, "", false, ""},
		{"putty-encrypted", "putty", "ed25519", 0, "", true, "aes256-cbc/argon2id"},
		{"pgp", "pgp", "eddsa", 0, "", false, ""},
		{"pgp-encrypted", "pgp", "eddsa", 0, "", true, "openpgp-s2k/passphrase"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			text, err := g.PrivateKey(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			text = strings.TrimRight(text, "\n")
			k, ok := scope.ParsePrivateKey(text)
			if !ok {
				t.Fatalf("not parsed:\n%s", text)
			}
			if k.Format != tt.format || k.Type != tt.typ || k.Bits != tt.bits || k.Curve != tt.curve || k.Encrypted != tt.encrypted {
				t.Errorf("got %+v", k)
			}
			if tt.encrypted && k.Protection() != tt.protect {
				t.Errorf("protection %q, want %q", k.Protection(), tt.protect)
			}
			s := scope.DecodePrivateKey(text, scope.Scope{}.Normalize())
			if s.Lifetime != scope.LifetimeLongLived || s.Confidence != scope.ConfidenceDecoded {
				t.Errorf("scope %+v", s)
			}
			if tt.encrypted {
				if s.Access != scope.AccessUnknown || !hasEvidence(s, "encrypted with "+tt.protect) {
					t.Errorf("encrypted scope %+v", s)
				}
				if s.Severity() != scope.SevMedium {
					t.Errorf("encrypted severity %s", s.Severity())
				}
			} else {
				if s.Access != scope.AccessAdmin || !hasEvidence(s, "unencrypted "+k.Describe()) {
					t.Errorf("unencrypted scope %+v", s)
				}
				if s.Severity() != scope.SevCritical {
					t.Errorf("unencrypted severity %s", s.Severity())
				}
			}
			// The same key as a JSON string value.
			if !strings.HasPrefix(text, "PuTTY") {
				esc := strings.ReplaceAll(text, "\n", `\n`)
				k2, ok := scope.ParsePrivateKey(esc)
				if !ok || k2 != k {
					t.Errorf("escaped form: ok=%v %+v", ok, k2)
				}
			}
		})
	}
}

func TestParsePrivateKeyRejects(t *testing.T) {
	for name, text := range map[string]string{
		"placeholder":  "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
		"words":        "-----BEGIN RSA PRIVATE KEY-----\nyour key here\n-----END RSA PRIVATE KEY-----",
		"short":        "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
		"mismatch":     "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END EC PRIVATE KEY-----",
		"certificate":  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
		"openssh junk": "-----BEGIN OPENSSH PRIVATE KEY-----\n" + strings.Repeat("QUFBQUFB", 10) + "\n-----END OPENSSH PRIVATE KEY-----",
		"lone CRs":     "-----BEGIN EC PRIVATE KEY-----\rQUFB\r-----END EC PRIVATE KEY-----",
		"escaped CR":   "-----BEGIN EC PRIVATE KEY-----\\rQUFB\\r-----END EC PRIVATE KEY-----",
		"putty no mac": "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAA\n",
	} {
		if k, ok := scope.ParsePrivateKey(text); ok {
			t.Errorf("%s: accepted as %+v", name, k)
		}
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	g := testtoken.New(12)
	for _, kind := range []string{"rsa", "ec", "pkcs8-encrypted", "openssh-ed25519-encrypted", "putty", "pgp"} {
		text, err := g.PrivateKey(kind)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimRight(text, "\n"))
	}
	f.Add("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA/////w==\n-----END OPENSSH PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, text string) {
		k, ok := scope.ParsePrivateKey(text)
		if !ok {
			return
		}
		if k.Bits < 0 || k.Bits > 8*len(text) {
			t.Fatalf("bits %d from %d bytes", k.Bits, len(text))
		}
		if err := scope.KeyScope(k, scope.Scope{}).Normalize().Validate(); err != nil {
			t.Fatal(err)
		}
	})
}
