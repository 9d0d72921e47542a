package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/rules"
)

// literalHits counts, per literal, how often the prefilter fires on the
// files under root: every hit costs a regexp run over a window, so these
// counts are what keeps a scan fast.
func literalHits(tb testing.TB, dets []detectors.Detector, root string) (hits map[string]int, bytes int64) {
	tb.Helper()
	var lits []string
	seen := map[string]bool{}
	for _, d := range dets {
		for _, l := range d.Literals() {
			k := strings.ToLower(l)
			if !seen[k] {
				seen[k] = true
				lits = append(lits, k)
			}
		}
	}
	builder := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{
		AsciiCaseInsensitive: true, MatchKind: ahocorasick.StandardMatch, DFA: true,
	})
	ac := builder.Build(lits)
	hits = map[string]int{}
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		bytes += int64(len(b))
		it := ac.IterOverlappingByte(b)
		for m := it.Next(); m != nil; m = it.Next() {
			hits[lits[m.Pattern()]]++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return hits, bytes
}

// BenchmarkPrefilterGoSource reports prefilter hits per MiB of Go's own
// source tree, for the rule-driven detectors alone and for the full
// built-in set, and logs the literals that fire most:
//
//	go test ./rules -run '^$' -bench PrefilterGoSource -benchtime 1x -v
func BenchmarkPrefilterGoSource(b *testing.B) {
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no Go source tree:", err)
	}
	rs, err := rules.Load()
	if err != nil {
		b.Fatal(err)
	}
	var ruleDets []detectors.Detector
	for _, r := range rs {
		ruleDets = append(ruleDets, r)
	}
	all, err := rules.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		ruleHits, n := literalHits(b, ruleDets, root)
		allHits, _ := literalHits(b, all, root)
		mib := float64(n) / (1 << 20)
		b.ReportMetric(float64(total(ruleHits))/mib, "rule-hits/MiB")
		b.ReportMetric(float64(total(allHits))/mib, "all-hits/MiB")
		b.Logf("%.0f MiB scanned; worst literals of the full set:", mib)
		for _, l := range worst(allHits, 15) {
			b.Logf("  %-24q %7d hits  %8.3f/MiB", l, allHits[l], float64(allHits[l])/mib)
		}
	}
}

func total(h map[string]int) int {
	n := 0
	for _, v := range h {
		n += v
	}
	return n
}

func worst(h map[string]int, k int) []string {
	var ls []string
	for l := range h {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool {
		if h[ls[i]] != h[ls[j]] {
			return h[ls[i]] > h[ls[j]]
		}
		return ls[i] < ls[j]
	})
	if len(ls) > k {
		ls = ls[:k]
	}
	return ls
}
