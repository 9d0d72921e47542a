package scanner

import (
	"fmt"
	"sync"
)

// RawSecrets holds the raw secrets of a scan's findings, by fingerprint,
// for a stage that must use them (the --verify stage) but must never put
// them in a report. The engine fills it only when Options.Raw is set, so a
// scan without that stage keeps no raw secret anywhere (beyond
// --show-secrets). Printing a RawSecrets with fmt shows only how many it
// holds. Clear it as soon as the stage is done.
type RawSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

// NewRawSecrets returns an empty store.
func NewRawSecrets() *RawSecrets { return &RawSecrets{m: map[string]string{}} }

func (r *RawSecrets) put(fingerprint, secret string) {
	if r == nil || secret == "" {
		return
	}
	r.mu.Lock()
	r.m[fingerprint] = secret
	r.mu.Unlock()
}

// Get returns the raw secret of the finding with this fingerprint.
func (r *RawSecrets) Get(fingerprint string) (string, bool) {
	if r == nil {
		return "", false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.m[fingerprint]
	return s, ok
}

// Len is how many secrets the store holds.
func (r *RawSecrets) Len() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// Clear drops every secret.
func (r *RawSecrets) Clear() {
	if r == nil {
		return
	}
	r.mu.Lock()
	clear(r.m)
	r.mu.Unlock()
}

// Format prints the count only, whatever the verb: a raw secret never
// reaches a log line or a test failure through fmt.
func (r *RawSecrets) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "scanner.RawSecrets(%d held)", r.Len())
}

// Verification states.
const (
	VerifyLive    = "live"    // the issuer accepted the credential
	VerifyInvalid = "invalid" // the issuer refused it: revoked, expired or never valid
	VerifyUnknown = "unknown" // no answer: network error, rate limit, unexpected reply
)

// Verification is what the credential's issuer said when asked (scan
// --verify). It is set only on findings that a verifier covers.
type Verification struct {
	// State is live, invalid or unknown.
	State string `json:"state"`
	// Evidence says what the issuer answered ("verified: X-OAuth-Scopes:
	// repo, delete_repo"), or why there is no answer.
	Evidence []string `json:"evidence,omitempty"`
	// Host is the host that was asked.
	Host string `json:"host"`
	// Endpoint is set when --verify-endpoint replaced the verifier's fixed
	// host (self-hosted GitLab, GitHub Enterprise): the base URL used.
	Endpoint string `json:"endpoint,omitempty"`
}
