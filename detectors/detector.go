// Package detectors finds credentials in content. A Detector is pure: no I/O,
// safe for concurrent use, and only called on a window around one of its
// literals. The Set runs one multi-literal prefilter pass over each chunk and
// calls only the detectors whose literals hit.
package detectors

import (
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// Info describes a detector for `tokenscope rules list` and for reports.
type Info struct {
	ID          string `json:"id"`
	Provider    string `json:"provider"`
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
	// Base is the scope the vendor documents for this kind of credential.
	Base scope.Scope `json:"scope"`
}

// A Candidate is one credential a detector found in a window.
type Candidate struct {
	// RuleID, Provider and Kind name what was found. A detector that finds
	// several kinds (private keys, URIs) fills them per candidate.
	RuleID   string
	Provider string
	Kind     string
	// Secret is the credential itself (for pairs such as AWS, the secret
	// half); it is what gets redacted and fingerprinted.
	Secret string
	// Prefix is the documented vendor prefix Secret starts with ("ghp_",
	// "sk_live_"), the only part of it a redacted report may show; empty
	// when the format has none. It never holds random characters: a
	// rule's comes from its redact_prefix list or the literal start of its
	// secret group.
	Prefix string
	// Start and End delimit where the credential is reported, as offsets
	// into the window handed to Find.
	Start, End int
	// Scope is what the detector knows: the rule's base scope, refined by
	// anything it decoded from the token.
	Scope scope.Scope
	// Attrs carries extra facts a person can check (AWS key id, database
	// host, variable name). Keys are short lower_snake words.
	Attrs map[string]string
}

// A Detector finds one family of credentials.
//
// Literals returns distinctive prefixes or keywords, matched ASCII
// case-insensitively by the Set; a window that contains none of them is
// never shown to the detector. MaxLen bounds the length of any match that
// contains one of the literals, so the window [hit-MaxLen, hitEnd+MaxLen]
// always holds the whole match and chunk overlaps are correct.
//
// Find reports every credential in window through emit. It must not keep
// window or emit after it returns.
type Detector interface {
	Info() Info
	Literals() []string
	MaxLen() int
	Find(window []byte, emit func(Candidate))
}

// Lister is implemented by detectors that cover several rules (a code
// detector for private keys reports each key type as its own rule), so that
// `rules list` and SARIF can name each of them.
type Lister interface {
	Rules() []Info
}

// AllInfos lists the rules a detector reports: its Lister rules if it has
// them, else its own Info.
func AllInfos(d Detector) []Info {
	if l, ok := d.(Lister); ok {
		return l.Rules()
	}
	return []Info{d.Info()}
}

// IsGeneric reports whether a rule id belongs to a generic detector, whose
// findings give way to a specific rule's at the same place.
func IsGeneric(ruleID string) bool {
	return len(ruleID) >= 8 && ruleID[:8] == "generic-"
}
