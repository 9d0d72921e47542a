package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/reach"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/plan"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// reachStreams runs the CLI in-process with an explicit environment.
func reachStreams(vars map[string]string, environ []string) (*Streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Streams{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Env:     func(k string) string { return vars[k] },
		Environ: func() []string { return environ },
	}, &out, &errb
}

func mustWrite(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

type reachJSON struct {
	Findings []struct {
		scanner.Finding
		Radius string `json:"radius"`
	} `json:"findings"`
	Verdict reach.Verdict `json:"verdict"`
	Actions []struct {
		Fingerprint string   `json:"fingerprint"`
		Via         string   `json:"via"`
		Do          []string `json:"do"`
	} `json:"actions"`
	Skipped []scanner.Skipped `json:"skipped"`
}

// layout is a home with every store, a workspace two levels below it with
// its own .env and .mcp.json, a .env in the directory between, and an
// environment.
type layout struct {
	home, parent, ws string
	fake             *testtoken.FakeHome
	wsToken          string // in the workspace's .env
	mcpToken         string // Railway token in the workspace's .mcp.json
	parentToken      string // RAILWAY_API_TOKEN in the parent .env
	envRailway       string // RAILWAY_TOKEN in the environment
	envGitHub        string // GITHUB_TOKEN in the environment
	environ          []string
}

func newLayout(t testing.TB, seed uint64) *layout {
	t.Helper()
	root := t.TempDir()
	g := testtoken.New(seed)
	l := &layout{home: filepath.Join(root, "home")}
	fake, err := g.WriteFakeHome(l.home)
	if err != nil {
		t.Fatal(err)
	}
	l.fake = fake
	l.parent = filepath.Join(l.home, "code")
	l.ws = filepath.Join(l.parent, "app")
	l.wsToken = g.GitHub("ghp_")
	mustWrite(t, filepath.Join(l.ws, ".env"), "APP_NAME=demo\nGITHUB_TOKEN="+l.wsToken+"\n")
	l.mcpToken = g.UUID()
	mustWrite(t, filepath.Join(l.ws, ".mcp.json"), `{"mcpServers": {"railway": {"command": "npx", "args": ["-y", "@railway/mcp-server"], "env": {"RAILWAY_API_TOKEN": "`+l.mcpToken+`"}}}}`)
	mustWrite(t, filepath.Join(l.ws, "main.go"), "package main\n")
	l.parentToken = g.UUID()
	mustWrite(t, filepath.Join(l.parent, ".env"), "# shared by every project below\nRAILWAY_API_TOKEN="+l.parentToken+"\n")
	l.envRailway, l.envGitHub = g.UUID(), g.GitHub("ghp_")
	l.environ = []string{"PATH=/usr/bin:/bin", "HOME=" + l.home, "RAILWAY_TOKEN=" + l.envRailway, "GITHUB_TOKEN=" + l.envGitHub, "EDITOR=vi"}
	return l
}

func TestReachJSON(t *testing.T) {
	l := newLayout(t, 31)
	s, out, errb := reachStreams(map[string]string{"HOME": l.home}, l.environ)
	code := run([]string{"reach", l.ws, "--format", "json", "--show-secrets", "--no-progress"}, s)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFindings, errb.String())
	}
	var rep reachJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out.String())
	}
	type hit struct{ via, path, rule, provider, key string }
	bySecret := map[string][]hit{}
	for _, f := range rep.Findings {
		bySecret[f.Secret] = append(bySecret[f.Secret], hit{string(f.Origin.Via), f.Origin.Path, f.RuleID, f.Provider, f.Key})
	}
	// every home store's secrets, reached through home
	for _, rel := range l.fake.Paths() {
		for _, sec := range l.fake.Secrets[rel] {
			ok := false
			for _, h := range bySecret[sec] {
				ok = ok || (h.via == "home" && h.path == "~/"+rel)
			}
			if !ok {
				t.Errorf("~/%s: secret %s not reported via home (have %v)", rel, scanner.Redact(sec), bySecret[sec])
			}
		}
	}
	want := []struct {
		secret, via, path, provider string
	}{
		{l.wsToken, "workspace", filepath.ToSlash(filepath.Join(l.ws, ".env")), "GitHub"},
		{l.mcpToken, "workspace", filepath.ToSlash(filepath.Join(l.ws, ".mcp.json")), "Railway"},
		{l.parentToken, "parent-env", filepath.ToSlash(filepath.Join(l.parent, ".env")), "Railway"},
		{l.envRailway, "environment", "env:RAILWAY_TOKEN", "Railway"},
		{l.envGitHub, "environment", "env:GITHUB_TOKEN", "GitHub"},
	}
	for _, w := range want {
		hs := bySecret[w.secret]
		if len(hs) != 1 || hs[0].via != w.via || hs[0].path != w.path || hs[0].provider != w.provider {
			t.Errorf("%s: got %+v, want one finding via %s at %s by %s", w.path, hs, w.via, w.path, w.provider)
		}
	}
	// the parent .env's Railway token, named RAILWAY_API_TOKEN, is account-wide and destructive
	for _, f := range rep.Findings {
		if f.Secret == l.parentToken && (f.Radius != "destroy" || f.Key != "RAILWAY_API_TOKEN") {
			t.Errorf("parent Railway token: radius %s key %s", f.Radius, f.Key)
		}
		if f.Origin.Kind == "file" && f.Attrs["readable"] == "" {
			t.Errorf("%s: no readable attr", f.Origin.Path)
		}
	}
	// verdict and actions
	v := rep.Verdict
	if v.Credentials != len(rep.Findings) || v.ByVia["home"] == 0 || v.ByVia["environment"] != 2 || v.ByVia["parent-env"] != 1 || v.ByVia["workspace"] != 2 {
		t.Errorf("verdict %+v for %d findings", v, len(rep.Findings))
	}
	sum := 0
	for _, n := range v.ByRadius {
		sum += n
	}
	if sum != v.Credentials || v.ByRadius["destroy"] == 0 || v.StoresRead < 30 {
		t.Errorf("verdict radius %v (sum %d) stores %d", v.ByRadius, sum, v.StoresRead)
	}
	if !strings.HasPrefix(v.Text, "An agent started here can read ") {
		t.Errorf("verdict text %q", v.Text)
	}
	if len(rep.Actions) != len(rep.Findings) {
		t.Fatalf("%d actions for %d findings", len(rep.Actions), len(rep.Findings))
	}
	for i, a := range rep.Actions {
		f := rep.Findings[i]
		if a.Fingerprint != f.Fingerprint {
			t.Fatalf("action %d is for %s, finding is %s", i, a.Fingerprint, f.Fingerprint)
		}
		if f.Radius != "harmless" && len(a.Do) == 0 {
			t.Errorf("%s: no action", f.Origin.Path)
		}
		if f.Origin.Via == "environment" && !strings.Contains(strings.Join(a.Do, " "), "unset") {
			t.Errorf("%s: actions %v lack unset", f.Origin.Path, a.Do)
		}
	}
}

