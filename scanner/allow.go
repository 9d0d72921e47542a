package scanner

import (
	"bytes"
	"strings"
)

// AllowMarker is the inline allow comment on a credential's line:
// `tokenscope:allow` (an optional reason after it), written after the
// credential. One marker allows one credential: the one that ends
// nearest before it on its line (see InlineAllowed). A credential written
// after the marker, or a second one before the credential the marker
// allows, is still reported.
type AllowMarker struct {
	// Offset is the marker's absolute offset in the stream: findings that
	// name the same marker compete for it.
	Offset int64
	// End is the absolute offset where the credential ends.
	End int64
	// Reason is the text after the marker, trimmed and bounded.
	Reason string
}

// AllowWord is the inline allow marker.
const AllowWord = "tokenscope:allow"

// maxReason bounds the reason kept from a marker.
const maxReason = 200

// findMarker looks for the first allow marker after data[end:] on the
// same line, within contextBound bytes.
func findMarker(data []byte, start, end int, abs int64) *AllowMarker {
	hi := end + contextBound
	if hi > len(data) {
		hi = len(data)
	}
	rest := data[end:hi]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	i := bytes.Index(rest, []byte(AllowWord))
	if i < 0 {
		return nil
	}
	r := markerReason(rest[i+len(AllowWord):])
	return &AllowMarker{Offset: abs + int64(end-start+i), End: abs + int64(end-start), Reason: r}
}

// InlineAllowed reports, for each finding, whether an inline marker allows
// it: among findings of one stream that name the same marker, those that
// end last (nearest the marker) are allowed; several findings of one
// credential (same span) share it.
func InlineAllowed(fs []Finding) []bool {
	out := make([]bool, len(fs))
	type key struct {
		path, chain, commit, blob string
		marker                    int64
	}
	nearest := map[key]int64{}
	keyOf := func(f *Finding) key {
		return key{f.Origin.Path, strings.Join(f.Origin.Chain, "\x00"), f.Origin.Commit, f.Origin.Blob, f.Allow.Offset}
	}
	for i := range fs {
		if m := fs[i].Allow; m != nil {
			k := keyOf(&fs[i])
			if e, ok := nearest[k]; !ok || m.End > e {
				nearest[k] = m.End
			}
		}
	}
	for i := range fs {
		if m := fs[i].Allow; m != nil && nearest[keyOf(&fs[i])] == m.End {
			out[i] = true
		}
	}
	return out
}

// markerReason reads the reason after a marker: "(text)", or the rest of
// the line up to a comment closer or the next marker, after an optional
// ":" or "=".
func markerReason(b []byte) string {
	s := string(b)
	if strings.HasPrefix(s, "(") {
		if j := strings.IndexByte(s, ')'); j > 0 {
			s = s[1:j]
		}
	} else {
		s = strings.TrimLeft(s, ":= \t")
		for _, stop := range []string{AllowWord, "*/", "-->", "#}", "%>", "--}}"} {
			if j := strings.Index(s, stop); j >= 0 {
				s = s[:j]
			}
		}
	}
	// bounded by scrubReasons, after credentials in it are redacted
	return strings.TrimSpace(s)
}

// scrubReasons keeps credentials out of inline allow reasons: the text
// after a marker may hold another credential of the line (the one after
// the marker), which is shown redacted, as everywhere else.
func scrubReasons(fs []Finding, cands []located) {
	for i := range fs {
		m := fs[i].Allow
		if m == nil || m.Reason == "" {
			continue
		}
		for _, lc := range cands {
			if s := lc.c.Secret; s != "" && strings.Contains(m.Reason, s) {
				m.Reason = strings.ReplaceAll(m.Reason, s, RedactPrefix(s, lc.c.Prefix))
			}
		}
		if len(m.Reason) > maxReason {
			m.Reason = m.Reason[:maxReason]
		}
	}
}
