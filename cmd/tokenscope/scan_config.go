package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tokenscope/tokenscope/baseline"
	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
)

// ProjectOptions are the flags of a project's config and baseline.
type ProjectOptions struct {
	// Config names a config file; empty: look for .tokenscope.yaml at
	// the root of the one directory scanned.
	Config   string
	NoConfig bool
	// Baseline names a baseline file: findings in it are suppressed.
	Baseline       string
	ShowSuppressed bool
}

func addProjectFlags(f *pflag.FlagSet, o *ProjectOptions) {
	f.StringVar(&o.Config, "config", "", "read this config file instead of the scanned directory's "+config.FileName+" (see docs/config.md)")
	f.BoolVar(&o.NoConfig, "no-config", false, "read no config file")
	f.StringVar(&o.Baseline, "baseline", "", "suppress the findings this baseline file accepts: report and fail only on new ones")
	f.BoolVar(&o.ShowSuppressed, "show-suppressed", false, "list suppressed findings (inline allows, allowlists, baseline) in the terminal report too")
}

// project is what the config and baseline add to one scan.
type project struct {
	// fp makes the findings' fingerprints; a baseline records its scheme.
	fp       *scanner.Fingerprinter
	cfg      *config.Config
	notices  []string
	roots    []string
	base     *baseline.Matcher
	basePath string
	disabled map[string]bool
	// schemeMismatch is set when the baseline's fingerprints were made
	// another way (another key): it was read as empty.
	schemeMismatch bool
	// sharded scans see part of the tree: no entry is called stale
	sharded bool
	stale   []baseline.Entry
}

// projectSpec is what loadProjectFor needs from a command: scan, scan
// image and reach share the config, baseline and policy stage this way.
type projectSpec struct {
	Project            ProjectOptions
	FingerprintKeyFile string
	// Roots are the scanned roots baseline paths are relative to;
	// Discover looks for the config at the root of a single one.
	Roots    []string
	Discover bool
	Sharded  bool
	// The flags a config may give defaults to; nil: the command has none.
	FailOn          *scope.Level
	MaxFileSize     *int64
	MaxArchiveDepth *int
}

// loadProject reads the config and the baseline, and applies the
// config's defaults to the flags the user did not set.
func loadProject(cmd *cobra.Command, s *Streams, opts *ScanOptions) (*project, error) {
	return loadProjectFor(cmd, s, projectSpec{
		Project: opts.Project, FingerprintKeyFile: opts.FingerprintKeyFile,
		Roots: opts.Paths, Discover: true, Sharded: opts.Shard.Active(),
		FailOn: &opts.FailOn, MaxFileSize: &opts.MaxFileSize, MaxArchiveDepth: &opts.MaxArchiveDepth,
	})
}

// loadProjectFor is loadProject for any command (see projectSpec).
func loadProjectFor(cmd *cobra.Command, s *Streams, sp projectSpec) (*project, error) {
	fp, err := newFingerprinter(s, sp.FingerprintKeyFile)
	if err != nil {
		return nil, err
	}
	p := &project{roots: sp.Roots, fp: fp, sharded: sp.Sharded}
	po := sp.Project
	switch {
	case po.NoConfig && po.Config != "":
		return nil, usageErr("--config and --no-config contradict each other")
	case po.NoConfig:
	case po.Config != "":
		cfg, err := config.Load(po.Config)
		if err != nil {
			return nil, usageErr("--config: %v", err)
		}
		p.cfg = cfg
	case sp.Discover && len(sp.Roots) == 1:
		cfg, notice, err := config.Discover(sp.Roots[0])
		if err != nil {
			return nil, usageErr("%v", err)
		}
		p.cfg = cfg
		if notice != "" {
			p.notices = append(p.notices, notice)
		}
	}
	if c := p.cfg; c != nil {
		changed := func(name string) bool { return cmd != nil && cmd.Flags().Changed(name) }
		if c.FailOn != nil && sp.FailOn != nil && !changed("fail-on") {
			*sp.FailOn = *c.FailOn
		}
		if c.MaxFileSize > 0 && sp.MaxFileSize != nil && !changed("max-file-size") {
			*sp.MaxFileSize = c.MaxFileSize
		}
		if c.MaxArchiveDepth != nil && sp.MaxArchiveDepth != nil && !changed("max-archive-depth") {
			*sp.MaxArchiveDepth = *c.MaxArchiveDepth
		}
		p.disabled = c.Disabled()
	}
	if po.Baseline != "" {
		f, err := baseline.Read(po.Baseline)
		if err != nil {
			return nil, usageErr("--baseline: %v", err)
		}
		p.basePath = filepath.ToSlash(po.Baseline)
		if scheme := fp.Scheme(); f.Scheme != scheme {
			// every entry would be stale: say why once instead
			p.notices = append(p.notices, fmt.Sprintf("baseline %s was made with fingerprint scheme %q, this run uses %q (another fingerprint key, or none): it matches nothing; use the key it was made with, or recreate it with tokenscope baseline create", p.basePath, f.Scheme, scheme))
			f = &baseline.File{Scheme: scheme}
			p.schemeMismatch = true
		}
		p.base = baseline.NewMatcher(f)
	}
	return p, nil
}

