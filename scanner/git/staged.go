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
	repo, err := s.repo.open()
	if err != nil {
		return err
	}
	var changes []stagedChange
	if g, ok := s.opts.runner(s.repo); ok {
		changes, err = stagedChangesGit(ctx, g, repo)
	} else {
		changes, err = stagedChanges(repo)
	}
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := s.display(c.path)
		o := scanner.Origin{Kind: "git", Path: p, Blob: c.blob.String(), Via: "staged"}
		switch {
		case c.mode == filemode.Submodule:
			skip(scanner.Skipped{Path: p, Reason: "submodule: not followed (scan its repository separately)"})
			continue
		case c.mode == filemode.Symlink:
			continue // the target's name, not content
		}
		content, err := s.added(repo, c)
		if err != nil {
			skip(scanner.Skipped{Path: p, Reason: "staged blob: " + err.Error()})
			continue
		}
		if content == nil {
			continue
		}
		if lfsPointer(content) {
			skip(scanner.Skipped{Path: p, Reason: "Git LFS pointer: the content lives in LFS storage and was not scanned"})
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

// added returns the staged blob with every line that is not added blanked
// (newlines kept), or nil when nothing was added.
func (s *Staged) added(repo *gogit.Repository, c stagedChange) ([]byte, error) {
	max := s.opts.MaxBlobSize
	newB, err := readBlob(repo, c.blob, max)
	if err != nil {
		return nil, err
	}
	if !c.hasOld || c.oldMode == filemode.Submodule || c.oldMode == filemode.Symlink || (max > 0 && int64(len(newB)) > max) {
		return newB, nil
	}
	oldB, err := readBlob(repo, c.old, max)
	if err != nil || looksBinary(newB) || looksBinary(oldB) {
		return newB, nil // cannot diff: scan the whole staged file
	}
	return addedLines(string(oldB), string(newB)), nil
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

func readBlob(repo *gogit.Repository, h plumbing.Hash, max int64) ([]byte, error) {
	obj, err := repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	return readObject(obj, max)
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
func stagedChangesGit(ctx context.Context, g *gitRunner, repo *gogit.Repository) ([]stagedChange, error) {
	base := "HEAD"
	if _, err := repo.Head(); err != nil {
		if !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return nil, fmt.Errorf("reading HEAD: %w", err)
		}
		base = emptyTree // no commit yet
	}
	out, err := g.output(ctx, nil, "diff-index", "--cached", "--no-renames", "--raw", "-z", "--full-index", base)
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
