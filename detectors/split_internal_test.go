package detectors

import (
	"reflect"
	"testing"
)

func TestSplitTop(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`a|b`, []string{`a`, `b`}},
		{`(?:a|b)c`, []string{`(?:a|b)c`}},
		{`[|]x|y`, []string{`[|]x`, `y`}},
		{`[]|]x|y`, []string{`[]|]x`, `y`}},
		{`[^]|]x|y`, []string{`[^]|]x`, `y`}},
		{`a\|b|c`, []string{`a\|b`, `c`}},
		{`(?i)a|b`, []string{`(?i)a|b`}},
		{`(?i:a)|b`, []string{`(?i:a)`, `b`}},
		{`(?P<secret>x|y)|\bz`, []string{`(?P<secret>x|y)`, `\bz`}},
	} {
		if got := splitTop(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitTop(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A bare branch loses its leading \b to the literal-prefix search; the
// boundary is still required.
func TestBranchWordStart(t *testing.T) {
	r, err := CompileRule(RuleSpec{ID: "t", Provider: "P", Kind: "k", Literals: []string{"tok_"},
		Pattern: `(?i:vendor) = (?P<secret>tok_[0-9a-f]{8})|\b(?P<secret>tok_[0-9a-f]{8})\b`})
	if err != nil {
		t.Fatal(err)
	}
	b := r.pat().branches[1]
	if prefix, _ := b.re.LiteralPrefix(); !b.wordStart || prefix != "tok_" {
		t.Fatalf("bare branch: wordStart %v, literal prefix %q", b.wordStart, prefix)
	}
	var got []string
	r.Find([]byte("xtok_0123abcd tok_89abcdef VENDOR = tok_deadbeef -tok_00112233"), func(c Candidate) { got = append(got, c.Secret) })
	want := []string{"tok_89abcdef", "tok_deadbeef", "tok_00112233"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