// detectorSet builds the detector set (the config's rules added, its
// disabled rules left out) and the infos of every rule a finding may name.
func (p *project) detectorSet() (*detectors.Set, map[string]detectors.Info, error) {
	builtin, err := rules.Builtin()
	if err != nil {
		return nil, nil, fmt.Errorf("loading rules: %w", err)
	}
	bset, err := detectors.NewSet(builtin)
	if err != nil {
		return nil, nil, fmt.Errorf("loading rules: %w", err)
	}
	known, err := ruleInfos() // every registered id
	if err != nil {
		return nil, nil, err
	}
	if p.cfg == nil {
		return bset, known, nil
	}
	dets, err := p.cfg.Detectors(builtin, known)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	set, err := detectors.NewSet(dets)
	if err != nil {
		return nil, nil, usageErr("%s: %v", p.cfg.Path, err)
	}
	p.notices = append(p.notices, p.cfg.Notices(known, scanner.DefaultMaxFileSize, scanner.DefaultMaxDepth)...)
	infos := map[string]detectors.Info{}
	for id, inf := range known {
		infos[id] = inf
	}
	for _, r := range p.cfg.Rules {
		infos[r.Info().ID] = r.Info()
	}
	return set, infos, nil
}

// rel is a reported path relative to the scanned root that holds it.
func (p *project) rel(path string) string {
	best := ""
	for _, r := range p.roots {
		rr := filepath.ToSlash(filepath.Clean(r))
		if rr == "." && !strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "../") {
			if best == "" {
				best = r
			}
			continue
		}
		if path == rr || strings.HasPrefix(path, strings.TrimSuffix(rr, "/")+"/") {
			if len(rr) > len(best) {
				best = r
			}
		}
	}
	if best == "" {
		return path
	}
	return baseline.RelPath(best, path)
}

// location is a finding's place in a baseline. In an image it is the
// place inside the image (the file, an archive member in it, or config:Env
// ...): neither the image's digest nor the layer's, so that an accepted
// finding stays accepted in the next build of the image.
func (p *project) location(o scanner.Origin) string {
	if o.Kind == scanner.KindImage {
		var parts []string
		if len(o.Chain) > 2 {
			parts = o.Chain[2:]
		}
		return strings.Join(append(append([]string(nil), parts...), o.Path), "!")
	}
	if len(o.Chain) == 0 {
		return p.rel(o.Path)
	}
	parts := append([]string{p.rel(o.Chain[0])}, o.Chain[1:]...)
	return strings.Join(append(parts, o.Path), "!")
}

// allowPath is the path allowlists match: the file in the tree (the
// outermost archive for a member).
func (p *project) allowPath(o scanner.Origin) string {
	if o.Kind == scanner.KindImage { // the file in the image
		if len(o.Chain) > 2 {
			return o.Chain[2]
		}
		return o.Path
	}
	if len(o.Chain) > 0 {
		return p.rel(o.Chain[0])
	}
	return p.rel(o.Path)
}

// allowHook asks the allowlists about each finding while its raw secret
// is known: the config's, or only the built-in defaults without one.
func (p *project) allowHook() func(string, scanner.Origin, string) string {
	allow := p.cfg.Allow()
	return func(rule string, o scanner.Origin, secret string) string {
		return allow.Match(rule, p.allowPath(o), secret)
	}
}

