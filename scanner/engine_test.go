package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// testRules are the rules the engine tests run: a GitHub PAT (short,
// checksummed, critical), a read-only token (a lower severity, to check the
// order) and a multi-line key block (long matches that span many chunks).
const testRules = `
- id: test-pat
  provider: Test
  kind: personal access token
  literals: [ghp_]
  pattern: '\b(?P<secret>ghp_[0-9A-Za-z]{36})\b'
  validate: github-crc32
  scope: {access: write, reach: account, lifetime: long_lived, destructive: true, evidence: ["test"]}
- id: test-readonly
  provider: Test
  kind: read-only token
  literals: [rotok_]
  pattern: '\b(?P<secret>rotok_[0-9a-f]{32})\b'
  scope: {access: read, reach: resource, lifetime: long_lived, evidence: ["test"]}
- id: test-block
  provider: Test
  kind: key block
  literals: ['-----BEGIN TEST KEY-----']
  pattern: '-----BEGIN TEST KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,64}\r?\n){1,12}-----END TEST KEY-----'
  scope: {access: admin, reach: account, lifetime: long_lived, evidence: ["test"]}
`

// testSet compiles the test rules, or only those named.
func testSet(t testing.TB, only ...string) *detectors.Set {
	t.Helper()
	return setFrom(t, testRules, only...)
}

func setFrom(t testing.TB, rulesYAML string, only ...string) *detectors.Set {
	t.Helper()
	var specs []detectors.RuleSpec
	if err := yaml.Unmarshal([]byte(rulesYAML), &specs); err != nil {
		t.Fatal(err)
	}
	var dets []detectors.Detector
	for _, s := range specs {
		if len(only) > 0 && !slices.Contains(only, s.ID) {
			continue
		}
		r, err := detectors.CompileRule(s)
		if err != nil {
			t.Fatal(err)
		}
		dets = append(dets, r)
	}
	set, err := detectors.NewSet(dets)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// want is where a planted token must be reported.
type want struct {
	rule      string
	secret    string
	line, col int
	endLine   int
	endCol    int
	offset    int64
	key       string
}

// doc builds content while recording where each planted token lands.
type doc struct {
	buf   bytes.Buffer
	nl    string
	line  int
	col   int
	wants []want
}

func newDoc(nl string) *doc { return &doc{nl: nl, line: 1, col: 1} }

func (d *doc) text(s string) {
	for _, part := range strings.SplitAfter(s, "\n") {
		if part == "" {
			continue
		}
		if strings.HasSuffix(part, "\n") {
			d.buf.WriteString(strings.TrimSuffix(part, "\n"))
			d.buf.WriteString(d.nl)
			d.line++
			d.col = 1
			continue
		}
		d.buf.WriteString(part)
		d.col += len(part)
	}
}

// token writes secret, which rule must report with key.
func (d *doc) token(rule, secret, key string) {
	w := want{rule: rule, secret: secret, line: d.line, col: d.col, offset: int64(d.buf.Len()), key: key}
	d.text(strings.ReplaceAll(secret, "\r\n", "\n"))
	if strings.Contains(secret, "\n") {
		// multi-line secrets are written with the document's newline
		w.secret = strings.ReplaceAll(strings.ReplaceAll(secret, "\r\n", "\n"), "\n", d.nl)
	}
	w.endLine, w.endCol = d.line, d.col
	d.wants = append(d.wants, w)
}

func (d *doc) bytes() []byte { return d.buf.Bytes() }

// filler returns n bytes of source-like text without newlines.
func filler(g *testtoken.Gen, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString("x := ")
		b.WriteString(g.Rand(12, "lower"))
		b.WriteString("; ")
	}
	return b.String()[:n]
}

func keyBlock(g *testtoken.Gen, lines int) string {
	var b strings.Builder
	b.WriteString("-----BEGIN TEST KEY-----\n")
	for i := 0; i < lines; i++ {
		b.WriteString(g.Rand(64, "b64"))
		b.WriteString("\n")
	}
	b.WriteString("-----END TEST KEY-----")
	return b.String()
}

