package git_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
)

// repo is a real repository built with the git binary in a temp dir.
type repo struct {
	t   *testing.T
	dir string
	n   int
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	needGit(t)
	r := &repo{t: t, dir: filepath.Join(t.TempDir(), "work")}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func gitEnv(t testing.TB, n int) []string {
	date := fmt.Sprintf("2024-01-01T00:%02d:%02dZ", n/60, n%60)
	return append(os.Environ(),
		"HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Ann Author", "GIT_AUTHOR_EMAIL=ann@example.com",
		"GIT_COMMITTER_NAME=Ann Author", "GIT_COMMITTER_EMAIL=ann@example.com",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
	)
}

func runGit(t testing.TB, dir string, n int, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t, n)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	r.n++
	return runGit(r.t, r.dir, r.n, args...)
}

func (r *repo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) remove(path string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, path)); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit id.
func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func scan(t *testing.T, srcs ...scanner.Source) *scanner.Result {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scanner.NewEngine(set, scanner.Options{}).Run(context.Background(), srcs...)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return res
}

func history(t *testing.T, dir string, backend string, all bool) *gitsrc.History {
	t.Helper()
	rp, err := gitsrc.Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	return gitsrc.NewHistory(rp, gitsrc.Options{Root: dir, Backend: backend, AllObjects: all})
}

var backends = []string{gitsrc.BackendGit, gitsrc.BackendGoGit}

// findingsOf returns the findings of a secret (by its raw value, which the
// test knows), compared through the redacted fingerprint.
func withSecret(res *scanner.Result, ruleID, secret string) []scanner.Finding {
	fp := scanner.Fingerprint(ruleID, secret)
	var out []scanner.Finding
	for _, f := range res.Findings {
		if f.Fingerprint == fp {
			out = append(out, f)
		}
	}
	return out
}

const ghp = "github-classic-pat"

func TestHistorySecretAddedThenDeleted(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			g := testtoken.New(1)
			tok := g.GitHub("ghp_")
			r := newRepo(t)
			r.write("README.md", "hello\n")
			r.commit("start")
			r.write("config/app.env", "# settings\nGITHUB_TOKEN="+tok+"\n")
			added := r.commit("add config")
			r.remove("config/app.env")
			r.commit("remove the token")

			res := scan(t, history(t, r.dir, be, false))
			fs := withSecret(res, ghp, tok)
			if len(fs) != 1 {
				t.Fatalf("want 1 finding of the deleted token, got %d: %+v", len(fs), res.Findings)
			}
			f := fs[0]
			o := f.Origin
			if o.Kind != "git" || o.Via != "history" || o.Commit != added || o.Author != "Ann Author <ann@example.com>" ||
				!strings.HasPrefix(o.Date, "2024-01-01T") || !o.InHistoryOnly || o.Blob == "" {
				t.Errorf("origin = %+v; want git history, commit %s, in history only", o, added)
			}
			if want := filepath.ToSlash(filepath.Join(r.dir, "config/app.env")); o.Path != want {
				t.Errorf("path = %q, want %q", o.Path, want)
			}
			if f.Line != 2 || f.Column != 14 {
				t.Errorf("line:col = %d:%d, want 2:14", f.Line, f.Column)
			}
			if f.Secret != "" || strings.Contains(f.Redacted, tok) {
				t.Error("secret not redacted")
			}
		})
	}
}

