package dir_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// walked is what one walk yielded: item paths and skipped entries.
type walked struct {
	items   []string
	skipped map[string]string
	open    map[string]func() (io.ReadCloser, error)
}

func walk(t *testing.T, roots []string, opts dir.Options) (walked, error) {
	t.Helper()
	w := walked{skipped: map[string]string{}, open: map[string]func() (io.ReadCloser, error){}}
	err := dir.New(roots, opts).Walk(context.Background(), func(it scanner.Item) error {
		w.items = append(w.items, it.Origin.Path)
		w.open[it.Origin.Path] = it.Open
		if it.Origin.Kind != "file" {
			t.Errorf("%s: kind %q, want file", it.Origin.Path, it.Origin.Kind)
		}
		return nil
	}, func(s scanner.Skipped) {
		w.skipped[s.Path] = s.Reason
	})
	return w, err
}

func mustWalk(t *testing.T, roots []string, opts dir.Options) walked {
	t.Helper()
	w, err := walk(t, roots, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// rel turns the walk's paths into paths relative to root.
func (w walked) rel(root string) []string {
	var out []string
	prefix := filepath.ToSlash(root) + "/"
	for _, p := range w.items {
		out = append(out, strings.TrimPrefix(p, prefix))
	}
	slices.Sort(out)
	return out
}

func (w walked) reason(root, rel string) string {
	return w.skipped[filepath.ToSlash(root)+"/"+rel]
}

func write(t *testing.T, root, rel, content string) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks not supported here: %v", err)
	}
}

func TestEmptyDir(t *testing.T) {
	w := mustWalk(t, []string{t.TempDir()}, dir.Options{})
	if len(w.items) != 0 || len(w.skipped) != 0 {
		t.Errorf("items %v skipped %v, want none", w.items, w.skipped)
	}
}

func TestMissingPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	err := dir.CheckRoots([]string{t.TempDir(), missing})
	if err == nil || !strings.Contains(err.Error(), "nope: no such file or directory") {
		t.Errorf("CheckRoots: %v, want the missing path named", err)
	}
	w, err := walk(t, []string{missing}, dir.Options{})
	if !errors.Is(err, os.ErrNotExist) || len(w.items) != 0 {
		t.Errorf("Walk: %v with %d items, want ErrNotExist", err, len(w.items))
	}
	// The engine turns a source that yielded nothing into ErrNothingScanned.
	set, err := scanner.NewEngine(emptySet(t), scanner.Options{}).Run(context.Background(), dir.New([]string{missing}, dir.Options{}))
	if !errors.Is(err, scanner.ErrNothingScanned) || set == nil {
		t.Errorf("Run: %v, want ErrNothingScanned with a result", err)
	}
}

func TestFileRoot(t *testing.T) {
	root := t.TempDir()
	p := write(t, root, "a/cred.env", "x")
	w := mustWalk(t, []string{p}, dir.Options{})
	if len(w.items) != 1 || w.items[0] != filepath.ToSlash(p) {
		t.Errorf("items %v, want just %s", w.items, p)
	}
	// the path is reported as the user gave it, cleaned
	t.Chdir(root)
	w = mustWalk(t, []string{"./a//cred.env", "a/"}, dir.Options{})
	if !slices.Equal(w.items, []string{"a/cred.env", "a/cred.env"}) {
		t.Errorf("items %v, want a/cred.env twice", w.items)
	}
}

