package sourcemap_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
	"github.com/tokenscope/tokenscope/scanner/sourcemap"
)

func scan(t *testing.T, root string) *scanner.Result {
	t.Helper()
	return scanWith(t, root, sourcemap.Expander(), scanner.UTF16(), sourcemap.Inline())
}

func scanWith(t *testing.T, root string, xs ...scanner.Expander) *scanner.Result {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{Workers: 2, Expanders: xs})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, dir.New([]string{root}, dir.Options{Via: "workspace"}))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func write(t *testing.T, root, name string, data []byte) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mapOf is a source map as bundlers write it: mappings first (so
// sourcesContent lies past the head the expander is shown), then the
// sources and their contents.
func mapOf(t *testing.T, sources []any, contents []any) []byte {
	t.Helper()
	m := struct {
		Version        int    `json:"version"`
		File           string `json:"file"`
		Mappings       string `json:"mappings"`
		Sources        []any  `json:"sources"`
		SourcesContent []any  `json:"sourcesContent"`
		Names          []any  `json:"names"`
	}{3, "app.js", strings.Repeat("AAAA,SAAS;", 100), sources, contents, []any{}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secretTS holds tok on its line 7.
func secretTS(tok string) string {
	return "// config\n\nimport x from './x';\n\nexport const config = {\n  region: 'eu',\n  githubToken: \"" + tok + "\",\n};\n"
}

// wantAt checks that the n findings are exactly want's, each at its line
// (got maps each finding's place to its line).
func wantAt(t *testing.T, n int, got, want map[string]int) {
	t.Helper()
	if n != len(want) {
		t.Errorf("findings %v, want %v (each once)", got, want)
	}
	for k, l := range want {
		if got[k] != l {
			t.Errorf("finding at %s: line %d, want %d (all: %v)", k, got[k], l, got)
		}
	}
}

func where(f scanner.Finding) string {
	return strings.Join(append(append([]string(nil), f.Origin.Chain...), f.Origin.Path), "!/")
}

func TestEmbeddedSourcesScannedAtTheirLines(t *testing.T) {
	tok := testtoken.New(91).GitHub("ghp_")
	root := t.TempDir()
	write(t, root, "dist/app.js.map", mapOf(t,
		[]any{"webpack:///src/index.ts", "src/secret.ts", `src\util.ts`},
		[]any{"console.log('hi');\n", secretTS(tok), "export const n = 1;\n"}))
	res := scan(t, root)
	if len(res.Findings) != 1 {
		t.Fatalf("want 1 finding (at the embedded source only), got %d: %+v", len(res.Findings), res.Findings)
	}
	f := res.Findings[0]
	want := filepath.ToSlash(filepath.Join(root, "dist/app.js.map")) + "!/src/secret.ts"
	if got := filepath.ToSlash(where(f)); got != want || f.Line != 7 {
		t.Errorf("finding at %s:%d, want %s:7", got, f.Line, want)
	}
	if f.Column != len(`  githubToken: "`)+1 {
		t.Errorf("column %d", f.Column)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

func TestNullAndMissingSourcesContent(t *testing.T) {
	g := testtoken.New(92)
	a, b := g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	// a null entry is skipped; an entry past the sources list is named by
	// its index
	write(t, root, "a.js.map", mapOf(t, []any{"src/gone.ts", "src/b.ts"},
		[]any{nil, "x\n", secretTS(a)}))
	// no sourcesContent at all: the map is scanned as the text it is
	write(t, root, "b.css.map", []byte(`{"version":3,"sources":["b.css"],"names":["GITHUB_TOKEN=`+b+`"],"mappings":"AAAA"}`))
	write(t, root, "c.js.map", []byte(`{"version":3,"sources":["c.ts"],"sourcesContent":null,"mappings":""}`))
	res := scan(t, root)
	got := map[string]int{}
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(root, where(f))
		got[filepath.ToSlash(rel)] = f.Line
	}
	want := map[string]int{"a.js.map!/#2": 7, "b.css.map": 1}
	wantAt(t, len(got), got, want)
	if len(res.Skipped) != 0 {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

func TestTruncatedMapSkippedOthersScanned(t *testing.T) {
	g := testtoken.New(93)
	a, b, c := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
	root := t.TempDir()
	full := mapOf(t, []any{"src/first.ts", "src/second.ts"}, []any{secretTS(a), secretTS(b)})
	// cut inside the second source: the first is decoded and scanned, the
	// rest is scanned as text
	cut := strings.Index(string(full), `\n};\n"]`) // the end of the second source
	write(t, root, "broken.js.map", full[:cut])
	write(t, root, "bad.js.map", []byte(`{"version":3, "sourcesContent": [}`))
	write(t, root, "ok/.env", []byte("GITHUB_TOKEN="+c+"\n"))
	res := scan(t, root)
	got := map[string]bool{}
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(root, where(f))
		got[filepath.ToSlash(rel)] = true
	}
	for _, w := range []string{"broken.js.map!/src/first.ts", "broken.js.map", "ok/.env"} {
		if !got[w] {
			t.Errorf("no finding at %s: %v", w, got)
		}
	}
	if len(res.Findings) != 3 {
		t.Errorf("want 3 findings, got %v", got)
	}
	kinds := map[string]scanner.Skipped{}
	for _, s := range res.Skipped {
		rel, _ := filepath.Rel(root, s.Path)
		kinds[filepath.ToSlash(rel)] = s
	}
	for name, partial := range map[string]bool{"broken.js.map": true, "bad.js.map": true} {
		s, ok := kinds[name]
		if !ok || s.Kind != scanner.SkipCorrupt || !strings.Contains(s.Reason, "source-map") || s.Partial != partial {
			t.Errorf("%s: skip %+v, want a corrupt source-map skip (partial %v)", name, s, partial)
		}
	}
	if !strings.Contains(kinds["broken.js.map"].Reason, "truncated") {
		t.Errorf("reason %q", kinds["broken.js.map"].Reason)
	}
}

func TestMatch(t *testing.T) {
	x := sourcemap.Expander()
	for _, c := range []struct {
		path, head string
		want       bool
	}{
		{"dist/app.js.map", `{"version":3,"file":"app.js","mappings":"AAAA"`, true},
		{"dist/app.css.MAP", "\n  {\"sources\":[", true},
		{"app.js.map", ")]}'\n{\"version\":3", true},
		{"app.js", `{"version":3,"sourcesContent":[]}`, false},
		{"go.map", "module map\n", false},
		{"x.map", `["version"]`, false},
		{"x.map", `{"name":"not a map"}`, false},
		// the map's own transform (brace blanked) is not taken again
		{"app.js.map", ` "version":3`, false},
	} {
		if got := x.Match(scanner.Origin{Kind: scanner.KindFile, Path: c.path}, []byte(c.head)); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.path, c.head, got)
		}
	}
}
