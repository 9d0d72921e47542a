package reporters

import "strings"

// titleParts returns what a finding's title shows: the provider and the
// kind, or the kind alone when it already names the provider ("EC private
// key" of provider "Private key" reads "EC private key", not "Private key
// EC private key").
func titleParts(provider, kind string) (string, string) {
	if provider == "" || strings.Contains(strings.ToLower(kind), strings.ToLower(provider)) {
		return "", kind
	}
	return provider, kind
}

// Title is a finding's provider and kind as one phrase.
func Title(provider, kind string) string {
	p, k := titleParts(provider, kind)
	return strings.TrimSpace(p + " " + k)
}
