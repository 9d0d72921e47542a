package reporters_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

func TestTerminalGolden(t *testing.T) {
	fx := newFixture(t)
	out := render(t, reporters.Terminal{}, fx.run, fx.res)
	golden(t, "terminal.golden", out)
	for _, s := range fx.secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("raw secret %s... printed without --show-secrets", s[:6])
		}
	}
}

func TestTerminalGroupsInOrder(t *testing.T) {
	fx := newFixture(t)
	out := string(render(t, reporters.Terminal{}, fx.run, fx.res))
	last := -1
	for _, h := range []string{"CAN DESTROY (3)", "CAN WRITE BROADLY (1)", "READ-ONLY OR NARROW (2)", "TEST, EXPIRED OR PUBLIC (2)"} {
		i := strings.Index(out, h)
		if i < 0 {
			t.Fatalf("heading %q missing", h)
		}
		if i < last {
			t.Errorf("heading %q out of order", h)
		}
		last = i
	}
	// Within "can destroy", severity then path: the AWS key in ~/ and the
	// two GitHub tokens are all critical; paths sort config/ < deploy/ < ~/.
	d := out[strings.Index(out, "CAN DESTROY"):strings.Index(out, "CAN WRITE BROADLY")]
	a, b, c := strings.Index(d, "config/.env:3:14"), strings.Index(d, "deploy/old.env:7:1"), strings.Index(d, "~/.aws/credentials:3:23")
	if !(a >= 0 && a < b && b < c) {
		t.Errorf("can-destroy group not in severity, path order:\n%s", d)
	}
	for _, want := range []string{
		"commit 3f2a9c1d5e7b by Dana Dev, 2024-05-01; only in history",
		"dist/app.zip!/config/settings.json:2:18",
		"store aws-credentials; via home",
		"environment",
		"key_id=AKIA",
		"  unreadable (2)\n    secret/gone.env: no such file or directory\n    secret/locked.env: permission denied\n",
		"  binary (11): binary file\n    assets/imga.png\n",
		"    and 6 more\n",
		"--format json lists every skipped item",
		"8 findings: 3 critical, 1 high, 1 medium, 2 low, 1 info; 4 at or above --fail-on high",
		"Scanned 1234 files (5.6 MB) in 1.2s; 14 items not scanned or scanned in part",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal report lacks %q", want)
		}
	}
}

func TestTerminalColour(t *testing.T) {
	fx := newFixture(t)
	fx.run.Color = true
	if out := render(t, reporters.Terminal{}, fx.run, fx.res); !bytes.Contains(out, []byte("\x1b[")) {
		t.Errorf("Color=true: no ANSI escape in\n%s", out)
	}
	fx.run.Color = false
	if out := render(t, reporters.Terminal{}, fx.run, fx.res); bytes.ContainsRune(out, 0x1b) {
		t.Errorf("Color=false: ESC byte in output")
	}
}

func TestTerminalEmpty(t *testing.T) {
	fx := newFixture(t)
	res := &scanner.Result{Stats: scanner.Stats{Items: 3, Bytes: 2048}}
	golden(t, "terminal-empty.golden", render(t, reporters.Terminal{}, fx.run, res))
}

func TestTerminalShowSecrets(t *testing.T) {
	fx := newFixture(t)
	fx.run.ShowSecrets = true
	out := render(t, reporters.Terminal{}, fx.run, fx.res)
	for _, s := range fx.secrets {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("--show-secrets: secret %s... not shown", s[:6])
		}
	}
}

// labelCols is where a finding's detail values start.
const labelCols = 12

func TestTerminalWidth(t *testing.T) {
	fx := newFixture(t)
	for _, w := range []int{60, 100} {
		fx.run.Width = w
		out := string(render(t, reporters.Terminal{}, fx.run, fx.res))
		for _, line := range strings.Split(out, "\n") {
			// A line may pass the width only when what follows its label
			// is one word that cannot be broken (a long path).
			if len(line) <= w {
				continue
			}
			if value := strings.TrimSpace(line[min(len(line), labelCols):]); strings.Contains(value, " ") {
				t.Errorf("width %d: line of %d columns: %q", w, len(line), line)
			}
		}
	}
	fx.run.Width = 60
	out := string(render(t, reporters.Terminal{}, fx.run, fx.res))
	if !strings.Contains(out, "scope   write, account-wide, long-lived, can destroy\n            repositories") {
		t.Errorf("scope not wrapped at 60 columns:\n%s", out)
	}
}

func TestTerminalHooks(t *testing.T) {
	fx := newFixture(t)
	rep := reporters.Terminal{
		Header: func(w io.Writer, st *reporters.Styles) error {
			n := reporters.CountByRadius(fx.res.Findings)
			_, err := fmt.Fprintf(w, "%s\n\n", st.Bold(fmt.Sprintf("VERDICT: %d can destroy", n[reporters.RadiusDestroy])))
			return err
		},
		Advice: func(f scanner.Finding) []string { return []string{"rotate " + f.RuleID} },
	}
	out := string(render(t, rep, fx.run, fx.res))
	if !strings.HasPrefix(out, "VERDICT: 3 can destroy\n\nCAN DESTROY (3)") {
		t.Errorf("header not first:\n%s", out[:80])
	}
	if !strings.Contains(out, "    do      rotate github-classic-pat\n") {
		t.Errorf("advice missing")
	}
	fx.run.Color = true
	out = string(render(t, rep, fx.run, fx.res))
	if !strings.HasPrefix(out, "\x1b[1mVERDICT") {
		t.Errorf("header not styled with colour on: %q", out[:20])
	}
}

// "Private key EC private key" read twice: a kind that names its provider
// is shown alone.
func TestTitleNotDoubled(t *testing.T) {
	for _, c := range [][3]string{
		{"Private key", "EC private key (SEC1)", "EC private key (SEC1)"},
		{"GitHub", "classic personal access token", "GitHub classic personal access token"},
		{"", "credential", "credential"},
	} {
		if got := reporters.Title(c[0], c[1]); got != c[2] {
			t.Errorf("Title(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
