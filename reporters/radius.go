package reporters

import (
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// Radius is a finding's blast-radius group in the reports: a small integer
// for ordering and indexing, with a stable JSON id. The grouping itself is
// scope.Radius (detectors/scope); RadiusOf only maps it.
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
		return string(scope.RadiusDestroy)
	case RadiusBroad:
		return string(scope.RadiusWriteBroad)
	case RadiusNarrow:
		return string(scope.RadiusNarrow)
	case RadiusHarmless:
		return string(scope.RadiusHarmless)
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

// RadiusOf puts a scope in its blast-radius group (scope.Radius).
func RadiusOf(s scope.Scope) Radius {
	switch scope.Radius(s) {
	case scope.RadiusDestroy:
		return RadiusDestroy
	case scope.RadiusWriteBroad:
		return RadiusBroad
	case scope.RadiusHarmless:
		return RadiusHarmless
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
