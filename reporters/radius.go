package reporters

import (
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// Radius is a finding's blast-radius group in the terminal report.
//
// It is computed here until detectors/scope exports its own Radius; the
// grouping is the one issue 3 names:
//
//	can destroy             destructive, and not test, expired or public
//	can write broadly       admin anywhere, or write (or unknown access) at
//	                        account, org or unknown reach: severity high or
//	                        critical without being destructive
//	read-only or narrow     everything else that is a live secret
//	test, expired or public not a secret, test mode, or expired
type Radius int

const (
	RadiusDestroy Radius = iota
	RadiusBroad
	RadiusNarrow
	RadiusHarmless

	numRadii = int(RadiusHarmless) + 1
)

// Title is the group's heading.
func (r Radius) Title() string {
	switch r {
	case RadiusDestroy:
		return "can destroy"
	case RadiusBroad:
		return "can write broadly"
	case RadiusNarrow:
		return "read-only or narrow"
	case RadiusHarmless:
		return "test, expired or public"
	}
	return "unknown"
}

// ID is the group's stable name in JSON: destroy, write_broad, narrow,
// harmless.
func (r Radius) ID() string {
	switch r {
	case RadiusDestroy:
		return "destroy"
	case RadiusBroad:
		return "write_broad"
	case RadiusNarrow:
		return "narrow"
	case RadiusHarmless:
		return "harmless"
	}
	return "unknown"
}

// RadiusOf puts a scope in its blast-radius group.
func RadiusOf(s scope.Scope) Radius {
	s = s.Normalize()
	switch {
	case s.Access == scope.AccessNone || s.Env == scope.EnvTest || s.Lifetime == scope.LifetimeExpired:
		return RadiusHarmless
	case s.Destructive:
		return RadiusDestroy
	case s.Severity() >= scope.SevHigh:
		return RadiusBroad
	}
	return RadiusNarrow
}

// GroupByRadius splits findings into their blast-radius groups, keeping
// each group in the order of fs (the Result's severity, path, line order).
func GroupByRadius(fs []scanner.Finding) [numRadii][]scanner.Finding {
	var out [numRadii][]scanner.Finding
	for _, f := range fs {
		r := RadiusOf(f.Scope)
		out[r] = append(out[r], f)
	}
	return out
}

// CountByRadius counts findings per blast-radius group (for a verdict:
// "D can destroy, B are broad").
func CountByRadius(fs []scanner.Finding) map[Radius]int {
	m := map[Radius]int{}
	for _, f := range fs {
		m[RadiusOf(f.Scope)]++
	}
	return m
}
