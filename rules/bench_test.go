package rules_test

import (
	"os"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/rules"
)

// BenchmarkBuiltinSet is the rules' share of start-up: decoding the rule
// files, checking and compiling every rule (regexps stay lazy) and
// building the prefilter automaton, as every process does once (Load
// caches the compiled rules, so this reads the files in this directory):
//
//	go test -run '^$' -bench BuiltinSet -benchmem ./rules
func BenchmarkBuiltinSet(b *testing.B) {
	b.ReportAllocs()
	fsys := os.DirFS(".")
	for i := 0; i < b.N; i++ {
		rs, err := rules.LoadFS(fsys)
		if err != nil {
			b.Fatal(err)
		}
		ds := make([]detectors.Detector, 0, len(rs)+8)
		for _, r := range rs {
			ds = append(ds, r)
		}
		if _, err := detectors.NewSet(append(ds, detectors.CodeDetectors()...)); err != nil {
			b.Fatal(err)
		}
	}
}