// plantedDoc makes a document with tokens at awkward places: the start of
// the file, after assignments, several on one line, a multi-line block and
// the very end.
func plantedDoc(g *testtoken.Gen, nl string, blocks bool, n int) *doc {
	d := newDoc(nl)
	d.token("test-pat", g.GitHub("ghp_"), "")
	d.text(" trailing words\n")
	for i := 0; i < n; i++ {
		d.text(filler(g, 37*i%300) + "\n")
		switch i % 5 {
		case 0:
			d.text("export GITHUB_TOKEN=\"")
			d.token("test-pat", g.GitHub("ghp_"), "GITHUB_TOKEN")
			d.text("\"\n")
		case 1:
			d.text(filler(g, 50) + " ro_key: ")
			d.token("test-readonly", "rotok_"+g.Rand(32, "hex"), "ro_key")
			d.text(" ")
			d.token("test-pat", g.GitHub("ghp_"), "")
			d.text("\n")
		case 2:
			if blocks {
				d.text("key = ")
				d.token("test-block", keyBlock(g, 3+i%9), "key")
				d.text("\n")
			}
		case 3:
			d.text(filler(g, 700) + "\n")
		case 4:
			d.text("{\"token\": \"")
			d.token("test-pat", g.GitHub("ghp_"), "token")
			d.text("\"}\n")
		}
	}
	d.text("last = ")
	d.token("test-pat", g.GitHub("ghp_"), "last")
	return d
}