// TestHiddenIgnoredAndGit: hidden and git-ignored files are read (an agent
// can read them), .git internals are not (the history source's job).
func TestHiddenIgnoredAndGit(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".env", "x")
	write(t, root, ".gitignore", ".env\nsecret/\n*.key\n")
	write(t, root, "secret/prod.key", "x")
	write(t, root, ".config/app/token", "x")
	write(t, root, ".github/workflows/ci.yml", "x")
	write(t, root, ".git/config", "x")
	write(t, root, ".git/objects/ab/cdef", "x")
	write(t, root, "sub/.git/HEAD", "x") // a nested repository
	write(t, root, "sub/main.go", "x")
	write(t, root, ".gitmodules", "x")
	got := mustWalk(t, []string{root}, dir.Options{}).rel(root)
	want := []string{".config/app/token", ".env", ".github/workflows/ci.yml", ".gitignore", ".gitmodules", "secret/prod.key", "sub/main.go"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestExclude(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a.log", "a.txt", "vendor/x.go", "sub/vendor/y.go", "sub/notes.txt", "sub/deep/notes.txt", "keep/b.log.bak"} {
		write(t, root, p, "x")
	}
	got := mustWalk(t, []string{root}, dir.Options{Exclude: []string{"*.log", "vendor", "sub/*.txt"}}).rel(root)
	want := []string{"a.txt", "keep/b.log.bak", "sub/deep/notes.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestSymlinksNotFollowedByDefault(t *testing.T) {
	root := t.TempDir()
	write(t, root, "real/a.env", "x")
	symlink(t, "real", filepath.Join(root, "link-dir"))
	symlink(t, "real/a.env", filepath.Join(root, "link-file"))
	w := mustWalk(t, []string{root}, dir.Options{})
	if got := w.rel(root); !slices.Equal(got, []string{"real/a.env"}) {
		t.Errorf("items %v, want only real/a.env", got)
	}
	for _, l := range []string{"link-dir", "link-file"} {
		if r := w.reason(root, l); !strings.Contains(r, "symbolic link not followed") {
			t.Errorf("%s: reason %q", l, r)
		}
	}
	// a root named by the user is followed even when it is a link
	w = mustWalk(t, []string{filepath.Join(root, "link-dir")}, dir.Options{})
	if len(w.items) != 1 || !strings.HasSuffix(w.items[0], "link-dir/a.env") {
		t.Errorf("items %v, want link-dir/a.env", w.items)
	}
}

func TestSymlinkLoops(t *testing.T) {
	root := t.TempDir()
	write(t, root, "a/b/f.env", "x")
	symlink(t, "..", filepath.Join(root, "a/b/up"))           // a/b/up -> a
	symlink(t, ".", filepath.Join(root, "a/self"))            // a/self -> a
	symlink(t, "self-loop", filepath.Join(root, "self-loop")) // ELOOP
	symlink(t, "pong", filepath.Join(root, "ping"))
	symlink(t, "ping", filepath.Join(root, "pong"))
	w := mustWalk(t, []string{root}, dir.Options{FollowSymlinks: true})
	// f.env is reached directly and once more through a link to a directory
	// not yet seen by the walk (a/b/up -> a), and then the walk stops.
	n := 0
	for _, p := range w.items {
		if strings.HasSuffix(p, "f.env") {
			n++
		}
	}
	if n == 0 || n > 3 {
		t.Errorf("f.env reached %d times (%v): want the loops cut", n, w.items)
	}
	for _, l := range []string{"self-loop", "ping", "pong"} {
		if r := w.reason(root, l); !strings.Contains(r, "looping") {
			t.Errorf("%s: reason %q, want a broken or looping link", l, r)
		}
	}
	loops := 0
	for _, r := range w.skipped {
		if strings.Contains(r, "symbolic link loop") {
			loops++
		}
	}
	if loops == 0 {
		t.Errorf("no link reported as a loop: %v", w.skipped)
	}
}

func TestSymlinkOutsideRoot(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.env", "x")
	root := t.TempDir()
	write(t, root, "in/a.env", "x")
	symlink(t, filepath.Join(outside, "secret.env"), filepath.Join(root, "out-file"))
	symlink(t, outside, filepath.Join(root, "out-dir"))
	symlink(t, "../"+filepath.Base(outside), filepath.Join(root, "in/rel-out"))
	symlink(t, "a.env", filepath.Join(root, "in/inside"))
	w := mustWalk(t, []string{root}, dir.Options{FollowSymlinks: true})
	for _, p := range w.items {
		if strings.Contains(p, "secret") || strings.Contains(p, "out-") || strings.Contains(p, "rel-out") {
			t.Errorf("followed a link out of the root: %s", p)
		}
	}
	for _, l := range []string{"out-file", "out-dir"} {
		if r := w.reason(root, l); !strings.Contains(r, "outside the scanned root") {
			t.Errorf("%s: reason %q", l, r)
		}
	}
	if got := w.rel(root); !slices.Contains(got, "in/inside") || !slices.Contains(got, "in/a.env") {
		t.Errorf("items %v: a link inside the root must be followed", got)
	}
}

// TestSpecialFiles: fifos, sockets and devices are never opened (a fifo
// would block the scan), whether met in a walk or named as a root.
func TestSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no fifos")
	}
	root := t.TempDir()
	write(t, root, "a.env", "x")
	fifo := filepath.Join(root, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	w := mustWalk(t, []string{root, fifo, "/dev/null"}, dir.Options{FollowSymlinks: true})
	if got := w.rel(root); !slices.Equal(got, []string{"a.env"}) {
		t.Errorf("items %v, want only a.env", got)
	}
	if r := w.reason(root, "pipe"); !strings.Contains(r, "fifo") || !strings.Contains(r, "never opened") {
		t.Errorf("fifo: reason %q", r)
	}
	if r := w.skipped["/dev/null"]; !strings.Contains(r, "character device") {
		t.Errorf("/dev/null: reason %q", r)
	}
}

