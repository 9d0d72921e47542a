package scanner

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// A fingerprint names a credential (rule + secret) without revealing it:
// the same secret under the same rule has the same fingerprint in every
// file, commit and run, so baselines, allow-lists and de-duplication can
// use it. It must also not give the secret away to whoever reads a report:
// an unsalted hash of a weak password is found by trying a dictionary.
// So (docs/fingerprint.md):
//
//   - keyed (a per-project key is configured): HMAC-SHA256 under the key,
//     for every secret. Without the key nothing can be tried.
//   - unkeyed, random-looking secret (long, mixed, high estimated
//     entropy: see randomLooking): SHA-256. A dictionary cannot hold it.
//   - unkeyed, anything else (passwords, passphrases, short tokens):
//     Argon2id (memory-hard, slow) of the secret, then SHA-256 with the
//     rule. Every guess costs the attacker one Argon2id; a run pays once
//     per distinct secret (cached), at most slowBudget times.
//
// All three give 32 hex digits.

// Environment variables that configure the fingerprint key (cmd/tokenscope
// reads them; the --fingerprint-key-file flag wins over both).
const (
	// FingerprintKeyEnv holds the key itself.
	FingerprintKeyEnv = "TOKENSCOPE_FINGERPRINT_KEY"
	// FingerprintKeyFileEnv names a file holding the key.
	FingerprintKeyFileEnv = "TOKENSCOPE_FINGERPRINT_KEY_FILE"
)

// MinFingerprintKeyLen is the shortest key accepted, in bytes: a shorter
// one could itself be guessed.
const MinFingerprintKeyLen = 16

// Argon2id parameters of the unkeyed slow path: one of OWASP's equivalent
// minimums for password storage (9 MiB, 4 passes, 1 lane; as strong as its
// 19 MiB and 2 passes, and a scan's peak memory stays low). Changing them
// changes every slow fingerprint: they are part of the scheme.
const (
	slowTime    = 4
	slowMemory  = 9 * 1024 // KiB
	slowThreads = 1
)

// slowBudget bounds the Argon2id computations of one run, so a hostile
// tree of a million distinct passwords cannot turn a scan into hours.
// Beyond it, low-entropy secrets get run-local fingerprints (HMAC under a
// random key made for the run): consistent within the run, not searchable,
// but not stable across runs; FingerprintStats reports how many.
const slowBudget = 2000

// maxSlowConcurrent bounds the Argon2id computations running at once
// (each holds slowMemory).
const maxSlowConcurrent = 2

const (
	fpDomain     = "tokenscope-fingerprint/v2"
	fpSlowSalt   = "tokenscope-fingerprint/v2/argon2id"
	fpSchemeBase = "v2"
)

// A Fingerprinter computes fingerprints under one key (or none) and caches
// the slow ones. It is safe for concurrent use. The zero value is not
// usable: use NewFingerprinter.
type Fingerprinter struct {
	key    []byte // nil: unkeyed
	keyID  string
	budget int // slowBudget; tests lower it

	mu       sync.Mutex
	slow     map[[32]byte]*slowEntry
	sem      chan struct{}
	runKey   []byte // random, made when the budget is first exceeded
	computed atomic.Int64
	overflow atomic.Int64
}

type slowEntry struct {
	once sync.Once
	sum  []byte
}

// NewFingerprinter returns a fingerprinter keyed with key, or unkeyed when
// key is empty. A key shorter than MinFingerprintKeyLen is an error.
func NewFingerprinter(key []byte) (*Fingerprinter, error) {
	p := &Fingerprinter{slow: map[[32]byte]*slowEntry{}, sem: make(chan struct{}, maxSlowConcurrent), budget: slowBudget}
	if len(key) == 0 {
		return p, nil
	}
	if len(key) < MinFingerprintKeyLen {
		return nil, fmt.Errorf("fingerprint key is %d bytes; at least %d are needed", len(key), MinFingerprintKeyLen)
	}
	p.key = append([]byte(nil), key...)
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(fpDomain + "/key-id"))
	p.keyID = hex.EncodeToString(m.Sum(nil)[:4])
	return p, nil
}

// Keyed reports whether a key is set.
func (p *Fingerprinter) Keyed() bool { return p.key != nil }

// Scheme names how fingerprints are made: "v2" unkeyed, "v2-keyed:<id>"
// keyed, where id (8 hex digits, derived from the key by HMAC) tells two
// keys apart without revealing either. Fingerprints of different schemes
// never match; a baseline should record the scheme it was made with.
func (p *Fingerprinter) Scheme() string {
	if p.key != nil {
		return fpSchemeBase + "-keyed:" + p.keyID
	}
	return fpSchemeBase
}

// FingerprintStats says how much slow hashing a run did.
type FingerprintStats struct {
	// Slow is the number of Argon2id computations (distinct low-entropy
	// secrets, unkeyed).
	Slow int64
	// RunLocal is the number of low-entropy secrets beyond the budget,
	// whose fingerprints hold only for this run.
	RunLocal int64
}

// Stats returns the counts so far.
func (p *Fingerprinter) Stats() FingerprintStats {
	return FingerprintStats{Slow: p.computed.Load(), RunLocal: p.overflow.Load()}
}

