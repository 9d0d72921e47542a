package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// outputRepo is a tree with one finding, so every scan below writes a report.
func outputRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, ".env"), "GITHUB_TOKEN="+testtoken.New(21).GitHub("ghp_")+"\n")
	return dir
}

func scanTo(t *testing.T, repo, out string, extra ...string) (int, string) {
	t.Helper()
	s, _ := truthStreams(nil)
	code := run(append([]string{"scan", "--history", "none", "--format", "json", "--fail-on", "none", "-o", out, repo}, extra...), s)
	return code, s.Err.(interface{ String() string }).String()
}

func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

// -o over an existing file keeps its mode; a report with secrets is never
// readable by others, new or replaced.
func TestOutputKeepsPrivacy(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix modes")
	}
	repo := outputRepo(t)
	dir := t.TempDir()

	private := filepath.Join(dir, "private.json")
	mustWrite(t, private, "old\n")
	if err := os.Chmod(private, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, errs := scanTo(t, repo, private); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := perm(t, private); got != 0o600 {
		t.Errorf("a 0600 report became %04o", got)
	}
	if b, _ := os.ReadFile(private); !strings.Contains(string(b), "github-classic-pat") {
		t.Error("the report was not written")
	}

	group := filepath.Join(dir, "group.json")
	mustWrite(t, group, "old\n")
	os.Chmod(group, 0o640)
	scanTo(t, repo, group)
	if got := perm(t, group); got != 0o640 {
		t.Errorf("a 0640 report became %04o", got)
	}

	// through a symlink: the target keeps its mode, the link stays
	target := filepath.Join(dir, "target.json")
	mustWrite(t, target, "old\n")
	os.Chmod(target, 0o600)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("target.json", link); err != nil {
		t.Fatal(err)
	}
	scanTo(t, repo, link)
	if got := perm(t, target); got != 0o600 {
		t.Errorf("a 0600 symlink target became %04o", got)
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}

	// secrets: a new report is 0600, an existing world-readable one loses
	// its group and other bits
	fresh := filepath.Join(dir, "fresh.json")
	scanTo(t, repo, fresh, "--show-secrets")
	if got := perm(t, fresh); got != 0o600 {
		t.Errorf("a new report with secrets is %04o, want 0600", got)
	}
	open := filepath.Join(dir, "open.json")
	mustWrite(t, open, "old\n")
	os.Chmod(open, 0o644)
	scanTo(t, repo, open, "--show-secrets")
	if got := perm(t, open); got != 0o600 {
		t.Errorf("an existing 0644 report with secrets is %04o, want 0600", got)
	}
	// without secrets a new report is readable (0644 less the umask), and
	// never writable by others
	plain := filepath.Join(dir, "plain.json")
	scanTo(t, repo, plain)
	if got := perm(t, plain); got&0o600 != 0o600 || got&0o022 != 0 {
		t.Errorf("a new report is %04o", got)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 7 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("files left beside the reports: %v", names)
	}
}

// As root, a replaced report keeps its owner and group.
func TestOutputKeepsOwnerAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	repo := outputRepo(t)
	out := filepath.Join(t.TempDir(), "owned.json")
	mustWrite(t, out, "old\n")
	if err := os.Chown(out, 4242, 4343); err != nil {
		t.Skip("chown:", err)
	}
	os.Chmod(out, 0o640)
	if code, errs := scanTo(t, repo, out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	info, _ := os.Stat(out)
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 4242 || st.Gid != 4343 || info.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %04o, want 4242:4343 0640", st.Uid, st.Gid, info.Mode().Perm())
	}
}

// An -o that cannot be written fails before the scan starts: with the
// context already cancelled, a scan would end "interrupted" (130); the
// early check ends it as a usage error (2) naming the user's path, never a
// temporary file.
func TestOutputCheckedBeforeScan(t *testing.T) {
	repo := outputRepo(t)
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	mustWrite(t, notDir, "x")
	cases := []string{
		filepath.Join(dir, "no", "such", "dir", "r.json"),
		filepath.Join(notDir, "r.json"),
		dir, // a directory
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		cases = append(cases, filepath.Join(ro, "r.json"))
		locked := filepath.Join(dir, "locked.json")
		mustWrite(t, locked, "old\n")
		os.Chmod(locked, 0o444)
		cases = append(cases, locked)
	}
	for _, out := range cases {
		s, _ := truthStreams(nil)
		root := newRootCmd(s)
		root.SetArgs([]string{"scan", "--history", "none", "--format", "json", "-o", out, repo})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := root.ExecuteContext(ctx)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitUsage {
			t.Errorf("-o %s: %v, want a usage error before scanning", out, err)
			continue
		}
		if !strings.Contains(ee.Error(), out) || strings.Contains(ee.Error(), ".tokenscope-report") {
			t.Errorf("-o %s: error %q does not name the path (or names a temporary file)", out, ee.Error())
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("the checks left files: %v", ents)
	}
}

// A fifo target is not opened by the early check (it would block until a
// reader came): with no reader, the cancelled scan ends interrupted, not
// stuck.
func TestOutputCheckLeavesFifoAlone(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	if err := checkOutput(fifo); err != nil {
		t.Errorf("checkOutput(fifo) = %v", err)
	}
}
