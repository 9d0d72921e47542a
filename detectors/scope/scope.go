// Package scope models how much damage a credential can do: its privilege
// scope, the severity derived from it, and the policy levels used by
// --fail-on. It is a leaf package: it imports nothing of tokenscope's.
package scope

import (
	"fmt"
	"strings"
	"time"
)

// Access is what a credential may do to the things it reaches.
type Access string

const (
	AccessUnknown Access = "unknown"
	AccessNone    Access = "none" // not a secret at all (publishable key, identifier)
	AccessRead    Access = "read"
	AccessWrite   Access = "write"
	AccessAdmin   Access = "admin"
)

// Reach is how far a credential's rights extend.
type Reach string

const (
	ReachUnknown  Reach = "unknown"
	ReachResource Reach = "resource" // one repo, bucket, environment, package
	ReachProject  Reach = "project"
	ReachAccount  Reach = "account" // everything the owning user can reach
	ReachOrg      Reach = "org"
)

// Env is whether the credential acts on production or test data.
type Env string

const (
	EnvUnknown    Env = "unknown"
	EnvProduction Env = "production"
	EnvTest       Env = "test"
)

// Lifetime is how long the credential stays usable.
type Lifetime string

const (
	LifetimeUnknown   Lifetime = "unknown"
	LifetimeEphemeral Lifetime = "ephemeral" // at most a day
	LifetimeExpiring  Lifetime = "expiring"  // has an expiry date
	LifetimeLongLived Lifetime = "long_lived"
	LifetimeExpired   Lifetime = "expired"
)

// Confidence says how the scope was learned, strongest first.
type Confidence string

const (
	ConfidenceVerified Confidence = "verified" // the issuer said so (scan --verify)
	ConfidenceDecoded  Confidence = "decoded"  // read from the token itself
	ConfidencePrefix   Confidence = "prefix"   // documented prefix or format
	ConfidenceContext  Confidence = "context"  // variable name, file, header
	ConfidenceDefault  Confidence = "default"  // nothing better known
)

// Scope is the privilege scope of one credential, with the evidence for it.
type Scope struct {
	Access      Access     `json:"access" yaml:"access"`
	Reach       Reach      `json:"reach" yaml:"reach"`
	Env         Env        `json:"env" yaml:"env"`
	Lifetime    Lifetime   `json:"lifetime" yaml:"lifetime"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty" yaml:"-"`
	Destructive bool       `json:"destructive" yaml:"destructive"`
	// DestroysWhat names what can be deleted ("databases and backups").
	DestroysWhat string     `json:"destroys_what,omitempty" yaml:"destroys_what"`
	Evidence     []string   `json:"evidence,omitempty" yaml:"evidence"`
	Confidence   Confidence `json:"confidence" yaml:"confidence"`
	// Doubt says why the credential may not be a live one although it has
	// its vendor's shape ("checksum invalid": the token's own checksum does
	// not match, so it is mistyped, truncated or made up). A scope with a
	// doubt is at most medium (Severity).
	Doubt string `json:"doubt,omitempty" yaml:"-"`
	// envGuessed is set when Env is test only because a name said so (a
	// local or example host, a database called app_test), not because the
	// token itself is a test-mode one: a production file name may then
	// raise it (ApplyContext).
	envGuessed bool
}

// Normalize fills empty fields with their unknown values, so a zero Scope
// reads as "nothing known".
func (s Scope) Normalize() Scope {
	if s.Access == "" {
		s.Access = AccessUnknown
	}
	if s.Reach == "" {
		s.Reach = ReachUnknown
	}
	if s.Env == "" {
		s.Env = EnvUnknown
	}
	if s.Lifetime == "" {
		s.Lifetime = LifetimeUnknown
	}
	if s.Confidence == "" {
		s.Confidence = ConfidenceDefault
	}
	return s
}

// Clone returns a copy that shares no slices or pointers with s.
func (s Scope) Clone() Scope {
	c := s
	if s.Evidence != nil {
		c.Evidence = append([]string(nil), s.Evidence...)
	}
	if s.ExpiresAt != nil {
		t := *s.ExpiresAt
		c.ExpiresAt = &t
	}
	return c
}

// Validate reports the first field that holds a value outside its enum.
func (s Scope) Validate() error {
	s = s.Normalize()
	switch s.Access {
	case AccessUnknown, AccessNone, AccessRead, AccessWrite, AccessAdmin:
	default:
		return fmt.Errorf("scope: access %q is not one of unknown, none, read, write, admin", s.Access)
	}
	switch s.Reach {
	case ReachUnknown, ReachResource, ReachProject, ReachAccount, ReachOrg:
	default:
		return fmt.Errorf("scope: reach %q is not one of unknown, resource, project, account, org", s.Reach)
	}
	switch s.Env {
	case EnvUnknown, EnvProduction, EnvTest:
	default:
		return fmt.Errorf("scope: env %q is not one of unknown, production, test", s.Env)
	}
	switch s.Lifetime {
	case LifetimeUnknown, LifetimeEphemeral, LifetimeExpiring, LifetimeLongLived, LifetimeExpired:
	default:
		return fmt.Errorf("scope: lifetime %q is not one of unknown, ephemeral, expiring, long_lived, expired", s.Lifetime)
	}
	switch s.Confidence {
	case ConfidenceVerified, ConfidenceDecoded, ConfidencePrefix, ConfidenceContext, ConfidenceDefault:
	default:
		return fmt.Errorf("scope: confidence %q is not one of verified, decoded, prefix, context, default", s.Confidence)
	}
	return nil
}

// Words describes the scope in a short phrase for people:
// "admin, account-wide, production, long-lived, can destroy".
func (s Scope) Words() string {
	s = s.Normalize()
	var parts []string
	switch s.Access {
	case AccessNone:
		parts = append(parts, "not a secret")
	case AccessUnknown:
		parts = append(parts, "access unknown")
	default:
		parts = append(parts, string(s.Access))
	}
	switch s.Reach {
	case ReachResource:
		parts = append(parts, "one resource")
	case ReachProject:
		parts = append(parts, "project-wide")
	case ReachAccount:
		parts = append(parts, "account-wide")
	case ReachOrg:
		parts = append(parts, "org-wide")
	}
	if s.Env != EnvUnknown {
		parts = append(parts, string(s.Env))
	}
	switch s.Lifetime {
	case LifetimeLongLived:
		parts = append(parts, "long-lived")
	case LifetimeEphemeral:
		parts = append(parts, "short-lived")
	case LifetimeExpired:
		parts = append(parts, "expired")
	case LifetimeExpiring:
		if s.ExpiresAt != nil {
			parts = append(parts, "expires "+s.ExpiresAt.UTC().Format("2006-01-02"))
		} else {
			parts = append(parts, "expiring")
		}
	}
	if s.Destructive {
		if s.DestroysWhat != "" {
			parts = append(parts, "can destroy "+s.DestroysWhat)
		} else {
			parts = append(parts, "can destroy")
		}
	}
	return strings.Join(parts, ", ")
}
