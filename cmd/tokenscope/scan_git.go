package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/scanner"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
	"github.com/tokenscope/tokenscope/scanner/plan"
)

// HistoryOptions select what of git history `scan` reads (plan.History).
type HistoryOptions = plan.History

// addHistoryFlags registers the git history flags on scan.
func addHistoryFlags(f *pflag.FlagSet, o *HistoryOptions) {
	f.StringVar(&o.Mode, "history", "auto", "git history: auto (when a path is a repository's root or a bare repository), none, or only (history without the working tree)")
	f.StringVar(&o.Range, "git-range", "", "scan only the blobs added by the commits of BASE..HEAD (as git log BASE..HEAD); an all-zero BASE means the branch's own commits")
	f.BoolVar(&o.Staged, "staged", false, "scan only the lines added in the git index (for a pre-commit hook)")
	f.BoolVar(&o.AllObjects, "all-objects", false, "with history: also scan unreachable blobs still in the object store")
	f.StringVar(&o.Backend, "git-backend", "auto", "how blobs are read: auto (git binary when found), git, or go-git")
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
