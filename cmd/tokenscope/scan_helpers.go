package main

import (
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/archive"
	"github.com/tokenscope/tokenscope/scanner/binary"
	"github.com/tokenscope/tokenscope/scanner/decode"
	"github.com/tokenscope/tokenscope/scanner/home"
	"github.com/tokenscope/tokenscope/scanner/sourcemap"
)

// ruleInfos describes every rule id a finding may name (the registry:
// YAML rules, code detectors, store formats, named credentials).
func ruleInfos() (map[string]detectors.Info, error) {
	reg, err := detectors.Registry()
	if err != nil {
		return nil, err
	}
	return reg.Infos(), nil
}

// scanFormats are the file-format detectors scan runs: committed
// credential stores read as reach reads them, and the decoding formats
// (Kubernetes Secret data, JSON-escaped and percent-encoded strings),
// which scan decoded values with set.
func scanFormats(set *detectors.Set) []scanner.Format {
	return append(home.StoreFormats(), decode.Formats(set)...)
}

// defaultExpanders are the expanders every scan runs: packages with
// their own (archives, ...) add them here. archiveDepth 0 leaves archives
// unopened (--max-archive-depth 0).
func defaultExpanders(archiveDepth int) []scanner.Expander {
	// Archives come first: a zip's header would not pass for UTF-16, but
	// the order should not have to prove it.
	// Binaries are read through their strings, last.
	var xs []scanner.Expander
	if archiveDepth > 0 {
		xs = archive.Expanders(archive.DefaultMaxInMemory)
	}
	// Source maps are taken by name (*.map) before anything else looks
	// at their text; inline maps at the end of bundles and style sheets
	// after UTF-16, which may encode one.
	return append(xs, sourcemap.Expander(), scanner.UTF16(), sourcemap.Inline(), binary.Strings())
}

// newPolicy is the policy stage of scan and reach: --fail-on, and the
// suppressors (inline allows, baseline, allow-lists) when configured. It is
// applied once, to the finished result, before any report is written.
func newPolicy(failOn scope.Level, sups ...policy.Suppressor) policy.Policy {
	return policy.Policy{FailOn: failOn, Suppressors: sups}
}
