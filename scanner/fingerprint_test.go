package scanner_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
)

func TestFingerprint(t *testing.T) {
	for _, secret := range []string{"s3cr3t", testtoken.New(3).GitHub("ghp_")} {
		a := scanner.Fingerprint("rule-a", secret)
		if len(a) != 32 || strings.Contains(a, secret) {
			t.Errorf("fingerprint %q", a)
		}
		if _, err := hex.DecodeString(a); err != nil {
			t.Errorf("fingerprint %q is not hex", a)
		}
		if a != scanner.Fingerprint("rule-a", secret) {
			t.Error("not stable")
		}
		if a == scanner.Fingerprint("rule-b", secret) || a == scanner.Fingerprint("rule-a", secret+"u") {
			t.Error("rule and secret must both count")
		}
	}
	// the fields are length-prefixed: "ab"+"c" is not "a"+"bc"
	if scanner.Fingerprint("ab", "c") == scanner.Fingerprint("a", "bc") {
		t.Error("ambiguous concatenation")
	}
}

// Which secrets take the slow path: anything a dictionary or a rule-based
// guesser could hold; only long, mixed, random-looking values go fast.
func TestFingerprintSlowPath(t *testing.T) {
	g := testtoken.New(5)
	for _, tc := range []struct {
		secret string
		slow   bool
	}{
		{"Summer2024!", true},
		{"hunter2", true},
		{"correct-horse-battery-staple-zebra-2024", true}, // a passphrase: long, but words
		{"k3y9x2p7", true},                 // short
		{strings.Repeat("ab12", 10), true}, // long, mixed, but 2 bits a byte
		{g.GitHub("ghp_"), false},
		{g.Rand(40, "hex"), false},
		{g.UUID(), false},
		{g.Rand(48, "alnum"), false},
	} {
		if got := scanner.UsesSlowFingerprint(tc.secret); got != tc.slow {
			t.Errorf("UsesSlowFingerprint(%s) = %v, want %v", scanner.Redact(tc.secret), got, tc.slow)
		}
	}
}

// A keyed fingerprint differs from the unkeyed one and from one under
// another key, is stable under its key, and the scheme names the key by
// an id that is not the key.
func TestFingerprintKeyed(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	p1, err := scanner.NewFingerprinter(k1)
	if err != nil {
		t.Fatal(err)
	}
	p1b, _ := scanner.NewFingerprinter(k1)
	p2, _ := scanner.NewFingerprinter(k2)
	for _, s := range []string{"Summer2024!", testtoken.New(1).GitHub("ghp_")} {
		a := p1.Fingerprint("r", s)
		if a != p1b.Fingerprint("r", s) {
			t.Error("keyed fingerprint not stable")
		}
		if a == p2.Fingerprint("r", s) || a == scanner.Fingerprint("r", s) {
			t.Error("keyed fingerprint does not depend on the key")
		}
	}
	if p1.Stats().Slow != 0 {
		t.Error("a keyed fingerprinter ran the slow hash")
	}
	if !p1.Keyed() || p1.Scheme() != p1b.Scheme() || p1.Scheme() == p2.Scheme() || !strings.HasPrefix(p1.Scheme(), "v2-keyed:") {
		t.Errorf("schemes %q %q", p1.Scheme(), p2.Scheme())
	}
	if strings.Contains(p1.Scheme(), string(k1[:8])) {
		t.Error("the scheme shows the key")
	}
	if _, err := scanner.NewFingerprinter([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
	if p, _ := scanner.NewFingerprinter(nil); p.Keyed() || p.Scheme() != "v2" {
		t.Errorf("unkeyed scheme %q", p.Scheme())
	}
}

// A secret seen many times, from many goroutines, is stretched once.
func TestFingerprintSlowCached(t *testing.T) {
	p, _ := scanner.NewFingerprinter(nil)
	var wg sync.WaitGroup
	fps := make([]string, 50)
	for i := range fps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fps[i] = p.Fingerprint(fmt.Sprintf("rule-%d", i%3), "Summer2024!")
		}()
	}
	wg.Wait()
	if got := p.Stats().Slow; got != 1 {
		t.Errorf("%d slow computations for one secret, want 1", got)
	}
	if fps[0] != fps[3] || fps[0] == fps[1] {
		t.Error("cached fingerprints do not follow the rule")
	}
}

// The old scheme, sha256(rule, 0, secret): a six-word dictionary found a
// weak password in a report. It must not match any more, for any rule.
func TestFingerprintNotPlainHash(t *testing.T) {
	for _, rule := range []string{"generic-password", "r"} {
		h := sha256.Sum256([]byte(rule + "\x00Summer2024!"))
		if scanner.Fingerprint(rule, "Summer2024!") == hex.EncodeToString(h[:16]) {
			t.Errorf("%s: fingerprint is sha256(rule+secret)", rule)
		}
	}
}

// BenchmarkFingerprint: the cost of each path (the slow one uncached: a
// new fingerprinter per iteration).
func BenchmarkFingerprint(b *testing.B) {
	tok := testtoken.New(9).GitHub("ghp_")
	b.Run("fast", func(b *testing.B) {
		p, _ := scanner.NewFingerprinter(nil)
		for i := 0; i < b.N; i++ {
			p.Fingerprint("r", tok)
		}
	})
	b.Run("keyed", func(b *testing.B) {
		p, _ := scanner.NewFingerprinter([]byte("0123456789abcdef0123456789abcdef"))
		for i := 0; i < b.N; i++ {
			p.Fingerprint("r", "Summer2024!")
		}
	})
	b.Run("slow", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p, _ := scanner.NewFingerprinter(nil)
			p.Fingerprint("r", "Summer2024!")
		}
	})
	b.Run("slow-cached", func(b *testing.B) {
		p, _ := scanner.NewFingerprinter(nil)
		for i := 0; i < b.N; i++ {
			p.Fingerprint("r", "Summer2024!")
		}
	})
}
