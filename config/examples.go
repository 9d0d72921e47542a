package config

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// RuleFile is the schema of a rules file: the built-in rules/*.yaml shape,
// a default provider and a list of rules.
type RuleFile struct {
	Provider string               `yaml:"provider"`
	Rules    []detectors.RuleSpec `yaml:"rules"`
}

// LoadRules reads a file of rules to test: a rules file (provider and
// rules, as rules/*.yaml) or a config file (its rules). It returns the
// specs and the compiled rules, in file order.
func LoadRules(path string) ([]detectors.RuleSpec, []*detectors.Rule, error) {
	data, err := Read(path)
	if err != nil {
		return nil, nil, err
	}
	name := filepath.ToSlash(path)
	if isRuleFile(data) {
		d := &doc{file: name, pos: map[string][2]int{}}
		var f RuleFile
		parseStrict(d, data, &f)
		if len(d.errs) > 0 {
			return nil, nil, d.errs
		}
		for i := range f.Rules {
			if f.Rules[i].Provider == "" {
				f.Rules[i].Provider = f.Provider
			}
		}
		rs := compileRules(d, f.Rules, "rules")
		if len(d.errs) > 0 {
			return nil, nil, d.errs
		}
		return f.Rules, rs, nil
	}
	c, err := Parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	return c.File.Rules, c.Rules, nil
}

// isRuleFile tells a rules file (top-level provider and rules only) from a
// config; text that does not parse is left to the config parser to report.
func isRuleFile(data []byte) bool {
	var n yaml.Node
	if yaml.Unmarshal(data, &n) != nil || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := n.Content[0]
	hasProvider := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "provider":
			hasProvider = true
		case "rules":
		default:
			return false
		}
	}
	return hasProvider
}

// ExampleResult is the outcome of one rule's examples.
type ExampleResult struct {
	ID       string
	Positive int
	Negative int
	// Failures say which example failed and how, one a line.
	Failures []string
	// Notes are not failures: a positive that a built-in rule also finds
	// (the custom rule may duplicate it).
	Notes []string
}

// RunExamples runs each rule's examples through a set of these rules
// alone: every positive must be found by its rule, no negative may be.
// Templates ({{rand 32 hex}}, ...) are expanded with a generator seeded by
// the rule id, so a run is repeatable. builtin, when given, is asked about
// each positive too: a specific built-in rule that finds the same
// credential is noted.
func RunExamples(specs []detectors.RuleSpec, rules []*detectors.Rule, builtin *detectors.Set) ([]ExampleResult, error) {
	dets := make([]detectors.Detector, len(rules))
	for i, r := range rules {
		dets[i] = r
	}
	set, err := detectors.NewSet(dets)
	if err != nil {
		return nil, err
	}
	out := make([]ExampleResult, 0, len(specs))
	for _, s := range specs {
		res := ExampleResult{ID: s.ID, Positive: len(s.Examples.Positive), Negative: len(s.Examples.Negative)}
		h := fnv.New64a()
		h.Write([]byte(s.ID))
		gen := testtoken.New(h.Sum64())
		for i, tmpl := range s.Examples.Positive {
			text, err := gen.Expand(tmpl)
			if err != nil {
				res.Failures = append(res.Failures, fmt.Sprintf("positive %d: template: %v", i+1, err))
				continue
			}
			found := false
			var others []string
			var span [2]int
			set.NewMatcher().ScanStart([]byte(text), func(c detectors.Candidate) {
				if c.RuleID == s.ID {
					found = true
					span = [2]int{c.Start, c.End}
				} else {
					others = append(others, c.RuleID)
				}
			})
			if found && builtin != nil {
				seen := map[string]bool{}
				builtin.NewMatcher().ScanStart([]byte(text), func(c detectors.Candidate) {
					if !detectors.IsGeneric(c.RuleID) && c.Start < span[1] && span[0] < c.End && !seen[c.RuleID] {
						seen[c.RuleID] = true
						res.Notes = append(res.Notes, fmt.Sprintf("positive %d is also found by built-in rule %s", i+1, c.RuleID))
					}
				})
			}
			if !found {
				msg := fmt.Sprintf("positive %d not found: %s", i+1, quote(text))
				if len(others) > 0 {
					msg += " (found by " + strings.Join(others, ", ") + " instead)"
				} else if !containsLiteral(text, s.Literals) {
					msg += " (it holds none of the literals " + strings.Join(s.Literals, ", ") + ")"
				}
				res.Failures = append(res.Failures, msg)
			}
		}
		for i, tmpl := range s.Examples.Negative {
			text, err := gen.Expand(tmpl)
			if err != nil {
				res.Failures = append(res.Failures, fmt.Sprintf("negative %d: template: %v", i+1, err))
				continue
			}
			var hit string
			set.NewMatcher().ScanStart([]byte(text), func(c detectors.Candidate) {
				if c.RuleID == s.ID && hit == "" {
					hit = c.Secret
				}
			})
			if hit != "" {
				res.Failures = append(res.Failures, fmt.Sprintf("negative %d matched: %s (as %s)", i+1, quote(text), quote(hit)))
			}
		}
		out = append(out, res)
	}
	return out, nil
}

func containsLiteral(text string, lits []string) bool {
	low := strings.ToLower(text)
	for _, l := range lits {
		if strings.Contains(low, strings.ToLower(l)) {
			return true
		}
	}
	return false
}

// quote shows an example on one line, control characters escaped, cut at
// 200 bytes.
func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return fmt.Sprintf("%+q", s)
}
