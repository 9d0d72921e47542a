package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/tokenscope/tokenscope/scanner"
)

// History is the source of a repository's history: every unique blob
// reachable from any ref (branches, tags, remotes, stash, reflogs), and
// with Options.AllObjects the unreachable ones too, each yielded once.
// It implements scanner.Finisher: after the scan it attributes blobs with
// findings to their first commit and merges them with working-tree
// findings of the same secret.
type History struct {
	repo Repo
	opts Options

	mu       sync.Mutex
	blobPath map[string]string // blob id -> path it was listed under
	headBlob map[string]bool   // blobs in HEAD's tree
	be       backend
	git      *gitRunner
}

// NewHistory returns the history source of repo.
func NewHistory(repo Repo, opts Options) *History {
	return &History{repo: repo, opts: opts}
}

func (h *History) Name() string { return "git history " + h.root() }

func (h *History) root() string {
	if h.opts.Root != "" {
		return h.opts.Root
	}
	if h.repo.Bare {
		return h.repo.GitDir
	}
	return h.repo.Top
}

// backend picks git cat-file when a git binary is found (and not
// refused), go-git otherwise.
func (h *History) backend() (backend, error) {
	if h.be != nil {
		return h.be, nil
	}
	if g, ok := h.opts.runner(h.repo); ok {
		h.git = g
		h.be = &gitBackend{g: g}
		return h.be, nil
	}
	if h.opts.Backend == BackendGit {
		return nil, errors.New("no git binary found (--git-backend=git)")
	}
	repo, err := h.repo.open()
	if err != nil {
		return nil, err
	}
	h.be = &goGitBackend{repo: repo}
	return h.be, nil
}

// Walk lists the blobs and streams them to emit.
func (h *History) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	be, err := h.backend()
	if err != nil {
		return err
	}
	root := h.root()
	note := func(path, reason string) {
		p := root
		if path != "" {
			p = display(root, path)
		}
		skip(scanner.Skipped{Kind: scanner.SkipSource, Path: p, Reason: "git history: " + reason})
	}
	if n := shallowCount(h.repo); n > 0 {
		note("", fmt.Sprintf("shallow clone: history behind %d boundary commit(s) is not in this clone and was not scanned (git fetch --unshallow to scan it)", n))
	}
	head, subs, err := be.headTree(ctx)
	if err != nil && ctx.Err() == nil {
		head = nil // no commits yet, or HEAD unreadable: nothing is live
	}
	for _, s := range subs {
		note(s, "submodule: not followed (scan its repository separately)")
	}
	refs, err := be.list(ctx, h.opts.AllObjects, note)
	if err != nil {
		return err
	}
	hb := make(map[string]bool, len(head))
	for _, id := range head {
		hb[id] = true
	}
	bp := make(map[string]string, len(refs))
	for _, r := range refs {
		bp[r.id] = r.path
	}
	h.mu.Lock()
	h.blobPath, h.headBlob = bp, hb
	h.mu.Unlock()

	var binary int
	lfs := map[string]bool{}
	err = be.stream(ctx, refs, h.opts.MaxBlobSize, func(r blobRef, content []byte, err error) error {
		o := scanner.Origin{Kind: scanner.KindGit, Path: h.blobDisplay(r), Blob: r.id, Via: scanner.ViaHistory}
		return emitBlob(ctx, be, o, r, content, err, h.opts.ScanBinary, lfs, emit, skip, &binary)
	})
	if binary > 0 {
		note("", fmt.Sprintf("%d binary blob(s) not scanned", binary))
	}
	return err
}

// emitBlob turns one streamed blob into an Item, or a skip: unreadable,
// empty, LFS pointer (reported once per path), binary (counted in
// *binary when not nil, else left to the engine).
func emitBlob(ctx context.Context, be backend, o scanner.Origin, r blobRef, content []byte, err error, scanBinary bool,
	lfs map[string]bool, emit func(scanner.Item) error, skip func(scanner.Skipped), binary *int) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr // cancelled: no further item, whatever the backend has read ahead
	}
	switch {
	case errors.Is(err, errBig):
		id := r.id
		return emit(scanner.Item{Origin: o, Size: r.size, Open: func() (io.ReadCloser, error) {
			return be.open(ctx, id)
		}})
	case err != nil:
		skip(scanner.Skipped{Kind: scanner.SkipUnreadable, Path: o.Path, Reason: fmt.Sprintf("git blob %s: %v", r.id, err)})
		return nil
	case len(content) == 0:
		return nil
	case lfsPointer(content):
		if !lfs[o.Path] {
			lfs[o.Path] = true
			skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: o.Path, Reason: "Git LFS pointer: the content lives in LFS storage and was not scanned"})
		}
		return nil
	case binary != nil && !scanBinary && looksBinary(content):
		*binary++
		return nil
	}
	return emit(scanner.Item{Origin: o, Size: int64(len(content)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(content)), nil
	}})
}

