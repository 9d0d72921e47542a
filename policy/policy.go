// Package policy is the one stage that decides what a finished, normalised
// scan result means for the run: which findings are suppressed (inline
// allows, baselines, allow-lists) and which fail the run (--fail-on).
// It runs once, after the engine's normalisation, the sources' Finishers
// and any merging a command does; reporters and the exit code only read
// what it set (Finding.FailsRun, Finding.Suppressed).
package policy

import (
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// A Suppressor decides whether one finding is suppressed. It sees the
// finished finding (redacted; Secret is set only with --show-secrets) and
// must not change it. It is called from one goroutine, in result order.
type Suppressor interface {
	// Name names the suppressor in errors and docs ("inline", "baseline").
	Name() string
	// Suppress returns the suppression and true when f is suppressed.
	Suppress(f *scanner.Finding) (scanner.Suppression, bool)
}

// SuppressorFunc adapts a function to a Suppressor.
type SuppressorFunc struct {
	ID string
	Fn func(f *scanner.Finding) (scanner.Suppression, bool)
}

func (s SuppressorFunc) Name() string { return s.ID }

func (s SuppressorFunc) Suppress(f *scanner.Finding) (scanner.Suppression, bool) { return s.Fn(f) }

// Policy is what the run holds findings against.
type Policy struct {
	// FailOn is the --fail-on level.
	FailOn scope.Level
	// Suppressors are asked in order; the first that suppresses a finding
	// decides its Suppression.
	Suppressors []Suppressor
}

// Summary counts what Apply decided.
type Summary struct {
	// Failing is the number of findings that fail the run.
	Failing int
	// Suppressed is the number of suppressed findings.
	Suppressed int
}

// Fails reports whether the run fails: some finding has FailsRun.
func (s Summary) Fails() bool { return s.Failing > 0 }

// Apply sets Suppressed and FailsRun on every finding of res. FailsRun is
// recomputed each time; a Suppressed already set (by an earlier Apply, or
// read back from a merged report) is kept, so applying the stage again
// after a merge is safe. res may be nil.
func (p Policy) Apply(res *scanner.Result) Summary {
	var sum Summary
	if res == nil {
		return sum
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		for _, s := range p.Suppressors {
			if f.Suppressed != nil {
				break
			}
			if sup, ok := s.Suppress(f); ok {
				if sup.Kind == "" {
					sup.Kind = scanner.SuppressAllowlist
				}
				f.Suppressed = &sup
			}
		}
		f.FailsRun = f.Suppressed == nil && p.FailOn.Trips(f.Severity)
		if f.Suppressed != nil {
			sum.Suppressed++
		}
		if f.FailsRun {
			sum.Failing++
		}
	}
	return sum
}

// Count recounts what an earlier Apply set on res's findings.
func Count(res *scanner.Result) Summary {
	var sum Summary
	if res == nil {
		return sum
	}
	for i := range res.Findings {
		if res.Findings[i].Suppressed != nil {
			sum.Suppressed++
		}
		if res.Findings[i].FailsRun {
			sum.Failing++
		}
	}
	return sum
}
