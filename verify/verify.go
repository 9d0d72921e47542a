// Package verify asks a credential's own issuer whether it is live and
// what it may do (scan --verify). Each Verifier is registered with the
// rule ids it covers, the hosts it may talk to (fixed in code), the one
// read-only request it sends and what it maps into the finding's scope;
// `tokenscope rules show ID` prints that, so users know where their
// secrets go before they send them.
//
// The Client bounds the work: a global concurrency limit, per-host pacing,
// timeouts, retries with backoff on 429 and 5xx (Retry-After honoured, up
// to a cap), no redirect to another host, a cache so a secret found many
// times is verified once, and a transport guard that refuses any host the
// verifier did not declare. Errors and evidence never carry the URL's
// query or the secret.
package verify

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// Credential is what a verifier checks: the raw secret and what the
// finding knows around it (attrs such as an AWS key id).
type Credential struct {
	RuleID string
	Secret string
	Attrs  map[string]string
}

// Result is the issuer's answer.
type Result struct {
	// State is scanner.VerifyLive, VerifyInvalid or VerifyUnknown.
	State string
	// Evidence says what the issuer answered, or why there is no answer.
	// It never holds the secret.
	Evidence []string
	// Refine is what a live answer teaches about the scope.
	Refine Refine
}

// Refine lists what a live answer sets in the finding's scope; zero
// fields leave the scope as it was.
type Refine struct {
	Access       scope.Access
	Reach        scope.Reach
	Env          scope.Env
	Lifetime     scope.Lifetime
	ExpiresAt    *time.Time
	Destructive  *bool
	DestroysWhat string
}

// Live, Invalid and Unknown build results.
func Live(evidence ...string) Result { return Result{State: scanner.VerifyLive, Evidence: evidence} }

// Invalid is the issuer's refusal: revoked, expired or never valid.
func Invalid(evidence ...string) Result {
	return Result{State: scanner.VerifyInvalid, Evidence: evidence}
}

// Unknown is no usable answer.
func Unknown(evidence ...string) Result {
	return Result{State: scanner.VerifyUnknown, Evidence: evidence}
}

// Verifier asks one issuer about the credentials of some rules.
type Verifier struct {
	// Name is the short name --verify-endpoint uses ("github", "gitlab").
	Name string
	// Provider is the issuer as people name it.
	Provider string
	// RuleIDs are the rules whose findings this verifier checks.
	RuleIDs []string
	// Hosts are the only hosts a request may go to; the first is the
	// default base (https://HOST). Fixed in code.
	Hosts []string
	// Request documents the request sent, secret elided.
	Request string
	// Maps documents what the answer sets in the scope.
	Maps string
	// SelfHosted allows --verify-endpoint FAMILY=URL to replace the base
	// (GitHub Enterprise Server, self-managed GitLab).
	SelfHosted bool
	// Family is the --verify-endpoint name; Name when empty. Verifiers of
	// one server share it (gitlab: tokens and runner tokens).
	Family string
	// EndpointOnly marks an issuer with no public host (a Vault server):
	// nothing is sent unless --verify-endpoint names the server, and
	// Hosts is empty.
	EndpointOnly bool
	// Check sends the request through c and reads the answer. It must
	// use only c to reach the network.
	Check func(ctx context.Context, c *Call, cred Credential) Result
}

var registry = map[string]*Verifier{}
var byName = map[string]*Verifier{}

// register adds v; rule ids and names must be unique (checked at init).
func register(v *Verifier) {
	if v.EndpointOnly {
		v.SelfHosted = true
	}
	if v.Name == "" || len(v.Hosts) == 0 && !v.EndpointOnly || len(v.RuleIDs) == 0 || v.Check == nil || v.Request == "" || v.Maps == "" {
		panic("verify: incomplete verifier " + v.Name)
	}
	if _, dup := byName[v.Name]; dup {
		panic("verify: duplicate verifier " + v.Name)
	}
	byName[v.Name] = v
	for _, id := range v.RuleIDs {
		if _, dup := registry[id]; dup {
			panic("verify: rule " + id + " has two verifiers")
		}
		registry[id] = v
	}
}

// For returns the verifier of a rule id.
func For(ruleID string) (*Verifier, bool) {
	v, ok := registry[ruleID]
	return v, ok
}

func (v *Verifier) family() string {
	if v.Family != "" {
		return v.Family
	}
	return v.Name
}

// SelfHostedFamily reports whether name is a --verify-endpoint family.
func SelfHostedFamily(name string) bool {
	name = strings.ToLower(name)
	for _, v := range byName {
		if v.SelfHosted && v.family() == name {
			return true
		}
	}
	return false
}

// ByName returns the verifier with this Name (case-insensitive).
func ByName(name string) (*Verifier, bool) {
	v, ok := byName[strings.ToLower(name)]
	return v, ok
}

// All returns every verifier, sorted by name.
func All() []*Verifier {
	out := make([]*Verifier, 0, len(byName))
	for _, v := range byName {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RuleIDs lists every rule id a verifier covers, sorted.
func RuleIDs() []string {
	out := make([]string, 0, len(registry))
	for id := range registry {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Describe is the text `rules show` prints for a verifier.
func (v *Verifier) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "verifier:  %s (%s), with scan --verify only\n", v.Name, v.Provider)
	if v.EndpointOnly {
		fmt.Fprintf(&b, "hosts:     none: only the server --verify-endpoint %s=URL names\n", v.family())
	} else {
		fmt.Fprintf(&b, "hosts:     %s\n", strings.Join(v.Hosts, ", "))
	}
	fmt.Fprintf(&b, "request:   %s\n", v.Request)
	fmt.Fprintf(&b, "maps:      %s\n", v.Maps)
	if v.SelfHosted {
		fmt.Fprintf(&b, "endpoint:  --verify-endpoint %s=URL sends it to your own server instead\n", v.family())
	}
	return b.String()
}
