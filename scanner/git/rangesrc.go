package git

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"github.com/tokenscope/tokenscope/scanner"
)

// Range is the source of the blobs that the commits of a range add or
// change, as `git log A..B` lists the commits (merge commits show no diff,
// as in git log). Each blob is scanned once and attributed to the oldest
// commit of the range that introduced it.
//
// Traps handled: A equal to B yields nothing; an all-zero A (a new branch
// in CI) means the commits of B that no other ref reaches; in a shallow
// clone the commits that are present are scanned and what is missing is
// reported.
type Range struct {
	repo Repo
	opts Options
	spec string

	mu    sync.Mutex
	blobs map[string]bool
}

// NewRange returns the source of spec ("A..B"; "A.." means A..HEAD).
func NewRange(repo Repo, spec string, opts Options) (*Range, error) {
	if _, _, err := ParseRange(spec); err != nil {
		return nil, err
	}
	return &Range{repo: repo, opts: opts, spec: spec}, nil
}

// ParseRange splits "A..B"; B defaults to HEAD.
func ParseRange(spec string) (base, head string, err error) {
	if strings.Contains(spec, "...") {
		return "", "", fmt.Errorf("--git-range %q: symmetric ranges (A...B) are not supported; use A..B", spec)
	}
	base, head, ok := strings.Cut(spec, "..")
	if !ok || base == "" {
		return "", "", fmt.Errorf("--git-range %q: want BASE..HEAD, as in git log BASE..HEAD", spec)
	}
	if head == "" {
		head = "HEAD"
	}
	return base, head, nil
}

func (r *Range) Name() string { return "git range " + r.spec }

func (r *Range) root() string {
	if r.opts.Root != "" {
		return r.opts.Root
	}
	if r.repo.Bare {
		return r.repo.GitDir
	}
	return r.repo.Top
}

func isZeroRev(s string) bool {
	return len(s) >= 40 && strings.Trim(s, "0") == ""
}

func (r *Range) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	repo, err := r.repo.open()
	if err != nil {
		return err
	}
	baseSpec, headSpec, _ := ParseRange(r.spec)
	headHash, err := repo.ResolveRevision(plumbing.Revision(headSpec))
	if err != nil {
		return fmt.Errorf("--git-range: %s: %w", headSpec, err)
	}
	shallow := shallowCount(r.repo)
	note := func(reason string) {
		skip(scanner.Skipped{Kind: scanner.SkipSource, Path: r.root(), Reason: "git range: " + reason})
	}

	var exclude []plumbing.Hash
	switch {
	case isZeroRev(baseSpec):
		// a new branch: its own commits, those no other ref reaches
		exclude, err = otherTips(repo, *headHash)
		if err != nil {
			return err
		}
	default:
		baseHash, err := repo.ResolveRevision(plumbing.Revision(baseSpec))
		if err != nil {
			if shallow == 0 {
				return fmt.Errorf("--git-range: %s: %w", baseSpec, err)
			}
			note(fmt.Sprintf("base %s is not in this shallow clone: scanned the commits of %s that are present and that no other ref reaches (fetch more history to scan exactly the range)", baseSpec, headSpec))
			if exclude, err = otherTips(repo, *headHash); err != nil {
				return err
			}
			break
		}
		if *baseHash == *headHash {
			return nil // nothing between equal ends
		}
		exclude = []plumbing.Hash{*baseHash}
	}
	commits, missing, err := rangeCommits(ctx, repo, *headHash, exclude)
	if err != nil {
		return err
	}
	if missing > 0 {
		note(fmt.Sprintf("%d parent commit(s) are missing (shallow clone or damaged repository): history beyond them was not scanned", missing))
	}
	// oldest first, so each blob is attributed to the first commit that added it
	var refs []blobRef
	attr := map[string]attribution{}
	for i := len(commits) - 1; i >= 0; i-- {
		c := commits[i]
		if c.NumParents() > 1 {
			continue // as git log: merges show no diff
		}
		changes, err := commitChanges(ctx, repo, c)
		if err != nil {
			note(fmt.Sprintf("commit %s: %v", c.Hash, err))
			continue
		}
		for _, ch := range changes {
			id := ch.blob.String()
			if _, ok := attr[id]; ok {
				continue
			}
			attr[id] = attribution{commit: c.Hash.String(), author: c.Author.Name + " <" + c.Author.Email + ">",
				date: c.Author.When.Format(time.RFC3339), path: ch.path}
			refs = append(refs, blobRef{id: id, size: -1, path: ch.path})
		}
	}
	blobs := make(map[string]bool, len(refs))
	for _, b := range refs {
		blobs[b.id] = true
	}
	r.mu.Lock()
	r.blobs = blobs
	r.mu.Unlock()

	var be backend = &goGitBackend{repo: repo}
	if g, ok := r.opts.runner(r.repo); ok {
		be = &gitBackend{g: g}
	}
	lfs := map[string]bool{}
	return be.stream(ctx, refs, r.opts.MaxBlobSize, func(b blobRef, content []byte, err error) error {
		a := attr[b.id]
		o := scanner.Origin{Kind: scanner.KindGit, Path: display(r.root(), a.path), Blob: b.id, Via: scanner.ViaHistory,
			Commit: a.commit, Author: a.author, Date: a.date}
		return emitBlob(ctx, be, o, b, content, err, r.opts.ScanBinary, lfs, emit, skip, nil)
	})
}

