package detectors

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// RuleSource says which kind of code emits a rule id.
type RuleSource string

// Rule sources.
const (
	SourceRule  RuleSource = "rule"  // a YAML rule (rules/*.yaml)
	SourceCode  RuleSource = "code"  // a code detector (CodeDetectors)
	SourceStore RuleSource = "store" // a credential-store format (scanner/home)
	SourceEnv   RuleSource = "env"   // a value named as a credential (scanner/env)
	// SourceCustom marks a rule loaded at run time from a user's rule
	// file; such rules are not in Registry (it lists what the program
	// itself can emit): a command adds them to a copy (Clone, Add).
	SourceCustom RuleSource = "custom"
)

// Entry is one registered rule: its Info and which kinds of code emit it.
type Entry struct {
	Info
	// Source is what declares the rule (its Info is that one's).
	Source RuleSource `json:"source"`
	// AlsoFrom lists further sources that emit the same id: a store
	// format that finds a Hugging Face token by its file reports it as
	// the YAML rule does.
	AlsoFrom []RuleSource `json:"also_from,omitempty"`
}

// A RuleRegistry lists every rule id tokenscope can report, once.
type RuleRegistry struct {
	entries map[string]Entry
}

// NewRuleRegistry returns an empty registry.
func NewRuleRegistry() *RuleRegistry { return &RuleRegistry{entries: map[string]Entry{}} }

// Add registers infos as coming from src. An empty id, or an id src
// already registered, is an error. An id another source registered first
// keeps that source's Info and gains src in AlsoFrom: one id names one
// kind of credential, however it is found.
func (r *RuleRegistry) Add(src RuleSource, infos ...Info) error {
	for _, inf := range infos {
		if inf.ID == "" {
			return fmt.Errorf("%s rule with no id (%s %s)", src, inf.Provider, inf.Kind)
		}
		if prev, dup := r.entries[inf.ID]; dup {
			if prev.Source == src || slices.Contains(prev.AlsoFrom, src) {
				return fmt.Errorf("rule id %q is registered twice by %s", inf.ID, src)
			}
			prev.AlsoFrom = append(prev.AlsoFrom, src)
			r.entries[inf.ID] = prev
			continue
		}
		r.entries[inf.ID] = Entry{Info: inf, Source: src}
	}
	return nil
}

// Lookup returns the registered rule of an id.
func (r *RuleRegistry) Lookup(id string) (Entry, bool) {
	e, ok := r.entries[id]
	return e, ok
}

// Entries lists every registered rule, sorted by id.
func (r *RuleRegistry) Entries() []Entry {
	out := make([]Entry, 0, len(r.entries))
	for _, e := range r.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Infos maps every registered id to its Info (reporters.Run.Rules).
func (r *RuleRegistry) Infos() map[string]Info {
	m := make(map[string]Info, len(r.entries))
	for id, e := range r.entries {
		m[id] = e.Info
	}
	return m
}

// Clone returns a copy of r that can be added to without changing r.
func (r *RuleRegistry) Clone() *RuleRegistry {
	c := NewRuleRegistry()
	for id, e := range r.entries {
		e.AlsoFrom = slices.Clone(e.AlsoFrom)
		c.entries[id] = e
	}
	return c
}

// Len is the number of registered rules.
func (r *RuleRegistry) Len() int { return len(r.entries) }

var global struct {
	mu        sync.Mutex
	providers []provider
	reg       *RuleRegistry
	err       error
	built     bool
}

type provider struct {
	src RuleSource
	fn  func() ([]Info, error)
}

// Register adds a provider of rule infos to the process's registry; every
// package that emits rule ids registers them from an init function
// (package rules its YAML rules, scanner/home its store formats,
// scanner/env its named credential). fn is called once, lazily, by the
// first Registry call. Registering after that is a programming error and
// panics.
func Register(src RuleSource, fn func() ([]Info, error)) {
	global.mu.Lock()
	defer global.mu.Unlock()
	if global.built {
		panic("detectors.Register called after Registry")
	}
	global.providers = append(global.providers, provider{src, fn})
}

// Registry returns the registry of every rule id the linked packages can
// emit. It is built once; later calls return the same registry.
func Registry() (*RuleRegistry, error) {
	global.mu.Lock()
	defer global.mu.Unlock()
	if !global.built {
		global.built = true
		reg := NewRuleRegistry()
		// a fixed order, whatever the order of package inits: the first
		// source of an id declares it
		rank := map[RuleSource]int{SourceRule: 0, SourceCode: 1, SourceStore: 2, SourceEnv: 3}
		ps := slices.Clone(global.providers)
		sort.SliceStable(ps, func(i, j int) bool { return rank[ps[i].src] < rank[ps[j].src] })
		for _, p := range ps {
			infos, err := p.fn()
			if err == nil {
				err = reg.Add(p.src, infos...)
			}
			if err != nil {
				global.err = fmt.Errorf("rule registry (%s): %w", p.src, err)
				break
			}
		}
		global.reg = reg
	}
	return global.reg, global.err
}

// Lookup returns the registered rule of an id from Registry.
func Lookup(id string) (Entry, bool) {
	reg, err := Registry()
	if err != nil || reg == nil {
		return Entry{}, false
	}
	return reg.Lookup(id)
}

func init() {
	Register(SourceCode, func() ([]Info, error) {
		var out []Info
		for _, d := range CodeDetectors() {
			out = append(out, AllInfos(d)...)
		}
		return out, nil
	})
}

// Unregistered returns the ids of ids that Registry does not know, sorted
// and unique; tests call it on every rule id a path emitted.
func Unregistered(ids ...string) []string {
	reg, err := Registry()
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err != nil || reg == nil {
			out = append(out, id)
			continue
		}
		if _, ok := reg.Lookup(id); !ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