func TestHistorySameSecretManyCommitsScannedOnce(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			tok := testtoken.New(2).GitHub("ghp_")
			r := newRepo(t)
			r.write("a.env", "TOKEN="+tok+"\n")
			first := r.commit("token")
			content := "TOKEN=" + tok + "\n"
			for i := 0; i < 12; i++ {
				content += fmt.Sprintf("line %d\n", i)
				r.write("a.env", content)
				r.commit(fmt.Sprintf("edit %d", i))
			}
			// the same blob under another path, many times: still one blob
			r.write("copy/a.env", content)
			r.commit("copy")
			for i := 0; i < 5; i++ {
				r.write(fmt.Sprintf("other%d.txt", i), fmt.Sprintf("unrelated %d\n", i))
				r.commit("unrelated")
			}
			res := scan(t, history(t, r.dir, be, false))
			fs := withSecret(res, ghp, tok)
			if len(fs) != 1 {
				t.Fatalf("want the token reported once, got %d", len(fs))
			}
			// 13 versions of a.env (the copy has the last one's blob)
			if got := len(fs[0].Also) + 1; got != 13 {
				t.Errorf("locations = %d, want 13 blobs", got)
			}
			for _, o := range fs[0].Also {
				if o.Line != 1 || o.Blob == "" || o.Commit == "" {
					t.Errorf("also: %+v, want line 1 with its blob and commit", o)
				}
			}
			if fs[0].Origin.Commit != first {
				t.Errorf("first commit = %s, want %s", fs[0].Origin.Commit, first)
			}
			if fs[0].Origin.InHistoryOnly {
				t.Error("token still in HEAD but marked history-only")
			}
			// each unique blob once: 13 + 5 unrelated
			if res.Stats.Items != 18 {
				t.Errorf("items scanned = %d, want 18 unique blobs", res.Stats.Items)
			}
		})
	}
}

func TestHistorySideBranchTagAndStash(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			g := testtoken.New(3)
			side, tagged, stashed := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
			r := newRepo(t)
			r.write("README.md", "hi\n")
			r.commit("start")

			r.git("checkout", "-q", "-b", "side")
			r.write("side.env", "T="+side+"\n")
			sideCommit := r.commit("side work")
			r.git("checkout", "-q", "main")

			r.git("checkout", "-q", "-b", "release")
			r.write("release.env", "T="+tagged+"\n")
			r.commit("release")
			r.git("tag", "-a", "-m", "v1", "v1")
			r.git("checkout", "-q", "main")
			r.git("branch", "-D", "release") // only the tag holds it now

			r.write("README.md", "hi\nK="+stashed+"\n")
			r.git("stash")

			res := scan(t, history(t, r.dir, be, false))
			for name, tok := range map[string]string{"side": side, "tag": tagged, "stash": stashed} {
				fs := withSecret(res, ghp, tok)
				if len(fs) != 1 {
					t.Errorf("%s: want 1 finding, got %d", name, len(fs))
					continue
				}
				if !fs[0].Origin.InHistoryOnly {
					t.Errorf("%s: not in HEAD, want in_history_only", name)
				}
				if fs[0].Origin.Commit == "" {
					t.Errorf("%s: not attributed to a commit", name)
				}
			}
			if fs := withSecret(res, ghp, side); len(fs) == 1 && fs[0].Origin.Commit != sideCommit {
				t.Errorf("side: commit %s, want %s", fs[0].Origin.Commit, sideCommit)
			}
		})
	}
}

func TestHistoryLiveSecretReportedOnceWithWorkingTree(t *testing.T) {
	tok := testtoken.New(4).GitHub("ghp_")
	old := testtoken.New(5).GitHub("ghp_")
	r := newRepo(t)
	r.write("old.env", "T="+old+"\n")
	r.commit("old")
	r.remove("old.env")
	r.write("app/.env", "GITHUB_TOKEN="+tok+"\n")
	c := r.commit("live")
	res := scan(t, dir.New([]string{r.dir}, dir.Options{Via: "workspace"}), history(t, r.dir, gitsrc.BackendAuto, false))
	fs := withSecret(res, ghp, tok)
	if len(fs) != 1 {
		t.Fatalf("live token: want 1 finding, got %d: %+v", len(fs), fs)
	}
	f := fs[0]
	if f.Origin.Kind != "file" {
		t.Errorf("live token reported as %q, want the working-tree file", f.Origin.Kind)
	}
	if len(f.Also) != 1 || f.Also[0].Kind != "git" || f.Also[0].Commit != c || f.Also[0].InHistoryOnly {
		t.Errorf("also = %+v, want one git origin at commit %s, live in HEAD", f.Also, c)
	}
	if fs := withSecret(res, ghp, old); len(fs) != 1 || fs[0].Origin.Kind != "git" || !fs[0].Origin.InHistoryOnly {
		t.Errorf("deleted token: %+v, want one git finding only in history", fs)
	}
}