// Fingerprint returns the credential's fingerprint: 32 hex digits.
func (p *Fingerprinter) Fingerprint(ruleID, secret string) string {
	if p.key != nil {
		m := hmac.New(sha256.New, p.key)
		writeFields(m, fpDomain+"/keyed", ruleID, secret)
		return hex.EncodeToString(m.Sum(nil)[:16])
	}
	if randomLooking(secret) {
		h := sha256.New()
		writeFields(h, fpDomain+"/fast", ruleID, secret)
		return hex.EncodeToString(h.Sum(nil)[:16])
	}
	stretched, ok := p.stretch(secret)
	if !ok {
		m := hmac.New(sha256.New, p.runLocalKey())
		writeFields(m, fpDomain+"/run-local", ruleID, secret)
		return hex.EncodeToString(m.Sum(nil)[:16])
	}
	h := sha256.New()
	writeFields(h, fpDomain+"/slow", ruleID, string(stretched))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeFields writes length-prefixed fields, so no two field lists write
// the same bytes.
func writeFields(w interface{ Write([]byte) (int, error) }, fields ...string) {
	for _, f := range fields {
		var n [8]byte
		for i, l := 0, uint64(len(f)); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		w.Write(n[:])
		w.Write([]byte(f))
	}
}

// stretch returns Argon2id(secret), computed once per distinct secret; ok
// is false when the budget is spent.
func (p *Fingerprinter) stretch(secret string) ([]byte, bool) {
	id := sha256.Sum256([]byte(secret))
	p.mu.Lock()
	e := p.slow[id]
	if e == nil {
		if len(p.slow) >= p.budget {
			p.mu.Unlock()
			p.overflow.Add(1)
			return nil, false
		}
		e = &slowEntry{}
		p.slow[id] = e
	}
	p.mu.Unlock()
	e.once.Do(func() {
		p.sem <- struct{}{}
		e.sum = argon2.IDKey([]byte(secret), []byte(fpSlowSalt), slowTime, slowMemory, slowThreads, 32)
		<-p.sem
		p.computed.Add(1)
	})
	return e.sum, true
}

func (p *Fingerprinter) runLocalKey() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.runKey == nil {
		p.runKey = make([]byte, 32)
		if _, err := rand.Read(p.runKey); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
	}
	return p.runKey
}

// UsesSlowFingerprint reports whether an unkeyed fingerprint of secret
// goes through Argon2id (the secret does not look random).
func UsesSlowFingerprint(secret string) bool { return !randomLooking(secret) }

// randomLooking is true for secrets no dictionary holds: at least 32
// bytes, an estimated entropy (Shannon, per byte, times length) of at
// least 128 bits and at least 3 bits per byte, and letters and digits
// interleaved (4 or more changes between them: random base62 or hex has
// ~9-15 in 32 bytes; words with digits appended have one or two). Any
// doubt sends a secret to the slow path, which only costs time.
func randomLooking(s string) bool {
	if len(s) < 32 {
		return false
	}
	var counts [256]int
	changes, last := 0, byte(0) // last: 'a' letter, '0' digit
	for i := 0; i < len(s); i++ {
		c := s[i]
		counts[c]++
		var cls byte
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			cls = 'a'
		case c >= '0' && c <= '9':
			cls = '0'
		default:
			continue
		}
		if last != 0 && cls != last {
			changes++
		}
		last = cls
	}
	if changes < 4 {
		return false
	}
	n := float64(len(s))
	var bits float64
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			bits -= p * math.Log2(p)
		}
	}
	return bits >= 3 && bits*n >= 128
}

// defaultFingerprinter serves Fingerprint: unkeyed, one cache for the
// process.
var defaultFingerprinter, _ = NewFingerprinter(nil)

// Fingerprint returns the unkeyed fingerprint of a rule id and a secret
// (an Engine with Options.FingerprintKey set uses its key instead: use
// Engine.Fingerprint to get the one its findings carry).
func Fingerprint(ruleID, secret string) string {
	return defaultFingerprinter.Fingerprint(ruleID, secret)
}

// ReadFingerprintKey reads a key file: its content, with surrounding white
// space trimmed, is the key (any bytes; 32 random bytes in hex or base64
// are a good key: `openssl rand -hex 32 > .tokenscope/fingerprint.key`).
func ReadFingerprintKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fingerprint key: %w", err)
	}
	k := []byte(strings.TrimSpace(string(b)))
	if len(k) < MinFingerprintKeyLen {
		return nil, fmt.Errorf("fingerprint key %s: %d bytes; at least %d are needed", path, len(k), MinFingerprintKeyLen)
	}
	return k, nil
}

// ErrNoFingerprintKey is returned by FingerprintKeyFromEnv when neither
// variable is set.
var ErrNoFingerprintKey = errors.New("no fingerprint key configured")

// FingerprintKeyFromEnv returns the key configured by the environment
// (getenv is os.Getenv or a test's): TOKENSCOPE_FINGERPRINT_KEY (the key)
// or else TOKENSCOPE_FINGERPRINT_KEY_FILE (a key file), with where it came
// from. It returns ErrNoFingerprintKey when neither is set (empty counts as
// not set).
func FingerprintKeyFromEnv(getenv func(string) string) (key []byte, from string, err error) {
	if v := strings.TrimSpace(getenv(FingerprintKeyEnv)); v != "" {
		if len(v) < MinFingerprintKeyLen {
			return nil, FingerprintKeyEnv, fmt.Errorf("%s: %d bytes; at least %d are needed", FingerprintKeyEnv, len(v), MinFingerprintKeyLen)
		}
		return []byte(v), FingerprintKeyEnv, nil
	}
	if f := getenv(FingerprintKeyFileEnv); f != "" {
		k, err := ReadFingerprintKey(f)
		return k, f, err
	}
	return nil, "", ErrNoFingerprintKey
}
