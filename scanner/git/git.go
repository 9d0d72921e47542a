// Package git is the git source: it yields the blobs of a repository's
// history (every unique blob reachable from any ref, each exactly once),
// the blobs a commit range introduces, or the lines staged in the index.
// After the engine has scanned them, the history source attributes the
// blobs that hold findings to the first commit that introduced them (see
// History.Finish).
//
// Repository logic (refs, index, trees, ranges) uses go-git; bulk blob
// streaming uses one `git cat-file --batch` process when a git binary is
// found, because it is several times faster and leaner than go-git's object
// iteration on large repositories, and falls back to go-git otherwise.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf8"

	gogit "github.com/go-git/go-git/v5"
)

// Backend names the blob streamer.
const (
	BackendAuto  = "auto"   // git binary when found, else go-git
	BackendGit   = "git"    // git cat-file --batch
	BackendGoGit = "go-git" // go-git object reading
)

// Options tune the git sources.
type Options struct {
	// Root is the path as the user gave it; origins are displayed under it.
	Root string
	// AllObjects also scans blobs no ref reaches (still in the object store).
	AllObjects bool
	// MaxBlobSize is how many bytes of one blob the engine scans; blobs
	// above it are streamed rather than held in memory, and reading stops
	// soon after the limit. 0 means no limit.
	MaxBlobSize int64
	// ScanBinary scans blobs that look binary instead of counting them as
	// skipped.
	ScanBinary bool
	// Backend picks the blob streamer: BackendAuto (default), BackendGit or
	// BackendGoGit.
	Backend string
	// GitBinary is the git executable; empty means "git" from PATH.
	GitBinary string
}

// Repo describes a repository found at a path.
type Repo struct {
	// Dir is the repository's git directory (.git or the bare repo).
	GitDir string
	// Top is the working tree's top directory; empty for a bare repository.
	Top  string
	Bare bool
}

// ErrNotRepo is returned when a path is not a git repository.
var ErrNotRepo = errors.New("not a git repository")

// Detect reports whether path is the root of a git working tree (it holds
// .git) or a bare repository. It does not search parent directories.
func Detect(path string) (Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Repo{}, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Repo{}, err
	}
	if !info.IsDir() {
		return Repo{}, ErrNotRepo
	}
	if _, err := os.Stat(filepath.Join(abs, ".git")); err == nil {
		gd := filepath.Join(abs, ".git")
		if fi, err := os.Stat(gd); err == nil && !fi.IsDir() {
			// a gitfile (worktree or submodule): "gitdir: <path>"
			b, err := os.ReadFile(gd)
			if err == nil {
				line := strings.TrimSpace(string(b))
				if rest, ok := strings.CutPrefix(line, "gitdir:"); ok {
					gd = strings.TrimSpace(rest)
					if !filepath.IsAbs(gd) {
						gd = filepath.Join(abs, gd)
					}
				}
			}
		}
		return Repo{GitDir: gd, Top: abs}, nil
	}
	if isBare(abs) {
		return Repo{GitDir: abs, Bare: true}, nil
	}
	return Repo{}, ErrNotRepo
}

// DetectUp finds the repository holding path, searching parent directories
// as git does (for --staged run from a subdirectory).
func DetectUp(path string) (Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Repo{}, err
	}
	for d := abs; ; {
		if r, err := Detect(d); err == nil {
			return r, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return Repo{}, fmt.Errorf("%s: %w (nor any of its parents)", path, ErrNotRepo)
		}
		d = parent
	}
}

func isBare(dir string) bool {
	for _, n := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			return false
		}
	}
	return true
}

// open opens the repository with go-git.
func (r Repo) open() (*gogit.Repository, error) {
	p := r.Top
	if r.Bare {
		p = r.GitDir
	}
	repo, err := gogit.PlainOpenWithOptions(p, &gogit.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", p, err)
	}
	return repo, nil
}

// display turns a path inside the repository into the path shown to the
// user: under the root the user named, slash-separated, with bytes that
// are not UTF-8 escaped.
func display(root, rel string) string {
	if !utf8.ValidString(rel) {
		rel = escapePath(rel)
	}
	if root == "" {
		return rel
	}
	if isRemoteRoot(root) {
		if rel == "" {
			return root
		}
		return strings.TrimSuffix(root, "/") + "/" + rel
	}
	return filepath.ToSlash(filepath.Join(root, filepath.FromSlash(rel)))
}

// escapePath shows invalid UTF-8 bytes as \xNN, keeping the rest.
func escapePath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// boundedCatFile runs cat-file with small pack windows and delta cache, so
// that streaming a whole large pack keeps git's memory near 100 MB at no
// measurable cost in speed (the defaults map up to 1 GiB of pack). History
// walks jump around the pack: windows this small made rev-list three times
// slower, so they get boundedWalk.
var boundedCatFile = []string{"-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=32m",
	"-c", "core.deltaBaseCacheLimit=32m", "cat-file"}

// boundedWalk caps the pack mapped by history walks (rev-list, log) at
// 96 MiB in 32 MiB windows: about 1.4 s more on a 20,000-commit repository
// than the defaults, for a peak RSS under 150 MB instead of over 200 MB.
var boundedWalk = []string{"-c", "core.packedGitWindowSize=32m", "-c", "core.packedGitLimit=96m"}

// gitRunner runs git in the repository.
type gitRunner struct {
	bin    string
	gitDir string
}

func (o Options) runner(r Repo) (*gitRunner, bool) {
	if o.Backend == BackendGoGit {
		return nil, false
	}
	bin := o.GitBinary
	if bin == "" {
		bin = "git"
	}
	p, err := exec.LookPath(bin)
	if err != nil {
		return nil, false
	}
	return &gitRunner{bin: p, gitDir: r.GitDir}, true
}

func (g *gitRunner) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--git-dir=" + g.gitDir, "-c", "core.quotePath=false"}, args...)
	cmd := exec.CommandContext(ctx, g.bin, full...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1", "GIT_LITERAL_PATHSPECS=1")
	return cmd
}

// output runs git and returns stdout; stderr is folded into the error.
func (g *gitRunner) output(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := g.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return out, fmt.Errorf("git %s: %w: %s", args[0], err, lastLine(msg))
		}
		return out, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// shallowCount returns how many shallow boundary commits the repository
// records (0 for a complete clone).
func shallowCount(r Repo) int {
	b, err := os.ReadFile(filepath.Join(r.GitDir, "shallow"))
	if err != nil {
		return 0
	}
	return len(strings.Fields(string(b)))
}

// lfsPointer reports whether content is a Git LFS pointer file.
func lfsPointer(b []byte) bool {
	return len(b) < 1024 && bytes.HasPrefix(b, []byte("version https://git-lfs.github.com/spec/v1\n"))
}

// looksBinary applies git's rule: a NUL in the first 8000 bytes.
func looksBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}

// Root returns the directory a person knows the repository by: the
// working tree's top, or the bare repository.
func (r Repo) Root() string {
	if r.Bare {
		return r.GitDir
	}
	return r.Top
}
