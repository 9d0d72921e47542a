package detectors

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

type occ struct {
	lit        int32
	start, end int
}

// naive finds every occurrence the slow way.
func naive(lits []string, data []byte) []occ {
	var out []occ
	lower := make([]byte, len(data))
	for i, c := range data {
		lower[i] = lowerASCII(c)
	}
	for end := 1; end <= len(data); end++ {
		for li, l := range lits {
			if len(l) <= end && string(lower[end-len(l):end]) == l {
				out = append(out, occ{int32(li), end - len(l), end})
			}
		}
	}
	return out
}

func collect(p *prefilter, data []byte) []occ {
	var out []occ
	p.scan(data, &pfScratch{}, func(li int32, s, e int) { out = append(out, occ{li, s, e}) })
	return out
}

func sortOccs(o []occ) {
	slices.SortFunc(o, func(a, b occ) int {
		if a.end != b.end {
			return a.end - b.end
		}
		return int(a.lit - b.lit)
	})
}

// TestPrefilter compares the automaton with a naive search on random text
// over a small alphabet, where literals overlap, nest and share prefixes
// and suffixes, in both cases.
func TestPrefilter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		var lits []string
		seen := map[string]bool{}
		for len(lits) < 1+r.IntN(12) {
			n := 1 + r.IntN(5)
			b := make([]byte, n)
			for i := range b {
				b[i] = "abc_-"[r.IntN(5)]
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				lits = append(lits, string(b))
			}
		}
		// short inputs take the one-stream loop, long ones the four-stream
		// one, with stream boundaries falling inside occurrences
		data := make([]byte, []int{300, pfMinSplit, pfMinSplit + 1 + r.IntN(3000)}[round%3])
		for i := range data {
			data[i] = "abcABC_-\x00\xff"[r.IntN(10)]
		}
		p := newPrefilter(lits)
		got, want := collect(p, data), naive(lits, data)
		sortOccs(got)
		sortOccs(want)
		if !slices.Equal(got, want) {
			t.Fatalf("lits %q data %q:\ngot  %v\nwant %v", lits, data, got, want)
		}
	}
}

func TestPrefilterOrderAndEdges(t *testing.T) {
	p := newPrefilter([]string{"ghp_", "hp_x", "p_", "-----begin"})
	got := collect(p, []byte("GHP_X ghp_ -----BEGIN"))
	want := []occ{{2, 2, 4}, {0, 0, 4}, {1, 1, 5}, {2, 8, 10}, {0, 6, 10}, {3, 11, 21}}
	// hits come in order of their end, in long inputs too
	long := bytes.Repeat([]byte("xx -----BEGIN ghp_x "), 1000)
	for _, o := range [][]occ{got, collect(p, long)} {
		for i := 1; i < len(o); i++ {
			if o[i].end < o[i-1].end {
				t.Fatalf("out of order at %d: %v", i, o[i-1:i+1])
			}
		}
	}
	if n := len(collect(p, long)); n != 4000 {
		t.Errorf("%d hits in the long input, want 4000", n)
	}
	sortOccs(got)
	sortOccs(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if n := len(collect(p, nil)); n != 0 {
		t.Errorf("%d hits in nothing", n)
	}
}
