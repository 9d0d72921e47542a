package scanner_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// word finds "<literal>=<value>" up to the end of the line and reports
// value under its id.
type word struct{ id, lit string }

func (w word) Info() detectors.Info {
	return detectors.Info{ID: w.id, Provider: "test", Kind: "test"}
}
func (w word) Literals() []string { return []string{w.lit} }
func (w word) MaxLen() int        { return 64 }
func (w word) Find(win []byte, emit func(detectors.Candidate)) {
	i := bytes.Index(win, []byte(w.lit+"="))
	if i < 0 {
		return
	}
	start := i + len(w.lit) + 1
	end := start
	for end < len(win) && win[end] != '\n' {
		end++
	}
	emit(detectors.Candidate{RuleID: w.id, Provider: "test", Kind: "test", Secret: string(win[start:end]),
		Start: start, End: end, Scope: scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount}})
}

// kvFormat parses "name=value" lines of files called .store, reporting
// each value under rule "parsed".
type kvFormat struct{}

func (kvFormat) Name() string                { return "kv" }
func (kvFormat) Match(o scanner.Origin) bool { return strings.HasSuffix(o.Path, ".store") }
func (kvFormat) Parse(o scanner.Origin, data []byte) []scanner.Parsed {
	var out []scanner.Parsed
	for i, line := range strings.Split(string(data), "\n") {
		_, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, " ")
		out = append(out, scanner.Parsed{RuleID: "parsed", Provider: "P", Kind: "k", Secret: v, Line: i + 1, Key: "k",
			Scope: scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachAccount, Env: scope.EnvProduction, Evidence: []string{"store " + o.Path + " profile prod"}},
			Attrs: map[string]string{"profile": "prod"}})
	}
	return out
}

func formatEngine(t *testing.T, opts scanner.Options) *scanner.Engine {
	t.Helper()
	set, err := detectors.NewSet([]detectors.Detector{word{"specific-token", "tok"}, word{"generic-pass", "pass"}})
	if err != nil {
		t.Fatal(err)
	}
	opts.Formats = []scanner.Format{kvFormat{}}
	return scanner.NewEngine(set, opts)
}

const storeText = "tok=AAAABBBBCCCCDDDD\npass=EEEEFFFFGGGGHHHH\nother=IIIIJJJJKKKKLLLL\n"

func checkMerged(t *testing.T, fs []scanner.Finding) {
	t.Helper()
	by := map[string]scanner.Finding{}
	for _, f := range fs {
		if _, dup := by[f.Secret]; dup {
			t.Errorf("%s reported twice", f.Secret)
		}
		by[f.Secret] = f
	}
	// the specific detector's finding stays, enriched
	if f := by["AAAABBBBCCCCDDDD"]; f.RuleID != "specific-token" || f.Attrs["profile"] != "prod" || f.Scope.Env != scope.EnvProduction {
		t.Errorf("specific: %+v", f)
	}
	// the generic one gives way to the parsed one
	if f := by["EEEEFFFFGGGGHHHH"]; f.RuleID != "parsed" || f.Severity != scope.SevCritical || f.Redacted == f.Secret {
		t.Errorf("generic: %+v", f)
	}
	// a value no detector saw is added, redacted and fingerprinted like any finding
	f := by["IIIIJJJJKKKKLLLL"]
	if f.RuleID != "parsed" || f.Fingerprint != scanner.Fingerprint("parsed", "IIIIJJJJKKKKLLLL") || f.Line != 3 || f.Column != 1 || f.EndColumn != 17 {
		t.Errorf("new: %+v", f)
	}
	if len(fs) != 3 || fs[0].Severity < fs[2].Severity {
		t.Errorf("result not merged and sorted: %d findings", len(fs))
	}
}

// A Format's credentials join the detectors' findings of the same stream.
func TestFormatMergesWithDetectors(t *testing.T) {
	o := scanner.Origin{Kind: "file", Path: "conf/app.store"}
	for _, chunk := range []int{0, 16} { // one chunk; the stream read in many
		for _, x := range [][]scanner.Expander{nil, {scanner.UTF16()}} { // the head read by the expanders' look, or not
			checkMerged(t, formatEngine(t, scanner.Options{ShowSecrets: true, ChunkSize: chunk, Expanders: x}).ScanBytes(o, []byte(storeText)))
		}
	}
	// a path no Format knows: the detectors alone
	if fs := formatEngine(t, scanner.Options{ShowSecrets: true}).ScanBytes(scanner.Origin{Kind: "file", Path: "app.txt"}, []byte(storeText)); len(fs) != 2 {
		t.Errorf("unmatched path: %d findings, want the 2 detectors'", len(fs))
	}
	// without ShowSecrets the parsed value is not kept
	for _, f := range formatEngine(t, scanner.Options{}).ScanBytes(o, []byte(storeText)) {
		if f.Secret != "" || f.Redacted == "" {
			t.Errorf("redaction: %+v", f)
		}
	}
}

// Formats see the streams expanders emit: a UTF-16 store is parsed once
// decoded.
func TestFormatAfterExpansion(t *testing.T) {
	u := utf16le(storeText)
	checkMerged(t, formatEngine(t, scanner.Options{ShowSecrets: true, Expanders: []scanner.Expander{scanner.UTF16()}}).ScanBytes(scanner.Origin{Kind: "file", Path: "w.store"}, u))
}