// TestReplacedByFifo: a file that turns into a fifo between the walk and
// the read is refused at open, without blocking.
func TestReplacedByFifo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no fifos")
	}
	root := t.TempDir()
	p := write(t, root, "a.env", "x")
	w := mustWalk(t, []string{root}, dir.Options{})
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	rc, err := w.open[filepath.ToSlash(p)]()
	if err == nil {
		rc.Close()
		t.Fatal("opened a fifo")
	}
	if !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("error %v", err)
	}
	// and a file replaced by a link is not followed when links are off
	os.Remove(p)
	symlink(t, "/etc/hostname", p)
	if rc, err := w.open[filepath.ToSlash(p)](); err == nil {
		rc.Close()
		t.Error("followed a link that replaced a file")
	}
}

// TestUnreadable: a file or directory that cannot be read becomes a skipped
// entry with the reason, and the walk goes on. As root, permissions do not
// stop reads, so the test re-runs itself as an unprivileged user.
func TestUnreadable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	if os.Geteuid() == 0 {
		rerunAsNobody(t, "TestUnreadable")
		return
	}
	root := t.TempDir()
	write(t, root, "ok.env", "x")
	locked := write(t, root, "locked.env", "x")
	write(t, root, "closed/inner.env", "x")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "closed"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "closed"), 0o755) })
	w := mustWalk(t, []string{root}, dir.Options{})
	if r := w.reason(root, "closed"); !strings.Contains(r, "directory not readable") || !strings.Contains(r, "permission denied") {
		t.Errorf("closed/: reason %q", r)
	}
	// the locked file is listed; opening it fails, and the engine records why
	res, err := scanner.NewEngine(emptySet(t), scanner.Options{}).Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, s := range res.Skipped {
		reasons = append(reasons, s.Path+": "+s.Reason)
	}
	joined := strings.Join(reasons, "\n")
	if !strings.Contains(joined, "locked.env: permission denied") || !strings.Contains(joined, "closed: directory not readable") {
		t.Errorf("skipped:\n%s", joined)
	}
	if res.Stats.Items != 1 {
		t.Errorf("items %d, want 1 (ok.env)", res.Stats.Items)
	}
}

// rerunAsNobody runs the named test in a copy of this test binary as uid
// 65534, and fails if it fails there.
func rerunAsNobody(t *testing.T, name string) {
	if os.Getenv("TOKENSCOPE_TEST_NOBODY") != "" {
		t.Fatal("still root after dropping privileges")
	}
	self, err := os.Executable()
	if err != nil {
		t.Skipf("running as root and cannot find the test binary to re-run unprivileged: %v", err)
	}
	tmp, err := os.MkdirTemp("", "tokenscope-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "dir.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd.Dir = tmp
	cmd.Env = []string{"TOKENSCOPE_TEST_NOBODY=1", "TMPDIR=" + tmp, "HOME=" + tmp, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "--- ") {
		t.Skipf("running as root and cannot re-run as uid 65534 (%v): the permission checks need an unprivileged user", err)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("as uid 65534:\n%s", out)
	}
}

func emptySet(t *testing.T) *detectors.Set {
	t.Helper()
	r, err := detectors.CompileRule(detectors.RuleSpec{
		ID: "t", Provider: "T", Kind: "k", Literals: []string{"zzz_never"}, Pattern: `zzz_never[0-9]{4}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := detectors.NewSet([]detectors.Detector{r})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
