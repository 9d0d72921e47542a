package reporters_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

// hasControl reports a terminal-steering character: C0 other than newline,
// DEL, C1, or a bidi override/isolate.
func hasControl(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return r, true
		}
	}
	return 0, false
}

func TestTerminalEscapesHostileStrings(t *testing.T) {
	evil := "a\x1b]0;pwned\x07b\x1b[2J\bc\u202ed\x7f\u009be\xff"
	f := scanner.Finding{
		RuleID: "generic-" + evil, Provider: "P" + evil, Kind: "k" + evil,
		Origin:   scanner.Origin{Path: "dir/" + evil + ".env", Commit: "0123456789abcdef", Author: "mallory " + evil, Via: "history"},
		Line:     1,
		Key:      "KEY" + evil,
		Redacted: "****" + evil,
		Severity: scope.SevHigh,
		Scope:    scope.Scope{Evidence: []string{"sp=" + evil + strings.Repeat("r", 5000)}},
		Attrs:    map[string]string{"claim": evil},
	}
	res := &scanner.Result{Findings: []scanner.Finding{f}, Skipped: []scanner.Skipped{{Path: evil, Reason: "odd " + evil}}}
	out := string(render(t, reporters.Terminal{}, reporters.Run{}, res))
	if r, bad := hasControl(out); bad {
		t.Fatalf("raw control %U reached the terminal report:\n%q", r, out)
	}
	for _, want := range []string{`\x1b]0;pwned\x07`, `\u202e`, `\x7f`, `\u009b`, `\xff`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks visible escape %s:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 1200 {
			t.Errorf("unbounded evidence line (%d bytes)", len(line))
		}
	}
}
