package scanner

import (
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// MaxFormatSize bounds the streams a Format reads whole; larger ones are
// left to the detectors alone.
const MaxFormatSize = 4 << 20

// A Format is a file-format detector: it recognises a stream by its origin
// (a path such as .npmrc or .docker/config.json, a home store's name, an
// environment variable) and reads the credentials the structure holds.
// Many stored credentials carry no prefix (a Railway login token, a .netrc
// password, a Docker auth): only the file's structure says what they are.
//
// The engine offers every text stream to its Formats (Options.Formats) in
// the worker that scans it, whatever source or container it comes from
// (files, git blobs, archive members, image layers, home stores,
// environment values); a stream one matches is read whole (up to
// MaxFormatSize) while it is scanned as text, then parsed. Its Parsed
// credentials become findings exactly as detector candidates do, merged
// with the detectors' findings of the same stream (see Engine.Options).
// A Format is pure: no I/O, safe for concurrent use; what it cannot read it
// leaves to the detectors.
type Format interface {
	Name() string
	Match(o Origin) bool
	Parse(o Origin, content []byte) []Parsed
}

// Parsed is one credential a Format read from a stream's structure.
type Parsed struct {
	RuleID   string
	Provider string
	Kind     string
	// Secret is the raw value; it is redacted and fingerprinted when the
	// finding is built, and kept only with ShowSecrets.
	Secret string
	// Prefix is the documented vendor prefix of Secret that redaction may
	// show (see detectors.Candidate.Prefix); usually empty.
	Prefix string
	// Line and Column are 1-based; 0 when the position is not known.
	Line, Column int
	// Key is the field or variable the value is stored under ("token",
	// "RAILWAY_API_TOKEN").
	Key string
	// Context is text describing where the value sits ("user.token",
	// "export RAILWAY_TOKEN="), handed to scope.ApplyContext as the line.
	Context string
	// Scope is what the parser knows from the store's structure.
	Scope scope.Scope
	// Attrs name the profile, host or server the value belongs to.
	Attrs map[string]string
}

// parsedFinding turns a parsed credential at o into a Finding exactly as
// the engine turns a detector's candidate into one: redacted,
// fingerprinted (rule + secret), scope refined by scope.ApplyContext with
// the value's path, key and context, severity derived from the scope. The
// raw secret is kept only when the engine's ShowSecrets option is set.
func (e *Engine) parsedFinding(o Origin, d Parsed) Finding {
	sc := d.Scope.Normalize()
	sc = scope.ApplyContext(sc, scope.Context{Path: o.Path, Key: d.Key, Line: d.Context})
	line := d.Line
	col := d.Column
	if line > 0 && col == 0 {
		col = 1
	}
	endLine, endCol := line, col
	if line > 0 {
		endLine = line + strings.Count(d.Secret, "\n")
		if i := strings.LastIndexByte(d.Secret, '\n'); i >= 0 {
			endCol = len(d.Secret) - i
		} else {
			endCol = col + len(d.Secret)
		}
	}
	f := Finding{
		RuleID:      d.RuleID,
		Provider:    d.Provider,
		Kind:        d.Kind,
		Redacted:    RedactPrefix(d.Secret, d.Prefix),
		Fingerprint: e.Fingerprint(d.RuleID, d.Secret),
		Origin:      o,
		Line:        line,
		Column:      col,
		EndLine:     endLine,
		EndColumn:   endCol,
		Key:         d.Key,
		Scope:       sc,
		Severity:    sc.Severity(),
		Attrs:       copyAttrs(d.Attrs),
	}
	if e.opts.ShowSecrets {
		f.Secret = d.Secret
	}
	if e.opts.Allow != nil {
		f.Allowed = e.opts.Allow(d.RuleID, o, d.Secret)
	}
	if e.opts.Raw != nil {
		e.opts.Raw.put(f.Fingerprint, d.Secret)
	}
	return f
}

// mergeParsed adds the parsed credentials of one stream to the detectors'
// findings of the same stream, fs. The same secret is never reported twice
// at one place:
//
//   - when a specific (non-generic) detector already found the secret
//     (same fingerprint, or on the same line an overlapping span), the parsed
//     credential is not added; the detector's finding gains its attributes
//     (profile, host, server) and, when the detector knew nothing of it,
//     its environment;
//   - a generic detector's finding of the same secret gives way to the
//     parsed credential, which knows what it is.
func (e *Engine) mergeParsed(o Origin, fs []Finding, ps []Parsed, data []byte) []Finding {
	drop := map[int]bool{}
	var add []Finding
	var starts []int // line start offsets, for inline allow markers
	for _, d := range ps {
		if strings.TrimSpace(d.Secret) == "" || d.RuleID == "" {
			continue
		}
		nf := e.parsedFinding(o, d)
		if nf.Line > 0 {
			if starts == nil {
				starts = lineStarts(data)
			}
			if nf.Line <= len(starts) {
				// the value at its column, else its first place on its line
				ls := starts[nf.Line-1]
				at := ls + nf.Column - 1
				if at+len(d.Secret) > len(data) || string(data[at:at+len(d.Secret)]) != d.Secret {
					le := len(data)
					if nf.Line < len(starts) {
						le = starts[nf.Line]
					}
					at = -1
					if i := strings.Index(string(data[ls:le]), d.Secret); i >= 0 {
						at = ls + i
					}
				}
				if at >= 0 {
					nf.Offset = int64(at)
					nf.Allow = findMarker(data, at, at+len(d.Secret), int64(at))
				}
			}
		}
		shadowed := false
		for i := range fs {
			f := &fs[i]
			same := f.Fingerprint == e.Fingerprint(f.RuleID, d.Secret) ||
				(d.Line > 0 && f.Line == d.Line && samePlace(*f, nf, d.Column > 0))
			if !same {
				continue
			}
			if detectors.IsGeneric(f.RuleID) {
				drop[i] = true
				continue
			}
			shadowed = true
			enrich(f, nf)
		}
		if !shadowed {
			add = append(add, nf)
		}
	}
	if len(drop) == 0 {
		return append(fs, add...)
	}
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return append(out, add...)
}

// enrich adds what a parser knew about a value to a detector's finding of
// the same value.
func enrich(f *Finding, parsed Finding) {
	if len(parsed.Attrs) > 0 {
		if f.Attrs == nil {
			f.Attrs = map[string]string{}
		} else {
			f.Attrs = copyAttrs(f.Attrs)
		}
		for k, v := range parsed.Attrs {
			if _, ok := f.Attrs[k]; !ok {
				f.Attrs[k] = v
			}
		}
	}
	if f.Origin.Store == "" {
		f.Origin.Store = parsed.Origin.Store
	}
	if f.Key == "" {
		f.Key = parsed.Key
	}
	sc := f.Scope.Clone()
	changed := false
	if sc.Env == scope.EnvUnknown && parsed.Scope.Env != scope.EnvUnknown && parsed.Scope.Env != "" {
		sc.Env = parsed.Scope.Env
		changed = true
	}
	for _, ev := range parsed.Scope.Evidence {
		if strings.HasPrefix(ev, "store ") || strings.HasPrefix(ev, "file ") || strings.HasPrefix(ev, "context ") {
			sc.Evidence = append(sc.Evidence, ev)
			changed = true
		}
	}
	if changed {
		f.Scope = sc
		f.Severity = sc.Severity()
	}
}

func copyAttrs(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// lineStarts returns the offset where each line of data starts.
func lineStarts(data []byte) []int {
	out := []int{0}
	for i, c := range data {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// samePlace reports whether a detector's finding and a parsed one on the
// same line cover the same text: their columns overlap when the parser
// knows its column; otherwise they name the same rule, or their redacted
// forms match and show a prefix (most redacted forms are a bare
// "********", which says nothing about which secret it was).
func samePlace(f, parsed Finding, columnKnown bool) bool {
	if columnKnown && f.Column > 0 {
		return f.Column < parsed.EndColumn && parsed.Column < f.EndColumn
	}
	return f.RuleID == parsed.RuleID || f.Redacted == parsed.Redacted && f.Redacted != RedactPrefix("", "")
}
