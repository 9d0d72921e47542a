package scanner_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
)

func allowedSecrets(t *testing.T, text string, show bool) (allowed, reported []string, reasons []string) {
	t.Helper()
	e := scanner.NewEngine(testSet(t), scanner.Options{ShowSecrets: true})
	fs := e.ScanBytes(scanner.Origin{Kind: "file", Path: "a.env"}, []byte(text))
	ok := scanner.InlineAllowed(fs)
	for i, f := range fs {
		if ok[i] {
			allowed = append(allowed, f.Secret)
			reasons = append(reasons, f.Allow.Reason)
		} else {
			reported = append(reported, f.Secret)
		}
	}
	return
}

func TestInlineAllowOneMarkerOneCredential(t *testing.T) {
	g := testtoken.New(7)
	a, b := g.GitHub("ghp_"), g.GitHub("ghp_")
	ro := "rotok_" + g.Rand(32, "hex")

	// the marker allows the credential before it
	al, rep, why := allowedSecrets(t, "TOKEN="+a+" # tokenscope:allow test fixture\n", true)
	if len(al) != 1 || al[0] != a || len(rep) != 0 || why[0] != "test fixture" {
		t.Errorf("allowed %v reported %v reasons %q", al, rep, why)
	}
	// a second credential later on the line, after the marker, is reported
	al, rep, why = allowedSecrets(t, "TOKEN="+a+" # tokenscope:allow  also="+b+"\n", true)
	if len(al) != 1 || al[0] != a || len(rep) != 1 || rep[0] != b {
		t.Errorf("after marker: allowed %v reported %v", al, rep)
	}
	// the reason never carries that other credential
	if len(why) != 1 || strings.Contains(why[0], b) || !strings.HasPrefix(why[0], "also=ghp_") {
		t.Errorf("reason %q", why)
	}
	// two credentials before one marker: only the nearest is allowed
	al, rep, _ = allowedSecrets(t, "K="+a+" R="+ro+" // tokenscope:allow\n", true)
	if len(al) != 1 || al[0] != ro || len(rep) != 1 || rep[0] != a {
		t.Errorf("two before: allowed %v reported %v", al, rep)
	}
	// a marker each: both allowed, each with its own reason
	al, rep, why = allowedSecrets(t, "K="+a+" /* tokenscope:allow(one) */ R="+ro+" /* tokenscope:allow: two */\n", true)
	if len(al) != 2 || len(rep) != 0 || strings.Join(why, ",") != "one,two" && strings.Join(why, ",") != "two,one" {
		t.Errorf("two markers: allowed %v reported %v reasons %q", al, rep, why)
	}
	// a marker on the next line allows nothing
	al, rep, _ = allowedSecrets(t, "K="+a+"\n# tokenscope:allow\n", true)
	if len(al) != 0 || len(rep) != 1 {
		t.Errorf("next line: allowed %v reported %v", al, rep)
	}
	// a marker before the credential allows nothing
	al, rep, _ = allowedSecrets(t, "# tokenscope:allow K="+a+"\n", true)
	if len(al) != 0 || len(rep) != 1 {
		t.Errorf("marker first: allowed %v reported %v", al, rep)
	}
	// CRLF line, reason bounded
	al, _, why = allowedSecrets(t, "K="+a+" # tokenscope:allow "+strings.Repeat("r", 300)+"\r\n", true)
	if len(al) != 1 || len(why[0]) > 200 {
		t.Errorf("long reason: %v %d", al, len(why[0]))
	}
}

func TestAllowHookSeesSecret(t *testing.T) {
	g := testtoken.New(8)
	a := g.GitHub("ghp_")
	var seen []string
	e := scanner.NewEngine(testSet(t), scanner.Options{Allow: func(rule string, o scanner.Origin, secret string) string {
		seen = append(seen, rule+" "+o.Path+" "+secret)
		if secret == a {
			return "listed"
		}
		return ""
	}})
	fs := e.ScanBytes(scanner.Origin{Kind: "file", Path: "x.env"}, []byte("T="+a+"\n"))
	if len(fs) != 1 || fs[0].Allowed != "listed" || fs[0].Secret != "" {
		t.Fatalf("findings %+v", fs)
	}
	if len(seen) != 1 || seen[0] != "test-pat x.env "+a {
		t.Errorf("hook saw %q", seen)
	}
}
