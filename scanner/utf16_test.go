package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

func encodeUTF16(s string, be, bom bool) []byte {
	var b bytes.Buffer
	put := func(u uint16) {
		if be {
			b.WriteByte(byte(u >> 8))
			b.WriteByte(byte(u))
		} else {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return b.Bytes()
}

// A PowerShell-written .env (UTF-16LE with a BOM), its BE twin and a
// BOM-less UTF-16LE file are decoded and scanned; without the expander the
// same file is skipped as binary.
func TestUTF16FilesScanned(t *testing.T) {
	g := testtoken.New(81)
	root := t.TempDir()
	tokens := map[string]string{}
	for _, c := range []struct {
		name    string
		be, bom bool
	}{{"le-bom.env", false, true}, {"be-bom.env", true, true}, {"le-nobom.env", false, false}} {
		tok := g.GitHub("ghp_")
		tokens[c.name] = tok
		// a non-BMP rune before the token checks surrogate pairs
		text := "# written by PowerShell \U0001F511\r\nAPP=demo\r\nGITHUB_TOKEN=" + tok + "\r\n"
		if err := os.WriteFile(filepath.Join(root, c.name), encodeUTF16(text, c.be, c.bom), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, chunk := range []int{0, 7} { // 7: reads cut runes and the BOM
		res, err := scanner.NewEngine(testSet(t), scanner.Options{ShowSecrets: true, ChunkSize: chunk, Expanders: []scanner.Expander{scanner.UTF16()}}).
			Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Skipped) != 0 {
			t.Errorf("chunk %d: skipped %+v", chunk, res.Skipped)
		}
		got := map[string]scanner.Finding{}
		for _, f := range res.Findings {
			got[filepath.Base(f.Origin.Path)] = f
		}
		for name, tok := range tokens {
			f, ok := got[name]
			if !ok || f.Secret != tok || f.RuleID != "test-pat" || f.Line != 3 || f.Key != "GITHUB_TOKEN" || len(f.Origin.Chain) != 0 {
				t.Errorf("chunk %d: %s: got %+v, want token on line 3", chunk, name, f)
			}
		}
	}
	res, err := scanner.NewEngine(testSet(t), scanner.Options{}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || len(res.Skipped) != 3 || res.Skipped[0].Kind != scanner.SkipBinary || res.Skipped[0].Origin == nil {
		t.Errorf("without expanders: %d findings, skipped %+v", len(res.Findings), res.Skipped)
	}
}

// Two bytes FF FE in front of ASCII text do not hide its token.
func TestUTF16MarkBeforeASCIIScannedAsText(t *testing.T) {
	tok := testtoken.New(82).GitHub("ghp_")
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "sneaky.env"), append([]byte{0xFF, 0xFE}, "GITHUB_TOKEN="+tok+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := scanner.NewEngine(testSet(t), scanner.Options{ShowSecrets: true, Expanders: []scanner.Expander{scanner.UTF16()}}).
		Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Secret != tok {
		t.Errorf("findings %+v, skipped %+v; want the token", res.Findings, res.Skipped)
	}
}

func TestUTF16Match(t *testing.T) {
	x := scanner.UTF16()
	for _, c := range []struct {
		head []byte
		want bool
	}{
		{encodeUTF16("KEY=value and more", false, true), true},
		{encodeUTF16("KEY=value and more", true, true), true},
		{encodeUTF16("KEY=value and more", false, false), true},
		{encodeUTF16("short", false, false), false},
		{[]byte("plain ascii text, long enough to look at"), false},
		{[]byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, false}, // UTF-32LE
		// a byte-order mark before plain ASCII: decoding it would hide the text
		{append([]byte{0xFF, 0xFE}, "TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ0123"...), false},
		{append([]byte{0xFE, 0xFF}, "TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ0123"...), false},
		// UTF-16 text of mostly non-Latin characters with a line break and spaces
		{encodeUTF16("\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \u3067\u3059\r\n", false, true), true},
		{[]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"), false},
	} {
		if got := x.Match(scanner.Origin{}, c.head); got != c.want {
			t.Errorf("Match(%q) = %v, want %v", c.head, got, c.want)
		}
	}
}

// nest is a test container: each stream "nest:N\n..." holds one member
// "mN" whose content is the rest.
type nest struct{ fail bool }

func (nest) Name() string { return "nest" }
func (nest) Archive()     {} // a container: counts towards MaxDepth
func (nest) Match(_ scanner.Origin, head []byte) bool {
	return bytes.HasPrefix(head, []byte("nest:"))
}
func (n nest) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	if n.fail {
		return errors.New("bad header")
	}
	count := 1
	if bytes.HasPrefix(line, []byte("nest:many")) {
		count = 5
	}
	for i := 0; i < count; i++ {
		if err := emit(fmt.Sprintf("m%d", i), bytes.NewReader(rest)); err != nil {
			return err
		}
	}
	return nil
}

func TestExpanderChainAndBudgets(t *testing.T) {
	g := testtoken.New(82)
	tok := g.GitHub("ghp_")
	run := func(x scanner.Expander, lim scanner.ExpandLimits, content string) *scanner.Result {
		t.Helper()
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "outer.nest"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := scanner.NewEngine(testSet(t), scanner.Options{Expanders: []scanner.Expander{x}, Limits: lim}).
			Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// two levels: the finding's chain names both containers, outermost first
	res := run(nest{}, scanner.ExpandLimits{}, "nest:a\nnest:b\nTOKEN="+tok+"\n")
	if len(res.Findings) != 1 || len(res.Skipped) != 0 {
		t.Fatalf("findings %+v skipped %+v", res.Findings, res.Skipped)
	}
	f := res.Findings[0]
	if f.Origin.Path != "m0" || len(f.Origin.Chain) != 2 || !strings.HasSuffix(f.Origin.Chain[0], "outer.nest") || f.Origin.Chain[1] != "m0" || f.Line != 1 {
		t.Errorf("origin %+v line %d", f.Origin, f.Line)
	}
	// depth: the innermost container is scanned as text, with a budget skip
	res = run(nest{}, scanner.ExpandLimits{MaxDepth: 1}, "nest:a\nnest:b\nTOKEN="+tok+"\n")
	if len(res.Skipped) != 1 || res.Skipped[0].Kind != scanner.SkipBudget || res.Skipped[0].Origin == nil || len(res.Skipped[0].Origin.Chain) != 1 {
		t.Errorf("depth: skipped %+v", res.Skipped)
	}
	if len(res.Findings) != 1 {
		t.Errorf("depth: findings %+v", res.Findings)
	}
	// entries: the first members are scanned, then a budget skip
	res = run(nest{}, scanner.ExpandLimits{MaxEntries: 2}, "nest:many\nTOKEN="+tok+"\n")
	if len(res.Findings) != 2 || len(res.Skipped) != 1 || res.Skipped[0].Kind != scanner.SkipBudget {
		t.Errorf("entries: findings %d skipped %+v", len(res.Findings), res.Skipped)
	}
	// ratio: a member expanding far past its container's size is cut
	big := "nest:many\n" + strings.Repeat("x", 600<<10) + "\n"
	res = run(nest{}, scanner.ExpandLimits{MaxRatio: 2}, big)
	if len(res.Skipped) != 1 || res.Skipped[0].Kind != scanner.SkipBudget || !strings.Contains(res.Skipped[0].Reason, "times") {
		t.Errorf("ratio: skipped %+v", res.Skipped)
	}
	// bytes
	res = run(nest{}, scanner.ExpandLimits{MaxBytes: 1000}, big)
	if len(res.Skipped) != 1 || res.Skipped[0].Kind != scanner.SkipBudget || !strings.Contains(res.Skipped[0].Reason, "bytes") {
		t.Errorf("bytes: skipped %+v", res.Skipped)
	}
	// corrupt
	res = run(nest{fail: true}, scanner.ExpandLimits{}, "nest:a\nTOKEN="+tok+"\n")
	if len(res.Skipped) != 1 || res.Skipped[0].Kind != scanner.SkipCorrupt || !strings.Contains(res.Skipped[0].Reason, "nest: bad header") {
		t.Errorf("corrupt: skipped %+v", res.Skipped)
	}
}