// A stream cut by --max-file-size is not parsed (the parser would see half
// a file); the detectors still scan what was read.
func TestFormatNeedsWholeStream(t *testing.T) {
	fs := formatEngine(t, scanner.Options{ShowSecrets: true, MaxFileSize: 30}).ScanBytes(scanner.Origin{Kind: "file", Path: "a.store"}, []byte(storeText))
	for _, f := range fs {
		if f.RuleID == "parsed" {
			t.Errorf("partial stream parsed: %+v", f)
		}
	}
}

func utf16le(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// pair reports "secret=<value>" with the value of "id=<value>" on the line
// before as a non-secret fact, as the AWS pair rule does.
type pair struct{}

func (pair) Info() detectors.Info {
	return detectors.Info{ID: "pair-secret", Provider: "test", Kind: "pair"}
}
func (pair) Literals() []string { return []string{"secret"} }
func (pair) MaxLen() int        { return 256 }
func (pair) Find(win []byte, emit func(detectors.Candidate)) {
	i := bytes.Index(win, []byte("secret="))
	j := bytes.Index(win, []byte("kid="))
	if i < 0 || j < 0 || j > i {
		return
	}
	start := i + len("secret=")
	end := start + bytes.IndexByte(win[start:], '\n')
	idEnd := j + 4 + bytes.IndexByte(win[j+4:], '\n')
	emit(detectors.Candidate{RuleID: "pair-secret", Provider: "test", Kind: "pair", Secret: string(win[start:end]), Start: start, End: end,
		Scope: scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount}, Attrs: map[string]string{"key_id": string(win[j+4 : idEnd])}})
}

// A generic finding of the key id a specific finding names as a fact is
// the same credential: one finding (terraform.tfvars with an AWS pair).
func TestGenericOfAFactIsShadowed(t *testing.T) {
	set, err := detectors.NewSet([]detectors.Detector{pair{}, word{"generic-id", "kid"}})
	if err != nil {
		t.Fatal(err)
	}
	fs := scanner.NewEngine(set, scanner.Options{}).ScanBytes(scanner.Origin{Kind: "file", Path: "x.tfvars"},
		[]byte("kid=KEYID0123456789ABCD\nsecret=SSSSSSSSSSSSSSSSSSSSSSSSSSSS\nother=1\n"+strings.Repeat("x", 300)+"\nkid=ANOTHERVALUE0123456789\n"))
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.RuleID+":"+f.Redacted)
	}
	// the pair's key id is shadowed; another id value is not
	if len(fs) != 2 || fs[0].RuleID == fs[1].RuleID {
		t.Errorf("findings %v, want the pair and the unrelated generic one", ids)
	}
	for _, f := range fs {
		if f.RuleID == "generic-id" && f.Line != 5 {
			t.Errorf("generic finding of the key id kept: line %d", f.Line)
		}
	}
}

// An inline allow marker after a parsed value is recorded as after a
// detector's match.
func TestFormatInlineMarker(t *testing.T) {
	text := "tok=AAAABBBBCCCCDDDD\nother=IIIIJJJJKKKKLLLL # tokenscope:allow test fixture\nmore=MMMMNNNNOOOOPPPP\n"
	fs := formatEngine(t, scanner.Options{}).ScanBytes(scanner.Origin{Kind: "file", Path: "a.store"}, []byte(text))
	marked := 0
	for _, f := range fs {
		if f.Allow == nil {
			continue
		}
		marked++
		if f.Line != 2 || f.Offset != int64(strings.Index(text, "IIII")) || f.Allow.Reason != "test fixture" {
			t.Errorf("marker on %s line %d offset %d: %+v", f.RuleID, f.Line, f.Offset, f.Allow)
		}
	}
	if marked != 1 {
		t.Errorf("%d findings carry a marker, want 1", marked)
	}
}

// lineFormat reports one fixed value on line 1 of files called .line,
// without a column.
type lineFormat struct{ value string }

func (lineFormat) Name() string                { return "line" }
func (lineFormat) Match(o scanner.Origin) bool { return strings.HasSuffix(o.Path, ".line") }
func (l lineFormat) Parse(o scanner.Origin, data []byte) []scanner.Parsed {
	return []scanner.Parsed{{RuleID: "parsed", Provider: "P", Kind: "k", Secret: l.value, Line: 1}}
}

// A parsed credential on the line of a detector's finding of another
// secret is its own finding: both redact to a bare ******** (no prefix),
// which must not make them "the same".
func TestFormatOtherSecretOnSameLine(t *testing.T) {
	set, err := detectors.NewSet([]detectors.Detector{word{"specific-token", "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	e := scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: []scanner.Format{lineFormat{"ZZZZYYYYXXXXWWWW"}}})
	fs := e.ScanBytes(scanner.Origin{Kind: "file", Path: "a.line"}, []byte("tok=AAAABBBBCCCCDDDD\n"))
	got := map[string]bool{}
	for _, f := range fs {
		got[f.Secret] = true
	}
	if !got["AAAABBBBCCCCDDDD"] || !got["ZZZZYYYYXXXXWWWW"] || len(fs) != 2 {
		t.Errorf("findings %v, want both secrets", got)
	}
}