// suppressors drop the findings of disabled rules from res (those a
// detector of several rules still emits) and return the policy's
// suppressors: inline allows, allowlists, then the baseline. The baseline
// is matched against every finding first, so that an entry whose finding
// is also allowed inline is not called stale.
func (p *project) suppressors(res *scanner.Result) []policy.Suppressor {
	if res == nil {
		return nil
	}
	if len(p.disabled) > 0 {
		kept := res.Findings[:0]
		for _, f := range res.Findings {
			if !p.disabled[f.RuleID] {
				kept = append(kept, f)
			}
		}
		res.Findings = kept
	}
	inline := map[*scanner.Finding]bool{}
	for i, ok := range scanner.InlineAllowed(res.Findings) {
		if ok {
			inline[&res.Findings[i]] = true
		}
	}
	sups := []policy.Suppressor{
		policy.SuppressorFunc{ID: "inline", Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
			if !inline[f] {
				return scanner.Suppression{}, false
			}
			why := scanner.AllowWord + " on its line"
			if r := f.Allow.Reason; r != "" {
				why += ": " + r
			}
			return scanner.Suppression{Kind: scanner.SuppressInline, Reason: why, Source: f.Origin.Path}, true
		}},
		policy.SuppressorFunc{ID: "allowlist", Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
			why := f.Allowed
			if why == "" {
				why = p.cfg.Allow().MatchFingerprint(f.Fingerprint)
			}
			if why == "" {
				// findings made without the engine (parsed stores) are
				// matched on their path
				why = p.cfg.Allow().Match(f.RuleID, p.allowPath(f.Origin), "")
			}
			if why == "" {
				return scanner.Suppression{}, false
			}
			src := ""
			if p.cfg != nil && !strings.HasPrefix(why, "built-in") {
				src = p.cfg.Path
			}
			return scanner.Suppression{Kind: scanner.SuppressAllowlist, Reason: why, Source: src}, true
		}},
	}
	if p.base != nil {
		inBase := map[*scanner.Finding]bool{}
		for i := range res.Findings {
			f := &res.Findings[i]
			if p.base.Match(p.location(f.Origin), f.Fingerprint) {
				inBase[f] = true
			}
		}
		p.stale = p.base.Stale()
		sups = append(sups, policy.SuppressorFunc{ID: "baseline", Fn: func(f *scanner.Finding) (scanner.Suppression, bool) {
			if !inBase[f] {
				return scanner.Suppression{}, false
			}
			return scanner.Suppression{Kind: scanner.SuppressBaseline, Reason: "in baseline " + p.basePath, Source: p.basePath}, true
		}})
	}
	return sups
}

// finalNotices are the notices for the report, stale baseline entries
// included.
func (p *project) finalNotices() []string {
	out := p.notices
	if n := len(p.stale); n > 0 && !p.sharded {
		out = append(out, fmt.Sprintf("baseline %s: %d entr%s match nothing now (fixed, rotated, moved or renamed); `tokenscope baseline prune %s PATH` drops them",
			p.basePath, n, map[bool]string{true: "y", false: "ies"}[n == 1], p.basePath))
	}
	return out
}

// finish is the stage after the engine, shared by scan, scan image and
// reach: the policy (disabled rules, inline allows, allowlists, baseline),
// then --verify and --only-live when asked and the scan was not
// interrupted (runErr nil). raw is cleared.
func (p *project) finish(ctx context.Context, failOn scope.Level, vo *VerifyOptions, res *scanner.Result, raw *scanner.RawSecrets, runErr error) (*reporters.VerifyInfo, error) {
	defer raw.Clear()
	newPolicy(failOn, p.suppressors(res)...).Apply(res)
	if !vo.On || runErr != nil {
		return nil, nil
	}
	// after the policy stage: a suppressed finding, or one of a disabled
	// rule, is never sent to its issuer
	verified, err := runVerify(ctx, vo, res, raw)
	if err != nil {
		return nil, err
	}
	newPolicy(failOn).Apply(res) // verified severities: FailsRun again
	return verified, nil
}

// engineSpec is what the commands' engines differ in.
type engineSpec struct {
	Output          string // -o, checked before anything is scanned
	Workers         int
	MaxFileSize     int64
	ShowSecrets     bool
	Progress        bool
	Verify          bool // --verify: keep raw secrets for the issuers
	MaxArchiveDepth int
	// Formats gives the file-format detectors over the detector set.
	Formats func(*detectors.Set) []scanner.Format
}

// engine is what newEngine builds for one run.
type engine struct {
	*scanner.Engine
	infos map[string]detectors.Info
	raw   *scanner.RawSecrets // nil unless --verify: no raw secret is kept otherwise
	prog  *progress
}

// newEngine checks the -o target, builds the project's detector set and
// the engine over it: what scan, scan image and reach share.
func (p *project) newEngine(s *Streams, e engineSpec) (*engine, error) {
	// an unwritable -o fails now, not after the scan
	if err := checkOutput(e.Output); err != nil {
		return nil, &exitError{code: exitUsage, err: err}
	}
	set, infos, err := p.detectorSet()
	if err != nil {
		return nil, err
	}
	out := &engine{infos: infos, prog: newProgress(s, e.Progress)}
	if e.Verify {
		out.raw = scanner.NewRawSecrets()
	}
	out.Engine = scanner.NewEngine(set, scanner.Options{
		Workers:       e.Workers,
		MaxFileSize:   e.MaxFileSize,
		ShowSecrets:   e.ShowSecrets,
		Progress:      out.prog.update,
		Expanders:     defaultExpanders(e.MaxArchiveDepth),
		Limits:        scanner.ExpandLimits{MaxDepth: e.MaxArchiveDepth},
		Fingerprinter: p.fp,
		Raw:           out.raw,
		Allow:         p.allowHook(),
		Formats:       e.Formats(set),
	})
	return out, nil
}
