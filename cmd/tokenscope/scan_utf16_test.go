package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// A .env written by PowerShell (UTF-16LE with a byte-order mark) is
// scanned and its token reported, not skipped as binary.
func TestScanUTF16Env(t *testing.T) {
	tok := testtoken.New(83).GitHub("ghp_")
	root := t.TempDir()
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune("APP=demo\r\nGITHUB_TOKEN=" + tok + "\r\n")) {
		b = append(b, byte(u), byte(u>>8))
	}
	if err := os.WriteFile(filepath.Join(root, ".env"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	s, out, errb := reachStreams(nil, nil)
	code := run([]string{"scan", root, "--format", "json", "--no-progress"}, s)
	if code != exitFindings {
		t.Fatalf("exit %d; stderr: %s", code, errb.String())
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Line   int    `json:"line"`
			Key    string `json:"key"`
		} `json:"findings"`
		Skipped []json.RawMessage `json:"skipped"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || !strings.HasPrefix(rep.Findings[0].RuleID, "github") || rep.Findings[0].Line != 2 || rep.Findings[0].Key != "GITHUB_TOKEN" || len(rep.Skipped) != 0 {
		t.Errorf("findings %+v skipped %s", rep.Findings, rep.Skipped)
	}
	if strings.Contains(out.String(), tok) {
		t.Error("raw token printed")
	}
}