func TestHistoryBareRepo(t *testing.T) {
	tok := testtoken.New(6).GitHub("ghp_")
	r := newRepo(t)
	r.write("k.env", "T="+tok+"\n")
	c := r.commit("k")
	bare := filepath.Join(t.TempDir(), "mirror.git")
	runGit(t, r.dir, 0, "clone", "-q", "--bare", r.dir, bare)
	rp, err := gitsrc.Detect(bare)
	if err != nil || !rp.Bare {
		t.Fatalf("Detect(bare) = %+v, %v", rp, err)
	}
	for _, be := range backends {
		res := scan(t, gitsrc.NewHistory(rp, gitsrc.Options{Root: bare, Backend: be}))
		fs := withSecret(res, ghp, tok)
		if len(fs) != 1 || fs[0].Origin.Commit != c || fs[0].Origin.InHistoryOnly {
			t.Errorf("%s: bare repo findings = %+v", be, fs)
		}
	}
}

func TestHistoryEmptyRepo(t *testing.T) {
	r := newRepo(t)
	for _, be := range backends {
		res := scan(t, history(t, r.dir, be, false))
		if len(res.Findings) != 0 || res.Stats.Items != 0 {
			t.Errorf("%s: empty repo: %+v", be, res)
		}
	}
}

func TestHistoryShallowClone(t *testing.T) {
	g := testtoken.New(7)
	oldTok, newTok := g.GitHub("ghp_"), g.GitHub("ghp_")
	r := newRepo(t)
	r.write("a.env", "T="+oldTok+"\n")
	r.commit("one")
	r.write("a.env", "T=none\n")
	r.commit("two")
	r.write("b.env", "T="+newTok+"\n")
	r.commit("three")
	clone := filepath.Join(t.TempDir(), "shallow")
	runGit(t, r.dir, 0, "clone", "-q", "--depth", "1", "file://"+r.dir, clone)
	for _, be := range backends {
		res := scan(t, history(t, clone, be, false))
		if len(withSecret(res, ghp, newTok)) != 1 {
			t.Errorf("%s: the token present in the shallow clone was not found", be)
		}
		if len(withSecret(res, ghp, oldTok)) != 0 {
			t.Errorf("%s: a token outside the shallow clone was found", be)
		}
		if !hasSkip(res, "shallow clone") {
			t.Errorf("%s: shallow clone not reported: %+v", be, res.Skipped)
		}
	}
}

func hasSkip(res *scanner.Result, substr string) bool {
	for _, s := range res.Skipped {
		if strings.Contains(s.Reason, substr) {
			return true
		}
	}
	return false
}

