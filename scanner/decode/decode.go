// Package decode holds the engine Formats that read credentials only
// decoding shows: the base64 values of Kubernetes Secret manifests, and
// strings written JSON-escaped (\/, \u002F) or percent-encoded (%2F, %3A).
// Each decoded value is scanned with the detector set; what it finds is
// reported at the encoded value's line, its context naming the decoding.
package decode

import (
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
)

// Formats returns the decoding formats, which scan decoded text with set.
func Formats(set *detectors.Set) []scanner.Format {
	return []scanner.Format{k8sSecrets{set: set}, escaped{set: set}}
}

// scanDecoded scans text (decoded content, of which the credential part
// starts at from) and returns the candidates found at or after from.
func scanDecoded(set *detectors.Set, text []byte, from int) []detectors.Candidate {
	var out []detectors.Candidate
	set.NewMatcher().ScanStart(text, func(c detectors.Candidate) {
		if c.Start >= from && c.Secret != "" {
			out = append(out, c)
		}
	})
	return out
}

func withAttr(m map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}