func (h *History) blobDisplay(r blobRef) string {
	if r.path == "" {
		return display(h.root(), "(blob "+r.id+")") // unreachable: no tree names it
	}
	return display(h.root(), r.path)
}

// Finish attributes the history findings of this repository to the first
// commit that introduced each blob, marks whether the secret is still in
// HEAD, groups the same secret across blobs into one finding (the others
// go to Also) and folds it into the working-tree finding of the same
// secret when there is one, so a secret is reported once.
func (h *History) Finish(ctx context.Context, res *scanner.Result) error {
	h.mu.Lock()
	bp, hb := h.blobPath, h.headBlob
	h.mu.Unlock()
	if bp == nil {
		return nil
	}
	if h.repo.Bare {
		// The directory scan of a bare repository meets the object store's
		// files, binary to it; their content was scanned here, as blobs.
		objects := displayRoot(h.root()) + "/objects/"
		kept := res.Skipped[:0]
		for _, s := range res.Skipped {
			if s.Reason == "binary file" && strings.HasPrefix(s.Path, objects) {
				continue
			}
			kept = append(kept, s)
		}
		res.Skipped = kept
	}
	root := h.root()
	mine := func(o scanner.Origin) bool {
		if o.Kind != scanner.KindGit || o.Via != scanner.ViaHistory || !within(root, o.Path) {
			return false
		}
		_, ok := bp[o.Blob]
		return ok
	}
	want := map[string]bool{}
	for _, f := range res.Findings {
		if mine(f.Origin) {
			want[f.Origin.Blob] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	attr, err := h.attribute(ctx, want)
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("attributing blobs to commits: %w", err))
	}
	live := map[string]bool{} // fingerprints present in HEAD's tree
	for _, f := range res.Findings {
		if mine(f.Origin) && hb[f.Origin.Blob] {
			live[f.Fingerprint] = true
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if !mine(f.Origin) {
			continue
		}
		if a, ok := attr[f.Origin.Blob]; ok {
			f.Origin.Commit, f.Origin.Author, f.Origin.Date = a.commit, a.author, a.date
			f.Origin.Path = display(h.root(), a.path)
		}
		f.Origin.InHistoryOnly = !live[f.Fingerprint]
	}
	var tree func(scanner.Origin) bool
	if h.repo.Top != "" {
		tree = func(o scanner.Origin) bool { return o.Kind == scanner.KindFile && within(root, o.Path) }
	}
	res.Findings = group(res.Findings, mine, tree)
	return errors.Join(errs...)
}

// group reports each secret once: the findings that mine selects are
// grouped by fingerprint, the earliest one kept and the others listed in
// its Also. When a finding that tree selects (the working-tree copy) has
// the same fingerprint, the whole group goes to that finding's Also
// instead. The result is sorted.
func group(fs []scanner.Finding, mine, tree func(scanner.Origin) bool) []scanner.Finding {
	groups := map[string][]scanner.Finding{}
	var order []string
	var rest []scanner.Finding
	for _, f := range fs {
		if !mine(f.Origin) {
			rest = append(rest, f)
			continue
		}
		if _, ok := groups[f.Fingerprint]; !ok {
			order = append(order, f.Fingerprint)
		}
		groups[f.Fingerprint] = append(groups[f.Fingerprint], f)
	}
	byFP := map[string][]int{}
	if tree != nil {
		for i, f := range rest {
			if tree(f.Origin) {
				byFP[f.Fingerprint] = append(byFP[f.Fingerprint], i)
			}
		}
	}
	for _, fp := range order {
		g := groups[fp]
		sort.SliceStable(g, func(i, j int) bool { return earlier(g[i].Origin, g[j].Origin) })
		var origins []scanner.Origin
		for _, f := range g {
			o := f.Origin
			o.Line = f.Line
			origins = append(origins, o)
			origins = append(origins, f.Also...)
		}
		if idx := byFP[fp]; len(idx) > 0 {
			for _, i := range idx {
				rest[i].Also = append(rest[i].Also[:len(rest[i].Also):len(rest[i].Also)], origins...)
			}
			continue
		}
		first := g[0]
		first.Also = append([]scanner.Origin(nil), origins[1:]...)
		first.Origin.Line = 0 // the finding's own line is first.Line
		if len(first.Also) == 0 {
			first.Also = nil
		}
		rest = append(rest, first)
	}
	if rest == nil {
		rest = []scanner.Finding{}
	}
	scanner.SortFindings(rest)
	return rest
}

// earlier orders origins by first commit date, then path.
func earlier(a, b scanner.Origin) bool {
	if (a.Date == "") != (b.Date == "") {
		return a.Date != ""
	}
	if a.Date != b.Date {
		return a.Date < b.Date
	}
	if a.Path != b.Path {
		return a.Path < b.Path
	}
	return a.Blob < b.Blob
}

func within(root, p string) bool {
	root = strings.TrimSuffix(displayRoot(root), "/")
	if root == "." || root == "" {
		return !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "../")
	}
	return p == root || strings.HasPrefix(p, root+"/")
}

