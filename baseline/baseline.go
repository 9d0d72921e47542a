// Package baseline keeps the findings a project has accepted, so that a
// scan reports and fails only on new ones.
//
// A baseline is a JSON file of entries, one per credential and file: the
// rule id, the file's path relative to the scanned root and the finding's
// fingerprint (a keyed hash of rule and secret, never the secret and never
// a line number). Lines moving, being added above or the file being edited
// elsewhere do not make a finding new; the same secret in another file, or
// the file renamed, does: a credential that shows up in a new place is
// reported once more, and the old entry goes stale until `baseline prune`
// drops it. Entries are sorted and written one a line, so a baseline diffs
// and merges like any sorted list.
package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Version is the format version written in every baseline.
const Version = 1

// MaxSize bounds the baseline file read (about 100k entries).
const MaxSize = 32 << 20

// Entry is one accepted credential in one file.
type Entry struct {
	// Path is slash-separated and relative to the scanned root; an archive
	// member is "outer.zip!inner/file".
	Path string `json:"path"`
	// RuleID names the rule that found it, for people reading the file.
	RuleID string `json:"rule_id"`
	// Fingerprint is the finding's fingerprint.
	Fingerprint string `json:"fingerprint"`
}

func (e Entry) key() string { return e.Path + "\x00" + e.Fingerprint }

// File is a baseline.
type File struct {
	// Scheme names how fingerprints were made (see the scanner's
	// fingerprint); a baseline made with another scheme matches nothing.
	Scheme  string
	Entries []Entry
}

type fileJSON struct {
	Tool     string  `json:"tool"`
	Version  int     `json:"version"`
	Scheme   string  `json:"fingerprint_scheme,omitempty"`
	Findings []Entry `json:"findings"`
}

// Sort orders entries by path, rule id and fingerprint, and drops
// duplicates.
func (f *File) Sort() {
	sort.Slice(f.Entries, func(i, j int) bool {
		a, b := f.Entries[i], f.Entries[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Fingerprint < b.Fingerprint
	})
	out := f.Entries[:0]
	for i, e := range f.Entries {
		if i > 0 && e == f.Entries[i-1] {
			continue
		}
		out = append(out, e)
	}
	f.Entries = out
}

// Encode writes the baseline: sorted, one entry a line, so that two
// branches that each accept a finding merge without a conflict unless
// they touch neighbouring entries.
func (f *File) Encode() []byte {
	f.Sort()
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"tool\": \"tokenscope\",\n  \"version\": %d,\n", Version)
	if f.Scheme != "" {
		s, _ := json.Marshal(f.Scheme)
		fmt.Fprintf(&b, "  \"fingerprint_scheme\": %s,\n", s)
	}
	if len(f.Entries) == 0 {
		b.WriteString("  \"findings\": []\n}\n")
		return b.Bytes()
	}
	b.WriteString("  \"findings\": [\n")
	for i, e := range f.Entries {
		line, _ := marshalNoEscape(e)
		b.WriteString("    ")
		b.Write(line)
		if i < len(f.Entries)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Decode reads a baseline.
func Decode(name string, data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var j fileJSON
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%s: not a tokenscope baseline: %w", name, err)
	}
	if j.Tool != "tokenscope" {
		return nil, fmt.Errorf("%s: not a tokenscope baseline (tool %q)", name, j.Tool)
	}
	if j.Version != Version {
		return nil, fmt.Errorf("%s: baseline version %d is not known (want %d)", name, j.Version, Version)
	}
	for i, e := range j.Findings {
		if e.Path == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: findings[%d]: path and fingerprint are required", name, i)
		}
	}
	return &File{Scheme: j.Scheme, Entries: j.Findings}, nil
}

// Read reads a baseline file (never through a symbolic link: it could
// name any file).
func Read(path string) (*File, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symbolic link: not followed", path)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, MaxSize>>20)
	}
	return Decode(filepath.ToSlash(path), data)
}

// Write writes a baseline atomically (a temporary file renamed over the
// target).
func Write(path string, f *File) error {
	data := f.Encode()
	if info, err := os.Lstat(path); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file; not replaced", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokenscope-baseline-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// A Matcher answers whether findings are in a baseline and remembers which
// entries matched, so the rest can be reported stale. It is not safe for
// concurrent use.
type Matcher struct {
	file *File
	idx  map[string]int
	used []bool
}

// NewMatcher indexes a baseline.
func NewMatcher(f *File) *Matcher {
	m := &Matcher{file: f, idx: make(map[string]int, len(f.Entries)), used: make([]bool, len(f.Entries))}
	for i, e := range f.Entries {
		m.idx[e.key()] = i
	}
	return m
}

// Match reports whether the credential with this fingerprint at path
// (relative to the scanned root) is in the baseline, and marks its entry
// used.
func (m *Matcher) Match(path, fingerprint string) bool {
	i, ok := m.idx[path+"\x00"+fingerprint]
	if ok {
		m.used[i] = true
	}
	return ok
}

// Stale lists the entries no Match call has used, sorted.
func (m *Matcher) Stale() []Entry {
	var out []Entry
	for i, e := range m.file.Entries {
		if !m.used[i] {
			out = append(out, e)
		}
	}
	return out
}

// Used lists the entries that matched, sorted.
func (m *Matcher) Used() []Entry {
	var out []Entry
	for i, e := range m.file.Entries {
		if m.used[i] {
			out = append(out, e)
		}
	}
	return out
}

// Location is the baseline path of a finding: its file relative to root
// and, for archive members, each inner name after a "!".
func Location(root, path string, chain []string) string {
	if len(chain) == 0 {
		return RelPath(root, path)
	}
	parts := append([]string{RelPath(root, chain[0])}, chain[1:]...)
	parts = append(parts, path)
	return strings.Join(parts, "!")
}

// RelPath makes a reported path (slash-separated, as the sources print
// it) relative to the scanned root it came from. A root that is a file
// gives its base name.
func RelPath(root, p string) string {
	r := filepath.ToSlash(filepath.Clean(root))
	p = filepath.ToSlash(p)
	switch {
	case r == ".":
		return strings.TrimPrefix(p, "./")
	case p == r:
		return p[strings.LastIndexByte(p, '/')+1:]
	case strings.HasPrefix(p, strings.TrimSuffix(r, "/")+"/"):
		return p[len(strings.TrimSuffix(r, "/"))+1:]
	}
	return p
}