func TestReachNoEnvAndRedaction(t *testing.T) {
	l := newLayout(t, 37)
	s, out, errb := reachStreams(map[string]string{"HOME": "/nonexistent"}, l.environ)
	code := run([]string{"reach", l.ws, "--home", l.home, "--no-env", "--format", "json", "--no-progress"}, s)
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	text := out.String()
	for _, sec := range append(l.fake.All(), l.wsToken, l.mcpToken, l.parentToken, l.envGitHub, l.envRailway) {
		if strings.Contains(text, strings.TrimSpace(sec)) {
			t.Fatalf("report holds a raw secret (%s)", scanner.Redact(sec))
		}
	}
	var rep reachJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Origin.Via == "environment" {
			t.Fatalf("--no-env, yet %s reported", f.Origin.Path)
		}
	}
	if rep.Verdict.ByVia["home"] == 0 {
		t.Errorf("--home %s not read", l.home)
	}
}

func TestReachFailOnAndFormats(t *testing.T) {
	l := newLayout(t, 41)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--fail-on", "none"}, exitOK},
		{[]string{"--fail-on", "critical"}, exitFindings},
		{[]string{"--format", "sarif"}, exitFindings},
		{[]string{"--format", "bogus"}, exitUsage},
		{[]string{"--fail-on", "bogus"}, exitUsage},
	} {
		s, out, errb := reachStreams(map[string]string{"HOME": l.home}, nil)
		args := append([]string{"reach", l.ws, "--no-env", "--no-progress"}, tc.args...)
		if code := run(args, s); code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.code, errb.String())
		}
		if tc.code != exitUsage && tc.args[0] == "--format" && !json.Valid(out.Bytes()) {
			t.Errorf("sarif output is not JSON")
		}
	}
	// an empty home and workspace: nothing found, exit 0
	empty := t.TempDir()
	s, out, _ := reachStreams(map[string]string{"HOME": empty}, nil)
	if code := run([]string{"reach", empty, "--no-env", "--no-progress"}, s); code != exitOK {
		t.Errorf("empty: exit %d", code)
	}
	if !strings.HasPrefix(out.String(), "An agent started here can read no credentials") {
		t.Errorf("empty verdict: %q", out.String())
	}
	// a missing workspace or home is a usage error
	s, _, _ = reachStreams(map[string]string{"HOME": empty}, nil)
	if code := run([]string{"reach", filepath.Join(empty, "nope"), "--no-env"}, s); code != exitUsage {
		t.Errorf("missing workspace: exit %d", code)
	}
	s, _, errb := reachStreams(map[string]string{"HOME": empty}, nil)
	if code := run([]string{"reach", empty, "--home", filepath.Join(empty, "nope"), "--no-env"}, s); code != exitUsage || !strings.Contains(errb.String(), "--home") {
		t.Errorf("missing home: exit %d: %s", code, errb.String())
	}
}

