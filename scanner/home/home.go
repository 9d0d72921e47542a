// Package home is the home-directory source: the credential stores that
// command-line tools, cloud SDKs, package managers and AI agents keep in a
// user's home (credential-facts.md, "Credential stores an agent can read").
//
// Each store file is read once, read-only, and yielded as an Item (Origin
// Kind "home", Store naming the store) so every detector runs over it; the
// package's file-format detectors (ReachFormats, StoreFormats: engine
// Formats) read the values its format (INI, JSON, YAML, TOML, netrc, ...)
// holds, naming the profile, host or server each belongs to. Many stored
// values carry no prefix (a Railway login token, a .netrc password, a
// Docker auth): only the parser can find those.
//
// Nothing is executed: credential helpers and kubeconfig exec plugins are
// named, never run. Symbolic links are followed only to regular files the
// current user can open; loops end in a skipped entry.
package home

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/tokenscope/tokenscope/scanner"
)

// Via is the reach of every item of the home source.
const Via = scanner.ViaHome

// DefaultMaxFileSize bounds how much of one store is read.
const DefaultMaxFileSize = 25 << 20

// Options tune the home source.
type Options struct {
	// Home is the directory to audit.
	Home string
	// Getenv, when set, supplies the variables that move stores
	// (KUBECONFIG, AWS_SHARED_CREDENTIALS_FILE, CARGO_HOME, ...). Leave it
	// nil to look only at the default places under Home.
	Getenv func(string) string
	// MaxFileSize bounds how much of one store is read; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
}

// Status says what was found at one store path.
type Status struct {
	Store string `json:"store"`
	Path  string `json:"path"`
	// Abs is the store's absolute path.
	Abs string `json:"-"`
	// State is "read", "unreadable" or "not a regular file".
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// Source yields the credential stores found under a home directory.
type Source struct {
	opts Options

	mu     sync.Mutex
	perms  map[string]Perm // by display path, for Finish
	status []Status
}

// New returns a home source.
func New(opts Options) *Source {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	return &Source{opts: opts}
}

func (s *Source) Name() string { return "home" }

// Stores lists every store path that exists, with what became of it,
// sorted by path. It is complete once Walk has returned.
func (s *Source) Stores() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Status(nil), s.status...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// candidate is one store path to look at.
type candidate struct {
	store   *store
	abs     string
	display string
}

// candidates expands the store table against the home directory and the
// override variables, without duplicates.
func (s *Source) candidates() []candidate {
	var out []candidate
	seen := map[string]bool{}
	add := func(st *store, abs, display string) {
		if seen[abs] {
			return
		}
		seen[abs] = true
		out = append(out, candidate{store: st, abs: abs, display: display})
	}
	home := s.opts.Home
	for i := range storeTable {
		st := &storeTable[i]
		for _, rel := range st.paths {
			pat := filepath.Join(home, filepath.FromSlash(rel))
			if strings.ContainsAny(rel, "*?[") {
				matches, _ := filepath.Glob(pat)
				sort.Strings(matches)
				for _, m := range matches {
					if st.exclude != nil && st.exclude(filepath.Base(m)) {
						continue
					}
					add(st, m, s.display(m))
				}
				continue
			}
			add(st, pat, s.display(pat))
		}
		if s.opts.Getenv != nil {
			for _, p := range st.fromEnv(s.opts.Getenv) {
				abs, err := filepath.Abs(p)
				if err != nil {
					continue
				}
				add(st, abs, s.display(abs))
			}
		}
	}
	return out
}

// display names a path as a person finds it again: "~/.aws/credentials"
// under the audited home, the absolute path elsewhere.
func (s *Source) display(abs string) string {
	rel, err := filepath.Rel(s.opts.Home, abs)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "~/" + filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// Walk reads every store that exists and emits it as an item.
func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	if s.opts.Home == "" {
		return errors.New("no home directory given")
	}
	if info, err := os.Stat(s.opts.Home); err != nil {
		return fmt.Errorf("home %s: %w", s.opts.Home, err)
	} else if !info.IsDir() {
		return fmt.Errorf("home %s: not a directory", s.opts.Home)
	}
	for _, c := range s.candidates() {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, perm, ok := s.read(c, skip)
		if !ok {
			continue
		}
		origin := scanner.Origin{Kind: scanner.KindHome, Path: c.display, Store: c.store.name, Via: Via}
		s.mu.Lock()
		if s.perms == nil {
			s.perms = map[string]Perm{}
		}
		s.perms[c.display] = perm
		s.mu.Unlock()
		content := data
		if err := emit(scanner.Item{
			Origin: origin,
			Size:   int64(len(content)),
			Open:   func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil },
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) record(st Status) {
	s.mu.Lock()
	s.status = append(s.status, st)
	s.mu.Unlock()
}

// read opens one store if it exists and is a regular file the current
// user can open, following symbolic links (loops are reported).
func (s *Source) read(c candidate, skip func(scanner.Skipped)) ([]byte, Perm, bool) {
	linfo, err := os.Lstat(c.abs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.unreadable(c, "cannot examine: "+errText(err), skip)
		}
		return nil, Perm{}, false // a missing store is simply absent
	}
	info := linfo
	if linfo.Mode()&fs.ModeSymlink != 0 {
		info, err = os.Stat(c.abs)
		if err != nil {
			if isLoop(err) {
				s.unreadable(c, "symbolic link loop: not followed", skip)
			} else if errors.Is(err, fs.ErrNotExist) {
				s.unreadable(c, "broken symbolic link: not followed", skip)
			} else {
				s.unreadable(c, "symbolic link target cannot be examined: "+errText(err), skip)
			}
			return nil, Perm{}, false
		}
	}
	if info.IsDir() {
		return nil, Perm{}, false
	}
	if !info.Mode().IsRegular() {
		s.record(Status{Store: c.store.name, Path: c.display, Abs: c.abs, State: "not a regular file"})
		skip(scanner.Skipped{Kind: scanner.SkipNotFollowed, Path: c.display, Reason: "credential store is not a regular file: never opened"})
		return nil, Perm{}, false
	}
	f, err := openStore(c.abs)
	if err != nil {
		s.unreadable(c, "not readable by this user ("+errText(err)+"): an agent running as this user cannot read it either", skip)
		return nil, Perm{}, false
	}
	defer f.Close()
	finfo, err := f.Stat()
	if err != nil || !finfo.Mode().IsRegular() {
		s.unreadable(c, "changed while being opened: not read", skip)
		return nil, Perm{}, false
	}
	data, err := io.ReadAll(io.LimitReader(f, s.opts.MaxFileSize))
	if err != nil {
		s.unreadable(c, "read error: "+errText(err), skip)
		return nil, Perm{}, false
	}
	s.record(Status{Store: c.store.name, Path: c.display, Abs: c.abs, State: "read"})
	return data, PermOf(finfo, true), true
}

func (s *Source) unreadable(c candidate, reason string, skip func(scanner.Skipped)) {
	s.record(Status{Store: c.store.name, Path: c.display, Abs: c.abs, State: "unreadable", Reason: reason})
	skip(scanner.Skipped{Kind: scanner.SkipUnreadable, Path: c.display, Reason: "credential store " + reason})
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