func TestHistoryCorruptObject(t *testing.T) {
	g := testtoken.New(8)
	good, lost := g.GitHub("ghp_"), g.GitHub("ghp_")
	r := newRepo(t)
	r.write("good.env", "T="+good+"\n")
	r.write("lost.env", "T="+lost+"\n")
	r.commit("two files")
	blob := r.git("rev-parse", "HEAD:lost.env")
	obj := filepath.Join(r.dir, ".git", "objects", blob[:2], blob[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("not zlib at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, be := range backends {
		res := scan(t, history(t, r.dir, be, false))
		if len(withSecret(res, ghp, good)) != 1 {
			t.Errorf("%s: the readable blob's token was not found: %+v", be, res.Findings)
		}
		found := false
		for _, s := range res.Skipped {
			if strings.Contains(s.Path+s.Reason, blob) || strings.Contains(s.Path, "lost.env") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: corrupt blob not reported as skipped: %+v", be, res.Skipped)
		}
	}
}

func TestHistoryAllObjectsFindsUnreachable(t *testing.T) {
	tok := testtoken.New(9).GitHub("ghp_")
	r := newRepo(t)
	r.write("README.md", "hi\n")
	r.commit("start")
	r.write("dangling.env", "T="+tok+"\n")
	r.git("add", "dangling.env") // a blob no commit reaches
	r.git("reset", "-q")
	for _, be := range backends {
		if n := len(withSecret(scan(t, history(t, r.dir, be, false)), ghp, tok)); n != 0 {
			t.Errorf("%s: unreachable blob scanned without --all-objects", be)
		}
		fs := withSecret(scan(t, history(t, r.dir, be, true)), ghp, tok)
		if len(fs) != 1 || !fs[0].Origin.InHistoryOnly {
			t.Errorf("%s: --all-objects: %+v", be, fs)
		}
	}
}

func TestHistoryLFSPointerAndSubmoduleReported(t *testing.T) {
	sub := newRepo(t)
	sub.write("x.txt", "x\n")
	sub.commit("x")
	r := newRepo(t)
	r.write("big.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
	r.commit("lfs")
	r.git("-c", "protocol.file.allow=always", "submodule", "-q", "add", sub.dir, "vendor/sub")
	r.commit("submodule")
	res := scan(t, history(t, r.dir, gitsrc.BackendAuto, false))
	if !hasSkip(res, "Git LFS pointer") {
		t.Errorf("LFS pointer not reported: %+v", res.Skipped)
	}
	if !hasSkip(res, "submodule") {
		t.Errorf("submodule not reported: %+v", res.Skipped)
	}
}

func rangeSrc(t *testing.T, dir, spec, backend string) *gitsrc.Range {
	t.Helper()
	rp, err := gitsrc.DetectUp(dir)
	if err != nil {
		t.Fatal(err)
	}
	src, err := gitsrc.NewRange(rp, spec, gitsrc.Options{Root: dir, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestRange(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			g := testtoken.New(10)
			before, onBranch, removed := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
			r := newRepo(t)
			r.write("base.env", "T="+before+"\n")
			base := r.commit("base")
			r.git("checkout", "-q", "-b", "feature")
			r.write("feature.env", "T="+onBranch+"\n")
			added := r.commit("feature")
			r.write("tmp.env", "T="+removed+"\n")
			r.commit("oops")
			r.remove("tmp.env")
			head := r.commit("remove oops")

			res := scan(t, rangeSrc(t, r.dir, "main..feature", be))
			if fs := withSecret(res, ghp, onBranch); len(fs) != 1 || fs[0].Origin.Commit != added {
				t.Errorf("token added on the branch: %+v", fs)
			}
			if len(withSecret(res, ghp, removed)) != 1 {
				t.Error("a token added and removed within the range was not found")
			}
			if len(withSecret(res, ghp, before)) != 0 {
				t.Error("a token from before the range was found")
			}

			// equal ends: nothing, no error, nothing skipped
			res = scan(t, rangeSrc(t, r.dir, head+".."+head, be))
			if res.Stats.Items != 0 || len(res.Findings) != 0 || len(res.Skipped) != 0 {
				t.Errorf("equal base and head: %+v", res)
			}

			// an all-zero base (a new branch in CI): the branch's own commits
			res = scan(t, rangeSrc(t, r.dir, strings.Repeat("0", 40)+"..feature", be))
			if len(withSecret(res, ghp, onBranch)) != 1 || len(withSecret(res, ghp, before)) != 0 {
				t.Errorf("zero base: want the branch's own commits only: %+v", res.Findings)
			}
			_ = base
		})
	}
}

func TestRangeShallowClone(t *testing.T) {
	g := testtoken.New(11)
	old, recent := g.GitHub("ghp_"), g.GitHub("ghp_")
	r := newRepo(t)
	r.write("a.env", "T="+old+"\n")
	base := r.commit("one")
	r.write("a.env", "T=gone\n")
	r.commit("two")
	r.write("b.env", "T="+recent+"\n")
	r.commit("three")
	clone := filepath.Join(t.TempDir(), "shallow")
	runGit(t, r.dir, 0, "clone", "-q", "--depth", "1", "file://"+r.dir, clone)
	res := scan(t, rangeSrc(t, clone, base+"..HEAD", gitsrc.BackendAuto))
	if len(withSecret(res, ghp, recent)) != 1 {
		t.Errorf("shallow range: the present commit's token was not found: %+v", res.Findings)
	}
	if !hasSkip(res, "shallow") {
		t.Errorf("shallow range: missing base not reported: %+v", res.Skipped)
	}
}

func stagedSrc(t *testing.T, dir string, backend string) *gitsrc.Staged {
	t.Helper()
	rp, err := gitsrc.DetectUp(dir)
	if err != nil {
		t.Fatal(err)
	}
	return gitsrc.NewStaged(rp, gitsrc.Options{Root: dir, Backend: backend})
}

func TestStaged(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			g := testtoken.New(12)
			committed, modified, newFile, renamed, unstaged := g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_"), g.GitHub("ghp_")
			r := newRepo(t)
			r.write("app.env", "A=1\nOLD="+committed+"\nB=2\n")
			r.write("old/name.txt", "plain\n")
			r.commit("start")

			// modified: one line added in the middle, the committed token stays
			r.write("app.env", "A=1\nOLD="+committed+"\nNEW="+modified+"\nB=2\n")
			r.git("add", "app.env")
			// brand-new file
			r.write("src/new.env", "\n\nKEY="+newFile+"\n")
			r.git("add", "src/new.env")
			// renamed file with a token added
			if err := os.MkdirAll(filepath.Join(r.dir, "new"), 0o755); err != nil {
				t.Fatal(err)
			}
			r.git("mv", "old/name.txt", "new/name.txt")
			r.write("new/name.txt", "plain\nT="+renamed+"\n")
			r.git("add", "new/name.txt")
			// not staged: must not be reported
			r.write("loose.env", "T="+unstaged+"\n")

			res := scan(t, stagedSrc(t, r.dir, be))
			check := func(name, tok, path string, line, col int) {
				t.Helper()
				fs := withSecret(res, ghp, tok)
				if len(fs) != 1 {
					t.Errorf("%s: want 1 finding, got %d (%+v)", name, len(fs), res.Findings)
					return
				}
				f := fs[0]
				want := filepath.ToSlash(filepath.Join(r.dir, path))
				if f.Origin.Path != want || f.Line != line || f.Column != col || f.Origin.Via != "staged" {
					t.Errorf("%s: at %s:%d:%d via %s, want %s:%d:%d via staged", name, f.Origin.Path, f.Line, f.Column, f.Origin.Via, want, line, col)
				}
			}
			check("modified", modified, "app.env", 3, 5)
			check("new file", newFile, "src/new.env", 3, 5)
			check("renamed", renamed, "new/name.txt", 2, 3)
			if len(withSecret(res, ghp, committed)) != 0 {
				t.Error("a token already committed (line not added) was reported")
			}
			if len(withSecret(res, ghp, unstaged)) != 0 {
				t.Error("an unstaged file was reported")
			}
		})
	}
}

