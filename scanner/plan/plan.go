// Package plan turns what a user asked for (paths, git history options, a
// workspace and a home directory) into the sources a scan reads, so the
// commands (scan, reach, merge of shards, remote repositories) share one
// planning. It decides nothing about findings.
package plan

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
	"github.com/tokenscope/tokenscope/scanner/env"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
	"github.com/tokenscope/tokenscope/scanner/home"
	"github.com/tokenscope/tokenscope/scanner/stdin"
)

// History selects what of git history a scan reads.
type History struct {
	// Mode is auto (history when a path is a repository's root or a bare
	// repository), none, or only (history without the working tree).
	Mode string
	// Range is "A..B": only the blobs the commits of the range add.
	Range string
	// Staged scans only the lines added in the index (pre-commit).
	Staged bool
	// AllObjects also scans unreachable blobs still in the object store.
	AllObjects bool
	// Backend streams blobs: auto, git or go-git.
	Backend string
}

// ReplacesWorkingTree tells whether the working tree is left out: --staged
// and --git-range scan only what they select, --history=only only history.
func (h History) ReplacesWorkingTree() bool {
	return h.Staged || h.Range != "" || h.Mode == "only"
}

// Validate checks the options against each other.
func (h History) Validate() error {
	switch h.Mode {
	case "auto", "none", "only":
	default:
		return fmt.Errorf("--history: %q is not one of auto, none, only", h.Mode)
	}
	switch h.Backend {
	case gitsrc.BackendAuto, gitsrc.BackendGit, gitsrc.BackendGoGit:
	default:
		return fmt.Errorf("--git-backend: %q is not one of auto, git, go-git", h.Backend)
	}
	if h.Staged && h.Range != "" {
		return errors.New("--staged and --git-range cannot be used together")
	}
	if (h.Staged || h.Range != "") && h.Mode == "none" {
		return errors.New("--history=none cannot be combined with --staged or --git-range")
	}
	if h.Range != "" {
		if _, _, err := gitsrc.ParseRange(h.Range); err != nil {
			return err
		}
	}
	return nil
}

// HistorySources returns the git sources for paths, or none; maxBlob
// bounds the blobs read (--max-file-size). Its errors are about the
// options (usage errors). The returned sources run after the directory
// source.
func HistorySources(paths []string, h History, maxBlob int64) ([]scanner.Source, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if h.Mode == "none" {
		return nil, nil
	}
	var out []scanner.Source
	for _, p := range paths {
		gopts := gitsrc.Options{
			Root:        p,
			AllObjects:  h.AllObjects,
			MaxBlobSize: maxBlob,
			Backend:     h.Backend,
		}
		switch {
		case h.Staged:
			repo, err := gitsrc.DetectUp(p)
			if err != nil {
				return nil, fmt.Errorf("--staged: %w", err)
			}
			if repo.Bare {
				return nil, fmt.Errorf("--staged: %s is a bare repository (no index to scan)", p)
			}
			gopts.Root = p
			out = append(out, gitsrc.NewStaged(repo, gopts))
		case h.Range != "":
			repo, err := gitsrc.DetectUp(p)
			if err != nil {
				return nil, fmt.Errorf("--git-range: %w", err)
			}
			if r, err := gitsrc.Detect(p); err != nil || r.Root() != repo.Root() {
				gopts.Root = repo.Root() // p is inside the repository: show its paths from the top
			}
			src, err := gitsrc.NewRange(repo, h.Range, gopts)
			if err != nil {
				return nil, err
			}
			out = append(out, src)
		default:
			repo, err := gitsrc.Detect(p)
			if err != nil {
				if h.Mode == "only" {
					return nil, fmt.Errorf("--history=only: %s: %w", p, err)
				}
				continue // auto: not a repository root, no history
			}
			out = append(out, gitsrc.NewHistory(repo, gopts))
		}
	}
	return out, nil
}

// Scan is what `scan` reads: directory trees and files, their git
// history, standard input.
type Scan struct {
	Paths          []string
	FollowSymlinks bool
	Exclude        []string
	History        History
	// MaxFileSize bounds the git blobs read whole.
	MaxFileSize int64
	// Shard keeps only this shard's items (the zero Shard keeps all).
	Shard scanner.Shard
	// Stdin, when set, is scanned as one file named StdinName.
	Stdin     io.Reader
	StdinName string
}