// Finish groups the same secret found in several blobs of the range.
func (r *Range) Finish(ctx context.Context, res *scanner.Result) error {
	r.mu.Lock()
	blobs := r.blobs
	r.mu.Unlock()
	if len(blobs) == 0 {
		return nil
	}
	res.Findings = group(res.Findings, func(o scanner.Origin) bool {
		return o.Kind == scanner.KindGit && o.Via == scanner.ViaHistory && blobs[o.Blob]
	}, nil)
	return nil
}

type change struct {
	path string
	blob plumbing.Hash
}

// commitChanges lists the files c adds or modifies compared with its
// first parent (or the empty tree for a root or shallow-boundary commit).
func commitChanges(ctx context.Context, repo *gogit.Repository, c *object.Commit) ([]change, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	parentTree := &object.Tree{}
	if c.NumParents() == 1 {
		p, err := c.Parent(0)
		if err == nil {
			if parentTree, err = p.Tree(); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, err
		}
	}
	chs, err := object.DiffTreeWithOptions(ctx, parentTree, tree, nil)
	if err != nil {
		return nil, err
	}
	var out []change
	for _, ch := range chs {
		act, err := ch.Action()
		if err != nil || act == merkletrie.Delete {
			continue
		}
		e := ch.To.TreeEntry
		if e.Mode == filemode.Submodule || e.Mode == filemode.Symlink {
			continue
		}
		out = append(out, change{path: ch.To.Name, blob: e.Hash})
	}
	return out, nil
}

// otherTips returns the commits at the tips of every branch, remote branch
// and tag that does not point at head.
func otherTips(repo *gogit.Repository, head plumbing.Hash) ([]plumbing.Hash, error) {
	it, err := repo.References()
	if err != nil {
		return nil, err
	}
	var out []plumbing.Hash
	err = it.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		if ref.Type() != plumbing.HashReference || !(n.IsBranch() || n.IsRemote() || n.IsTag()) {
			return nil
		}
		h := ref.Hash()
		if n.IsTag() {
			if t, err := repo.TagObject(h); err == nil {
				c, err := t.Commit()
				if err != nil {
					return nil // a tag of a tree or blob
				}
				h = c.Hash
			}
		}
		if h != head {
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// rangeCommits lists the commits reachable from head and from none of
// exclude, newest first, walking by commit date and stopping once only
// excluded commits are left (as git rev-list does). missing counts parents
// that are not in the repository.
func rangeCommits(ctx context.Context, repo *gogit.Repository, head plumbing.Hash, exclude []plumbing.Hash) ([]*object.Commit, int, error) {
	const uninteresting = 1
	flags := map[plumbing.Hash]uint8{}
	pushedInteresting := map[plumbing.Hash]bool{}
	q := &commitQueue{}
	interesting := 0 // queued commits pushed as interesting
	push := func(h plumbing.Hash, f uint8) {
		old, seen := flags[h]
		if seen && (old&uninteresting != 0 || f == 0) {
			return
		}
		flags[h] = old | f
		if seen {
			return // queued or done already; only the flag changed
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			return // missing: counted by missingOf for the range's commits
		}
		heap.Push(q, c)
		if f == 0 {
			pushedInteresting[h] = true
			interesting++
		}
	}
	for _, h := range exclude {
		push(h, uninteresting)
	}
	push(head, 0)
	var out []*object.Commit
	for q.Len() > 0 && interesting > 0 {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		c := heap.Pop(q).(*object.Commit)
		if pushedInteresting[c.Hash] {
			interesting--
		}
		f := flags[c.Hash]
		if f&uninteresting == 0 {
			out = append(out, c)
		}
		for _, p := range c.ParentHashes {
			push(p, f&uninteresting)
		}
	}
	return out, missingOf(repo, out), nil
}

func missingOf(repo *gogit.Repository, cs []*object.Commit) int {
	n := 0
	for _, c := range cs {
		for _, p := range c.ParentHashes {
			if _, err := repo.Storer.EncodedObject(plumbing.CommitObject, p); err != nil {
				n++
			}
		}
	}
	return n
}

type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