func TestStagedNoCommitsYet(t *testing.T) {
	for _, be := range backends {
		tok := testtoken.New(13).GitHub("ghp_")
		r := newRepo(t)
		r.write("first.env", "T="+tok+"\n")
		r.git("add", "first.env")
		res := scan(t, stagedSrc(t, r.dir, be))
		if fs := withSecret(res, ghp, tok); len(fs) != 1 || fs[0].Line != 1 {
			t.Errorf("%s: new repo: %+v", be, res.Findings)
		}
	}
}

func TestStagedNothing(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "a\n")
	r.commit("a")
	for _, be := range backends {
		res := scan(t, stagedSrc(t, r.dir, be))
		if res.Stats.Items != 0 || len(res.Skipped) != 0 {
			t.Errorf("%s: nothing staged: %+v", be, res)
		}
	}
}

func TestStagedFromSubdirectory(t *testing.T) {
	tok := testtoken.New(14).GitHub("ghp_")
	r := newRepo(t)
	r.write("sub/x.txt", "x\n")
	r.commit("x")
	r.write("top.env", "T="+tok+"\n")
	r.git("add", "top.env")
	sub := filepath.Join(r.dir, "sub")
	res := scan(t, stagedSrc(t, sub, gitsrc.BackendAuto))
	fs := withSecret(res, ghp, tok)
	if len(fs) != 1 || fs[0].Origin.Path != filepath.ToSlash(filepath.Join(r.dir, "top.env")) {
		t.Errorf("staged from a subdirectory: %+v", fs)
	}
}