func writeFile(t testing.TB, dirName, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dirName, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runDir(t testing.TB, set *detectors.Set, opts scanner.Options, roots ...string) *scanner.Result {
	t.Helper()
	res, err := scanner.NewEngine(set, opts).Run(context.Background(), dir.New(roots, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkWants compares findings in one file with what was planted, in
// offset order, field by field.
func checkWants(t *testing.T, fs []scanner.Finding, wants []want) {
	t.Helper()
	byOffset := map[int64][]scanner.Finding{}
	for _, f := range fs {
		byOffset[f.Offset] = append(byOffset[f.Offset], f)
	}
	for _, w := range wants {
		got := byOffset[w.offset]
		if len(got) != 1 {
			t.Errorf("%s at offset %d (line %d col %d): found %d times, want once", w.rule, w.offset, w.line, w.col, len(got))
			continue
		}
		f := got[0]
		if f.RuleID != w.rule || f.Line != w.line || f.Column != w.col || f.EndLine != w.endLine || f.EndColumn != w.endCol || f.Key != w.key {
			t.Errorf("offset %d: got %s %d:%d-%d:%d key %q, want %s %d:%d-%d:%d key %q",
				w.offset, f.RuleID, f.Line, f.Column, f.EndLine, f.EndColumn, f.Key,
				w.rule, w.line, w.col, w.endLine, w.endCol, w.key)
		}
		if f.Secret != w.secret {
			t.Errorf("offset %d: secret differs (%d bytes, want %d)", w.offset, len(f.Secret), len(w.secret))
		}
		if f.Fingerprint != scanner.Fingerprint(w.rule, w.secret) {
			t.Errorf("offset %d: fingerprint is not rule+secret", w.offset)
		}
	}
	if len(fs) != len(wants) {
		t.Errorf("%d findings, want %d", len(fs), len(wants))
	}
}

// TestChunkBoundaries scans the same planted file with chunk sizes from 1
// byte up: every match, wherever a chunk boundary falls, is reported
// exactly once with the same line, column and key.
//
// It runs with the long multi-line rule in the set (large overlaps) and
// without it (overlaps of a few dozen bytes, where the key name before a
// match can lie in the previous chunk).
func TestChunkBoundaries(t *testing.T) {
	for _, tc := range []struct {
		nl     string
		blocks bool
		lines  int   // lines of the planted document
		chunks []int // chunk sizes
	}{
		{"\n", true, 40, []int{29, 61, 97, 500, 1500, 4096, 1 << 20}},
		{"\r\n", true, 40, []int{29, 61, 97, 500, 1500, 4096, 1 << 20}},
		{"\n", false, 40, []int{29, 61, 97, 500, 1500, 4096, 1 << 20}},
		{"\r\n", false, 40, []int{29, 61, 97, 500, 1500, 4096, 1 << 20}},
		// every possible boundary position, on a shorter document
		{"\n", true, 8, []int{1, 2, 3}},
		{"\r\n", false, 8, []int{1, 2, 3}},
	} {
		set := testSet(t)
		if !tc.blocks {
			set = testSet(t, "test-pat", "test-readonly")
		}
		g := testtoken.New(7)
		d := plantedDoc(g, tc.nl, tc.blocks, tc.lines)
		tmp := t.TempDir()
		writeFile(t, tmp, "planted.txt", d.bytes())
		var ref []scanner.Finding
		for _, cs := range tc.chunks {
			t.Run(fmt.Sprintf("nl=%q/blocks=%v/lines=%d/chunk=%d", tc.nl, tc.blocks, tc.lines, cs), func(t *testing.T) {
				res := runDir(t, set, scanner.Options{ChunkSize: cs, ShowSecrets: true}, tmp)
				checkWants(t, res.Findings, d.wants)
				if ref == nil {
					ref = res.Findings
				} else if !reflect.DeepEqual(ref, res.Findings) {
					t.Errorf("findings differ from those with the first chunk size")
				}
			})
		}
	}
}

// TestCRLF checks lines and columns in a CRLF file, and that a CR is not
// counted into a key or a column.
func TestCRLF(t *testing.T) {
	g := testtoken.New(3)
	tok := g.GitHub("ghp_")
	content := "a\r\nb\r\nAPI_TOKEN=" + tok + "\r\n\r\n  x: " + tok + "\r\n"
	res := scanner.NewEngine(testSet(t), scanner.Options{}).ScanBytes(scanner.Origin{Path: "crlf.env"}, []byte(content))
	if len(res) != 2 {
		t.Fatalf("%d findings, want 2", len(res))
	}
	if f := res[0]; f.Line != 3 || f.Column != 11 || f.EndColumn != 11+len(tok) || f.Key != "API_TOKEN" {
		t.Errorf("first: %d:%d-%d key %q, want 3:11-%d key API_TOKEN", f.Line, f.Column, f.EndColumn, f.Key, 11+len(tok))
	}
	if f := res[1]; f.Line != 5 || f.Column != 6 || f.Key != "x" {
		t.Errorf("second: %d:%d key %q, want 5:6 key x", f.Line, f.Column, f.Key)
	}
}

// TestInvalidUTF8 finds tokens among bytes that are not UTF-8; columns
// count bytes.
func TestInvalidUTF8(t *testing.T) {
	g := testtoken.New(4)
	tok := g.GitHub("ghp_")
	content := []byte("\xff\xfe\xc3(\x80 tok=")
	content = append(content, tok...)
	content = append(content, " \xed\xa0\x80\n\xf0\x28\x8c\xbc"...)
	content = append(content, tok...)
	res := scanner.NewEngine(testSet(t), scanner.Options{}).ScanBytes(scanner.Origin{Path: "bad.txt"}, content)
	if len(res) != 2 {
		t.Fatalf("%d findings, want 2", len(res))
	}
	if res[0].Line != 1 || res[0].Column != 11 || res[0].Key != "tok" {
		t.Errorf("first at %d:%d key %q, want 1:11 key tok", res[0].Line, res[0].Column, res[0].Key)
	}
	if res[1].Line != 2 || res[1].Column != 5 {
		t.Errorf("second at %d:%d, want 2:5", res[1].Line, res[1].Column)
	}
}

// TestLongLine scans a file that is one 50 MB line, with tokens at its
// start, across the chunk boundaries and at its end.
func TestLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50 MB")
	}
	g := testtoken.New(5)
	const size = 50 << 20
	content := bytes.Repeat([]byte("abcdefghij "), size/11+1)[:size]
	var offsets []int
	var toks []string
	for _, off := range []int{0, 1<<20 - 20, 25 << 20, size - 50} {
		tok := g.GitHub("ghp_")
		copy(content[off:], " "+tok+" ")
		if off == 0 {
			copy(content, tok+" ")
			offsets = append(offsets, 0)
		} else {
			offsets = append(offsets, off+1)
		}
		toks = append(toks, tok)
	}
	tmp := t.TempDir()
	writeFile(t, tmp, "long.txt", content)
	res := runDir(t, testSet(t), scanner.Options{MaxFileSize: 64 << 20}, tmp)
	if len(res.Findings) != len(offsets) {
		t.Fatalf("%d findings, want %d", len(res.Findings), len(offsets))
	}
	for i, f := range res.Findings {
		if f.Line != 1 || f.Column != offsets[i]+1 || f.Offset != int64(offsets[i]) {
			t.Errorf("finding %d at %d:%d (offset %d), want 1:%d", i, f.Line, f.Column, f.Offset, offsets[i]+1)
		}
		if f.Fingerprint != scanner.Fingerprint("test-pat", toks[i]) {
			t.Errorf("finding %d: wrong secret", i)
		}
	}
	if res.Stats.Bytes != size || len(res.Skipped) != 0 {
		t.Errorf("stats %+v, skipped %v", res.Stats, res.Skipped)
	}
}

// TestHugeSparseFile scans a 1 GB sparse file: only --max-file-size of it
// is read (the token past it is not found), the rest is reported as a
// partial skip, and memory stays bounded.
func TestHugeSparseFile(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 25 MB")
	}
	g := testtoken.New(6)
	tmp := t.TempDir()
	p := filepath.Join(tmp, "huge.log")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	head := "TOKEN=" + g.GitHub("ghp_") + "\n" + strings.Repeat("log line without a secret\n", 400)
	if _, err := f.WriteAt([]byte(head), 0); err != nil {
		t.Fatal(err)
	}
	late := g.GitHub("ghp_")
	if _, err := f.WriteAt([]byte("\nLATE="+late+"\n"), 600<<20); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := runDir(t, testSet(t), scanner.Options{Workers: 1}, tmp)
	runtime.ReadMemStats(&after)
	if len(res.Findings) != 1 || res.Findings[0].Key != "TOKEN" {
		t.Fatalf("findings %+v, want only the token at the start", res.Findings)
	}
	if res.Stats.Bytes != scanner.DefaultMaxFileSize {
		t.Errorf("read %d bytes, want %d", res.Stats.Bytes, scanner.DefaultMaxFileSize)
	}
	if len(res.Skipped) != 1 || !res.Skipped[0].Partial || !strings.Contains(res.Skipped[0].Reason, "max-file-size") {
		t.Errorf("skipped %+v, want one partial skip naming --max-file-size", res.Skipped)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("scanning allocated %d MB; the file must be read in chunks", alloc>>20)
	}
}

// TestBinary skips files with a NUL in their first 8000 bytes, with the
// reason, unless ScanBinary is set; a NUL later does not make a file
// binary.
func TestBinary(t *testing.T) {
	g := testtoken.New(8)
	tmp := t.TempDir()
	tok := g.GitHub("ghp_")
	writeFile(t, tmp, "bin.dat", []byte("\x7fELF\x00\x01 "+tok+"\n"))
	writeFile(t, tmp, "late-nul.txt", append([]byte(strings.Repeat("a", 9000)+"\x00 "), tok...))
	set := testSet(t)
	res := runDir(t, set, scanner.Options{}, tmp)
	if len(res.Findings) != 1 || res.Findings[0].Origin.Path != filepath.ToSlash(filepath.Join(tmp, "late-nul.txt")) {
		t.Errorf("findings %+v, want one in late-nul.txt", res.Findings)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Reason != "binary file" || !strings.HasSuffix(res.Skipped[0].Path, "bin.dat") {
		t.Errorf("skipped %+v, want bin.dat as binary", res.Skipped)
	}
	if res.Stats.Items != 2 {
		t.Errorf("items %d, want 2 (a binary file is an item)", res.Stats.Items)
	}
	res = runDir(t, set, scanner.Options{ScanBinary: true}, tmp)
	if len(res.Findings) != 2 || len(res.Skipped) != 0 {
		t.Errorf("with ScanBinary: %d findings %d skipped, want 2 and 0", len(res.Findings), len(res.Skipped))
	}
}

// TestDedup reports one finding for one credential at one place, however
// many times it is reached, and keeps repeats at other places.
func TestDedup(t *testing.T) {
	g := testtoken.New(9)
	tok := g.GitHub("ghp_")
	tmp := t.TempDir()
	p := writeFile(t, tmp, "a.env", []byte("A="+tok+" B="+tok+"\nC="+tok+"\n"))
	// the same file named twice, and through its directory
	res := runDir(t, testSet(t), scanner.Options{}, p, p)
	if len(res.Findings) != 3 {
		t.Fatalf("%d findings, want 3 (one per place)", len(res.Findings))
	}
	for i, f := range res.Findings {
		if f.Fingerprint != res.Findings[0].Fingerprint {
			t.Errorf("finding %d: fingerprint differs for the same secret", i)
		}
	}
	if res.Stats.Items != 2 {
		t.Errorf("items %d, want 2", res.Stats.Items)
	}
}

// TestOrder sorts findings by severity, then path, line and column, and
// gives the same result whatever the number of workers.
func TestOrder(t *testing.T) {
	g := testtoken.New(10)
	tmp := t.TempDir()
	for i := 0; i < 30; i++ {
		content := fmt.Sprintf("r = rotok_%s\nx = 1\np = %s\n", g.Rand(32, "hex"), g.GitHub("ghp_"))
		writeFile(t, tmp, fmt.Sprintf("d%d/f%02d.txt", i%3, i), []byte(content))
	}
	set := testSet(t)
	ref := runDir(t, set, scanner.Options{Workers: 1}, tmp).Findings
	if len(ref) != 60 {
		t.Fatalf("%d findings, want 60", len(ref))
	}
	for i := 1; i < len(ref); i++ {
		a, b := ref[i-1], ref[i]
		if a.Severity < b.Severity || a.Severity == b.Severity && (a.Origin.Path > b.Origin.Path || a.Origin.Path == b.Origin.Path && a.Line > b.Line) {
			t.Fatalf("findings %d and %d out of order: %s %s:%d, %s %s:%d", i-1, i, a.Severity, a.Origin.Path, a.Line, b.Severity, b.Origin.Path, b.Line)
		}
	}
	if ref[0].RuleID != "test-pat" || ref[59].RuleID != "test-readonly" {
		t.Errorf("first %s, last %s: the critical ones must come first", ref[0].RuleID, ref[59].RuleID)
	}
	for _, w := range []int{2, 4, 8} {
		got := runDir(t, set, scanner.Options{Workers: w}, tmp).Findings
		if !reflect.DeepEqual(ref, got) {
			t.Errorf("workers=%d: findings differ from one worker's", w)
		}
	}
}

// TestCancel stops a scan part way: Run returns the context's error and
// what was found so far.
func TestCancel(t *testing.T) {
	g := testtoken.New(11)
	tmp := t.TempDir()
	for i := 0; i < 50; i++ {
		writeFile(t, tmp, fmt.Sprintf("f%02d.env", i), []byte("T="+g.GitHub("ghp_")+"\n"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng := scanner.NewEngine(testSet(t), scanner.Options{Workers: 1, Progress: func(items, _ int64) {
		if items == 3 {
			cancel()
		}
	}})
	res, err := eng.Run(ctx, dir.New([]string{tmp}, dir.Options{}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if res == nil || len(res.Findings) < 3 || len(res.Findings) >= 50 {
		t.Fatalf("partial result %v: want the findings of the items scanned before the cancel", res)
	}

	// cancelled before it starts: nothing scanned, still a result
	res, err = eng.Run(ctx, dir.New([]string{tmp}, dir.Options{}))
	if !errors.Is(err, context.Canceled) || res == nil {
		t.Fatalf("err %v res %v", err, res)
	}
}

// TestCancelMidFile stops inside a large item rather than after it.
func TestCancelMidFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelReader{n: 64 << 20, after: 2 << 20, cancel: cancel}
	eng := scanner.NewEngine(testSet(t), scanner.Options{MaxFileSize: 128 << 20})
	src := oneItem{scanner.Item{Origin: scanner.Origin{Path: "big"}, Size: r.n, Open: func() (io.ReadCloser, error) { return r, nil }}}
	res, err := eng.Run(ctx, src)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if res.Stats.Bytes >= 16<<20 {
		t.Errorf("read %d bytes after the cancel at 2 MB; want the item abandoned", res.Stats.Bytes)
	}
}

// cancelReader yields n bytes of text and cancels its context once after
// bytes have been read.
type cancelReader struct {
	n, read, after int64
	cancel         func()
}

func (r *cancelReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n-r.read {
		p = p[:r.n-r.read]
	}
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	r.read += int64(len(p))
	if r.read >= r.after {
		r.cancel()
	}
	return len(p), nil
}

func (r *cancelReader) Close() error { return nil }

// oneItem is a source of one item.
type oneItem struct{ it scanner.Item }

func (o oneItem) Name() string { return "one" }
func (o oneItem) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	return emit(o.it)
}

// TestGenericShadowed: a generic finding gives way to a specific rule's
// finding of the same value, but not to one of another value on its line.
func TestGenericShadowed(t *testing.T) {
	set := setFrom(t, testRules+`
- id: generic-test
  provider: Generic
  kind: secret assignment
  literals: [secret]
  pattern: 'secret ?= ?(?P<secret>[A-Za-z0-9_]{20,60})'
  scope: {access: unknown, reach: unknown, lifetime: unknown, evidence: ["test"]}
`)
	g := testtoken.New(12)
	tok, other := g.GitHub("ghp_"), g.Rand(30, "alnum")
	content := "secret = " + tok + "\n" +
		"secret = " + other + " also " + tok + "\n"
	fs := scanner.NewEngine(set, scanner.Options{}).ScanBytes(scanner.Origin{Path: "x"}, []byte(content))
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s@%d:%d", f.RuleID, f.Line, f.Column))
	}
	want := []string{"test-pat@1:10", "test-pat@2:46", "generic-test@2:10"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// FuzzChunkSize: whatever the content and the chunk size, the findings are
// those of a scan in one chunk.
func FuzzChunkSize(f *testing.F) {
	g := testtoken.New(14)
	tok := g.GitHub("ghp_")
	f.Add([]byte("a="+tok+"\r\nb = "+tok), uint16(1), uint16(3))
	f.Add([]byte("x\n"+strings.Repeat("y", 700)+" "+tok+"\n-----BEGIN TEST KEY-----\nQUJD\n-----END TEST KEY-----"), uint16(61), uint16(500))
	f.Add([]byte("\xff\xfe"+tok+tok+" rotok_0123456789abcdef0123456789abcdef"), uint16(7), uint16(40))
	// a NUL past the first small chunk but within the binary sniff
	f.Add([]byte(strings.Repeat("a", 5000)+"\x00"), uint16(0), uint16(0))
	set := testSet(f)
	whole := scanner.NewEngine(set, scanner.Options{ShowSecrets: true})
	f.Fuzz(func(t *testing.T, content []byte, chunk uint16, at uint16) {
		if len(content) > 1<<16 {
			return
		}
		// plant a valid token somewhere, so every input has a match
		i := int(at) % (len(content) + 1)
		content = append(content[:i:i], append([]byte(" "+tok+" "), content[i:]...)...)
		want := whole.ScanBytes(scanner.Origin{Path: "f"}, content)
		cs := 1 + int(chunk)%4096
		got := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, ChunkSize: cs}).ScanBytes(scanner.Origin{Path: "f"}, content)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("chunk %d: %d findings, want %d\n got %+v\nwant %+v", cs, len(got), len(want), got, want)
		}
		if len(want) == 0 && bytes.IndexByte(content[:min(len(content), 8000)], 0) < 0 {
			t.Fatalf("the planted token was not found")
		}
	})
}
