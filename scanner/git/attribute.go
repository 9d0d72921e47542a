package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// attribution is where a blob first appeared.
type attribution struct {
	commit, author, date, path string
}

// attribute finds, for each blob in want, the first commit (oldest first)
// that added it, with its author, date and path.
func (h *History) attribute(ctx context.Context, want map[string]bool) (map[string]attribution, error) {
	if h.git != nil {
		// First only the commits that touch the paths the blobs were listed
		// under (git prunes every other subtree, so this is cheap); then,
		// for blobs first added under another path, the whole history.
		h.mu.Lock()
		paths := map[string]bool{}
		for id := range want {
			if p := h.blobPath[id]; p != "" {
				paths[p] = true
			}
		}
		h.mu.Unlock()
		out := map[string]attribution{}
		if len(paths) > 0 && len(paths) <= 500 {
			args := []string{"--all", "--reflog", "--full-history", "--"}
			for p := range paths {
				args = append(args, p)
			}
			sort.Strings(args[4:])
			found, err := logAttribute(ctx, h.git, args, nil, want)
			if err != nil {
				return found, err
			}
			out = found
		}
		if len(out) == len(want) {
			return out, nil
		}
		rest := map[string]bool{}
		for id := range want {
			if _, ok := out[id]; !ok {
				rest[id] = true
			}
		}
		more, err := logAttribute(ctx, h.git, []string{"--all", "--reflog"}, nil, rest)
		for id, a := range more {
			out[id] = a
		}
		return out, err
	}
	repo, err := h.repo.open()
	if err != nil {
		return nil, err
	}
	return goGitAttribute(ctx, repo, want)
}

// logAttribute reads one `git log --reverse --raw` pass over revs and
// records the first commit that added or changed each wanted blob (want
// nil: every blob). It stops as soon as every wanted blob is found.
func logAttribute(ctx context.Context, g *gitRunner, revs []string, stdin io.Reader, want map[string]bool) (map[string]attribution, error) {
	out := map[string]attribution{}
	err := logRaw(ctx, g, revs, stdin, func(c commitInfo, blob, path string) bool {
		if (want == nil || want[blob]) && out[blob].commit == "" {
			out[blob] = attribution{commit: c.hash, author: c.author, date: c.date, path: path}
		}
		return want == nil || len(out) < len(want)
	})
	return out, err
}

type commitInfo struct{ hash, author, date string }

// logRaw runs `git log --reverse --raw -z` and calls fn for each blob a
// commit adds or modifies (not deletions), oldest commit first; fn returns
// false to stop.
func logRaw(ctx context.Context, g *gitRunner, revs []string, stdin io.Reader, fn func(c commitInfo, blob, path string) bool) error {
	// merges (a stash is one) are compared with their first parent, so a
	// blob first seen in a merge is attributed to it
	err := logRawWith(ctx, g, "--diff-merges=first-parent", revs, stdin, fn)
	if err != nil && strings.Contains(err.Error(), "diff-merges") {
		err = logRawWith(ctx, g, "-m", revs, stdin, fn) // git before 2.31
	}
	return err
}

func logRawWith(ctx context.Context, g *gitRunner, merges string, revs []string, stdin io.Reader, fn func(c commitInfo, blob, path string) bool) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	args := append(append(boundedWalk[:len(boundedWalk):len(boundedWalk)], "log", "--reverse", "--raw", "--no-renames", "--no-abbrev", "-z",
		merges, "--format=%x01%H%x00%an <%ae>%x00%aI"), revs...)
	cmd := g.command(cctx, args...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git log: %w", err)
	}
	br := bufio.NewReaderSize(pipe, 1<<16)
	var cur commitInfo
	stopped := false
	field := 0 // 1 author, 2 date expected next
	var pendingBlob string
	pendingPath := false
	for !stopped {
		tok, err := br.ReadString(0)
		tok = strings.TrimSuffix(tok, "\x00")
		if pendingPath {
			pendingPath = false
			if pendingBlob != "" && !fn(cur, pendingBlob, tok) {
				stopped = true
			}
		} else {
			tok = strings.TrimLeft(tok, "\n")
			switch {
			case strings.HasPrefix(tok, "\x01"):
				cur = commitInfo{hash: tok[1:]}
				field = 1
			case field == 1:
				cur.author = tok
				field = 2
			case field == 2:
				cur.date = tok
				field = 0
			case strings.HasPrefix(tok, ":"):
				// :oldmode newmode oldblob newblob status
				f := strings.Fields(tok)
				pendingBlob = ""
				if len(f) == 5 && (f[4] == "A" || f[4] == "M" || f[4] == "T") && f[2] != "160000" && f[1] != "160000" {
					pendingBlob = f[3]
				}
				pendingPath = true
			}
		}
		if err != nil {
			break
		}
	}
	cancel()
	werr := cmd.Wait()
	if stopped || ctx.Err() != nil {
		return ctx.Err()
	}
	if werr != nil {
		return fmt.Errorf("git log: %w: %s", werr, lastLine(stderr.String()))
	}
	return nil
}

// goGitAttribute walks every commit reachable from any ref oldest first
// and every tree once: the first commit whose tree holds a blob
// introduced it.
func goGitAttribute(ctx context.Context, repo *gogit.Repository, want map[string]bool) (map[string]attribution, error) {
	var commits []*object.Commit
	err := reachableCommits(ctx, repo, func(c *object.Commit) { commits = append(commits, c) }, nil, nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(commits, func(i, j int) bool { return commits[i].Committer.When.Before(commits[j].Committer.When) })
	out := map[string]attribution{}
	seen := map[plumbing.Hash]bool{}
	for _, c := range commits {
		if len(out) == len(want) {
			break
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		a := attribution{commit: c.Hash.String(), author: c.Author.Name + " <" + c.Author.Email + ">",
			date: c.Author.When.Format(time.RFC3339)}
		var walk func(h plumbing.Hash, prefix string)
		walk = func(h plumbing.Hash, prefix string) {
			if seen[h] {
				return
			}
			seen[h] = true
			t, err := repo.TreeObject(h)
			if err != nil {
				return
			}
			for _, e := range t.Entries {
				p := e.Name
				if prefix != "" {
					p = prefix + "/" + e.Name
				}
				switch {
				case e.Mode == filemode.Dir:
					walk(e.Hash, p)
				case e.Mode == filemode.Submodule:
				default:
					id := e.Hash.String()
					if want[id] && out[id].commit == "" {
						b := a
						b.path = p
						out[id] = b
					}
				}
			}
		}
		walk(c.TreeHash, "")
	}
	return out, nil
}
