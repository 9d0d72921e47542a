package detectors

import (
	"math/rand"
	"testing"
)

// randGen makes random strings from an alphabet (testtoken imports this
// package, so the internal tests keep their own).
type randGen struct{ r *rand.Rand }

func (g randGen) Rand(n int, set string) string {
	alpha := map[string]string{
		"lalnum": "0123456789abcdefghijklmnopqrstuvwxyz",
		"hex":    "0123456789abcdef",
		"alnum":  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		"b64":    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	}[set]
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.r.Intn(len(alpha))]
	}
	return string(b)
}

func TestKeyboardMash(t *testing.T) {
	for _, v := range []string{"qwe089234lkjsdf", "sdlfkj452", "askfjh234as9sd8", "lsdkfol23w54jlksdef", "45ghiukldjahdnhzdauz", "ad180jjd733klru7", "23sdf876234"} {
		if !keyboardMash(v) {
			t.Errorf("%q: not a keyboard mash", v)
		}
	}
	if keyboardMash("hAo2XryjlBKCqWEKXWaZRv") { // mixed case: not typed by hand
		t.Errorf("mixed-case token taken for a keyboard mash")
	}
	// random lower-case tokens of the lengths the rule demands are rarely
	// mistaken for one; hex never is
	g := randGen{rand.New(rand.NewSource(9))}
	for _, n := range []int{12, 16, 20, 24} {
		hits := 0
		for i := 0; i < 1000; i++ {
			if keyboardMash(g.Rand(n, "lalnum")) {
				hits++
			}
		}
		t.Logf("length %d: %d of 1000", n, hits)
		if hits > 20 {
			t.Errorf("length %d: %d of 1000 random lalnum tokens taken for a keyboard mash", n, hits)
		}
		for i := 0; i < 200; i++ {
			if v := g.Rand(n, "hex"); keyboardMash(v) {
				t.Fatalf("hex %q taken for a keyboard mash", v)
			}
		}
	}
}

func TestGenericDecodedValues(t *testing.T) {
	g := randGen{rand.New(rand.NewSource(10))}
	v := g.Rand(12, "alnum") + "7"
	// a percent-escaped real-shaped value is judged decoded, and kept
	if !genericValue(v+"%2F"+g.Rand(10, "alnum")+"9", false) {
		t.Errorf("percent-escaped random value rejected")
	}
	if genericValue("lock%26key", false) {
		t.Errorf("lock%%26key accepted")
	}
	if !base64Prose("bm90IG15IHJlYWwgcGFzc3dvcmQ=") { // "not my real password"
		t.Errorf("base64 prose not recognised")
	}
	if base64Prose(g.Rand(32, "b64")) {
		t.Errorf("random base64 taken for prose")
	}
}
