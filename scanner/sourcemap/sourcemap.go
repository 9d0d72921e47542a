// Package sourcemap scans JavaScript and CSS source maps (revision 3) as
// the sources they embed: each sourcesContent[i] is an inner stream named
// by sources[i], so a token in an embedded source is found at its own line
// (dist/app.js.map!/webpack:///src/config.ts:7) instead of JSON-escaped on
// the map's one long line. A map may be a file of its own (Expander) or
// inline, a data: URL in the last comment of the bundle it maps (Inline:
// dist/app.js!/webpack:///src/config.ts:7).
package sourcemap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/archive"
)

// Expander takes files named *.map whose first bytes open a JSON object
// with a source map's keys ("version", "sources", "mappings",
// "sourcesContent"; an XSSI prefix `)]}'` may come first). It emits every
// string of sourcesContent as a member named by the sources entry of the
// same index (backslashes made slashes, control characters escaped; "#i"
// when the entry is missing, null or empty); null entries are skipped.
// Then the map itself is scanned as a transform with those strings
// blanked (each byte between the quotes a space, so lines, columns and
// offsets of the rest are unchanged): a token in "names" or "file" is
// still found, one in an embedded source only once, at the source. A map
// without sourcesContent is scanned as before, whole.
//
// It is not an archive: its input is bounded by --max-file-size (the
// engine cuts it there) and held in memory while it is decoded. A map
// that does not decode (truncated, not JSON) is a corrupt skip; the
// sources decoded before the error are scanned, and so is the rest of the
// map, as text.
func Expander() scanner.Expander { return expander{} }

type expander struct{}

func (expander) Name() string { return "source-map" }

// Match looks at the name first, so other files cost one suffix test.
func (expander) Match(o scanner.Origin, head []byte) bool {
	p := o.Path
	if len(p) < 4 || !strings.EqualFold(p[len(p)-4:], ".map") {
		return false
	}
	i := objectStart(head)
	if i < 0 {
		return false
	}
	h := head[i:]
	for _, k := range mapKeys {
		if bytes.Contains(h, k) {
			return true
		}
	}
	return false
}

var mapKeys = [][]byte{[]byte(`"version"`), []byte(`"sources"`), []byte(`"mappings"`), []byte(`"sourcesContent"`)}

// xssi is the prefix a server may put before a map (the source map
// specification tells readers to drop it).
const xssi = ")]}'"

// objectStart returns the offset of the '{' that opens the map in b, or
// -1 when b does not start (after white space and an XSSI prefix) with
// one.
func objectStart(b []byte) int {
	i := skipSpace(b, 0)
	if bytes.HasPrefix(b[i:], []byte(xssi)) {
		i = skipSpace(b, i+len(xssi))
	}
	if i < len(b) && b[i] == '{' {
		return i
	}
	return -1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// span is the JSON string sourcesContent[index] at data[start:end]
// (quotes included).
type span struct {
	index      int
	start, end int64
}

func (expander) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return expandMap(data, scanner.Transform, emit)
}

// expandMap emits each string of the source map data's sourcesContent
// as a member named by sources, then the rest of data (those strings
// blanked in place) under the name rest. It returns the error the map's
// decoding ended with, if any. data is overwritten.
func expandMap(data []byte, rest string, emit func(string, io.Reader) error) error {
	sources, spans, werr := walk(data)
	for _, s := range spans {
		var text string
		if err := json.Unmarshal(data[s.start:s.end], &text); err != nil {
			return err // walk decoded it: cannot happen
		}
		if err := emit(sourceName(sources, s.index), strings.NewReader(text)); err != nil {
			return err
		}
		for k := s.start + 1; k < s.end-1; k++ {
			data[k] = ' '
		}
	}
	// the rest of the map, where it was; its opening brace is blanked too,
	// so the transform is not taken for a map again (nothing else sees it)
	if i := objectStart(data); i >= 0 {
		data[i] = ' '
	}
	if err := emit(rest, bytes.NewReader(data)); err != nil {
		return err
	}
	return werr
}

// sourceName is the member name of sourcesContent[i].
func sourceName(sources []any, i int) string {
	if i < len(sources) {
		if s, ok := sources[i].(string); ok && s != "" {
			return archive.SafeName(strings.ReplaceAll(s, `\`, "/"))
		}
	}
	return "#" + strconv.Itoa(i)
}

// walk decodes the map's top-level object: the sources list and where
// each string of sourcesContent lies. On a decode error it returns what it
// found before it.
func walk(data []byte) (sources []any, spans []span, err error) {
	i := objectStart(data)
	if i < 0 {
		return nil, nil, errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data[i:]))
	base := int64(i)
	if _, err := dec.Token(); err != nil { // '{'
		return nil, nil, decodeErr(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return sources, spans, decodeErr(err)
		}
		switch k {
		case "sources":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return sources, spans, decodeErr(err)
			}
			sources = nil
			_ = json.Unmarshal(raw, &sources) // not a list: no names
		case "sourcesContent":
			spans, err = contents(dec, base, data, spans[:0])
			if err != nil {
				return sources, spans, err
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return sources, spans, decodeErr(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return sources, spans, decodeErr(err)
	}
	return sources, spans, nil
}

// contents reads the value of sourcesContent: where each string is.
func contents(dec *json.Decoder, base int64, data []byte, spans []span) ([]span, error) {
	t, err := dec.Token()
	if err != nil {
		return spans, decodeErr(err)
	}
	if t != json.Delim('[') {
		if d, ok := t.(json.Delim); ok && d == '{' {
			return spans, errors.New("sourcesContent is an object, not a list")
		}
		return spans, nil // a scalar: nothing embedded
	}
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return spans, decodeErr(err)
		}
		end := base + dec.InputOffset()
		start := end - int64(len(raw))
		if len(raw) < 2 || raw[0] != '"' {
			continue // null (or a stray value): nothing to scan
		}
		if start < 0 || data[start] != '"' || data[end-1] != '"' {
			return spans, fmt.Errorf("sourcesContent[%d]: lost its place in the map", i)
		}
		spans = append(spans, span{index: i, start: start, end: end})
	}
	if _, err := dec.Token(); err != nil { // ']'
		return spans, decodeErr(err)
	}
	return spans, nil
}

func decodeErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated JSON: the map ends before its object does")
	}
	return fmt.Errorf("invalid JSON: %v", err)
}
