package decode_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/decode"
)

func engine(t *testing.T) *scanner.Engine {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	return scanner.NewEngine(set, scanner.Options{ShowSecrets: true, Formats: decode.Formats(set)})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

type hit struct {
	rule, secret, decoded string
	line                  int
}

func hits(fs []scanner.Finding) []hit {
	var out []hit
	for _, f := range fs {
		out = append(out, hit{f.RuleID, f.Secret, f.Attrs["decoded"], f.Line})
	}
	return out
}

func TestKubernetesSecretData(t *testing.T) {
	g := testtoken.New(91)
	ghp := g.GitHub("ghp_")
	key, err := g.PrivateKey("openssh-ed25519")
	if err != nil {
		t.Fatal(err)
	}
	yamlDoc := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  note: " + b64("ghp_not-a-secret-map") + "\n---\n" +
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  GITHUB_TOKEN: " + b64(ghp) + "\n" +
		"  id_ed25519: " + b64(key) + "\n  tls.crt: " + b64("\x00\x01binary") + "\n  broken: '%%%'\n"
	eng := engine(t)
	got := hits(eng.ScanBytes(scanner.Origin{Kind: "file", Path: "deploy/secret.yaml"}, []byte(yamlDoc)))
	var sawToken, sawKey bool
	for _, h := range got {
		switch {
		case h.rule == "github-classic-pat" && h.secret == ghp:
			sawToken = true
			if h.decoded != "base64" || h.line != 14 {
				t.Errorf("token reported as %+v, want decoded=base64 at line 14", h)
			}
		case strings.HasPrefix(h.rule, "private-key-"):
			sawKey = true
		case strings.HasPrefix(h.rule, "generic-"):
			t.Errorf("generic finding beside the named one: %+v", h)
		}
	}
	if !sawToken || !sawKey {
		t.Fatalf("want the decoded GitHub token and private key, got %+v", got)
	}

	// the same Secret as JSON, inside a List (kubectl get secrets -o json)
	js := `{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Secret", "metadata": {"name": "ci"}, "data": {"token": "` + b64(ghp) + `"}}]}`
	got = hits(eng.ScanBytes(scanner.Origin{Kind: "file", Path: "secrets.json"}, []byte(js)))
	if len(got) != 1 || got[0].rule != "github-classic-pat" || got[0].secret != ghp {
		t.Fatalf("JSON List of Secrets: got %+v", got)
	}
	// not a Secret manifest, or not a YAML/JSON file: nothing decoded
	for _, c := range []struct{ path, content string }{
		{"cfg.yaml", "kind: ConfigMap\ndata:\n  GITHUB_TOKEN: " + b64(ghp) + "\n"},
		{"notes.txt", "kind: Secret\ndata:\n  GITHUB_TOKEN: " + b64(ghp) + "\n"},
		{"bad.yaml", "kind: Secret\ndata: [unterminated\n"},
	} {
		for _, h := range hits(eng.ScanBytes(scanner.Origin{Kind: "file", Path: c.path}, []byte(c.content))) {
			if h.decoded != "" {
				t.Errorf("%s: decoded finding %+v", c.path, h)
			}
		}
	}
}

func TestEscapedStrings(t *testing.T) {
	g := testtoken.New(92)
	url := "https://hooks.slack.com/services/T" + g.Rand(10, "UBASE32") + "/B" + g.Rand(10, "UBASE32") + "/" + g.Rand(24, "alnum")
	eng := engine(t)
	for _, c := range []struct{ path, content, how string }{
		{"hooks.json", "{\n\"a\": 1,\n\"hook\": \"" + strings.ReplaceAll(url, "/", `\/`) + "\"}\n", "JSON-unescaped"},
		{"hooks.json", "{\"hook\": \"" + strings.ReplaceAll(url, "/", `\u002F`) + "\"}\n", "JSON-unescaped"},
		{"access.log", "x\nGET /cb?next=" + strings.NewReplacer(":", "%3A", "/", "%2F").Replace(url) + " 200\n", "percent-decoded"},
	} {
		got := hits(eng.ScanBytes(scanner.Origin{Kind: "file", Path: c.path}, []byte(c.content)))
		if len(got) != 1 || got[0].rule != "slack-webhook-url" || got[0].secret != url || got[0].decoded != c.how || got[0].line != strings.Count(c.content[:strings.Index(c.content, "hooks")], "\n")+1 {
			t.Errorf("%s %q: got %+v", c.path, c.content, got)
		}
	}
	// plain text is left to the text scan: one finding, not decoded
	got := hits(eng.ScanBytes(scanner.Origin{Kind: "file", Path: "hooks.json"}, []byte(`{"hook": "`+url+`", "pct": "100%", "fmt": "%s\/x"}`)))
	if len(got) != 1 || got[0].decoded != "" {
		t.Errorf("plain URL: got %+v", got)
	}
}
