package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/tokenscope/tokenscope/scanner"
)

// Staged is the source of what `git commit` would add: the index compared
// with HEAD (or with the empty tree before the first commit). Only added
// lines are scanned; every other line is blanked, so line and column
// numbers are those of the staged file in an editor. Renames are treated
// as a deletion and an addition (git diff --cached --no-renames): a
// renamed file is scanned whole.
type Staged struct {
	repo Repo
	opts Options
}

// NewStaged returns the staged-changes source of repo. opts.Root is the
// path the user named; paths are shown relative to it.
func NewStaged(repo Repo, opts Options) *Staged { return &Staged{repo: repo, opts: opts} }

func (s *Staged) Name() string { return "git staged " + s.repo.Top }

// display shows a repository path the way the user named the tree.
func (s *Staged) display(p string) string {
	root := s.opts.Root
	if root == "" {
		return display(s.repo.Top, p)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return display(s.repo.Top, p)
	}
	up, err := filepath.Rel(abs, s.repo.Top)
	if err != nil {
		return display(s.repo.Top, p)
	}
	return display(filepath.Join(root, up), p)
}

// stagedChange is one staged file.
type stagedChange struct {
	path    string
	blob    plumbing.Hash
	mode    filemode.FileMode
	hasOld  bool
	old     plumbing.Hash // the blob at HEAD, when hasOld
	oldMode filemode.FileMode
}

func (s *Staged) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	if s.repo.Bare {
		return errors.New("--staged needs a working tree; this is a bare repository")
	}
	// With a git binary, git diff-index lists the change (it honours
	// GIT_INDEX_FILE, set during git commit -a) and one cat-file reads the
	// blobs; go-git, which must read the whole index and HEAD's trees, is
	// the fallback.
	var (
		changes []stagedChange
		read    func(ids []plumbing.Hash) (map[plumbing.Hash][]byte, map[plumbing.Hash]error)
		err     error
	)
	if g, ok := s.opts.runner(s.repo); ok {
		if changes, err = stagedChangesGit(ctx, g); err != nil {
			return err
		}
		be := &gitBackend{g: g}
		read = func(ids []plumbing.Hash) (map[plumbing.Hash][]byte, map[plumbing.Hash]error) {
			return readAll(ctx, be, ids, s.opts.MaxBlobSize)
		}
	} else {
		repo, err := s.repo.open()
		if err != nil {
			return err
		}
		if changes, err = stagedChanges(repo); err != nil {
			return err
		}
		be := &goGitBackend{repo: repo}
		read = func(ids []plumbing.Hash) (map[plumbing.Hash][]byte, map[plumbing.Hash]error) {
			return readAll(ctx, be, ids, s.opts.MaxBlobSize)
		}
	}
	var ids []plumbing.Hash
	for _, c := range changes {
		if c.mode == filemode.Submodule || c.mode == filemode.Symlink {
			continue
		}
		ids = append(ids, c.blob)
		if c.hasOld && c.oldMode.IsFile() && c.oldMode != filemode.Symlink {
			ids = append(ids, c.old)
		}
	}
	blobs, errs := read(ids)
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := s.display(c.path)
		o := scanner.Origin{Kind: scanner.KindGit, Path: p, Blob: c.blob.String(), Via: scanner.ViaStaged}
		switch {
		case c.mode == filemode.Submodule:
			skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: p, Reason: "submodule: not followed (scan its repository separately)"})
			continue
		case c.mode == filemode.Symlink:
			continue // the target's name, not content
		}
		if err := errs[c.blob]; err != nil {
			skip(scanner.Skipped{Kind: scanner.SkipUnreadable, Path: p, Reason: "staged blob: " + err.Error()})
			continue
		}
		content := s.added(c, blobs)
		if content == nil {
			continue
		}
		if lfsPointer(content) {
			skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: p, Reason: "Git LFS pointer: the content lives in LFS storage and was not scanned"})
			continue
		}
		err = emit(scanner.Item{Origin: o, Size: int64(len(content)), Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(content)), nil
		}})
		if err != nil {
			return err
		}
	}
	return nil
}

// readAll reads a few blobs into memory (at most max+1 bytes of each).
func readAll(ctx context.Context, be backend, ids []plumbing.Hash, max int64) (map[plumbing.Hash][]byte, map[plumbing.Hash]error) {
	out := map[plumbing.Hash][]byte{}
	errs := map[plumbing.Hash]error{}
	refs := make([]blobRef, 0, len(ids))
	for _, id := range ids {
		refs = append(refs, blobRef{id: id.String(), size: -1})
	}
	err := be.stream(ctx, refs, max, func(r blobRef, content []byte, err error) error {
		h := plumbing.NewHash(r.id)
		if errors.Is(err, errBig) {
			rc, oerr := be.open(ctx, r.id)
			if oerr != nil {
				errs[h] = oerr
				return nil
			}
			var src io.Reader = rc
			if max > 0 {
				src = io.LimitReader(rc, max+1)
			}
			content, err = io.ReadAll(src)
			rc.Close()
		}
		if err != nil {
			errs[h] = err
			return nil
		}
		out[h] = content
		return nil
	})
	if err != nil {
		for _, id := range ids {
			if _, ok := out[id]; !ok && errs[id] == nil {
				errs[id] = err
			}
		}
	}
	return out, errs
}

// added returns the staged blob with every line that is not added blanked
// (newlines kept), or nil when nothing was added.
func (s *Staged) added(c stagedChange, blobs map[plumbing.Hash][]byte) []byte {
	max := s.opts.MaxBlobSize
	newB := blobs[c.blob]
	if !c.hasOld || (max > 0 && int64(len(newB)) > max) {
		return newB
	}
	oldB, ok := blobs[c.old]
	if !ok || looksBinary(newB) || looksBinary(oldB) {
		return newB // cannot diff: scan the whole staged file
	}
	return addedLines(string(oldB), string(newB))
}