func displayRoot(root string) string { return display(root, "") }

// Regroup joins history findings as one History.Finish would have, for
// results made apart and pooled (tokenscope merge of scan --shard runs,
// where the blobs holding one credential, or its working-tree copy, fell
// to different shards): under each root, the history places of one
// fingerprint are listed once, by first commit, in the Also of every
// working-tree finding of it, or else of the earliest history finding; and
// a credential is in_history_only unless some part saw it in HEAD. fs must
// be normalised (scanner.Normalize); the result is sorted.
func Regroup(fs []scanner.Finding, roots []string) []scanner.Finding {
	type place struct {
		blob, path, commit string
		line               int
	}
	type acc struct {
		origins []scanner.Origin
		seen    map[place]bool
		mine    []int
		tree    []int
	}
	for _, root := range roots {
		mine := func(o scanner.Origin) bool {
			return o.Kind == scanner.KindGit && o.Via == scanner.ViaHistory && within(root, o.Path)
		}
		tree := func(o scanner.Origin) bool { return o.Kind == scanner.KindFile && within(root, o.Path) }
		live := map[string]bool{}
		for _, f := range fs {
			if mine(f.Origin) && !f.Origin.InHistoryOnly {
				live[f.Fingerprint] = true
			}
			for _, a := range f.Also {
				if mine(a) && !a.InHistoryOnly {
					live[f.Fingerprint] = true
				}
			}
		}
		by := map[string]*acc{}
		var order []string
		get := func(fp string) *acc {
			a, ok := by[fp]
			if !ok {
				a = &acc{seen: map[place]bool{}}
				by[fp] = a
				order = append(order, fp)
			}
			return a
		}
		add := func(a *acc, o scanner.Origin, fp string) {
			o.InHistoryOnly = !live[fp]
			k := place{o.Blob, o.Path, o.Commit, o.Line}
			if !a.seen[k] {
				a.seen[k] = true
				a.origins = append(a.origins, o)
			}
		}
		for i := range fs {
			f := &fs[i]
			switch {
			case mine(f.Origin):
				a := get(f.Fingerprint)
				a.mine = append(a.mine, i)
				o := f.Origin
				o.Line = f.Line
				add(a, o, f.Fingerprint)
				for _, x := range f.Also {
					add(a, x, f.Fingerprint)
				}
			case tree(f.Origin):
				a := get(f.Fingerprint)
				a.tree = append(a.tree, i)
				for _, x := range f.Also {
					if mine(x) {
						add(a, x, f.Fingerprint)
					}
				}
			}
		}
		drop := map[int]bool{}
		for _, fp := range order {
			a := by[fp]
			if len(a.origins) == 0 {
				continue
			}
			sort.SliceStable(a.origins, func(i, j int) bool { return earlier(a.origins[i], a.origins[j]) })
			for _, i := range a.mine {
				drop[i] = true
			}
			if len(a.tree) > 0 {
				for _, i := range a.tree {
					var also []scanner.Origin
					for _, x := range fs[i].Also {
						if !mine(x) {
							also = append(also, x)
						}
					}
					fs[i].Also = append(also, a.origins...)
				}
				continue
			}
			// the earliest place is a history finding's own (each part
			// kept its earliest): it keeps the finding, the rest are Also
			first := a.origins[0]
			for _, i := range a.mine {
				o := fs[i].Origin
				if o.Blob == first.Blob && o.Path == first.Path && o.Commit == first.Commit && fs[i].Line == first.Line {
					drop[i] = false
					fs[i].Origin.InHistoryOnly = first.InHistoryOnly
					fs[i].Origin.Line = 0
					fs[i].Also = append([]scanner.Origin(nil), a.origins[1:]...)
					if len(fs[i].Also) == 0 {
						fs[i].Also = nil
					}
					break
				}
			}
		}
		out := fs[:0]
		for i := range fs {
			if !drop[i] {
				out = append(out, fs[i])
			}
		}
		fs = out
	}
	scanner.SortFindings(fs)
	return fs
}
