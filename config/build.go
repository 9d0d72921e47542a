package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// Detectors returns what a scan runs: the built-in detectors without the
// rules the config disables, followed by the config's own rules. known
// holds every registered rule id (built-in detectors, store parsers, ...);
// each id that disable or allow.rules names must be one of them or one of
// the config's rules, and a config rule may not reuse a registered id.
func (c *Config) Detectors(builtin []detectors.Detector, known map[string]detectors.Info) ([]detectors.Detector, error) {
	if c == nil {
		return builtin, nil
	}
	d := c.doc
	d.errs = nil
	mine := map[string]bool{}
	for i, r := range c.Rules {
		id := r.Info().ID
		if _, taken := known[id]; taken {
			d.errAt(fmt.Sprintf("rules[%d].id", i), "%q is a built-in rule id: config rules extend the built-in set and never replace a rule (give yours another id, and disable the built-in one if you mean to)", id)
		}
		mine[id] = true
	}
	for i, id := range c.File.Disable {
		if _, ok := known[id]; !ok && !mine[id] {
			d.errAt(fmt.Sprintf("disable[%d]", i), "no rule has the id %q%s (tokenscope rules list shows them)", id, suggest(id, known))
		}
	}
	for _, id := range c.allow.RuleIDs() {
		if _, ok := known[id]; !ok && !mine[id] {
			d.errAt("allow.rules."+id, "no rule has the id %q%s (tokenscope rules list shows them)", id, suggest(id, known))
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	off := c.Disabled()
	out := make([]detectors.Detector, 0, len(builtin)+len(c.Rules))
	for _, det := range builtin {
		// a rule detector that is disabled is left out of the set; a
		// detector of several rules stays, and its disabled rules'
		// findings are dropped after the scan (Disabled)
		if _, isRule := det.(*detectors.Rule); isRule && off[det.Info().ID] {
			continue
		}
		out = append(out, det)
	}
	for _, r := range c.Rules {
		if !off[r.Info().ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// Disabled is the set of rule ids the config turns off.
func (c *Config) Disabled() map[string]bool {
	if c == nil || len(c.File.Disable) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, id := range c.File.Disable {
		m[id] = true
	}
	return m
}

// suggest names a registered id close to a misspelt one.
func suggest(id string, known map[string]detectors.Info) string {
	best, bestD := "", 4
	for k := range known {
		if dd := editDistance(id, k); dd < bestD || dd == bestD && k < best {
			best, bestD = k, dd
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Broad reports whether a rule detects credentials that may reach broadly:
// its base severity is high or critical, or its scope is not known in
// advance (a store parser's finding).
func Broad(inf detectors.Info) bool {
	if inf.Base.Access == "" && inf.Base.Reach == "" {
		return true
	}
	return inf.Base.Normalize().Severity() >= scope.SevHigh
}

// Notices are the lines a report must carry about what the config turns
// off or weakens, so that a config in a scanned tree never hides detection
// silently: each disabled rule that finds broad credentials, the other
// disabled rules, a fail_on under which broad credentials pass, and limits
// lowered below the defaults. known describes every registered rule.
func (c *Config) Notices(known map[string]detectors.Info, defaultMaxFileSize int64, defaultArchiveDepth int) []string {
	if c == nil {
		return nil
	}
	var out, narrow []string
	ids := append([]string(nil), c.File.Disable...)
	sort.Strings(ids)
	for _, id := range ids {
		inf, ok := known[id]
		if ok && Broad(inf) {
			out = append(out, fmt.Sprintf("config %s disables rule %s (%s %s), which detects broad credentials: none of its findings are reported", c.Path, id, inf.Provider, inf.Kind))
		} else {
			narrow = append(narrow, id)
		}
	}
	if len(narrow) > 0 {
		out = append(out, fmt.Sprintf("config %s disables %d rule(s): %s", c.Path, len(narrow), strings.Join(narrow, ", ")))
	}
	if n := len(c.Rules); n > 0 && c.Discovered {
		ids := make([]string, 0, n)
		for _, r := range c.Rules {
			ids = append(ids, r.Info().ID)
		}
		out = append(out, fmt.Sprintf("config %s adds %d rule(s) of its own: %s", c.Path, n, strings.Join(ids, ", ")))
	}
	if c.FailOn != nil && !c.FailOn.Trips(scope.SevHigh) {
		out = append(out, fmt.Sprintf("config %s sets fail_on: %s: broad (high severity) credentials do not fail the run", c.Path, c.FailOn))
	}
	if c.MaxFileSize > 0 && c.MaxFileSize < defaultMaxFileSize {
		out = append(out, fmt.Sprintf("config %s lowers max_file_size to %s: larger files are scanned only in part", c.Path, c.File.Limits.MaxFileSize))
	}
	if c.MaxArchiveDepth != nil && *c.MaxArchiveDepth < defaultArchiveDepth {
		out = append(out, fmt.Sprintf("config %s lowers max_archive_depth to %d: archives nested deeper are not opened", c.Path, *c.MaxArchiveDepth))
	}
	return out
}
