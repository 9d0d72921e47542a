package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// blobRef is one blob to scan.
type blobRef struct {
	id   string // hex object id
	size int64  // -1 when unknown
	path string // a path the blob had in some tree; "" for unreachable blobs
}

// bigBlob is the size above which a blob is not read into memory by the
// batch stream but streamed by its own reader when a worker opens it.
const bigBlob = 8 << 20

// backend enumerates and reads blobs.
type backend interface {
	// list returns every unique blob reachable from any ref (all: also
	// unreachable ones), in an order that reads well from packs; problems
	// that do not stop the listing are passed to note.
	list(ctx context.Context, all bool, note func(path, reason string)) ([]blobRef, error)
	// stream reads the blobs in order and calls fn with each one's content
	// (at most max bytes of it; max <= 0 means all) or the error that kept
	// it from being read.
	stream(ctx context.Context, refs []blobRef, max int64, fn func(ref blobRef, content []byte, err error) error) error
	// open streams one blob.
	open(ctx context.Context, id string) (io.ReadCloser, error)
	// headTree lists the HEAD commit's tree: blobs by path and submodules.
	headTree(ctx context.Context) (blobs map[string]string, submodules []string, err error)
}

// ---- git binary ----

type gitBackend struct{ g *gitRunner }

const checkFormat = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"

func (b *gitBackend) list(ctx context.Context, all bool, note func(path, reason string)) ([]blobRef, error) {
	// Only blobs are printed (and the ref tips given, which have no path).
	// Asking cat-file for each object's type instead would resolve every
	// delta chain and cost more than the walk itself.
	refs, err := b.revList(ctx, true, note)
	if err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "filter-provided-objects") {
		refs, err = b.revList(ctx, false, note) // git before 2.32: tag objects get listed too
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A damaged repository (a truncated pack, a bad ref) can stop the
		// walk before it starts; the object store may still hold readable
		// blobs, so scan them all rather than nothing.
		note("", fmt.Sprintf("listing history failed (%v): scanning every blob in the object store instead, without paths", err))
		refs, all = nil, true
	}
	seen := make(map[string]bool, len(refs))
	for _, r := range refs {
		seen[r.id] = true
	}
	if all {
		cmd := b.g.command(ctx, "cat-file", "--batch-all-objects", "--unordered", checkFormat)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		o, err := cmd.StdoutPipe()
		if err != nil {
			return refs, err
		}
		if err := cmd.Start(); err != nil {
			return refs, fmt.Errorf("git cat-file: %w", err)
		}
		perr := parseCheck(o, func(id, typ string, size int64, rest string) {
			if typ == "blob" && !seen[id] {
				seen[id] = true
				refs = append(refs, blobRef{id: id, size: size})
			}
		})
		if err := cmd.Wait(); err != nil || perr != nil {
			note("", fmt.Sprintf("listing unreachable objects stopped early: %v %s", errors.Join(err, perr), lastLine(stderr.String())))
		}
	}
	sortPackOrder(b.g.gitDir, refs)
	return refs, nil
}

// revList lists the reachable blobs with a path each.
func (b *gitBackend) revList(ctx context.Context, filterTips bool, note func(path, reason string)) ([]blobRef, error) {
	args := append(boundedWalk[:len(boundedWalk):len(boundedWalk)], "rev-list", "--objects", "--all", "--reflog", "--missing=print", "--filter=object:type=blob")
	if filterTips {
		args = append(args, "--filter-provided-objects")
	}
	cmd := b.g.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git rev-list: %w", err)
	}
	seen := map[string]bool{}
	var refs []blobRef
	br := bufio.NewReaderSize(pipe, 1<<16)
	for {
		line, rerr := br.ReadString('\n')
		line = strings.TrimSuffix(line, "\n")
		if id, ok := strings.CutPrefix(line, "?"); ok {
			note("", "object "+id+" is missing from the object store: not scanned")
		} else if id, path, ok := strings.Cut(line, " "); ok && path != "" && !seen[id] {
			seen[id] = true
			refs = append(refs, blobRef{id: id, size: -1, path: path})
		}
		if rerr != nil {
			break
		}
	}
	werr := cmd.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if werr != nil {
		if len(refs) == 0 {
			return nil, fmt.Errorf("git rev-list: %w: %s", werr, lastLine(stderr.String()))
		}
		// a corrupt tree or commit ends the walk: keep what was listed
		note("", "history listing stopped early (corrupt or missing object?): "+lastLine(stderr.String()))
	}
	return refs, nil
}

