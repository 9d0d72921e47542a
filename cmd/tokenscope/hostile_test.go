//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// hostileTree builds, in one temporary directory, the inputs an attacker
// (or an unlucky disk) hands a scanner, beside ordinary files holding
// tokens. It returns the root, the tokens that must be found (by the path
// fragment that holds them) and every secret written anywhere.
func hostileTree(t *testing.T) (root string, want map[string]string, secrets []string) {
	t.Helper()
	root = t.TempDir()
	want = map[string]string{}
	gen := testtoken.New(7)
	tok := func() string {
		s := gen.GitHub("ghp_")
		secrets = append(secrets, s)
		return s
	}
	write := func(rel string, b []byte) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The sibling: a plain .env that must be found whatever else happens.
	s := tok()
	write(".env", []byte("GITHUB_TOKEN="+s+"\n"))
	want[".env"] = s

	// Zip bomb: a zip holding a zip holding 20 MiB of zeros.
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	w, _ := zw.Create("zeros.bin")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 20; i++ {
		w.Write(zeros)
	}
	zw.Close()
	var outer bytes.Buffer
	zw = zip.NewWriter(&outer)
	w, _ = zw.Create("inner.zip")
	w.Write(inner.Bytes())
	zw.Close()
	write("bomb.zip", outer.Bytes())

	// Symlink loop and a symlink out of the root (to a file holding a token).
	outside := t.TempDir()
	leak := tok()
	if err := os.WriteFile(filepath.Join(outside, "secret.env"), []byte("T="+leak+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"b", "loop/a"}, {"a", "loop/b"}, {filepath.Join(outside, "secret.env"), "out.env"}, {outside, "outdir"}} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(l[1])), 0o755)
		if err := os.Symlink(l[0], filepath.Join(root, l[1])); err != nil {
			t.Fatal(err)
		}
	}

	// A fifo: opening it would block forever.
	if err := mkfifo(filepath.Join(root, "pipe")); err != nil {
		t.Skipf("mkfifo: %v", err)
	}

	// 3 MB file under --max-file-size 1MB.
	big := bytes.Repeat([]byte("just some text here\n"), 3<<20/20)
	write("big.log", big)

	// Corrupt gzip and truncated zip.
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(bytes.Repeat([]byte("hello gzip\n"), 1000))
	gw.Close()
	g := gz.Bytes()
	write("broken.gz", g[:len(g)/2])
	var zb bytes.Buffer
	zw = zip.NewWriter(&zb)
	w, _ = zw.Create("a.txt")
	w.Write(bytes.Repeat([]byte("hello zip\n"), 1000))
	zw.Close()
	write("broken.zip", zb.Bytes()[:zb.Len()/2])

	// Invalid UTF-8 around a token.
	s = tok()
	write("badutf8.txt", []byte("x\xc3(\xfe TOKEN="+s+"\xff\x80\xc0\n"))
	want["badutf8.txt"] = s

	// A file name with ESC, BEL, U+202E and a newline, holding a token.
	s = tok()
	odd := "odd\x1b[2J\a\u202etxt.\nname.env"
	write(odd, []byte("TOKEN="+s+"\n"))
	want["name.env"] = s

	// A token on a line full of ANSI escapes (clear screen, OSC title).
	s = tok()
	write("ansi.txt", []byte("\x1b[31mred\x1b]0;pwned\a TOKEN="+s+" \x1b[2J\x1b[0m\n"))
	want["ansi.txt"] = s

	// 20k small files in nested dirs.
	for i := 0; i < 20000; i++ {
		p := filepath.Join(root, "many", fmt.Sprint(i%20), fmt.Sprint(i/20%50), fmt.Sprintf("f%d.txt", i))
		if i%1000 == 0 {
			os.MkdirAll(filepath.Dir(p), 0o755)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root, want, secrets
}

type hostileReport struct {
	Findings []struct {
		Origin struct {
			Path string `json:"path"`
		} `json:"origin"`
		Redacted string `json:"redacted"`
	} `json:"findings"`
	Skipped []struct {
		Path   string `json:"path"`
		Origin struct {
			Chain []string `json:"chain"`
		} `json:"origin"`
		Reason  string `json:"reason"`
		Kind    string `json:"kind"`
		Partial bool   `json:"partial"`
	} `json:"skipped"`
}

func TestHostileInputs(t *testing.T) {
	root, want, secrets := hostileTree(t)
	outs := map[string][]byte{}
	for _, format := range []string{"terminal", "json", "sarif"} {
		var stdout, stderr bytes.Buffer
		s := &Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr, Env: func(string) string { return "" }, Environ: func() []string { return nil }}
		cmd := newRootCmd(s)
		args := []string{"scan", "--history", "none", "--max-file-size", "1MB", "-f", format, root}
		out := filepath.Join(t.TempDir(), "report")
		if format != "terminal" {
			args = append(args, "-o", out)
		}
		cmd.SetArgs(args)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: panic: %v", format, r)
				}
			}()
			if err := cmd.ExecuteContext(context.Background()); err != nil && err != findingsExit {
				t.Fatalf("%s: %v\n%s", format, err, stderr.String())
			}
		}()
		b := stdout.Bytes()
		if format != "terminal" {
			var err error
			if b, err = os.ReadFile(out); err != nil {
				t.Fatal(err)
			}
		}
		outs[format] = b
		for _, sec := range secrets {
			for name, o := range map[string][]byte{"report": b, "stdout": stdout.Bytes(), "stderr": stderr.Bytes()} {
				if bytes.Contains(o, []byte(sec)) {
					t.Errorf("%s %s holds a raw secret", format, name)
				}
			}
		}
		if format == "terminal" {
			for _, o := range [][]byte{stdout.Bytes(), stderr.Bytes()} {
				if i := rawControl(o); i >= 0 {
					t.Errorf("terminal output has a raw control character at %d: %q", i, o[max(0, i-40):min(len(o), i+40)])
				}
			}
		}
	}

	var rep hostileReport
	if err := json.Unmarshal(outs["json"], &rep); err != nil {
		t.Fatal(err)
	}
	for frag := range want {
		found := false
		for _, f := range rep.Findings {
			if strings.Contains(f.Origin.Path, frag) {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding in %s", frag)
		}
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Origin.Path, "out.env") || strings.Contains(f.Origin.Path, "outdir") || strings.Contains(f.Origin.Path, "secret.env") {
			t.Errorf("followed a link out of the root: %s", f.Origin.Path)
		}
	}
	skipped := func(frag string, kinds ...string) {
		t.Helper()
		for _, sk := range rep.Skipped {
			if !strings.Contains(sk.Path+" "+strings.Join(sk.Origin.Chain, " "), frag) {
				continue
			}
			if sk.Reason == "" {
				t.Errorf("%s skipped without a reason", frag)
			}
			for _, k := range kinds {
				if sk.Kind == k {
					return
				}
			}
			t.Logf("%s skipped as %q (%s)", frag, sk.Kind, sk.Reason)
		}
		t.Errorf("%s not skipped as %v; skipped: %+v", frag, kinds, rep.Skipped)
	}
	skipped("bomb.zip", "budget")
	skipped("pipe", "not-followed", "unreadable")
	skipped("big.log", "too-large")
	skipped("broken.gz", "corrupt")
	skipped("broken.zip", "corrupt")

	// The terminal names the archive a skipped member lives in.
	// (under the budget group's heading, which carries the reason)
	term := outs["terminal"]
	if g := bytes.Index(term, []byte("budget (1): expansion budget")); g < 0 || !bytes.Contains(term[g:], []byte("bomb.zip!/inner.zip!/zeros.bin\n")) {
		t.Errorf("terminal does not say where the bomb is:\n%s", outs["terminal"])
	}

	// The terminal and SARIF reports name the sibling too.
	for _, format := range []string{"terminal", "sarif"} {
		if !bytes.Contains(outs[format], []byte(".env")) {
			t.Errorf("%s report does not name .env", format)
		}
	}
	var sarif struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(outs["sarif"], &sarif); err != nil || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) < len(want) {
		t.Errorf("sarif: %v, %d runs:\n%s", err, len(sarif.Runs), outs["sarif"])
	}
}

