// Package config reads a project's .tokenscope.yaml: extra rules, rules
// turned off, allowlists, a default --fail-on and limits. A config found
// inside a scanned tree is untrusted input: it is size-limited, never read
// through a symbolic link, cannot name anything outside the scanned root,
// and what it turns off is said in the report (see Notices).
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// FileName is the config looked for at the root of a scanned tree.
const FileName = ".tokenscope.yaml"

// MaxSize is the largest config file read. Real configs are a few KB; the
// limit keeps a hostile tree from making the scanner parse megabytes of
// YAML before it scans anything.
const MaxSize = 256 << 10

// Limits a config may not go past, whatever it says.
const (
	// MaxListLen bounds each allowlist and the disable list; MaxRules
	// the extra rules.
	MaxListLen = 1000
	MaxRules   = 500

	MaxFileSizeCap     = 1 << 30
	MaxArchiveDepthCap = 10
)

// File is the schema of a config file (see docs/config.md).
type File struct {
	// Version is the schema version; 1 or left out.
	Version int `yaml:"version"`
	// FailOn is the default --fail-on (the flag wins).
	FailOn string `yaml:"fail_on"`
	// Disable lists rule ids to turn off (any registered id).
	Disable []string `yaml:"disable"`
	// Rules are extra rules in the schema of rules/*.yaml rules; they
	// extend the built-in set and may not reuse a built-in id.
	Rules []detectors.RuleSpec `yaml:"rules"`
	// Allow holds what is suppressed: reported as suppressed, never failing
	// the run.
	Allow AllowSpec `yaml:"allow"`
	// Limits override scan limits (the flags win).
	Limits LimitsSpec `yaml:"limits"`
}

// AllowSpec is the allow section.
type AllowSpec struct {
	// Paths are doublestar globs matched against a finding's path relative
	// to the scanned root; a pattern without a slash also matches the base
	// name anywhere.
	Paths []string `yaml:"paths"`
	// Values are Go regexps matched against the secret.
	Values []string `yaml:"values"`
	// Stopwords suppress a secret that contains one of them (ASCII case
	// ignored).
	Stopwords []string `yaml:"stopwords"`
	// Fingerprints accept credentials by their fingerprint (as reports
	// print it), wherever they are found; they hold under one fingerprint
	// scheme (key).
	Fingerprints []string `yaml:"fingerprints"`
	// Rules are allowlists that apply to one rule id only.
	Rules map[string]RuleAllow `yaml:"rules"`
	// Defaults turns the built-in allowlist (documented example keys) on
	// or off; on when left out.
	Defaults *bool `yaml:"defaults"`
}

// RuleAllow is an allowlist for one rule.
type RuleAllow struct {
	Paths     []string `yaml:"paths"`
	Values    []string `yaml:"values"`
	Stopwords []string `yaml:"stopwords"`
}

// LimitsSpec is the limits section.
type LimitsSpec struct {
	// MaxFileSize is a size such as 10MB.
	MaxFileSize string `yaml:"max_file_size"`
	// MaxArchiveDepth is how deep archives are opened.
	MaxArchiveDepth *int `yaml:"max_archive_depth"`
}

// Config is a checked config file.
type Config struct {
	// Path is the file as named.
	Path string
	// Discovered is set for a config found in the scanned tree (untrusted)
	// rather than named with --config.
	Discovered bool
	File       File
	// FailOn is set when the file names one.
	FailOn *scope.Level
	// MaxFileSize is 0 when the file names none.
	MaxFileSize int64
	// MaxArchiveDepth is nil when the file names none.
	MaxArchiveDepth *int
	// Rules are the compiled extra rules.
	Rules []*detectors.Rule

	allow *Allow
	doc   *doc
}

// ErrSymlink is returned for a config that is a symbolic link: it is never
// followed (it could point anywhere, such as another user's file).
var ErrSymlink = errors.New("is a symbolic link: not followed")

// Read reads a config file safely: a symbolic link, a non-regular file or
// a file larger than MaxSize is refused.
func Read(path string) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s %w", path, ErrSymlink)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if info.Size() > MaxSize {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d KiB a config may be", path, info.Size(), MaxSize>>10)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// the file opened must be the file examined (not swapped for a link)
	if st, err := f.Stat(); err != nil || !os.SameFile(info, st) {
		return nil, fmt.Errorf("%s: changed while being read", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than the %d KiB a config may be", path, MaxSize>>10)
	}
	return data, nil
}

// Load reads and checks a config file.
func Load(path string) (*Config, error) {
	data, err := Read(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Discover looks for FileName at the root of a scanned directory. It
// returns nil and no error when there is none. A config that is a symbolic
// link or not a regular file is ignored: the notice says so.
func Discover(root string) (cfg *Config, notice string, err error) {
	info, err := os.Stat(root)
	if err != nil || !info.IsDir() {
		return nil, "", nil
	}
	path := filepath.Join(root, FileName)
	li, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, fmt.Sprintf("config %s not read: %v", filepath.ToSlash(path), err), nil
	}
	if li.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Sprintf("config %s ignored: it is a symbolic link, and a config is never read through one", filepath.ToSlash(path)), nil
	}
	if !li.Mode().IsRegular() {
		return nil, fmt.Sprintf("config %s ignored: not a regular file", filepath.ToSlash(path)), nil
	}
	cfg, err = Load(path)
	if err != nil {
		return nil, "", err
	}
	cfg.Discovered = true
	return cfg, "", nil
}

