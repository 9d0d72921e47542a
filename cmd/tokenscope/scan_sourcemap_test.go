package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// A source map's embedded sources are scanned as the files they were:
// every report names the source inside the map, at its own line.
func TestScanSourceMapChainInReports(t *testing.T) {
	tok := testtoken.New(94).GitHub("ghp_")
	root := t.TempDir()
	src := "// settings\n\n\n\n\nexport const s = {\n  token: \"" + tok + "\",\n};\n"
	m := sourceMapJSON(t, []any{"webpack:///src/index.ts", "webpack:///src/config.ts", nil}, []any{"console.log(1)\n", src, nil})
	if err := os.MkdirAll(filepath.Join(root, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "dist/app.js.map"), m, 0o644); err != nil {
		t.Fatal(err)
	}
	scan := func(format string) (int, string) {
		t.Helper()
		s, out, _ := reachStreams(nil, nil)
		code := run([]string{"scan", root, "--format", format, "--no-progress"}, s)
		return code, out.String()
	}
	code, out := scan("json")
	var rep struct {
		Findings []struct {
			Line     int    `json:"line"`
			Location string `json:"location"`
			Origin   struct {
				Kind  string   `json:"kind"`
				Path  string   `json:"path"`
				Chain []string `json:"chain"`
			} `json:"origin"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != exitFindings || len(rep.Findings) != 1 {
		t.Fatalf("exit %d, %d findings, want 1: %s", code, len(rep.Findings), out)
	}
	f := rep.Findings[0]
	mapPath := filepath.Join(root, "dist/app.js.map")
	if f.Origin.Path != "webpack:///src/config.ts" || len(f.Origin.Chain) != 1 || f.Origin.Chain[0] != mapPath || f.Line != 7 {
		t.Errorf("finding at %+v line %d", f.Origin, f.Line)
	}
	want := mapPath + "!/webpack:///src/config.ts:7"
	if f.Location+":7" != want {
		t.Errorf("location %q, want %q", f.Location, want)
	}
	for _, format := range []string{"terminal", "sarif"} {
		if _, out := scan(format); !strings.Contains(out, want) {
			t.Errorf("%s report does not name %s:\n%s", format, want, out)
		}
	}
}

// An inline source map (a bundle's last comment, a base64 data: URL) is
// scanned as a *.map file is, its sources named inside the bundle.
func TestScanInlineSourceMap(t *testing.T) {
	tok := testtoken.New(95).GitHub("ghp_")
	root := t.TempDir()
	src := "// settings\n\n\n\n\nexport const s = {\n  token: \"" + tok + "\",\n};\n"
	m := sourceMapJSON(t, []any{"webpack:///src/config.ts"}, []any{src})
	if err := os.MkdirAll(filepath.Join(root, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	js := "(()=>{console.log(1)})();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(m) + "\n"
	if err := os.WriteFile(filepath.Join(root, "dist/app.js"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	s, out, _ := reachStreams(nil, nil)
	code := run([]string{"scan", root, "--format", "json", "--no-progress"}, s)
	var rep struct {
		Findings []struct {
			Line     int    `json:"line"`
			Location string `json:"location"`
		} `json:"findings"`
		Skipped []any `json:"skipped"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := filepath.Join(root, "dist/app.js") + "!/webpack:///src/config.ts"
	if code != exitFindings || len(rep.Findings) != 1 || rep.Findings[0].Location != want || rep.Findings[0].Line != 7 || len(rep.Skipped) != 0 {
		t.Errorf("exit %d, want one finding at %s:7: %s", code, want, out)
	}
}

// sourceMapJSON is a revision-3 source map embedding contents as the
// sources named.
func sourceMapJSON(t *testing.T, sources, contents []any) []byte {
	t.Helper()
	m, err := json.Marshal(map[string]any{
		"version":        3,
		"mappings":       strings.Repeat("AAAA;", 200),
		"sources":        sources,
		"sourcesContent": contents,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
