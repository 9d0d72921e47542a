package main

import (
	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/scanner"
)

// HistoryOptions select what of git history `scan` reads.
type HistoryOptions struct {
	// filled in by the git history work
}

// addHistoryFlags registers the git history flags on scan.
func addHistoryFlags(f *pflag.FlagSet, o *HistoryOptions) {}

// historySources returns the git sources for the scan's paths, or none.
// The returned sources run after the directory source.
func historySources(opts *ScanOptions) ([]scanner.Source, error) { return nil, nil }
