package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
)

type fpReport struct {
	Scheme   string `json:"fingerprint_scheme"`
	Findings []struct {
		RuleID      string `json:"rule_id"`
		Fingerprint string `json:"fingerprint"`
	} `json:"findings"`
}

func scanJSON(t *testing.T, env map[string]string, args ...string) fpReport {
	t.Helper()
	s, out := truthStreams(env)
	if code := run(append([]string{"scan", "--format", "json", "--fail-on", "none"}, args...), s); code != 0 {
		t.Fatalf("scan %v: exit %d: %s", args, code, s.Err)
	}
	var rep fpReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// A weak password's fingerprint in a JSON report does not fall to a
// dictionary: not to the old unsalted hash (which recovered Summer2024!
// from a six-word list), and, with a project key, not even to the full
// published scheme. Without a key, every guess costs one Argon2id.
func TestFingerprintResistsDictionary(t *testing.T) {
	const weak = "Summer2024!"
	words := []string{"password", "letmein", "Winter2023!", "qwerty123", weak, "Summer2024"}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.env"), []byte("DB_PASSWORD="+weak+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := scanJSON(t, nil, dir)
	if len(rep.Findings) == 0 {
		t.Fatal("the weak password was not found; the test needs a finding")
	}
	if rep.Scheme != "v2" {
		t.Errorf("unkeyed scheme %q, want v2", rep.Scheme)
	}
	if !scanner.UsesSlowFingerprint(weak) {
		t.Fatal("a weak password takes the fast path")
	}
	cheap := func(rule, w string) []string {
		h := sha256.Sum256([]byte(rule + "\x00" + w))
		h2 := sha256.Sum256([]byte(w))
		return []string{hex.EncodeToString(h[:16]), hex.EncodeToString(h2[:16])}
	}
	for _, f := range rep.Findings {
		for _, w := range words {
			for _, c := range cheap(f.RuleID, w) {
				if c == f.Fingerprint {
					t.Errorf("%s: a plain SHA-256 of %q matches the report's fingerprint", f.RuleID, w)
				}
			}
		}
		// the fingerprint is the slow one: a guess costs what computing
		// it costs (Argon2id), which the scheme documents
		if f.Fingerprint != scanner.Fingerprint(f.RuleID, weak) {
			t.Errorf("%s: fingerprint is not the documented unkeyed scheme", f.RuleID)
		}
	}

	// keyed: the attacker who knows the scheme but not the key finds nothing
	key := "project-key-" + strings.Repeat("k", 20)
	keyed := scanJSON(t, map[string]string{scanner.FingerprintKeyEnv: key}, dir)
	if !strings.HasPrefix(keyed.Scheme, "v2-keyed:") {
		t.Errorf("keyed scheme %q", keyed.Scheme)
	}
	for _, f := range keyed.Findings {
		for _, w := range words {
			if f.Fingerprint == scanner.Fingerprint(f.RuleID, w) {
				t.Errorf("%s: keyed fingerprint matches the unkeyed one of %q", f.RuleID, w)
			}
		}
	}
	// the same key from a file gives the same fingerprints (stable for a
	// baseline), and a short key is refused before scanning
	kf := filepath.Join(t.TempDir(), "fingerprint.key")
	if err := os.WriteFile(kf, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := scanJSON(t, nil, "--fingerprint-key-file", kf, dir)
	if len(fromFile.Findings) != len(keyed.Findings) || fromFile.Scheme != keyed.Scheme {
		t.Fatalf("key file and env key differ: %q vs %q", fromFile.Scheme, keyed.Scheme)
	}
	for i := range keyed.Findings {
		if fromFile.Findings[i].Fingerprint != keyed.Findings[i].Fingerprint {
			t.Error("the same key from a file gives another fingerprint")
		}
	}
	s, _ := truthStreams(map[string]string{scanner.FingerprintKeyEnv: "short"})
	if code := run([]string{"scan", dir}, s); code != exitUsage {
		t.Errorf("a 5-byte key: exit %d, want %d", code, exitUsage)
	}
}