// addedLines keeps the lines of dst that a line diff from src marks as
// inserted and blanks the rest, or returns nil when none was inserted.
func addedLines(src, dst string) []byte {
	var b bytes.Buffer
	b.Grow(len(dst))
	any := false
	for _, d := range diff.Do(src, dst) {
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			b.WriteString(d.Text)
			any = true
		case diffmatchpatch.DiffEqual:
			b.WriteString(strings.Repeat("\n", strings.Count(d.Text, "\n")))
		}
	}
	if !any {
		return nil
	}
	return b.Bytes()
}

// stagedChanges compares the index with HEAD's tree with go-git (the
// fallback when no git binary is found). When the index's cached root tree
// (TREE extension) equals HEAD's, nothing is staged and no tree is read.
func stagedChanges(repo *gogit.Repository) ([]stagedChange, error) {
	idx, err := repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("reading the index: %w", err)
	}
	var headTree *object.Tree
	if ref, err := repo.Head(); err == nil {
		c, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return nil, fmt.Errorf("reading HEAD: %w", err)
		}
		if headTree, err = c.Tree(); err != nil {
			return nil, fmt.Errorf("reading HEAD's tree: %w", err)
		}
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, fmt.Errorf("reading HEAD: %w", err)
	}
	// go-git drops invalidated cached-tree entries, which loses the
	// nesting of the rest: only the root entry (named "") is usable.
	cached := map[string]plumbing.Hash{}
	if idx.Cache != nil && len(idx.Cache.Entries) > 0 && idx.Cache.Entries[0].Path == "" {
		cached[""] = idx.Cache.Entries[0].Hash
	}
	head := map[string]object.TreeEntry{} // files of HEAD outside clean dirs
	clean := map[string]bool{}            // dirs equal in index and HEAD
	if headTree != nil {
		if err := headFiles(repo, headTree, "", cached, head, clean); err != nil {
			return nil, err
		}
	}
	var out []stagedChange
	for _, e := range idx.Entries {
		if e.Stage != 0 { // a conflict (go-git's index.Merged is 1, but merged entries are stage 0 on disk)
			continue
		}
		if e.IntentToAdd || e.Hash == plumbing.ZeroHash {
			continue // git add -N: nothing staged yet
		}
		if underClean(e.Name, clean) {
			continue
		}
		c := stagedChange{path: e.Name, blob: e.Hash, mode: e.Mode}
		if old, ok := head[e.Name]; ok {
			if old.Hash == e.Hash && old.Mode == e.Mode {
				continue
			}
			c.hasOld, c.old, c.oldMode = true, old.Hash, old.Mode
			if old.Hash == e.Hash {
				continue // mode change only
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func underClean(p string, clean map[string]bool) bool {
	if len(clean) == 0 {
		return false
	}
	if clean[""] {
		return true
	}
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' && clean[p[:i]] {
			return true
		}
	}
	return false
}

// headFiles collects the files of t under prefix, except under
// directories whose cached index tree equals HEAD's.
func headFiles(repo *gogit.Repository, t *object.Tree, prefix string, cached map[string]plumbing.Hash, out map[string]object.TreeEntry, clean map[string]bool) error {
	if h, ok := cached[prefix]; ok && h == t.Hash {
		clean[prefix] = true
		return nil
	}
	for _, e := range t.Entries {
		p := e.Name
		if prefix != "" {
			p = prefix + "/" + e.Name
		}
		if e.Mode == filemode.Dir {
			sub, err := repo.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("reading tree %s (%s): %w", e.Hash, p, err)
			}
			if err := headFiles(repo, sub, p, cached, out, clean); err != nil {
				return err
			}
			continue
		}
		out[p] = e
	}
	return nil
}

// emptyTree is the id of git's empty tree, which every repository knows.
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// stagedChangesGit asks git for the staged paths (git diff-index uses the
// index's cached trees, so its cost follows the size of the change).
func stagedChangesGit(ctx context.Context, g *gitRunner) ([]stagedChange, error) {
	diff := func(base string) ([]byte, error) {
		return g.output(ctx, nil, "diff-index", "--cached", "--no-renames", "--raw", "-z", "--full-index", base)
	}
	out, err := diff("HEAD")
	if err != nil && ctx.Err() == nil {
		// no commit yet (HEAD names an unborn branch): everything is added
		if _, herr := g.output(ctx, nil, "rev-parse", "-q", "--verify", "HEAD^{commit}"); herr != nil {
			out, err = diff(emptyTree)
		}
	}
	if err != nil {
		return nil, err
	}
	var changes []stagedChange
	toks := bytes.Split(out, []byte{0})
	for i := 0; i+1 < len(toks); i += 2 {
		meta := strings.TrimLeft(string(toks[i]), "\n")
		path := string(toks[i+1])
		f := strings.Fields(strings.TrimPrefix(meta, ":"))
		if len(f) != 5 {
			continue
		}
		switch f[4] {
		case "A", "M", "T":
		default:
			continue // deleted or unmerged
		}
		newMode, err1 := filemode.New(f[1])
		oldMode, err2 := filemode.New(f[0])
		if err1 != nil || err2 != nil {
			continue
		}
		c := stagedChange{path: path, blob: plumbing.NewHash(f[3]), mode: newMode}
		if f[4] != "A" {
			c.hasOld, c.old, c.oldMode = true, plumbing.NewHash(f[2]), oldMode
		}
		changes = append(changes, c)
	}
	return changes, nil
}
