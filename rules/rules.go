// Package rules holds the built-in rule files, one YAML file per provider,
// and turns them into detectors.
package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/tokenscope/tokenscope/detectors"
)

//go:generate go run ./internal/gen

// The built-in specs are builtinSpecs, generated from *.yaml into
// builtin_gen.go by `go generate ./rules`: decoding the YAML at start was
// most of the start-up of every command (TestGeneratedSpecsUpToDate keeps
// the two in step).

// File is the shape of one rules/*.yaml file.
type File struct {
	// Provider is the default provider of every rule in the file.
	Provider string               `yaml:"provider"`
	Rules    []detectors.RuleSpec `yaml:"rules"`
}

// Specs returns the built-in rule specs, in rule-file-name order. The
// slice is the caller's; the specs' own slices are shared and read-only.
func Specs() ([]detectors.RuleSpec, error) { return slices.Clone(builtinSpecs), nil }

// DecodeFS decodes every *.yaml rule file at the top of fsys, in file-name
// order, with unknown fields refused (go generate and the tests read
// rules/*.yaml through it).
func DecodeFS(fsys fs.FS) ([]detectors.RuleSpec, error) { return specsFrom(fsys) }

// specsFrom decodes every *.yaml file at the top of fsys, in file-name
// order, the files in parallel (decoding is most of start-up).
func specsFrom(fsys fs.FS) ([]detectors.RuleSpec, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	per := make([][]detectors.RuleSpec, len(names))
	errs := make([]error, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(names); i = int(next.Add(1) - 1) {
				per[i], errs[i] = decodeFile(fsys, names[i])
			}
		}()
	}
	wg.Wait()
	var out []detectors.RuleSpec
	for i := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, per[i]...)
	}
	return out, nil
}

func decodeFile(fsys fs.FS, name string) ([]detectors.RuleSpec, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules/%s: %w", name, err)
	}
	for i := range f.Rules {
		if f.Rules[i].Provider == "" {
			f.Rules[i].Provider = f.Provider
		}
	}
	return f.Rules, nil
}

// Load compiles every embedded rule, once per process: later calls (the
// detector set, the rule registry) share the compiled rules, which are
// immutable and safe for concurrent use. The slice is the caller's.
func Load() ([]*detectors.Rule, error) {
	loaded.once.Do(func() { loaded.rules, loaded.err = compileBuiltins(builtinSpecs, builtinMaxLen) })
	return slices.Clone(loaded.rules), loaded.err
}

var loaded struct {
	once  sync.Once
	rules []*detectors.Rule
	err   error
}

// LoadFS compiles the rules of every *.yaml file at the top of fsys, with
// the same checks as the built-in ones (unknown fields, duplicate ids,
// unbounded patterns, scope values, validators and decoders).
func LoadFS(fsys fs.FS) ([]*detectors.Rule, error) {
	specs, err := specsFrom(fsys)
	if err != nil {
		return nil, err
	}
	return compileSpecs(specs)
}

func compileSpecs(specs []detectors.RuleSpec) ([]*detectors.Rule, error) {
	out := make([]*detectors.Rule, 0, len(specs))
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.ID] {
			return nil, fmt.Errorf("rule id %q is declared twice", s.ID)
		}
		seen[s.ID] = true
		r, err := detectors.CompileRule(s)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		out = append(out, r)
	}
	if err := detectors.LinkShapes(out); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return out, nil
}

// compileBuiltins compiles the generated specs without parsing their
// patterns (go generate checked them; each is parsed when first reached).
func compileBuiltins(specs []detectors.RuleSpec, maxLen []int) ([]*detectors.Rule, error) {
	if len(maxLen) != len(specs) {
		return nil, fmt.Errorf("rules: builtin_gen.go is inconsistent (%d specs, %d bounds): run go generate ./rules", len(specs), len(maxLen))
	}
	out := make([]*detectors.Rule, 0, len(specs))
	for i, s := range specs {
		r, err := detectors.CompileBuiltin(s, maxLen[i])
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		out = append(out, r)
	}
	if err := detectors.LinkShapes(out); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return out, nil
}

// Builtin returns every built-in detector: the compiled rules followed by
// the code detectors.
func Builtin() ([]detectors.Detector, error) {
	rs, err := Load()
	if err != nil {
		return nil, err
	}
	out := make([]detectors.Detector, 0, len(rs)+8)
	for _, r := range rs {
		out = append(out, r)
	}
	out = append(out, detectors.CodeDetectors()...)
	return out, nil
}

// BuiltinSet builds the detector set from every built-in detector.
func BuiltinSet() (*detectors.Set, error) {
	ds, err := Builtin()
	if err != nil {
		return nil, err
	}
	return detectors.NewSet(ds)
}