func TestHistoryNonUTF8PathAndManyRefs(t *testing.T) {
	tok := testtoken.New(15).GitHub("ghp_")
	r := newRepo(t)
	r.write("conf\xff.env", "T="+tok+"\n")
	c := r.commit("odd name")
	// thousands of refs pointing at the same history
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "create refs/tags/t%04d %s\n", i, c)
	}
	cmd := exec.Command("git", "update-ref", "--stdin")
	cmd.Dir = r.dir
	cmd.Env = gitEnv(t, 0)
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("update-ref: %v\n%s", err, out)
	}
	for _, be := range backends {
		res := scan(t, history(t, r.dir, be, false))
		fs := withSecret(res, ghp, tok)
		if len(fs) != 1 {
			t.Fatalf("%s: want 1 finding, got %d", be, len(fs))
		}
		if want := filepath.ToSlash(r.dir) + `/conf\xff.env`; fs[0].Origin.Path != want {
			t.Errorf("%s: path %q, want the invalid byte escaped: %q", be, fs[0].Origin.Path, want)
		}
	}
}

func TestHistorySizeLimit(t *testing.T) {
	g := testtoken.New(16)
	early, late := g.GitHub("ghp_"), g.GitHub("ghp_")
	r := newRepo(t)
	r.write("big.txt", "T="+early+"\n"+strings.Repeat("filler line\n", 2000)+"T="+late+"\n")
	r.commit("big")
	rp, err := gitsrc.Detect(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range backends {
		src := gitsrc.NewHistory(rp, gitsrc.Options{Root: r.dir, Backend: be, MaxBlobSize: 4096})
		res, err := scanner.NewEngine(set, scanner.Options{MaxFileSize: 4096}).Run(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		if len(withSecret(res, ghp, early)) != 1 || len(withSecret(res, ghp, late)) != 0 {
			t.Errorf("%s: want only the token within the limit: %+v", be, res.Findings)
		}
		if !hasSkip(res, "max-file-size") {
			t.Errorf("%s: truncated blob not reported: %+v", be, res.Skipped)
		}
	}
}

func TestHistoryTruncatedPack(t *testing.T) {
	r := newRepo(t)
	for i := 0; i < 3; i++ {
		r.write(fmt.Sprintf("f%d.txt", i), strings.Repeat(fmt.Sprintf("line %d\n", i), 3000))
		r.commit(fmt.Sprint(i))
	}
	r.git("gc", "-q")
	packs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs: %v", packs)
	}
	info, err := os.Stat(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(packs[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(packs[0], info.Size()/2); err != nil {
		t.Fatal(err)
	}
	for _, be := range backends {
		// the working tree is still readable: the scan goes on and says
		// what history it could not read
		res := scan(t, dir.New([]string{r.dir}, dir.Options{}), history(t, r.dir, be, false))
		if res.Stats.Items < 3 {
			t.Errorf("%s: working tree not scanned: %+v", be, res.Stats)
		}
		if len(res.Skipped) == 0 {
			t.Errorf("%s: truncated pack not reported", be)
		}
	}
}
