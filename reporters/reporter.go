// Package reporters writes a scan result: terminal (lipgloss), json,
// jsonl and sarif. A reporter takes a finished, sorted scanner.Result and a
// writer; it decides nothing about what was found (policy.Policy.Apply has
// set FailsRun and Suppressed on every finding).
package reporters

import (
	"fmt"
	"io"
	"sort"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// Run describes the scan being reported.
type Run struct {
	// Tool is the tool's name and version.
	ToolName    string
	ToolVersion string
	// Command is "scan" or "reach".
	Command string
	// Category is the SARIF category (runAutomationDetails.id without its
	// run part); empty means "tokenscope/COMMAND".
	Category string
	// Roots are the scanned paths as the user named them.
	Roots []string
	// Rules describes every rule id a finding may name.
	Rules map[string]detectors.Info
	// FailOn is the --fail-on level, named in reports. Which findings fail
	// the run is Finding.FailsRun, set by the policy stage (package
	// policy); reporters never decide it.
	FailOn scope.Level
	// ShowSecrets is set when findings carry raw secrets.
	ShowSecrets bool
	// Color enables ANSI colour in the terminal report.
	Color bool
	// Width is the terminal width; 0 means 100.
	Width int
	// BaseDir is the absolute directory that relative paths in findings
	// are relative to (the working directory). SARIF names it as the
	// %SRCROOT% base; empty leaves the base described but without a URI.
	BaseDir string
	// Notices are lines every report must carry about the run's
	// configuration: what a config turned off, a config not read, stale
	// baseline entries.
	Notices []string
	// ShowSuppressed lists suppressed findings in the terminal report
	// (JSON and SARIF always carry them, marked).
	ShowSuppressed bool
	// Incomplete is set when the scan stopped early (interrupted): the
	// report holds only what was found before it stopped.
	Incomplete bool
	// FingerprintScheme is scanner.Fingerprinter.Scheme: how the findings'
	// fingerprints were made ("v2", "v2-keyed:<key id>"); empty means "v2".
	FingerprintScheme string
	// Verify describes the --verify stage; nil when it did not run.
	Verify *VerifyInfo
	// Shard is scan --shard K/N; nil (or one shard) when the scan was not
	// split.
	Shard *scanner.Shard
}

// A Reporter writes one report. The error contract: an error means w may
// hold a partial report; callers write to a buffer and copy it out only on
// success, so no report is ever left half-written.
type Reporter interface {
	Report(w io.Writer, run Run, res *scanner.Result) error
}

// Formats lists the accepted --format values.
var Formats = []string{"terminal", "json", "jsonl", "sarif"}

// New returns the reporter for a --format value.
func New(format string) (Reporter, error) {
	switch format {
	case "terminal", "text", "":
		return Terminal{}, nil
	case "json":
		return JSON{}, nil
	case "jsonl":
		return JSONL{}, nil
	case "sarif":
		return SARIF{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want terminal, json, jsonl or sarif)", format)
}

// RulesUsed returns the infos of the rules that findings name, sorted by id.
func RulesUsed(run Run, res *scanner.Result) []detectors.Info {
	seen := map[string]bool{}
	var out []detectors.Info
	for _, f := range res.Findings {
		if seen[f.RuleID] {
			continue
		}
		seen[f.RuleID] = true
		inf, ok := run.Rules[f.RuleID]
		if !ok {
			inf = detectors.Info{ID: f.RuleID, Provider: f.Provider, Kind: f.Kind}
		}
		out = append(out, inf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CountBySeverity counts findings per severity.
func CountBySeverity(res *scanner.Result) map[scope.Severity]int {
	m := map[scope.Severity]int{}
	for _, f := range res.Findings {
		m[f.Severity]++
	}
	return m
}

// HumanBytes prints a byte count as B, KB, MB or GB (powers of 1024).
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