// Parse checks a config's text; name is used in errors.
func Parse(name string, data []byte) (*Config, error) {
	d := &doc{file: filepath.ToSlash(name), pos: map[string][2]int{}}
	var f File
	parseStrict(d, data, &f)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	c := &Config{Path: d.file, File: f, doc: d}
	if f.Version != 0 && f.Version != 1 {
		d.errAt("version", "version %d is not known (want 1)", f.Version)
	}
	if f.FailOn != "" {
		lvl, err := scope.ParseLevel(f.FailOn)
		if err != nil {
			d.errAt("fail_on", "%v", err)
		} else {
			c.FailOn = &lvl
		}
	}
	for i, id := range f.Disable {
		if strings.TrimSpace(id) == "" {
			d.errAt(fmt.Sprintf("disable[%d]", i), "empty rule id")
		}
	}
	if len(f.Disable) > MaxListLen {
		d.errAt("disable", "%d entries; at most %d", len(f.Disable), MaxListLen)
	}
	if len(f.Rules) > MaxRules {
		d.errAt("rules", "%d rules; a config may add at most %d", len(f.Rules), MaxRules)
		f.Rules = nil
	}
	c.Rules = compileRules(d, f.Rules, "rules")
	c.allow = compileAllow(d, f.Allow)
	if s := f.Limits.MaxFileSize; s != "" {
		n, err := ParseSize(s)
		switch {
		case err != nil:
			d.errAt("limits.max_file_size", "%v", err)
		case n > MaxFileSizeCap:
			d.errAt("limits.max_file_size", "%s is more than the 1GB a config may set", s)
		default:
			c.MaxFileSize = n
		}
	}
	if p := f.Limits.MaxArchiveDepth; p != nil {
		if *p < 0 || *p > MaxArchiveDepthCap {
			d.errAt("limits.max_archive_depth", "%d is outside 0..%d", *p, MaxArchiveDepthCap)
		} else {
			c.MaxArchiveDepth = p
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return c, nil
}

// compileRules checks and compiles rule specs, naming the field of each
// problem. prefix is the list's path ("rules").
func compileRules(d *doc, specs []detectors.RuleSpec, prefix string) []*detectors.Rule {
	var out []*detectors.Rule
	seen := map[string]int{}
	for i, s := range specs {
		at := fmt.Sprintf("%s[%d]", prefix, i)
		before := len(d.errs)
		for field, v := range map[string]string{"id": s.ID, "provider": s.Provider, "kind": s.Kind, "pattern": s.Pattern} {
			if strings.TrimSpace(v) == "" {
				d.errAt(at+"."+field, "required")
			}
		}
		if j, dup := seen[s.ID]; dup && s.ID != "" {
			d.errAt(at+".id", "%q is already the id of %s[%d]", s.ID, prefix, j)
		}
		seen[s.ID] = i
		if len(s.Literals) == 0 {
			d.errAt(at+".literals", "at least one literal is required (a word every match contains, 3 bytes or more)")
		}
		for j, l := range s.Literals {
			if len(l) < 3 {
				d.errAt(fmt.Sprintf("%s.literals[%d]", at, j), "literal %q is shorter than 3 bytes", l)
			}
		}
		if s.Pattern != "" {
			if _, err := regexp.Compile(s.Pattern); err != nil {
				d.errAt(at+".pattern", "not a valid Go regexp: %v", err)
			}
		}
		if len(s.Examples.Positive) == 0 {
			d.errAt(at+".examples.positive", "a rule needs at least one positive example (text it must find)")
		}
		if len(s.Examples.Negative) == 0 {
			d.errAt(at+".examples.negative", "a rule needs at least one negative example (text it must not find)")
		}
		if s.Validate != "" {
			if _, ok := detectors.Validator(s.Validate); !ok {
				d.errAt(at+".validate", "unknown validation %q", s.Validate)
			}
		}
		if err := s.Scope.Validate(); err != nil {
			d.errAt(at+".scope", "%v", err)
		}
		if len(d.errs) > before {
			continue
		}
		r, err := detectors.CompileRule(s)
		if err != nil {
			field := at
			msg := err.Error()
			switch {
			case strings.Contains(msg, "max_len") || strings.Contains(msg, "max length"):
				field = at + ".pattern"
			case strings.Contains(msg, "decoder"):
				field = at + ".decode"
			}
			d.errAt(field, "%s", strings.TrimPrefix(msg, "rule "+s.ID+": "))
			continue
		}
		out = append(out, r)
	}
	return out
}

// ParseSize reads sizes such as 25MB, 512KiB, 1G or plain bytes.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t = strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			mult = u.m
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(t, &n); err != nil || n <= 0 || fmt.Sprint(n) != t {
		return 0, fmt.Errorf("%q is not a size (examples: 25MB, 512KB, 1048576)", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * mult, nil
}

// validGlob checks an allowlist path pattern: a valid doublestar glob,
// relative, never climbing out of the root.
func validGlob(p string) error {
	if p == "" {
		return errors.New("empty pattern")
	}
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return errors.New("patterns are relative to the scanned root; remove the leading slash")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return errors.New("a pattern may not climb out of the scanned root (..)")
		}
	}
	if !doublestar.ValidatePattern(p) {
		return errors.New("not a valid glob")
	}
	return nil
}
