package home

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
)

func leafMap(ls []leaf) map[string]string {
	m := map[string]string{}
	for _, l := range ls {
		m[l.dotted()] = l.value
	}
	return m
}

func TestTOMLSubset(t *testing.T) {
	src := `# codex
model = "o4"
[mcp_servers.linear]
command = 'npx'
args = ["-y", "mcp-remote", "https://mcp.linear.app/sse"]
env = { LINEAR_API_KEY = "lin_a", "QUOTED.KEY" = 'b=c, d' }

[mcp_servers."dotted.name".env]
TOKEN = "x\"y"
[[registries]]
token = "one"
[[registries]]
token = "two"
`
	m := leafMap(tomlLeaves([]byte(src)))
	for k, want := range map[string]string{
		"model": "o4", "mcp_servers.linear.command": "npx", "mcp_servers.linear.args.2": "https://mcp.linear.app/sse",
		"mcp_servers.linear.env.LINEAR_API_KEY": "lin_a", "mcp_servers.linear.env.QUOTED.KEY": "b=c, d",
		"mcp_servers.dotted.name.env.TOKEN": `x"y`, "registries.0.token": "one", "registries.1.token": "two",
	} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q (all: %v)", k, m[k], want, m)
		}
	}
}

func TestINIAndNpmrc(t *testing.T) {
	m := leafMap(iniLeaves([]byte("; comment\ntop = 1\n[profile prod]\naws_secret_access_key=abc\n  region : eu\n//registry.example.com/npm/:_authToken=tok\n")))
	for k, want := range map[string]string{"top": "1", "profile prod.aws_secret_access_key": "abc", "profile prod.region": "eu", "profile prod.//registry.example.com/npm/:_authToken": "tok"} {
		if m[k] != want {
			t.Errorf("%s = %q, want %q (%v)", k, m[k], want, m)
		}
	}
}

func TestNetrc(t *testing.T) {
	src := "machine a.example.com login u password p1\n# comment\nmacdef init\n  machine evil password nope\n\nmachine b.example.com\n  login v\n  password p2\ndefault login anon password p3\n"
	es := netrcEntries([]byte(src))
	got := []string{}
	for _, e := range es {
		got = append(got, e.machine+"/"+e.login+"/"+e.password)
	}
	want := "a.example.com/u/p1 b.example.com/v/p2 default/anon/p3"
	if strings.Join(got, " ") != want {
		t.Errorf("netrc entries %v, want %s", got, want)
	}
	if es[1].passLine != 8 {
		t.Errorf("password line %d, want 8", es[1].passLine)
	}
}

func TestPgpassEscapes(t *testing.T) {
	f := splitPgpass(`db\:1:5432:*:me:pa\:ss\\w`)
	if len(f) != 5 || f[0] != "db:1" || f[4] != `pa:ss\w` {
		t.Errorf("fields %q", f)
	}
}

func TestJSONLeavesLines(t *testing.T) {
	ls, err := jsonLeaves([]byte("{\n  \"a\": {\"b\": [\"x\",\n \"y\"]},\n  \"n\": 3, \"t\": true\n}"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].dotted() != "a.b.0" || ls[1].dotted() != "a.b.1" || ls[1].line != 3 {
		t.Errorf("leaves %+v", ls)
	}
}

func TestSSHKeyEncryption(t *testing.T) {
	for text, want := range map[string]bool{
		"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----":                                         true,
		"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----": true,
		"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----":                                                             false,
	} {
		if got := sshKeyEncrypted(text); got != want {
			t.Errorf("%.40q: encrypted %v, want %v", text, got, want)
		}
	}
}

// No parser panics or loops on arbitrary input.
func FuzzParsers(f *testing.F) {
	for _, seed := range []string{"[a]\nb=c\n", `{"user": {"token": "x"}}`, "users:\n- name: a\n  user:\n    token: t\n",
		"machine m login l password p", "a:b:c:d:e", "[x]\ntoken = \"t\"\nenv = { A = 'b' }", "<settings><servers><server><password>p</password></server></servers></settings>",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----", "export A_TOKEN=abcdefghij",
		`{"connections": [{"sshHost": "h", "credentials": [{"userPassword": "abcdefghij", "enabled": "yes"}], "ssh": {"passphraseEncrypted": "AwIabcdefgh"}, "replicaSet": {"0": 1}}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := range storeTable {
			st := &storeTable[i]
			for _, path := range []string{"~/" + st.paths[0], "~/x.toml"} {
				for _, d := range parseStore(st, scanner.Origin{Kind: "home", Path: path}, data) {
					if d.Secret == "" {
						t.Fatalf("%s: empty secret", st.name)
					}
				}
			}
		}
		for _, name := range []string{".mcp.json", ".env", ".npmrc", ".codex/config.toml"} {
			if parse, _ := workspaceParser(name); parse != nil {
				parse(&pctx{origin: scanner.Origin{Kind: "file", Path: name}, data: data})
			}
		}
	})
}
