package sourcemap_test

import (
	"encoding/base64"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/sourcemap"
)

// bundle is minified code (code, then a newline) ending with an inline map
// comment of the kind comment ("//#", "//@" or "/*#") holding m.
func bundle(code, comment string, m []byte) []byte {
	url := "data:application/json;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(m)
	if strings.HasPrefix(comment, "/*") {
		return []byte(code + comment + " sourceMappingURL=" + url + " */\n")
	}
	return []byte(code + comment + " sourceMappingURL=" + url + "\n")
}

const minified = "(()=>{\"use strict\";var e={region:\"eu\"};console.log(e)})();\n"

// found maps each finding's place, relative to root, to its line.
func found(t *testing.T, root string, res *scanner.Result) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, f := range res.Findings {
		// not filepath.Rel, which would clean webpack:/// and ../
		got[strings.TrimPrefix(filepath.ToSlash(where(f)), filepath.ToSlash(root)+"/")] = f.Line
	}
	return got
}

func TestInlineMapSourcesScannedAtTheirLines(t *testing.T) {
	g := testtoken.New(94)
	js, css, at, pct, names := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	write(t, root, "dist/app.js", bundle(minified, "//#", mapOf(t,
		[]any{"webpack:///src/index.ts", "webpack:///src/config.ts"},
		[]any{"console.log('hi');\n", secretTS(js)})))
	write(t, root, "dist/app.css", bundle("body{color:red}\n", "/*#", mapOf(t,
		[]any{"../src/styles.scss"},
		[]any{"$x: 1;\n\n\n\n\n\n// GITHUB_TOKEN=" + css + "\n"})))
	write(t, root, "old.mjs", bundle(minified, "//@", mapOf(t, []any{"old.ts"}, []any{secretTS(at)})))
	// percent-encoded (as encodeURIComponent does), without ;base64
	pm := strings.ReplaceAll(url.QueryEscape(string(mapOf(t, []any{"p.ts"}, []any{secretTS(pct)}))), "+", "%20")
	write(t, root, "p.cjs", []byte(minified+"//# sourceMappingURL=data:application/json,"+pm+"\n"))
	// a token in the rest of the map (its names), with no sourcesContent
	write(t, root, "n.js", bundle(minified, "//#", []byte(`{"version":3,"sources":["n.ts"],"names":["GITHUB_TOKEN=`+names+`"],"mappings":"AAAA"}`)))
	res := scan(t, root)
	want := map[string]int{
		"dist/app.js!/webpack:///src/config.ts": 7,
		"dist/app.css!/../src/styles.scss":      7,
		"old.mjs!/old.ts":                       7,
		"p.cjs!/p.ts":                           7,
		"n.js!/sourceMappingURL":                1,
	}
	got := found(t, root, res)
	wantAt(t, len(res.Findings), got, want)
	for _, f := range res.Findings {
		if f.Origin.Path == "webpack:///src/config.ts" && f.Column != len(`  githubToken: "`)+1 {
			t.Errorf("column %d", f.Column)
		}
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

// utf16le is s in UTF-16LE with a byte-order mark.
func utf16le(s []byte) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(string(s))) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// A file larger than the engine's first chunk is told by its last bytes,
// read at an offset; a transform as large (UTF-16 text decoded), whose end
// the engine cannot see, is taken by its name and read whole. With an
// inline map or without, every token is found once, at its line.
func TestInlineMapLargeFile(t *testing.T) {
	g := testtoken.New(95)
	inMap, inCode, plain := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
	inMap16, inCode16, plain16 := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	pad := strings.Repeat("var a=function(b){return b+1};\n", 40000) // 1.3 MB, 40000 lines
	code := func(tok string) string { return pad + "const GITHUB_TOKEN=\"" + tok + "\";\n" }
	write(t, root, "big.js", bundle(code(inCode), "//#", mapOf(t, []any{"src/big.ts"}, []any{secretTS(inMap)})))
	write(t, root, "plain.js", []byte(code(plain)+"//# sourceMappingURL=plain.js.map\n"))
	write(t, root, "big16.js", utf16le(bundle(code(inCode16), "//#", mapOf(t, []any{"src/big16.ts"}, []any{secretTS(inMap16)}))))
	write(t, root, "plain16.js", utf16le([]byte(code(plain16))))
	res := scan(t, root)
	want := map[string]int{
		"big.js!/src/big.ts": 7, "big.js": 40001, "plain.js": 40001,
		"big16.js!/src/big16.ts": 7, "big16.js": 40001, "plain16.js": 40001,
	}
	got := found(t, root, res)
	wantAt(t, len(res.Findings), got, want)
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

// A bundle without an inline map is scanned as it is without the
// expander: the same findings at the same places.
func TestNoInlineMapUnchanged(t *testing.T) {
	g := testtoken.New(96)
	a, b := g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	write(t, root, "dist/app.js", []byte("const x = 1;\nconst GITHUB_TOKEN = \""+a+"\";\n//# sourceMappingURL=app.js.map\n"))
	write(t, root, "dist/app.css", []byte("body{background:url(data:image/png;base64,iVBORw0KGgo=)}\n/* GITHUB_TOKEN="+b+" */\n"))
	// a mention of the marker in code is no map
	write(t, root, "lib.js", []byte("var re=/sourceMappingURL=data:([^,]*),(.*)$/;\n"))
	with := scan(t, root)
	without := scanWith(t, root, sourcemap.Expander(), scanner.UTF16())
	if len(with.Findings) != 2 || len(with.Findings) != len(without.Findings) {
		t.Fatalf("with the expander %d findings, without %d, want 2", len(with.Findings), len(without.Findings))
	}
	for i, f := range with.Findings {
		o := without.Findings[i]
		if where(f) != where(o) || f.Line != o.Line || f.Column != o.Column || f.Offset != o.Offset || f.Fingerprint != o.Fingerprint {
			t.Errorf("finding %d: %s:%d:%d, without the expander %s:%d:%d", i, where(f), f.Line, f.Column, where(o), o.Line, o.Column)
		}
	}
	if len(with.Skipped) != 0 {
		t.Errorf("skipped: %+v", with.Skipped)
	}
}

func TestCorruptInlineMap(t *testing.T) {
	g := testtoken.New(97)
	first, second, code1, code2, code3 := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	tokenLine := func(tok string) string { return "const GITHUB_TOKEN=\"" + tok + "\";\n" }
	// not base64
	write(t, root, "b64.js", []byte(tokenLine(code1)+"//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjoz$$$notbase64\n"))
	// base64 of a map cut inside its second source: the first is scanned
	full := mapOf(t, []any{"src/first.ts", "src/second.ts"}, []any{secretTS(first), secretTS(second)})
	cut := strings.Index(string(full), `\n};\n"]`)
	write(t, root, "cut.js", bundle(tokenLine(code2), "//#", full[:cut]))
	// base64 of something that is no JSON object
	write(t, root, "text.css", bundle("/* GITHUB_TOKEN="+code3+" */\n", "/*#", []byte("not a map at all")))
	res := scan(t, root)
	// what was not decoded of cut.js's map (its second source) is scanned
	// as the text it is
	want := map[string]int{"b64.js": 1, "cut.js": 1, "cut.js!/src/first.ts": 7, "cut.js!/sourceMappingURL": 1, "text.css": 1}
	got := found(t, root, res)
	wantAt(t, len(res.Findings), got, want)
	kinds := map[string]scanner.Skipped{}
	for _, s := range res.Skipped {
		rel, _ := filepath.Rel(root, s.Path)
		kinds[filepath.ToSlash(rel)] = s
	}
	if len(res.Skipped) != 3 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
	for name, why := range map[string]string{"b64.js": "bad base64", "cut.js": "truncated", "text.css": "not a JSON object"} {
		s, ok := kinds[name]
		if !ok || s.Kind != scanner.SkipCorrupt || !strings.Contains(s.Reason, "inline-source-map") || !strings.Contains(s.Reason, why) || !s.Partial {
			t.Errorf("%s: skip %+v, want a partial corrupt inline-source-map skip saying %q", name, s, why)
		}
	}
}

func TestInlineMatch(t *testing.T) {
	x := sourcemap.Inline()
	tm := x.(scanner.TailMatcher)
	b64 := strings.Repeat("eyJ2ZXJzaW9uIjozfQ", 10)
	for _, c := range []struct {
		path, tail string
		unknown    bool // the engine does not know the end
		want       bool
	}{
		{"dist/app.js", "x();\n//# sourceMappingURL=data:application/json;base64," + b64 + "\n", false, true},
		{"dist/app.js", b64, false, true}, // the end of a long payload
		{"dist/app.css", "a{}\n/*# sourceMappingURL=data:application/json;base64," + b64 + " */\n", false, true},
		{"a.MJS", "x();\n//# sourceMappingURL=data:application/json;base64,e30=\n", false, true},
		{"dist/app.js", "x();\n//# sourceMappingURL=app.js.map\n", false, false},
		{"dist/app.js", "x();\n", false, false},
		{"dist/app.js", "", false, false},
		{"dist/app.js", "", true, true},
		{"dist/app.ts", "x();\n//# sourceMappingURL=data:application/json;base64," + b64 + "\n", false, false},
		{"dist/app.js.map", `{"version":3}`, true, false},
	} {
		o := scanner.Origin{Kind: scanner.KindFile, Path: c.path}
		tail := []byte(c.tail)
		if c.unknown {
			tail = nil
		}
		if got := x.Match(o, nil) && tm.MatchTail(o, tail); got != c.want {
			t.Errorf("Match(%q) and MatchTail(%q) = %v", c.path, c.tail, got)
		}
	}
}