// sortPackOrder orders blobs as they lie in the packs (loose objects
// first). Reading a pack in offset order lets git resolve each delta chain
// from its cached base; the order of a history walk jumps around the pack
// and made the same stream several times slower.
func sortPackOrder(gitDir string, refs []blobRef) {
	rank := packRanks(gitDir, refs)
	if len(rank) == 0 {
		return
	}
	sort.SliceStable(refs, func(i, j int) bool { return rank[refs[i].id] < rank[refs[j].id] })
}

// packRanks reads the pack indexes (.idx) and returns pack number << 40 |
// offset for each wanted object found in a pack.
func packRanks(gitDir string, refs []blobRef) map[string]int64 {
	want := make(map[plumbing.Hash]string, len(refs))
	for _, r := range refs {
		want[plumbing.NewHash(r.id)] = r.id
	}
	idxs, _ := filepath.Glob(filepath.Join(gitDir, "objects", "pack", "*.idx"))
	sort.Strings(idxs)
	rank := make(map[string]int64, len(refs))
	for n, p := range idxs {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		idx := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(bufio.NewReader(f)).Decode(idx)
		f.Close()
		if err != nil {
			continue
		}
		it, err := idx.Entries()
		if err != nil {
			continue
		}
		for {
			e, err := it.Next()
			if err != nil {
				break
			}
			if id, ok := want[e.Hash]; ok {
				if _, done := rank[id]; !done {
					rank[id] = int64(n+1)<<40 | int64(e.Offset)
				}
			}
		}
		it.Close()
	}
	return rank
}

