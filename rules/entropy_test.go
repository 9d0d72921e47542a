package rules_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
)

// A rule's entropy floor is there to drop placeholders, not real keys: of
// 400 draws of each positive example (the random parts as a vendor's
// generator would make them), the rule must find at least 99%. A 16-
// character key of upper-case letters and digits falls under 3.3 bits one
// time in twenty; such a floor loses real keys.
func TestEntropyFloorsKeepRandomKeys(t *testing.T) {
	specs, err := rules.Specs()
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	for _, s := range specs {
		if s.MinEntropy == 0 {
			continue
		}
		r, err := detectors.CompileRule(s)
		if err != nil {
			t.Fatal(err)
		}
		for pi, ex := range s.Examples.Positive {
			miss := 0
			for i := 0; i < n; i++ {
				text, err := testtoken.New(uint64(1000 + i)).Expand(ex)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				r.Find([]byte(text), func(detectors.Candidate) { found = true })
				if !found {
					miss++
				}
			}
			if miss*100 > n {
				t.Errorf("%s: positive example %d (min_entropy %.1f) missed in %d of %d draws", s.ID, pi, s.MinEntropy, miss, n)
			}
		}
	}
}
