package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/scanner"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
)

// HistoryOptions select what of git history `scan` reads.
type HistoryOptions struct {
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

// replacesWorkingTree tells whether the working tree is left out: --staged
// and --git-range scan only what they select, --history=only only history.
func (o *HistoryOptions) replacesWorkingTree() bool {
	return o.Staged || o.Range != "" || o.Mode == "only"
}

// addHistoryFlags registers the git history flags on scan.
func addHistoryFlags(f *pflag.FlagSet, o *HistoryOptions) {
	f.StringVar(&o.Mode, "history", "auto", "git history: auto (when a path is a repository's root or a bare repository), none, or only (history without the working tree)")
	f.StringVar(&o.Range, "git-range", "", "scan only the blobs added by the commits of BASE..HEAD (as git log BASE..HEAD); an all-zero BASE means the branch's own commits")
	f.BoolVar(&o.Staged, "staged", false, "scan only the lines added in the git index (for a pre-commit hook)")
	f.BoolVar(&o.AllObjects, "all-objects", false, "with history: also scan unreachable blobs still in the object store")
	f.StringVar(&o.Backend, "git-backend", "auto", "how blobs are read: auto (git binary when found), git, or go-git")
}

// historySources returns the git sources for the scan's paths, or none.
// The returned sources run after the directory source.
func historySources(opts *ScanOptions) ([]scanner.Source, error) {
	h := &opts.History
	switch h.Mode {
	case "auto", "none", "only":
	default:
		return nil, fmt.Errorf("--history: %q is not one of auto, none, only", h.Mode)
	}
	switch h.Backend {
	case gitsrc.BackendAuto, gitsrc.BackendGit, gitsrc.BackendGoGit:
	default:
		return nil, fmt.Errorf("--git-backend: %q is not one of auto, git, go-git", h.Backend)
	}
	if h.Staged && h.Range != "" {
		return nil, errors.New("--staged and --git-range cannot be used together")
	}
	if (h.Staged || h.Range != "") && h.Mode == "none" {
		return nil, errors.New("--history=none cannot be combined with --staged or --git-range")
	}
	if h.Range != "" {
		if _, _, err := gitsrc.ParseRange(h.Range); err != nil {
			return nil, err
		}
	}
	if h.Mode == "none" {
		return nil, nil
	}
	var out []scanner.Source
	for _, p := range opts.Paths {
		gopts := gitsrc.Options{
			Root:        p,
			AllObjects:  h.AllObjects,
			MaxBlobSize: opts.MaxFileSize,
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

type remoteSource struct {
	name string // the URL without credentials
	src  scanner.Source
}

// remoteSources mirrors each remote repository of the scan into a
// temporary directory and returns its history source (or its --git-range
// source). cleanup removes every mirror and must be called, error or not,
// once the scan is done: it runs on Ctrl-C too, since an interrupt
// cancels ctx and the scan returns through it.
func remoteSources(ctx context.Context, s *Streams, opts *ScanOptions) (out []remoteSource, cleanup func(), err error) {
	var dirs []string
	cleanup = func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}
	if len(opts.Remotes) == 0 {
		return nil, cleanup, nil
	}
	h := &opts.History
	if h.Staged {
		return nil, cleanup, usageErr("--staged: %v", gitsrc.ErrRemoteStaged)
	}
	if h.Mode == "none" {
		return nil, cleanup, usageErr("--history=none: a remote repository is scanned through its history (%s)", gitsrc.RedactURL(opts.Remotes[0]))
	}
	for _, raw := range opts.Remotes {
		name := gitsrc.RedactURL(raw)
		parent, dir, err := gitsrc.RemoteDir()
		if err != nil {
			return nil, cleanup, &exitError{code: exitUsage, err: fmt.Errorf("cloning %s: %w", name, err)}
		}
		dirs = append(dirs, parent)
		if s.ErrTTY {
			fmt.Fprintf(s.Err, "cloning %s ...\n", name)
		}
		if err := gitsrc.Mirror(ctx, raw, dir, gitsrc.Options{Backend: h.Backend}); err != nil {
			if ctx.Err() != nil {
				return nil, cleanup, &exitError{code: exitInterrupted, err: fmt.Errorf("scan interrupted while cloning %s", name)}
			}
			return nil, cleanup, &exitError{code: exitUsage, err: err}
		}
		repo, err := gitsrc.Detect(dir)
		if err != nil {
			return nil, cleanup, &exitError{code: exitUsage, err: fmt.Errorf("%s: the clone is not a repository: %v", name, err)}
		}
		gopts := gitsrc.Options{Root: name, AllObjects: h.AllObjects, MaxBlobSize: opts.MaxFileSize, Backend: h.Backend}
		var src scanner.Source
		if h.Range != "" {
			rs, err := gitsrc.NewRange(repo, h.Range, gopts)
			if err != nil {
				return nil, cleanup, usageErr("%s: %v", name, err)
			}
			src = rs
		} else {
			src = gitsrc.NewHistory(repo, gopts)
		}
		out = append(out, remoteSource{name: name, src: src})
	}
	return out, cleanup, nil
}