// parseCheck reads `cat-file --batch-check` lines.
func parseCheck(r io.Reader, fn func(id, typ string, size int64, rest string)) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadString('\n')
		if line = strings.TrimSuffix(line, "\n"); line != "" {
			id, tail, _ := strings.Cut(line, " ")
			if strings.HasSuffix(line, " missing") && strings.Count(line, " ") == 1 {
				fn(strings.TrimPrefix(id, "?"), "missing", -1, "")
			} else {
				typ, tail, _ := strings.Cut(tail, " ")
				sz, rest, _ := strings.Cut(tail, " ")
				n, perr := strconv.ParseInt(sz, 10, 64)
				if perr == nil {
					fn(id, typ, n, rest)
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (b *gitBackend) stream(ctx context.Context, refs []blobRef, max int64, fn func(blobRef, []byte, error) error) error {
	i := 0
	for i < len(refs) {
		next, err := b.streamFrom(ctx, refs, i, max, fn)
		if err != nil {
			return err
		}
		if next == i {
			// the process died on refs[i]: report it and go on after it
			if err := fn(refs[i], nil, errors.New("git cat-file could not read the object (corrupt?)")); err != nil {
				return err
			}
			next = i + 1
		}
		i = next
	}
	return nil
}

// streamFrom runs one `git cat-file --batch` over refs[from:] and returns
// the index of the first blob it did not deliver.
func (b *gitBackend) streamFrom(ctx context.Context, refs []blobRef, from int, max int64, fn func(blobRef, []byte, error) error) (int, error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := b.g.command(cctx, append(boundedCatFile, "--batch")...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return from, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return from, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return from, fmt.Errorf("git cat-file: %w", err)
	}
	// feed ids while reading, so the pipe never fills both ways; the
	// writer ends when the ids run out or the process is gone
	fed := make(chan struct{})
	defer func() { <-fed }()
	go func() {
		defer close(fed)
		w := bufio.NewWriterSize(in, 1<<16)
		for _, r := range refs[from:] {
			if _, err := w.WriteString(r.id + "\n"); err != nil {
				break
			}
		}
		w.Flush()
		in.Close()
	}()
	out := bufio.NewReaderSize(outPipe, 1<<20)
	i := from
	var ferr error
	for ; i < len(refs); i++ {
		r := refs[i]
		hdr, err := out.ReadString('\n')
		if err != nil {
			break // process ended: refs[i] was not delivered
		}
		f := strings.Fields(hdr)
		if len(f) == 2 && f[1] == "missing" {
			if ferr = fn(r, nil, errors.New("object missing from the object store")); ferr != nil {
				break
			}
			continue
		}
		if len(f) != 3 {
			break
		}
		size, perr := strconv.ParseInt(f[2], 10, 64)
		if perr != nil {
			break
		}
		if size > bigBlob {
			// too big to hold: skip it here, a worker streams it
			if _, err := out.Discard(int(size) + 1); err != nil {
				break
			}
			r.size = size
			if ferr = fn(r, nil, errBig); ferr != nil {
				break
			}
			continue
		}
		keep := size
		if max > 0 && keep > max+1 {
			keep = max + 1
		}
		buf := make([]byte, keep)
		if _, err := io.ReadFull(out, buf); err != nil {
			break
		}
		if _, err := out.Discard(int(size-keep) + 1); err != nil { // rest and the trailing newline
			break
		}
		if ferr = fn(r, buf, nil); ferr != nil {
			break
		}
	}
	cancel()
	cmd.Wait()
	if ferr != nil {
		return i, ferr
	}
	if err := ctx.Err(); err != nil {
		return i, err
	}
	return i, nil
}

// errBig tells stream's callback to open the blob lazily instead.
var errBig = errors.New("large blob: streamed on demand")

type cmdReader struct {
	io.ReadCloser
	cmd    *exec.Cmd
	cancel context.CancelFunc
}

func (c *cmdReader) Close() error {
	c.cancel()
	c.ReadCloser.Close()
	c.cmd.Wait()
	return nil
}

func (b *gitBackend) open(ctx context.Context, id string) (io.ReadCloser, error) {
	cctx, cancel := context.WithCancel(ctx)
	cmd := b.g.command(cctx, append(boundedCatFile, "blob", id)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	return &cmdReader{ReadCloser: out, cmd: cmd, cancel: cancel}, nil
}

func (b *gitBackend) headTree(ctx context.Context) (map[string]string, []string, error) {
	out, err := b.g.output(ctx, nil, "ls-tree", "-r", "-z", "--full-tree", "HEAD")
	if err != nil {
		return nil, nil, err
	}
	blobs := map[string]string{}
	var subs []string
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, path, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := strings.Fields(string(meta))
		if len(f) != 3 {
			continue
		}
		switch f[1] {
		case "blob":
			blobs[string(path)] = f[2]
		case "commit":
			subs = append(subs, string(path))
		}
	}
	return blobs, subs, nil
}

// ---- go-git ----

type goGitBackend struct{ repo *gogit.Repository }

func (b *goGitBackend) list(ctx context.Context, all bool, note func(path, reason string)) ([]blobRef, error) {
	seenTree := map[plumbing.Hash]bool{}
	seenBlob := map[plumbing.Hash]bool{}
	var out []blobRef
	var walkTree func(h plumbing.Hash, prefix string)
	walkTree = func(h plumbing.Hash, prefix string) {
		if seenTree[h] {
			return
		}
		seenTree[h] = true
		t, err := b.repo.TreeObject(h)
		if err != nil {
			note(prefix, fmt.Sprintf("tree %s unreadable: %v", h, err))
			return
		}
		for _, e := range t.Entries {
			p := e.Name
			if prefix != "" {
				p = prefix + "/" + e.Name
			}
			switch e.Mode {
			case filemode.Dir:
				walkTree(e.Hash, p)
			case filemode.Submodule:
			default:
				if !seenBlob[e.Hash] {
					seenBlob[e.Hash] = true
					out = append(out, blobRef{id: e.Hash.String(), size: -1, path: p})
				}
			}
		}
	}
	err := reachableCommits(ctx, b.repo, func(c *object.Commit) { walkTree(c.TreeHash, "") },
		func(h plumbing.Hash) { walkTree(h, "") },
		func(h plumbing.Hash) {
			if !seenBlob[h] {
				seenBlob[h] = true
				out = append(out, blobRef{id: h.String(), size: -1})
			}
		})
	if err != nil {
		return nil, err
	}
	if all {
		it, err := b.repo.Storer.IterEncodedObjects(plumbing.BlobObject)
		if err != nil {
			return out, err
		}
		it.ForEach(func(o plumbing.EncodedObject) error {
			if !seenBlob[o.Hash()] {
				seenBlob[o.Hash()] = true
				out = append(out, blobRef{id: o.Hash().String(), size: o.Size()})
			}
			return nil
		})
	}
	return out, nil
}

func (b *goGitBackend) stream(ctx context.Context, refs []blobRef, max int64, fn func(blobRef, []byte, error) error) error {
	for _, r := range refs {
		if err := ctx.Err(); err != nil {
			return err
		}
		obj, err := b.repo.Storer.EncodedObject(plumbing.BlobObject, plumbing.NewHash(r.id))
		if err != nil {
			if err := fn(r, nil, err); err != nil {
				return err
			}
			continue
		}
		r.size = obj.Size()
		if r.size > bigBlob {
			if err := fn(r, nil, errBig); err != nil {
				return err
			}
			continue
		}
		content, err := readObject(obj, max)
		if err := fn(r, content, err); err != nil {
			return err
		}
	}
	return nil
}

func readObject(obj plumbing.EncodedObject, max int64) ([]byte, error) {
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var src io.Reader = rd
	if max > 0 {
		src = io.LimitReader(rd, max+1)
	}
	return io.ReadAll(src)
}

func (b *goGitBackend) open(ctx context.Context, id string) (io.ReadCloser, error) {
	obj, err := b.repo.Storer.EncodedObject(plumbing.BlobObject, plumbing.NewHash(id))
	if err != nil {
		return nil, err
	}
	return obj.Reader()
}

func (b *goGitBackend) headTree(ctx context.Context) (map[string]string, []string, error) {
	head, err := b.repo.Head()
	if err != nil {
		return nil, nil, err
	}
	c, err := b.repo.CommitObject(head.Hash())
	if err != nil {
		return nil, nil, err
	}
	t, err := c.Tree()
	if err != nil {
		return nil, nil, err
	}
	blobs := map[string]string{}
	var subs []string
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return blobs, subs, err
		}
		switch {
		case e.Mode == filemode.Submodule:
			subs = append(subs, name)
		case e.Mode.IsFile():
			blobs[name] = e.Hash.String()
		}
	}
	return blobs, subs, nil
}

// reachableCommits calls commit for every commit reachable from any ref
// or HEAD (annotated tags peeled), and tree and blob for refs or tags that
// point straight at one.
func reachableCommits(ctx context.Context, repo *gogit.Repository, commit func(*object.Commit), tree, blob func(plumbing.Hash)) error {
	refs, err := repo.Storer.IterReferences()
	if err != nil {
		return fmt.Errorf("listing refs: %w", err)
	}
	var tips []plumbing.Hash
	err = refs.ForEach(func(r *plumbing.Reference) error {
		if r.Type() == plumbing.HashReference {
			tips = append(tips, r.Hash())
		}
		return nil
	})
	if err != nil {
		return err
	}
	if h, err := repo.Head(); err == nil {
		tips = append(tips, h.Hash())
	}
	seen := map[plumbing.Hash]bool{}
	stack := tips
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		obj, err := repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			continue // a missing parent (shallow boundary) or a dangling ref
		}
		switch obj.Type() {
		case plumbing.TagObject:
			if tag, err := object.DecodeTag(repo.Storer, obj); err == nil {
				stack = append(stack, tag.Target)
			}
		case plumbing.CommitObject:
			c, err := object.DecodeCommit(repo.Storer, obj)
			if err != nil {
				continue
			}
			commit(c)
			stack = append(stack, c.ParentHashes...)
		case plumbing.TreeObject:
			if tree != nil {
				tree(h)
			}
		case plumbing.BlobObject:
			if blob != nil {
				blob(h)
			}
		}
	}
	return nil
}
