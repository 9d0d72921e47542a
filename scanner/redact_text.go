package scanner

import (
	"sort"
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
)

// RedactText masks every secret the engine's detectors find in s, as a
// finding would show it, so that text a source copies into an origin
// (an image's build step holding an ARG value) never carries a raw
// secret. With ShowSecrets, s is returned as it is.
func (e *Engine) RedactText(s string) string {
	if e.opts.ShowSecrets || s == "" {
		return s
	}
	var secrets []detectors.Candidate
	e.set.NewMatcher().ScanStart([]byte(s), func(c detectors.Candidate) {
		if c.Secret != "" {
			secrets = append(secrets, c)
		}
	})
	// longest first, so that a secret holding another is masked whole
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i].Secret) > len(secrets[j].Secret) })
	for _, c := range secrets {
		s = strings.ReplaceAll(s, c.Secret, RedactPrefix(c.Secret, c.Prefix))
	}
	return s
}