// The verdict section of the terminal report, golden (NO_COLOR, no TTY).
func TestReachVerdictGolden(t *testing.T) {
	root := t.TempDir()
	g := testtoken.New(43)
	homeDir := filepath.Join(root, "home")
	mustWrite(t, filepath.Join(homeDir, ".railway", "config.json"), `{"user": {"token": "`+g.UUID()+`"}}`)
	mustWrite(t, filepath.Join(homeDir, ".pgpass"), "prod-db.internal:5432:app:postgres:"+g.Rand(16, "alnum")+"\n")
	mustWrite(t, filepath.Join(homeDir, ".npmrc"), "//registry.npmjs.org/:_authToken="+g.Npm()+"\n")
	mustWrite(t, filepath.Join(homeDir, ".ssh", "id_work"), mustKey(t, g, "openssh-ed25519-encrypted"))
	mustWrite(t, filepath.Join(homeDir, "code", ".env"), "RAILWAY_API_TOKEN="+g.UUID()+"\n")
	ws := filepath.Join(homeDir, "code", "app")
	mustWrite(t, filepath.Join(ws, "README.md"), "demo\n")
	golden, err := filepath.Abs(filepath.Join("testdata", "reach_verdict.golden"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(ws)
	s, out, errb := reachStreams(map[string]string{"HOME": homeDir, "NO_COLOR": "1"}, []string{"RAILWAY_TOKEN=" + g.UUID()})
	code := run([]string{"reach", "--no-progress"}, s)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	text := out.String()
	end := strings.Index(text, "\n\n")
	if end < 0 {
		t.Fatalf("no verdict section:\n%s", text)
	}
	got := text[:end+2]
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("verdict differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
	if strings.Contains(text, "\x1b[") {
		t.Errorf("colour escapes without a TTY")
	}
	for _, w := range []string{"do      railway logout", "do      unset RAILWAY_TOKEN"} {
		if !strings.Contains(text, strings.Fields(w)[0]) {
			t.Errorf("report lacks %q", w)
		}
	}
	if !strings.Contains(text, "log out (railway logout)") || !strings.Contains(text, "unset RAILWAY_TOKEN") {
		t.Errorf("report lacks the concrete actions:\n%s", text)
	}
}

func mustKey(t testing.TB, g *testtoken.Gen, kind string) string {
	t.Helper()
	k, err := g.PrivateKey(kind)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParentEnvFiles(t *testing.T) {
	root := t.TempDir()
	homeDir := filepath.Join(root, "home")
	ws := filepath.Join(homeDir, "a", "b")
	for _, p := range []string{filepath.Join(root, ".env"), filepath.Join(homeDir, ".env.local"), filepath.Join(homeDir, "a", ".env"), filepath.Join(homeDir, "a", "env.txt"), filepath.Join(ws, ".env")} {
		mustWrite(t, p, "X=1\n")
	}
	got := plan.ParentEnvFiles(ws, homeDir)
	want := []string{filepath.Join(homeDir, "a", ".env"), filepath.Join(homeDir, ".env.local")}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v (stops at home, skips the workspace itself)", got, want)
	}
	t.Chdir(ws)
	got = plan.ParentEnvFiles(".", homeDir)
	want = []string{filepath.Join("..", ".env"), filepath.Join("..", "..", ".env.local")}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("relative: got %v, want %v", got, want)
	}
}

// BenchmarkReach times a whole reach run in-process: a home with about 35
// credential stores, a small workspace, a parent .env and an environment.
func BenchmarkReach(b *testing.B) {
	l := newLayout(b, 47)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, _, errb := reachStreams(map[string]string{"HOME": l.home}, l.environ)
		if code := run([]string{"reach", l.ws, "--format", "json", "--no-progress"}, s); code != exitFindings {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

// An agent started in the home directory: each store is reported once,
// through home, not again as a workspace file.
func TestReachFromHome(t *testing.T) {
	l := newLayout(t, 53)
	s, out, errb := reachStreams(map[string]string{"HOME": l.home}, nil)
	if code := run([]string{"reach", l.home, "--no-env", "--format", "json", "--no-progress"}, s); code != exitFindings {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep reachJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Origin.Via == "workspace" && !strings.Contains(f.Origin.Path, "/code/") {
			t.Errorf("store reported again as a workspace file: %s (%s)", f.Origin.Path, f.RuleID)
		}
	}
	if rep.Verdict.ByVia["home"] == 0 || rep.Verdict.ByVia["workspace"] != 3 {
		t.Errorf("by via %v, want home stores and the three project files", rep.Verdict.ByVia)
	}
}

// A secret removed from the tree but kept in git history is reached
// through history (and must be rotated); --no-history leaves it out.
func TestReachHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	homeDir := filepath.Join(root, "home")
	ws := filepath.Join(root, "repo")
	if err := os.MkdirAll(homeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(59)
	tok := g.GitHub("ghp_")
	mustWrite(t, filepath.Join(ws, "deploy.sh"), "export GITHUB_TOKEN="+tok+"\n")
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", ws, "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q")
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "add deploy")
	mustWrite(t, filepath.Join(ws, "deploy.sh"), "export GITHUB_TOKEN=\"$(cat ~/.token)\"\n")
	gitRun("commit", "-q", "-am", "read the token from a file")

	s, out, errb := reachStreams(map[string]string{"HOME": homeDir}, nil)
	if code := run([]string{"reach", ws, "--no-env", "--format", "json", "--show-secrets", "--no-progress"}, s); code != exitFindings {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep reachJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Secret != tok || rep.Findings[0].Origin.Via != "history" {
		t.Fatalf("findings %+v, want the token via history", rep.Findings)
	}
	if do := strings.Join(rep.Actions[0].Do, " "); !strings.Contains(do, "rotate") {
		t.Errorf("history action %q lacks rotate", do)
	}
	s, out, _ = reachStreams(map[string]string{"HOME": homeDir}, nil)
	if code := run([]string{"reach", ws, "--no-env", "--no-history", "--format", "json", "--no-progress"}, s); code != exitOK {
		t.Errorf("--no-history: exit %d\n%s", code, out.String())
	}
	s, _, errb = reachStreams(map[string]string{"HOME": homeDir}, nil)
	if code := run([]string{"reach", ws, "--staged"}, s); code != exitUsage || !strings.Contains(errb.String(), "for scan") {
		t.Errorf("--staged: exit %d, %s", code, errb.String())
	}
}
