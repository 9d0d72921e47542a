// Package testtoken makes fake, format-valid credentials for tests, so the
// repository holds no real-looking live secret. Tokens are built from a
// seeded random source: the same seed gives the same tokens.
package testtoken

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
)

// Charsets usable in templates and Rand.
var charsets = map[string]string{
	"alnum":   "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"lalnum":  "0123456789abcdefghijklmnopqrstuvwxyz",
	"ualnum":  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"hex":     "0123456789abcdef",
	"HEX":     "0123456789ABCDEF",
	"lower":   "abcdefghijklmnopqrstuvwxyz",
	"upper":   "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"digits":  "0123456789",
	"b64":     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"b64url":  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"base32":  "abcdefghijklmnopqrstuvwxyz234567",
	"UBASE32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
}

// Gen makes tokens from a seeded source.
type Gen struct{ r *rand.Rand }

// New returns a generator seeded with seed.
func New(seed uint64) *Gen { return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// Rand returns n characters drawn from the named charset.
func (g *Gen) Rand(n int, charset string) string {
	cs, ok := charsets[charset]
	if !ok {
		panic("testtoken: unknown charset " + charset)
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(cs[g.r.IntN(len(cs))])
	}
	return b.String()
}

// GitHub returns prefix + 30 random base62 + the CRC32 checksum (ghp_, gho_...).
func (g *Gen) GitHub(prefix string) string {
	body := g.Rand(30, "alnum")
	return prefix + body + detectors.Base62CRC32(body)
}

// Npm returns a granular npm token with a valid checksum.
func (g *Gen) Npm() string { return g.GitHub("npm_") }

var tmplRe = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// Expand replaces {{...}} directives in a rule example:
//
//	{{rand N charset}}   N random characters (charsets: alnum, lalnum, ualnum, hex,
//	                     HEX, lower, upper, digits, b64, b64url, base32, UBASE32)
//	{{github PREFIX}}    a GitHub token with a valid checksum
//	{{npm}}              an npm token with a valid checksum
//
// Further directives are listed in directives.go.
func (g *Gen) Expand(tmpl string) (string, error) {
	var err error
	out := tmplRe.ReplaceAllStringFunc(tmpl, func(m string) string {
		f := strings.Fields(m[2 : len(m)-2])
		if len(f) == 0 {
			err = fmt.Errorf("empty directive in %q", tmpl)
			return ""
		}
		switch f[0] {
		case "rand":
			if len(f) != 3 {
				err = fmt.Errorf("want {{rand N charset}} in %q", tmpl)
				return ""
			}
			n, e := strconv.Atoi(f[1])
			if e != nil || n < 0 {
				err = fmt.Errorf("bad length in %q", m)
				return ""
			}
			if _, ok := charsets[f[2]]; !ok {
				err = fmt.Errorf("unknown charset in %q", m)
				return ""
			}
			return g.Rand(n, f[2])
		case "github":
			if len(f) != 2 {
				err = fmt.Errorf("want {{github PREFIX}} in %q", tmpl)
				return ""
			}
			return g.GitHub(f[1])
		case "npm":
			return g.Npm()
		}
		if fn, ok := directive(f[0]); ok {
			s, e := fn(g, f[1:])
			if e != nil {
				err = fmt.Errorf("%s: %w", m, e)
			}
			return s
		}
		err = fmt.Errorf("unknown directive %q in %q", f[0], tmpl)
		return ""
	})
	return out, err
}
