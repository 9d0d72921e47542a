package sourcemap

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// Inline takes JavaScript and CSS files (*.js, *.mjs, *.cjs, *.css) whose
// last comment is an inline source map, a data: URL:
//
//	//# sourceMappingURL=data:application/json;charset=utf-8;base64,eyJ2...
//	/*# sourceMappingURL=data:application/json;base64,eyJ2... */
//
// (the deprecated //@ and /*@ too; base64 or percent-encoded). The file is
// scanned as a transform with the URL's payload blanked (each byte a
// space, so the rest keeps its lines and columns); then the decoded map is
// expanded as Expander expands a *.map file, its members named inside the
// file: each sourcesContent string as the source it embeds
// (dist/app.js!/webpack:///src/config.ts), the rest of the map (names,
// file...) as "sourceMappingURL" (dist/app.js!/sourceMappingURL), its
// sources blanked, so a token is reported once.
//
// The gate is cheap: the name, then the file's last bytes
// (scanner.TailMatcher), which the engine has in its first chunk or reads
// at an offset: a file whose last line does not end in a data: URL's
// bytes is not taken and is scanned as usual. A stream whose end the
// engine cannot see without reading it (an archive member or transform
// larger than a chunk, 1 MiB) is taken by its name and read whole (up to
// --max-file-size); without an inline map it is scanned as it is.
//
// A payload that does not decode (bad base64, bad percent-encoding, not
// a JSON object) is a corrupt skip and is scanned as text with the rest
// of the file; a map that does not decode as JSON is a corrupt skip, the
// sources decoded before the error and the rest of the map stay scanned.
func Inline() scanner.Expander { return inline{} }

type inline struct{}

func (inline) Name() string { return "inline-source-map" }

// Match is the name test; MatchTail looks at the end.
func (inline) Match(o scanner.Origin, _ []byte) bool { return bundleName(o.Path) }

// MatchTail takes a bundle or style sheet whose end looks like an inline
// map's, or whose end the engine does not know.
func (inline) MatchTail(_ scanner.Origin, tail []byte) bool {
	return tail == nil || endsInline(tail)
}

func bundleName(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".js", ".mjs", ".cjs", ".css":
		return true
	}
	return false
}

var marker = []byte("sourceMappingURL=data:")

const (
	// tailRun is how many bytes at the end of a file, all of them a data
	// URL's, may be taken for the end of an inline map's payload.
	tailRun = 128
	// tailSmall is how far from the end the marker of a short map is
	// looked for.
	tailSmall = 1024
)

// endsInline reports whether b, white space and a closing "*/" trimmed
// from its end, may end with an inline map: its last tailRun bytes are
// all data-URL bytes (base64 or percent-encoded text), or the marker lies
// in its last tailSmall bytes. It looks at those bytes only.
func endsInline(b []byte) bool {
	t := trimEnd(b)
	i := len(t)
	for i > 0 && len(t)-i < tailRun && urlByte(t[i-1]) {
		i--
	}
	if len(t)-i >= tailRun {
		return true
	}
	return bytes.Contains(t[max(0, len(t)-tailSmall):], marker)
}

// trimEnd drops the white space, and a CSS comment's "*/", that end b.
func trimEnd(b []byte) []byte {
	t := bytes.TrimRight(b, " \t\r\n")
	if bytes.HasSuffix(t, []byte("*/")) {
		t = bytes.TrimRight(t[:len(t)-2], " \t\r\n")
	}
	return t
}

// urlByte reports whether c may be in the payload of a data: URL as
// bundlers write it: base64 (standard or URL-safe alphabet) or
// percent-encoded text (encodeURIComponent's unreserved bytes).
func urlByte(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '+', '/', '=', '%', '-', '_', '.', '!', '~', '*', '\'', '(', ')':
		return true
	}
	return false
}

// commentOpen reports whether b ends with an inline map comment's opening
// ("//#", "//@", "/*#", "/*@", then blanks).
func commentOpen(b []byte) bool {
	b = bytes.TrimRight(b, " \t")
	if len(b) < 3 || b[len(b)-1] != '#' && b[len(b)-1] != '@' {
		return false
	}
	o := b[len(b)-3 : len(b)-1]
	return string(o) == "//" || string(o) == "/*"
}

func (inline) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	at := -1
	if endsInline(data) {
		at = bytes.LastIndex(data, marker)
	}
	if at < 0 || !commentOpen(data[:at]) {
		return emit(scanner.Transform, bytes.NewReader(data)) // no inline map: the file as it is
	}
	start := at + len(marker) - len("data:")
	end := start
	for end < len(data) && !isBlank(data[end]) && !(data[end] == '*' && end+1 < len(data) && data[end+1] == '/') {
		end++
	}
	m, derr := decodeDataURL(data[start:end])
	if derr == nil && objectStart(m) < 0 {
		derr = errors.New("the decoded data is not a JSON object")
	}
	if derr != nil {
		// scanned as the text it is; the skip says why it was not read
		if err := emit(scanner.Transform, bytes.NewReader(data)); err != nil {
			return err
		}
		return derr
	}
	// the payload is scanned decoded, below, not as its encoding
	comma := start + bytes.IndexByte(data[start:end], ',') + 1
	for k := comma; k < end; k++ {
		data[k] = ' '
	}
	if err := emit(scanner.Transform, bytes.NewReader(data)); err != nil {
		return err
	}
	return expandMap(m, "sourceMappingURL", emit)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// decodeDataURL decodes u, "data:<media type>[;base64],<payload>".
func decodeDataURL(u []byte) ([]byte, error) {
	comma := bytes.IndexByte(u, ',')
	if comma < 0 {
		return nil, errors.New("data: URL without a comma")
	}
	meta, payload := strings.ToLower(string(u[len("data:"):comma])), string(u[comma+1:])
	if !strings.HasSuffix(meta, ";base64") {
		s, err := url.PathUnescape(payload)
		if err != nil {
			return nil, fmt.Errorf("bad percent-encoding: %v", err)
		}
		return []byte(s), nil
	}
	var firstErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		p := payload
		if enc == base64.RawStdEncoding || enc == base64.RawURLEncoding {
			p = strings.TrimRight(p, "=")
		}
		b, err := enc.DecodeString(p)
		if err == nil {
			return b, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("bad base64: %v", firstErr)
}
