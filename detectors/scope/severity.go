package scope

import (
	"fmt"
	"strings"
)

// Severity is derived from a Scope by Severity(); it is never set by hand.
type Severity int

const (
	SevInfo Severity = iota
	SevLow
	SevMedium
	SevHigh
	SevCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < SevInfo || s > SevCritical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity's name, so JSON carries "high", not 3.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads one of info, low, medium, high, critical.
func ParseSeverity(name string) (Severity, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", name)
}

// Severity derives the severity of a credential from its scope.
//
//	info      not a secret (publishable key, identifier)
//	low       test mode, expired, or read-only on one resource
//	medium    anything not covered above or below (unknown reach, narrow write)
//	high      write or unknown access at account/org reach; destructive or
//	          admin on one project or resource
//	critical  destructive or admin, broad (account/org/unknown), not expired,
//	          not test. A platform whose account tokens can destroy and whose
//	          string cannot tell its kind gets a Destructive base scope with
//	          unknown reach, so it lands here and says so in its evidence.
//
// A scope with a Doubt (a token whose own checksum fails) is at most
// medium, whatever its rights.
//
// The full table is in docs/scope.md.
func (s Scope) Severity() Severity {
	sev := s.severity()
	if s.Doubt != "" && sev > SevMedium {
		return SevMedium
	}
	return sev
}

func (s Scope) severity() Severity {
	s = s.Normalize()
	if s.Access == AccessNone {
		return SevInfo
	}
	if s.Lifetime == LifetimeExpired || s.Env == EnvTest {
		return SevLow
	}
	broad := s.Reach == ReachAccount || s.Reach == ReachOrg || s.Reach == ReachUnknown
	if (s.Destructive || s.Access == AccessAdmin) && broad {
		return SevCritical
	}
	if s.Destructive || s.Access == AccessAdmin {
		// destructive but narrow: one project's database, one bucket
		return SevHigh
	}
	if (s.Access == AccessWrite || s.Access == AccessUnknown) && (s.Reach == ReachAccount || s.Reach == ReachOrg) {
		// unknown rights over a whole account: assume they include writing
		return SevHigh
	}
	if s.Access == AccessRead && (s.Reach == ReachResource || s.Reach == ReachProject) {
		return SevLow
	}
	return SevMedium
}

// Level is a --fail-on threshold: a severity, or "none" for never failing.
type Level struct {
	Never bool
	Min   Severity
}

// ParseLevel reads a --fail-on value: info, low, medium, high, critical,
// none, or broad (an alias of high).
func ParseLevel(name string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "none", "never":
		return Level{Never: true}, nil
	case "broad":
		return Level{Min: SevHigh}, nil
	}
	s, err := ParseSeverity(name)
	if err != nil {
		return Level{}, fmt.Errorf("unknown --fail-on level %q (want info, low, medium, high, broad, critical or none)", name)
	}
	return Level{Min: s}, nil
}

// Trips reports whether a finding of severity s fails the run.
func (l Level) Trips(s Severity) bool { return !l.Never && s >= l.Min }

func (l Level) String() string {
	if l.Never {
		return "none"
	}
	return l.Min.String()
}