// Sources returns the scan's sources in order: the working tree (unless
// History replaces it), git history, the extra sources given (remote
// repositories), standard input; each sharded by Shard. Errors are about
// the options (usage errors).
func (s Scan) Sources(extra ...scanner.Source) ([]scanner.Source, error) {
	var out []scanner.Source
	if len(s.Paths) > 0 && !s.History.ReplacesWorkingTree() {
		src := dir.New(s.Paths, dir.Options{FollowSymlinks: s.FollowSymlinks, Exclude: s.Exclude, Via: scanner.ViaWorkspace})
		out = append(out, scanner.Sharded(src, s.Shard))
	}
	hist, err := HistorySources(s.Paths, s.History, s.MaxFileSize)
	if err != nil {
		return nil, err
	}
	for _, h := range append(hist, extra...) {
		out = append(out, scanner.Sharded(h, s.Shard))
	}
	if s.Stdin != nil {
		out = append(out, scanner.Sharded(stdin.New(s.Stdin, s.StdinName), s.Shard))
	}
	return out, nil
}

// Reach is what `reach` reads: what an agent started in Workspace could.
type Reach struct {
	Workspace string
	Home      string
	// Env adds the environment (Environ) as a source, and, with
	// HomeIsDefault, lets the stores' override variables (KUBECONFIG,
	// AWS_SHARED_CREDENTIALS_FILE, ...) move the home stores (Getenv).
	Env           bool
	Environ       []string
	Getenv        func(string) string
	HomeIsDefault bool
	History       History
	MaxFileSize   int64
}

// ReachPlan is the set of sources one reach run reads.
type ReachPlan struct {
	Sources []scanner.Source
	// Home is the home-store source (its Stores say what was read).
	Home *home.Source
}

// Plan returns the reach sources in order: the workspace tree, its
// history, the .env files of the directories above it, the home stores,
// the environment.
func (r Reach) Plan() (*ReachPlan, error) {
	if err := dir.CheckRoots([]string{r.Workspace}); err != nil {
		return nil, err
	}
	if info, err := os.Stat(r.Home); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("--home %s: not a directory", r.Home)
	}
	p := &ReachPlan{}
	p.Sources = append(p.Sources, dir.New([]string{r.Workspace}, dir.Options{Via: scanner.ViaWorkspace}))
	hist, err := HistorySources([]string{r.Workspace}, r.History, r.MaxFileSize)
	if err != nil {
		return nil, err
	}
	p.Sources = append(p.Sources, hist...)
	if files := ParentEnvFiles(r.Workspace, r.Home); len(files) > 0 {
		p.Sources = append(p.Sources, dir.New(files, dir.Options{Via: scanner.ViaParentEnv}))
	}
	hopts := home.Options{Home: r.Home, MaxFileSize: r.MaxFileSize}
	if r.HomeIsDefault && r.Env {
		hopts.Getenv = r.Getenv
	}
	p.Home = home.New(hopts)
	p.Sources = append(p.Sources, p.Home)
	if r.Env {
		p.Sources = append(p.Sources, env.New(r.Environ))
	}
	return p, nil
}

// ParentEnvFiles lists the .env files (.env, .env.local, .envrc, ...) in
// the directories above the workspace, up to and including the home
// directory (or the filesystem root when the workspace is not under home),
// named relative to the workspace as given.
func ParentEnvFiles(workspace, homeDir string) []string {
	abs, err := filepath.Abs(workspace)
	if err != nil {
		return nil
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		abs = filepath.Dir(abs)
		workspace = filepath.Dir(workspace)
	}
	homeAbs, _ := filepath.Abs(homeDir)
	under := homeAbs != "" && abs != homeAbs && strings.HasPrefix(abs, homeAbs+string(filepath.Separator))
	var out []string
	rel := workspace
	cur := abs
	for i := 0; i < 64; i++ {
		parent := filepath.Dir(cur)
		if parent == cur {
			break
		}
		if under && !strings.HasPrefix(parent+string(filepath.Separator), homeAbs+string(filepath.Separator)) {
			break
		}
		rel = filepath.Join(rel, "..")
		if filepath.IsAbs(workspace) {
			rel = parent
		}
		entries, err := os.ReadDir(parent)
		if err == nil {
			for _, e := range entries {
				n := e.Name()
				if !(n == ".env" || strings.HasPrefix(n, ".env.") || n == ".envrc") {
					continue
				}
				if e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0 {
					out = append(out, filepath.Join(rel, n))
				}
			}
		}
		if parent == homeAbs {
			break
		}
		cur = parent
	}
	return out
}
