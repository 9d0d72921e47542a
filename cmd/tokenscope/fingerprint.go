package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/scanner"
)

// addFingerprintFlag adds --fingerprint-key-file to scan and reach.
func addFingerprintFlag(f *pflag.FlagSet, path *string) {
	f.StringVar(path, "fingerprint-key-file", "", "key the fingerprints with this file's content (a per-project secret, at least 16 bytes; default: $"+
		scanner.FingerprintKeyEnv+" or the file $"+scanner.FingerprintKeyFileEnv+" names; none: see docs/fingerprint.md)")
}

// newFingerprinter picks the fingerprint key: --fingerprint-key-file, else
// TOKENSCOPE_FINGERPRINT_KEY, else TOKENSCOPE_FINGERPRINT_KEY_FILE, else
// none (unkeyed fingerprints). A key that cannot be read or is too short
// is a usage error: scanning on without it would silently change every
// fingerprint a baseline holds.
func newFingerprinter(s *Streams, keyFile string) (*scanner.Fingerprinter, error) {
	var key []byte
	var err error
	if keyFile != "" {
		key, err = scanner.ReadFingerprintKey(keyFile)
	} else {
		key, _, err = scanner.FingerprintKeyFromEnv(s.Env)
		if errors.Is(err, scanner.ErrNoFingerprintKey) {
			key, err = nil, nil
		}
	}
	if err != nil {
		return nil, usageErr("%v", err)
	}
	fp, err := scanner.NewFingerprinter(key)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return fp, nil
}

// warnRunLocal says when some fingerprints hold for this run only.
func warnRunLocal(s *Streams, fp *scanner.Fingerprinter) {
	if n := fp.Stats().RunLocal; n > 0 {
		fmt.Fprintf(s.Err, "tokenscope: warning: %d low-entropy secrets were beyond the slow-fingerprint budget; their fingerprints hold for this run only (set %s to make every fingerprint stable and cheap)\n", n, scanner.FingerprintKeyEnv)
	}
}
