package decode

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
)

// escaped reads lines of configuration, data and log files that hold
// JSON string escapes (\/ and \uXXXX, as JSON encoders write URLs and
// tokens) or percent-encoding of URL punctuation (%2F, %3A, %3D, %2B,
// %40, as in a URL inside a query string): such a line is decoded and
// scanned again, and what the decoded line shows that the line itself did
// not is reported at that line.
type escaped struct{ set *detectors.Set }

func (escaped) Name() string { return "escaped-strings" }

func (escaped) Match(o scanner.Origin) bool {
	switch strings.ToLower(path.Ext(o.Path)) {
	case ".json", ".har", ".ipynb", ".yaml", ".yml", ".env", ".properties", ".xml", ".html", ".htm",
		".txt", ".log", ".ini", ".toml", ".conf", ".cfg", ".config":
		return true
	}
	return false
}

// maxLine bounds the length of one decoded line (minified JSON can be one
// very long line); longer lines are decoded in their first maxLine bytes.
const maxLine = 1 << 20

func (e escaped) Parse(o scanner.Origin, content []byte) []scanner.Parsed {
	if bytes.IndexByte(content, '\\') < 0 && bytes.IndexByte(content, '%') < 0 {
		return nil
	}
	var out []scanner.Parsed
	lineNo := 0
	for len(content) > 0 {
		lineNo++
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		if len(line) > maxLine {
			line = line[:maxLine]
		}
		dec, how := unescapeLine(line)
		if how == "" {
			continue
		}
		for _, c := range scanDecoded(e.set, dec, 0) {
			if bytes.Contains(line, []byte(c.Secret)) {
				continue // the text scan sees it as it is
			}
			out = append(out, scanner.Parsed{
				RuleID: c.RuleID, Provider: c.Provider, Kind: c.Kind, Secret: c.Secret,
				Line: lineNo, Key: "",
				Context: "(" + how + ")",
				Scope:   c.Scope,
				Attrs:   withAttr(c.Attrs, "decoded", how),
			})
		}
	}
	return out
}

// unescapeLine returns line with its JSON escapes and URL percent-escapes
// decoded, and which decoding applied ("" when none did).
func unescapeLine(line []byte) ([]byte, string) {
	var hows []string
	if bytes.Contains(line, []byte(`\/`)) || bytes.Contains(line, []byte(`\u`)) {
		if d, ok := jsonUnescape(line); ok {
			line = d
			hows = append(hows, "JSON-unescaped")
		}
	}
	if bytes.IndexByte(line, '%') >= 0 {
		if d, ok := percentDecode(line); ok {
			line = d
			hows = append(hows, "percent-decoded")
		}
	}
	return line, strings.Join(hows, ", ")
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// jsonUnescape decodes \/ and \uXXXX (other escapes are kept as they are,
// so quotes and backslashes stay where the text had them).
func jsonUnescape(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	changed := false
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		switch b[i+1] {
		case '/':
			out = append(out, '/')
			i++
			changed = true
		case 'u':
			if i+5 < len(b) {
				v := 0
				ok := true
				for _, c := range b[i+2 : i+6] {
					h := hexVal(c)
					if h < 0 {
						ok = false
						break
					}
					v = v<<4 | h
				}
				if ok && v > 0 {
					out = utf8.AppendRune(out, rune(v))
					i += 5
					changed = true
					continue
				}
			}
			out = append(out, b[i])
		case '\\':
			out = append(out, '\\', '\\')
			i++
		default:
			out = append(out, b[i])
		}
	}
	return out, changed
}

// percentDecode decodes %XX escapes, but only in lines that encode URL
// punctuation (%2F, %3A, %3D, %2B, %40): "100%" and printf verbs are left.
func percentDecode(b []byte) ([]byte, bool) {
	punct := false
	for i := 0; i+2 < len(b); i++ {
		if b[i] != '%' {
			continue
		}
		switch strings.ToUpper(string(b[i+1 : i+3])) {
		case "2F", "3A", "3D", "2B", "40":
			punct = true
		}
		if punct {
			break
		}
	}
	if !punct {
		return nil, false
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) {
			if h, l := hexVal(b[i+1]), hexVal(b[i+2]); h >= 0 && l >= 0 {
				out = append(out, byte(h<<4|l))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out, true
}
