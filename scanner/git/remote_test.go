package git_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
)

func TestIsRemote(t *testing.T) {
	for arg, want := range map[string]bool{
		"https://github.com/org/repo":     true,
		"HTTPS://github.com/org/repo.git": true,
		"http://127.0.0.1:8080/r.git":     true,
		"ssh://git@host:2222/org/repo":    true,
		"git://host/repo":                 true,
		"file:///srv/git/repo.git":        true,
		"git@github.com:org/repo.git":     true,
		"me@host:repo":                    true,
		".":                               false,
		"./src":                           false,
		"/abs/path":                       false,
		"C:/Users/x":                      false,
		"a:b":                             false,
		"dir/me@host:x":                   false,
		"@host:x":                         false,
		"me@:x":                           false,
		"me@host:":                        false,
		"https://":                        false,
	} {
		if got := gitsrc.IsRemote(arg); got != want {
			t.Errorf("IsRemote(%q) = %v, want %v", arg, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://github.com/org/repo":                      "https://github.com/org/repo",
		"https://ann:s3cret@git.example.com/org/repo.git":  "https://git.example.com/org/repo.git",
		"https://ghp_abcdefghijklmnop@github.com/org/repo": "https://github.com/org/repo",
		"https://host/org/repo?token=abc#frag":             "https://host/org/repo",
		"ssh://git:pw@host:2222/org/repo":                  "ssh://host:2222/org/repo",
		"git@github.com:org/repo.git":                      "git@github.com:org/repo.git",
		"file:///srv/git/repo.git":                         "file:///srv/git/repo.git",
		"https://us%zz:pa@host/r":                          "https://host/r",
		"http://[::1]:8080/r.git/":                         "http://[::1]:8080/r.git",
	} {
		if got := gitsrc.RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

// mirrorScan mirrors url and scans the mirror's history.
func mirrorScan(t *testing.T, url, backend string) (string, []string) {
	t.Helper()
	parent, dir, err := gitsrc.RemoteDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(parent)
	if err := gitsrc.Mirror(context.Background(), url, dir, gitsrc.Options{Backend: backend}); err != nil {
		t.Fatalf("mirror %s (%s): %v", gitsrc.RedactURL(url), backend, err)
	}
	rp, err := gitsrc.Detect(dir)
	if err != nil || !rp.Bare {
		t.Fatalf("the mirror is not a bare repository: %+v %v", rp, err)
	}
	res := scan(t, gitsrc.NewHistory(rp, gitsrc.Options{Root: gitsrc.RedactURL(url), Backend: backend}))
	var paths []string
	for _, f := range res.Findings {
		paths = append(paths, f.Origin.Path)
		if !f.Origin.InHistoryOnly || f.Origin.Commit == "" {
			t.Errorf("finding %+v: want a history-only finding with its commit", f.Origin)
		}
	}
	return parent, paths
}

// remoteRepo is a repository whose secret was committed on a side
// branch, then deleted there: only a mirror (every ref) holds it.
func remoteRepo(t *testing.T) (*repo, string) {
	r := newRepo(t)
	g := testtoken.New(41)
	tok, err := g.Expand("{{github ghp_}}")
	if err != nil {
		t.Fatal(err)
	}
	r.write("README.md", "hello\n")
	r.commit("init")
	r.git("checkout", "-q", "-b", "side")
	r.write("deploy/old.env", "GITHUB_TOKEN="+tok+"\n")
	r.commit("add")
	r.remove("deploy/old.env")
	r.commit("remove")
	r.git("checkout", "-q", "main")
	return r, tok
}

func TestMirrorFileURL(t *testing.T) {
	r, _ := remoteRepo(t)
	url := "file://" + filepath.ToSlash(r.dir)
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			_, paths := mirrorScan(t, url, be)
			if want := url + "/deploy/old.env"; len(paths) != 1 || paths[0] != want {
				t.Errorf("findings at %v, want [%s]", paths, want)
			}
		})
	}
}

// gitHTTP serves the repositories under root with git http-backend (CGI)
// on loopback, behind basic authentication.
func gitHTTP(t *testing.T, root, user, pass string) *httptest.Server {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skip("git --exec-path:", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skip("no git-http-backend")
	}
	h := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		u, p, ok := req.BasicAuth()
		if !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMirrorHTTPCredentials(t *testing.T) {
	r, _ := remoteRepo(t)
	root := t.TempDir()
	runGit(t, root, 0, "clone", "-q", "--bare", r.dir, filepath.Join(root, "app.git"))
	const user, pass = "ann", "pa55-w0rd-for-the-test"
	srv := gitHTTP(t, root, user, pass)
	plain := srv.URL + "/app.git"

	// the git binary asks the user's credential helper
	home := t.TempDir()
	cfg := filepath.Join(home, "gitconfig")
	helper := "[credential]\n\thelper = \"!f() { test \\\"$1\\\" = get && echo username=" + user + " && echo password=" + pass + "; }; f\"\n"
	if err := os.WriteFile(cfg, []byte(helper), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	_, paths := mirrorScan(t, plain, gitsrc.BackendGit)
	if len(paths) != 1 || paths[0] != plain+"/deploy/old.env" {
		t.Errorf("credential helper: findings at %v", paths)
	}

	// credentials in the URL: used, never shown (go-git, which has no
	// credential helper, and git)
	withCreds := strings.Replace(srv.URL, "http://", "http://"+user+":"+pass+"@", 1) + "/app.git"
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	for _, be := range backends {
		_, paths := mirrorScan(t, withCreds, be)
		if len(paths) != 1 || paths[0] != plain+"/deploy/old.env" {
			t.Errorf("%s: findings at %v", be, paths)
		}
	}

	// wrong credentials: an error that names the URL without them
	bad := strings.Replace(srv.URL, "http://", "http://"+user+":wrong-password-123@", 1) + "/app.git"
	for _, be := range backends {
		parent, dir, err := gitsrc.RemoteDir()
		if err != nil {
			t.Fatal(err)
		}
		err = gitsrc.Mirror(context.Background(), bad, dir, gitsrc.Options{Backend: be})
		os.RemoveAll(parent)
		if err == nil {
			t.Fatalf("%s: cloned with a wrong password", be)
		}
		if strings.Contains(err.Error(), "wrong-password-123") || !strings.Contains(err.Error(), plain) {
			t.Errorf("%s: error %q", be, err)
		}
	}
}

func TestMirrorCancelled(t *testing.T) {
	r, _ := remoteRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, be := range backends {
		parent, dir, err := gitsrc.RemoteDir()
		if err != nil {
			t.Fatal(err)
		}
		err = gitsrc.Mirror(ctx, "file://"+r.dir, dir, gitsrc.Options{Backend: be})
		os.RemoveAll(parent)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", be, err)
		}
	}
}
