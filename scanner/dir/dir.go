// Package dir is the directory source: it yields every regular file an
// agent could read under the given paths, hidden and git-ignored files
// included, but not .git internals (history is the git source's job).
package dir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// Options tune the walk.
type Options struct {
	// FollowSymlinks follows symbolic links that stay inside the root.
	FollowSymlinks bool
	// Exclude holds glob patterns (path.Match syntax) matched against each
	// path relative to its root and against each base name.
	Exclude []string
	// Via is copied into every Origin ("workspace" by default).
	Via scanner.Via
}

// Source walks directory trees and files.
type Source struct {
	roots []string
	opts  Options
}

// New returns a source over roots (directories or files).
func New(roots []string, opts Options) *Source {
	return &Source{roots: roots, opts: opts}
}

func (s *Source) Name() string { return "dir" }

// CheckRoots reports the first root that does not exist or cannot be
// examined, so a command can fail early with a usage error.
func CheckRoots(roots []string) error {
	for _, r := range roots {
		if _, err := os.Stat(r); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: no such file or directory", r)
			}
			return err
		}
	}
	return nil
}

func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	var errs []error
	for _, root := range s.roots {
		w := &walker{src: s, ctx: ctx, emit: emit, skip: skip, visited: map[fileID]bool{}}
		if err := w.root(root); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

type walker struct {
	src      *Source
	ctx      context.Context
	emit     func(scanner.Item) error
	skip     func(scanner.Skipped)
	rootReal string
	visited  map[fileID]bool
}

func display(p string) string { return filepath.ToSlash(filepath.Clean(p)) }

func (w *walker) root(root string) error {
	// A root named by the user is followed even when it is a link.
	info, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("%s: %w", root, err)
	}
	w.rootReal, _ = filepath.Abs(real)
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(root), Reason: "not a regular file (" + kindOf(info.Mode()) + "): never opened"})
			return nil
		}
		return w.file(root, "", info)
	}
	if id, ok := idOf(info); ok {
		w.visited[id] = true
	}
	return w.dir(root, "")
}

// excluded matches rel (slash-separated, relative to the root) against the
// exclude globs.
func (w *walker) excluded(rel string) bool {
	if rel == "" {
		return false
	}
	base := rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		base = rel[i+1:]
	}
	for _, g := range w.src.opts.Exclude {
		if ok, _ := filepath.Match(g, rel); ok {
			return true
		}
		if ok, _ := filepath.Match(g, base); ok {
			return true
		}
	}
	return false
}

func (w *walker) dir(path, rel string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		w.skip(scanner.Skipped{Kind: scanner.SkipUnreadable, Path: display(path), Reason: "directory not readable: " + errText(err)})
		if len(entries) == 0 {
			return nil
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		child := filepath.Join(path, name)
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		if w.excluded(childRel) {
			continue
		}
		t := e.Type()
		switch {
		case t.IsDir():
			if name == ".git" {
				continue // history is the git source's
			}
			if err := w.dir(child, childRel); err != nil {
				return err
			}
		case t.IsRegular():
			if err := w.file(child, childRel, nil); err != nil {
				return err
			}
		case t&fs.ModeSymlink != 0:
			if err := w.symlink(child, childRel); err != nil {
				return err
			}
		default:
			w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(child), Reason: "not a regular file (" + kindOf(t) + "): never opened"})
		}
	}
	return nil
}

func (w *walker) symlink(path, rel string) error {
	if !w.src.opts.FollowSymlinks {
		w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(path), Reason: "symbolic link not followed (use --follow-symlinks)"})
		return nil
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(path), Reason: "broken or looping symbolic link: " + errText(err)})
		return nil
	}
	abs, _ := filepath.Abs(target)
	if !within(w.rootReal, abs) {
		w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(path), Reason: "symbolic link points outside the scanned root: not followed"})
		return nil
	}
	info, err := os.Stat(target)
	if err != nil {
		w.skip(scanner.Skipped{Kind: scanner.SkipUnreadable, Path: display(path), Reason: "symbolic link target not readable: " + errText(err)})
		return nil
	}
	if info.IsDir() {
		id, ok := idOf(info)
		if ok && w.visited[id] {
			w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(path), Reason: "symbolic link loop: directory already scanned"})
			return nil
		}
		if ok {
			w.visited[id] = true
		}
		return w.dir(path, rel)
	}
	if !info.Mode().IsRegular() {
		w.skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: display(path), Reason: "not a regular file (" + kindOf(info.Mode()) + "): never opened"})
		return nil
	}
	if id, ok := idOf(info); ok {
		if w.visited[id] {
			return nil // the same file reached twice through links
		}
		w.visited[id] = true
	}
	return w.file(path, rel, info)
}

func within(root, p string) bool {
	if root == p {
		return true
	}
	r := root
	if !strings.HasSuffix(r, string(filepath.Separator)) {
		r += string(filepath.Separator)
	}
	return strings.HasPrefix(p, r)
}

func (w *walker) file(path, rel string, info fs.FileInfo) error {
	size := int64(-1)
	if info != nil {
		size = info.Size()
	}
	follow := w.src.opts.FollowSymlinks || rel == ""
	return w.emit(scanner.Item{
		Origin: scanner.Origin{Kind: scanner.KindFile, Path: display(path), Via: w.src.opts.Via},
		Size:   size,
		Open: func() (io.ReadCloser, error) {
			return openRegular(path, follow)
		},
	})
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "special file"
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
