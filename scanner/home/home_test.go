package home_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/home"
)

func engine(t testing.TB, show bool) *scanner.Engine {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	return scanner.NewEngine(set, scanner.Options{ShowSecrets: show, Formats: home.ReachFormats()})
}

// scanHome runs the home source through the engine, as reach does.
func scanHome(t testing.TB, opts home.Options) (*scanner.Result, *home.Source) {
	t.Helper()
	eng := engine(t, true)
	src := home.New(opts)
	res, err := eng.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return res, src
}

func TestEveryStoreIsFound(t *testing.T) {
	dir := t.TempDir()
	h, err := testtoken.New(5).WriteFakeHome(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.Secrets); n < 30 {
		t.Fatalf("fake home has %d stores, want at least 30", n)
	}
	res, src := scanHome(t, home.Options{Home: dir})
	for _, rel := range h.Paths() {
		for _, secret := range h.Secrets[rel] {
			var hits []scanner.Finding
			for _, f := range res.Findings {
				if f.Origin.Path == "~/"+rel && f.Secret == secret {
					hits = append(hits, f)
				}
			}
			if len(hits) == 0 {
				t.Errorf("%s: secret %s not reported", rel, scanner.Redact(secret))
				continue
			}
			f := hits[0]
			if f.Origin.Via != "home" || f.Origin.Kind != "home" || f.Origin.Store == "" {
				t.Errorf("%s: origin %+v, want kind/via home with a store", rel, f.Origin)
			}
			if f.Attrs["readable"] == "" || f.Attrs["file_mode"] != "0600" {
				t.Errorf("%s: attrs %v lack readable/file_mode 0600", rel, f.Attrs)
			}
			if f.Line == 0 {
				t.Errorf("%s: finding %s has no line", rel, f.RuleID)
			}
		}
	}
	if u := detectors.Unregistered(ruleIDs(res.Findings)...); len(u) > 0 {
		t.Errorf("home stores emit unregistered rule ids %v", u)
	}
	// a parsed value is never reported again beside a detector's finding
	// of it at the same place
	parsed := map[string]bool{}
	for _, r := range home.Rules() {
		parsed[r.ID] = true
	}
	type place struct {
		path, secret string
		line         int
	}
	byPlace := map[place][]string{}
	for _, f := range res.Findings {
		k := place{f.Origin.Path, f.Secret, f.Line}
		byPlace[k] = append(byPlace[k], f.RuleID)
	}
	for k, ids := range byPlace {
		if len(ids) < 2 {
			continue
		}
		for _, id := range ids {
			if parsed[id] {
				t.Errorf("%s:%d: %s reported by %v", k.path, k.line, scanner.Redact(k.secret), ids)
			}
		}
	}
	read := 0
	for _, st := range src.Stores() {
		if st.State == "read" {
			read++
		}
	}
	if read < 30 {
		t.Errorf("%d stores read, want >= 30", read)
	}
}

func ruleIDs(fs []scanner.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func find(t *testing.T, res *scanner.Result, path, rule string) scanner.Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Origin.Path == path && (rule == "" || f.RuleID == rule) {
			return f
		}
	}
	t.Fatalf("no %s finding in %s; have %v", rule, path, ruleIDs(res.Findings))
	return scanner.Finding{}
}

// The parsers name what each value belongs to, and the scope follows.
func TestStoreContext(t *testing.T) {
	dir := t.TempDir()
	if _, err := testtoken.New(7).WriteFakeHome(dir); err != nil {
		t.Fatal(err)
	}
	res, _ := scanHome(t, home.Options{Home: dir})

	rw := find(t, res, "~/.railway/config.json", "railway-cli-token")
	if !rw.Scope.Destructive || rw.Scope.Reach != scope.ReachAccount || rw.Severity != scope.SevCritical {
		t.Errorf("railway login token: scope %+v severity %v, want account-wide destructive critical", rw.Scope, rw.Severity)
	}
	if rw.Key != "user.token" || rw.Line != 6 {
		t.Errorf("railway: key %q line %d, want user.token at line 6", rw.Key, rw.Line)
	}

	aws := find(t, res, "~/.aws/credentials", "")
	profiles := map[string]bool{}
	for _, f := range res.Findings {
		if f.Origin.Path == "~/.aws/credentials" {
			profiles[f.Attrs["profile"]] = true
		}
	}
	if !profiles["default"] || !profiles["prod"] {
		t.Errorf("aws profiles %v, want default and prod (first: %+v)", profiles, aws.Attrs)
	}

	k := find(t, res, "~/.kube/config", "kubeconfig-credential")
	if k.Attrs["contexts"] != "prod" || k.Scope.Env != scope.EnvProduction {
		t.Errorf("kubeconfig token: attrs %v env %s, want context prod, production", k.Attrs, k.Scope.Env)
	}
	ex := find(t, res, "~/.kube/config", "kubeconfig-exec-plugin")
	if ex.Attrs["exec_command"] != "aws" {
		t.Errorf("exec plugin attrs %v, want exec_command aws", ex.Attrs)
	}

	her := find(t, res, "~/.netrc", "netrc-heroku-token")
	if her.Provider != "Heroku" || !her.Scope.Destructive {
		t.Errorf("heroku netrc: %+v", her)
	}

	dk := find(t, res, "~/.docker/config.json", "")
	if dk.Attrs["registry"] != "https://index.docker.io/v1/" || dk.Attrs["user"] != "octo" {
		t.Errorf("docker attrs %v", dk.Attrs)
	}

	// MCP servers: the entry's purpose names the provider
	var railwayMCP, supabaseMCP, projectTok bool
	for _, f := range res.Findings {
		switch {
		case f.Origin.Path == "~/.claude.json" && f.Attrs["server"] == "railway":
			railwayMCP = f.Provider == "Railway" && f.Scope.Destructive
		case f.Origin.Path == "~/.claude.json" && f.Attrs["server"] == "/home/dev/app:supabase":
			supabaseMCP = true
		case f.Origin.Path == "~/.codeium/windsurf/mcp_config.json":
			projectTok = f.Provider == "Railway" && f.Scope.Reach == scope.ReachResource
		}
	}
	if !railwayMCP || !supabaseMCP || !projectTok {
		t.Errorf("MCP: railway env %v, supabase project-scoped arg %v, railway project header %v", railwayMCP, supabaseMCP, projectTok)
	}

	enc := find(t, res, "~/.ssh/id_work", "")
	plain := find(t, res, "~/.ssh/id_ed25519", "")
	if enc.Severity >= plain.Severity {
		t.Errorf("encrypted key severity %v should be below unencrypted %v", enc.Severity, plain.Severity)
	}
	for _, f := range res.Findings {
		if strings.HasSuffix(f.Origin.Path, ".pub") {
			t.Errorf("public key reported: %s", f.Origin.Path)
		}
	}
}