// rawControl returns the offset of the first byte below 0x20 (but \n, \t),
// DEL, or U+202E in b, or -1.
func rawControl(b []byte) int {
	for i, c := range b {
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return i
		}
	}
	return bytes.Index(b, []byte("\u202e"))
}

// With --follow-symlinks, a loop (a -> b -> a, and a directory link to its
// parent) ends, and links out of the root are still never followed.
func TestHostileSymlinksFollowed(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	gen := testtoken.New(8)
	in, leak := gen.GitHub("ghp_"), gen.GitHub("ghp_")
	mustWrite(t, filepath.Join(root, ".env"), "GITHUB_TOKEN="+in+"\n")
	mustWrite(t, filepath.Join(outside, "secret.env"), "T="+leak+"\n")
	os.MkdirAll(filepath.Join(root, "loop"), 0o755)
	for _, l := range [][2]string{{"b", "loop/a"}, {"a", "loop/b"}, {"..", "loop/up"}, {filepath.Join(outside, "secret.env"), "out.env"}, {outside, "outdir"}} {
		if err := os.Symlink(l[0], filepath.Join(root, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	b := runJSON(t, nil, "scan", "--history", "none", "--follow-symlinks", root)
	if bytes.Contains(b, []byte(in)) || bytes.Contains(b, []byte(leak)) {
		t.Error("report holds a raw secret")
	}
	var rep hostileReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range rep.Findings {
		switch {
		case strings.Contains(f.Origin.Path, "out.env"), strings.Contains(f.Origin.Path, "outdir"), strings.Contains(f.Origin.Path, "secret.env"):
			t.Errorf("followed a link out of the root: %s", f.Origin.Path)
		case strings.HasSuffix(f.Origin.Path, ".env"):
			found++
		}
	}
	if found != 1 {
		t.Errorf("sibling .env found %d times, want once (loop/up is its parent again): %s", found, b)
	}
	for _, frag := range []string{"loop/a", "loop/b", "loop/up", "out.env", "outdir"} {
		ok := false
		for _, sk := range rep.Skipped {
			if strings.Contains(sk.Path, frag) && sk.Reason != "" && sk.Kind != "" {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s not skipped with a reason: %+v", frag, rep.Skipped)
		}
	}
}
