package main

import (
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
)

func infoMap(set *detectors.Set) map[string]detectors.Info {
	m := map[string]detectors.Info{}
	for _, inf := range set.Infos() {
		m[inf.ID] = inf
	}
	return m
}

// defaultExpanders are the expanders every scan runs: packages with
// their own (archives, ...) add them here.
func defaultExpanders() []scanner.Expander {
	return []scanner.Expander{scanner.UTF16()}
}