// Secrets are redacted unless asked for.
func TestRedactedByDefault(t *testing.T) {
	dir := t.TempDir()
	h, err := testtoken.New(9).WriteFakeHome(dir)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine(t, false)
	src := home.New(home.Options{Home: dir})
	res, err := eng.Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Secret != "" {
			t.Fatalf("%s: raw secret kept without ShowSecrets", f.Origin.Path)
		}
		for _, s := range h.All() {
			if len(s) > 12 && strings.Contains(f.Redacted, s) {
				t.Fatalf("%s: redacted form holds the secret", f.Origin.Path)
			}
		}
	}
}

// A missing store is absent; an unreadable one is reported (as root it is
// readable, and then it is read).
func TestUnreadableAndMissing(t *testing.T) {
	dir := t.TempDir()
	g := testtoken.New(11)
	tok := "sbp_" + g.Rand(40, "hex")
	p := filepath.Join(dir, ".supabase", "access-token")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(tok), 0o000); err != nil {
		t.Fatal(err)
	}
	res, src := scanHome(t, home.Options{Home: dir})
	if os.Geteuid() == 0 {
		f := find(t, res, "~/.supabase/access-token", "")
		if !strings.Contains(f.Attrs["readable"], "as root") {
			t.Errorf("as root, mode 0000: readable %q, want the root note", f.Attrs["readable"])
		}
		return
	}
	if len(res.Findings) != 0 {
		t.Errorf("unreadable store gave findings: %v", ruleIDs(res.Findings))
	}
	sts := src.Stores()
	if len(sts) != 1 || sts[0].State != "unreadable" || sts[0].Path != "~/.supabase/access-token" {
		t.Errorf("stores %+v, want one unreadable", sts)
	}
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "not readable") {
		t.Errorf("skipped %+v", res.Skipped)
	}
}

// Symbolic links are followed to regular files; loops and links to
// directories or devices are not read.
func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	g := testtoken.New(13)
	real := filepath.Join(dir, "dotfiles", "vault-token")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	tok := "hvs." + g.Rand(90, "b64url")
	if err := os.WriteFile(real, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, ".vault-token")); err != nil {
		t.Fatal(err)
	}
	// a loop
	if err := os.Symlink(filepath.Join(dir, ".netrc"), filepath.Join(dir, ".netrc")); err != nil {
		t.Fatal(err)
	}
	// a link to a device
	if err := os.Symlink("/dev/zero", filepath.Join(dir, ".pgpass")); err != nil {
		t.Fatal(err)
	}
	res, src := scanHome(t, home.Options{Home: dir})
	f := find(t, res, "~/.vault-token", "")
	if f.Secret != tok {
		t.Errorf("vault token through a link not read")
	}
	states := map[string]string{}
	for _, st := range src.Stores() {
		states[st.Path] = st.State
	}
	if states["~/.netrc"] != "unreadable" || states["~/.pgpass"] != "not a regular file" {
		t.Errorf("states %v", states)
	}
}

// Override variables move stores, only when Getenv is given.
func TestOverrides(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	g := testtoken.New(17)
	tok := g.Rand(64, "b64url")
	kc := filepath.Join(other, "kc.yaml")
	content := "users:\n- name: ci\n  user:\n    token: " + tok + "\n"
	if err := os.WriteFile(kc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	res, _ := scanHome(t, home.Options{Home: dir})
	if len(res.Findings) != 0 {
		t.Fatalf("without Getenv, KUBECONFIG must not apply")
	}
	res, _ = scanHome(t, home.Options{Home: dir, Getenv: func(k string) string {
		if k == "KUBECONFIG" {
			return kc
		}
		return ""
	}})
	f := find(t, res, filepath.ToSlash(kc), "kubeconfig-credential")
	if f.Secret != tok {
		t.Errorf("KUBECONFIG store not read")
	}
}

func BenchmarkTypicalHome(b *testing.B) {
	dir := b.TempDir()
	h, err := testtoken.New(21).WriteFakeHome(dir)
	if err != nil {
		b.Fatal(err)
	}
	eng := engine(b, false)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := home.New(home.Options{Home: dir})
		res, err := eng.Run(context.Background(), src)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) < len(h.Secrets) {
			b.Fatalf("%d findings for %d stores", len(res.Findings), len(h.Secrets))
		}
	}
}
