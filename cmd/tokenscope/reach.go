package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/env"
	"github.com/tokenscope/tokenscope/scanner/home"
	"github.com/tokenscope/tokenscope/scanner/plan"
)

// ReachOptions is everything `tokenscope reach` needs, parsed from flags.
type ReachOptions struct {
	Workspace   string
	Home        string
	NoEnv       bool
	Format      string
	Output      string
	ShowSecrets bool
	FailOn      scope.Level
	MaxFileSize int64
	Workers     int
	Progress    bool
	History     HistoryOptions
	// HomeIsDefault is set when --home was not given: the stores' override
	// variables (KUBECONFIG, AWS_SHARED_CREDENTIALS_FILE, ...) then apply.
	HomeIsDefault bool
	// FingerprintKeyFile is --fingerprint-key-file (see newFingerprinter).
	FingerprintKeyFile string
}

// newCmdReach builds `tokenscope reach`.
func newCmdReach(s *Streams) *cobra.Command { return newCmdReachWith(s, nil) }

// newCmdReachWith builds the reach command; runF replaces the behaviour in
// tests of flag parsing, nil means runReach.
func newCmdReachWith(s *Streams, runF func(*ReachOptions) error) *cobra.Command {
	opts := &ReachOptions{}
	var failOn, maxSize string
	var noProgress, noHistory bool
	cmd := &cobra.Command{
		Use:   "reach [workspace]",
		Short: "What an agent started here could read, and how dangerous it is",
		Long: `List every credential an AI agent started in the workspace could read as you:
in the workspace and its git history, in .env files of parent directories up
to your home, in your home directory's credential stores (cloud CLIs, git,
package managers, kubeconfig, SSH keys, shell histories, MCP and agent
configurations) and in the environment it would inherit. Each is rated by
blast radius, with what to do about it.

Read-only: nothing is written, no credential helper or kubeconfig exec
plugin is run, nothing is sent anywhere. Secrets are redacted unless
--show-secrets is given.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage error.`,
		Example: `  tokenscope reach
  tokenscope reach ~/code/app --format sarif -o reach.sarif
  tokenscope reach --home /some/home --no-env
  tokenscope reach --fail-on broad && start-my-agent`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspace = "."
			if len(args) == 1 {
				opts.Workspace = args[0]
			}
			var err error
			if opts.FailOn, opts.MaxFileSize, err = parseReportFlags(failOn, maxSize, opts.Format); err != nil {
				return err
			}
			if opts.Workers < 0 {
				return usageErr("--workers: %d is not a number of workers (0 means one per CPU)", opts.Workers)
			}
			if noHistory {
				opts.History.Mode = "none"
			}
			if opts.History.Staged || opts.History.Range != "" || opts.History.Mode == "only" {
				return usageErr("reach reads the whole workspace and its history: --staged, --git-range and --history=only are for scan")
			}
			if opts.Home == "" {
				opts.HomeIsDefault = true
				opts.Home = s.Env("HOME")
				if opts.Home == "" {
					h, err := os.UserHomeDir()
					if err != nil {
						return usageErr("no home directory: set HOME or pass --home")
					}
					opts.Home = h
				}
			}
			opts.Progress = !noProgress && s.ErrTTY
			if runF != nil {
				return runF(opts)
			}
			return runReach(cmd, s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Home, "home", "", "home directory whose credential stores are read (default $HOME)")
	f.BoolVar(&opts.NoEnv, "no-env", false, "leave out the environment variables this process inherited")
	f.StringVarP(&opts.Format, "format", "f", "terminal", "report format: terminal, json, jsonl (one finding a line) or sarif")
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	f.BoolVar(&opts.ShowSecrets, "show-secrets", false, "print raw secrets in reports (off: every secret is redacted)")
	f.StringVar(&failOn, "fail-on", "low", "exit 1 when a finding reaches this severity: info, low, medium, high (alias broad), critical, none")
	f.StringVar(&maxSize, "max-file-size", "25MB", "read at most this much of each file")
	f.IntVarP(&opts.Workers, "workers", "j", 0, "files scanned at once (default: number of CPUs)")
	f.BoolVar(&noProgress, "no-progress", false, "never show the progress line on standard error")
	addHistoryFlags(f, &opts.History)
	addFingerprintFlag(f, &opts.FingerprintKeyFile)
	f.BoolVar(&noHistory, "no-history", false, "leave out the workspace's git history (same as --history=none)")
	// scan's partial-history modes make no sense for reach: rejected, and
	// kept out of the help
	for _, name := range []string{"staged", "git-range"} {
		if f.Lookup(name) != nil {
			_ = f.MarkHidden(name)
		}
	}
	return cmd
}

// planReach plans the reach sources (package plan).
func planReach(opts *ReachOptions, environ []string, getenv func(string) string) (*plan.ReachPlan, error) {
	return plan.Reach{
		Workspace: opts.Workspace, Home: opts.Home,
		Env: !opts.NoEnv, Environ: environ, Getenv: getenv, HomeIsDefault: opts.HomeIsDefault,
		History: opts.History, MaxFileSize: opts.MaxFileSize,
	}.Plan()
}

func runReach(cmd *cobra.Command, s *Streams, opts *ReachOptions) error {
	var environ []string
	if !opts.NoEnv && s.Environ != nil {
		environ = s.Environ()
	}
	rp, err := planReach(opts, environ, s.Env)
	if err != nil {
		return usageErr("%v", err)
	}
	fp, err := newFingerprinter(s, opts.FingerprintKeyFile)
	if err != nil {
		return err
	}
	// an unwritable -o fails now, not after the scan
	if err := checkOutput(opts.Output); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	set, err := rules.BuiltinSet()
	if err != nil {
		return fmt.Errorf("loading rules: %w", err)
	}
	prog := newProgress(s, opts.Progress)
	eng := scanner.NewEngine(set, scanner.Options{
		Workers:       opts.Workers,
		MaxFileSize:   opts.MaxFileSize,
		ShowSecrets:   opts.ShowSecrets,
		Progress:      prog.update,
		Expanders:     defaultExpanders(scanner.DefaultMaxDepth),
		Fingerprinter: fp,
		// the store, workspace, home-store and environment formats: what
		// only a file's structure or a variable's name says is a credential
		Formats: append(home.ReachFormats(), env.Format()),
	})
	prog.start()
	res, err := eng.Run(cmd.Context(), rp.Sources...)
	prog.stop()
	if err != nil {
		if res == nil || errors.Is(err, scanner.ErrNothingScanned) {
			return &exitError{code: exitUsage, err: err}
		}
		// interrupted: report what was found so far, marked incomplete
	}
	finishReach(res, rp, opts.Home)
	newPolicy(opts.FailOn).Apply(res)
	v := newVerdict(res, rp.Home.Stores())
	infos, ierr := ruleInfos()
	if ierr != nil {
		return ierr
	}
	cwd, _ := os.Getwd()
	run := reporters.Run{
		ToolName: "tokenscope", ToolVersion: version, Command: "reach",
		Roots: []string{opts.Workspace, opts.Home}, Rules: infos, FailOn: opts.FailOn,
		ShowSecrets: opts.ShowSecrets, Color: s.colorAllowed() && opts.Output == "", BaseDir: cwd,
		Incomplete: err != nil, FingerprintScheme: fp.Scheme(),
	}
	rerr := reachReport(s, opts, run, res, v)
	warnRunLocal(s, fp)
	if err != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("reach interrupted: %w", err)}
	}
	return rerr
}

// finishReach drops the workspace findings in files that are home stores, and records on every file finding
// whether the current user can read it and who else can.
func finishReach(res *scanner.Result, rp *plan.ReachPlan, homeDir string) {
	homeAbs, _ := filepath.Abs(homeDir)
	absOf := func(f scanner.Finding) string {
		p := f.Origin.Path
		if strings.HasPrefix(p, "~/") {
			return filepath.Join(homeAbs, filepath.FromSlash(p[2:]))
		}
		a, _ := filepath.Abs(filepath.FromSlash(p))
		return a
	}
	// a store the home source read is reported there, with its parser's
	// context, and not again as a workspace file (an agent started in the
	// home directory, or a workspace holding ~/.aws)
	stores := map[string]bool{}
	for _, st := range rp.Home.Stores() {
		if st.State == "read" {
			stores[st.Abs] = true
		}
	}
	out := res.Findings[:0]
	perms := map[string]map[string]string{}
	for _, f := range res.Findings {
		if f.Origin.Kind == scanner.KindFile && stores[absOf(f)] {
			continue
		}
		if f.Origin.Kind == scanner.KindGit && f.Origin.Via == "" {
			f.Origin.Via = "history"
		}
		if f.Origin.Kind == scanner.KindFile && f.Attrs["readable"] == "" {
			p := absOf(f)
			attrs, ok := perms[p]
			if !ok {
				if perm, ok2 := home.Check(p); ok2 {
					attrs = perm.Attrs()
				}
				perms[p] = attrs
			}
			if attrs != nil {
				m := map[string]string{}
				for k, v := range f.Attrs {
					m[k] = v
				}
				for k, v := range attrs {
					if _, ok := m[k]; !ok {
						m[k] = v
					}
				}
				f.Attrs = m
			}
		}
		out = append(out, f)
	}
	res.Findings = out
	res.Stats.Skipped = int64(len(res.Skipped))
}

// reachReport writes the report with the verdict and the actions, then
// takes the exit code from the policy stage's FailsRun.
func reachReport(s *Streams, opts *ReachOptions, run reporters.Run, res *scanner.Result, v verdict) error {
	var buf bytes.Buffer
	switch opts.Format {
	case "json":
		if err := writeReachJSON(&buf, run, res, v); err != nil {
			return fmt.Errorf("writing json report: %w", err)
		}
	case "sarif":
		if err := (reporters.SARIF{}).Report(&buf, run, res); err != nil {
			return fmt.Errorf("writing sarif report: %w", err)
		}
	case "jsonl":
		if err := (reporters.JSONL{}).Report(&buf, run, res); err != nil {
			return fmt.Errorf("writing jsonl report: %w", err)
		}
	default:
		t := reporters.Terminal{
			Header: func(w io.Writer, st *reporters.Styles) error { return writeVerdict(w, st, v) },
			Advice: actionsFor,
		}
		if err := t.Report(&buf, run, res); err != nil {
			return fmt.Errorf("writing terminal report: %w", err)
		}
	}
	if opts.Output == "" || opts.Output == "-" {
		if _, err := s.Out.Write(buf.Bytes()); err != nil {
			return err
		}
	} else if err := writeOutput(opts.Output, buf.Bytes(), opts.ShowSecrets); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if policy.Count(res).Fails() {
		return findingsExit
	}
	return nil
}

// reachAction is what to do about one finding, in the JSON report's
// "actions" member (same order as "findings").
type reachAction struct {
	Fingerprint string      `json:"fingerprint"`
	RuleID      string      `json:"rule_id"`
	Where       string      `json:"where"`
	Via         scanner.Via `json:"via"`
	Do          []string    `json:"do"`
}

// writeReachJSON writes the JSON report of `scan` with two more members:
// "verdict" and "actions".
func writeReachJSON(w io.Writer, run reporters.Run, res *scanner.Result, v verdict) error {
	acts := []reachAction{}
	for _, f := range res.Findings {
		do := actionsFor(f)
		if do == nil {
			do = []string{}
		}
		acts = append(acts, reachAction{Fingerprint: f.Fingerprint, RuleID: f.RuleID,
			Where: reporters.LocationText(f.Origin, f.Line, f.Column), Via: f.Origin.Via, Do: append([]string{}, do...)})
	}
	return reporters.JSON{Extra: map[string]any{"verdict": v, "actions": acts}}.Report(w, run, res)
}

// verdict is the reach summary: how many credentials an agent can read,
// by blast radius and by how it reaches them.
type verdict struct {
	Credentials int                 `json:"credentials"`
	ByRadius    map[string]int      `json:"by_radius"`
	ByVia       map[scanner.Via]int `json:"by_via"`
	// Stores counts the home credential stores read, and those that exist
	// but the current user cannot read.
	StoresRead       int      `json:"stores_read"`
	StoresUnreadable int      `json:"stores_unreadable"`
	Worst            []string `json:"worst,omitempty"`
	Text             string   `json:"text"`
}

var viaOrder = []scanner.Via{scanner.ViaWorkspace, scanner.ViaHistory, scanner.ViaParentEnv, scanner.ViaHome, scanner.ViaEnvironment}

// newVerdict counts the findings the policy stage did not suppress.
func newVerdict(res *scanner.Result, stores []home.Status) verdict {
	fs := reporters.Unsuppressed(res.Findings)
	v := verdict{Credentials: len(fs), ByRadius: map[string]int{}, ByVia: map[scanner.Via]int{}}
	for r := reporters.RadiusDestroy; r <= reporters.RadiusHarmless; r++ {
		v.ByRadius[r.ID()] = 0
	}
	for _, via := range viaOrder {
		v.ByVia[via] = 0
	}
	for r, n := range reporters.CountByRadius(fs) {
		v.ByRadius[r.ID()] = n
	}
	for _, f := range fs {
		via := f.Origin.Via
		if via == "" {
			via = scanner.ViaWorkspace
		}
		v.ByVia[via]++
	}
	for _, st := range stores {
		switch st.State {
		case "read":
			v.StoresRead++
		case "unreadable":
			v.StoresUnreadable++
		}
	}
	groups := reporters.GroupByRadius(fs)
	for _, f := range groups[reporters.RadiusDestroy] {
		if len(v.Worst) == 3 {
			break
		}
		w := f.Provider + " " + f.Kind + " in " + reporters.LocationText(f.Origin, 0, 0)
		if f.Scope.DestroysWhat != "" {
			w += ": can destroy " + f.Scope.DestroysWhat
		}
		v.Worst = append(v.Worst, w)
	}
	v.Text = verdictText(v)
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func verdictText(v verdict) string {
	if v.Credentials == 0 {
		return "An agent started here can read no credentials that tokenscope recognises."
	}
	var parts []string
	if n := v.ByRadius["destroy"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d can destroy (e.g. delete databases or backups)", n))
	}
	if n := v.ByRadius["write_broad"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s broad", n, isAre(n)))
	}
	if n := v.ByRadius["narrow"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s read-only or narrow", n, isAre(n)))
	}
	if n := v.ByRadius["harmless"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s test, expired or public", n, isAre(n)))
	}
	return "An agent started here can read " + plural(v.Credentials, "credential", "credentials") + ": " + strings.Join(parts, ", ") + "."
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

var viaWords = map[scanner.Via]string{
	"workspace":   "in the workspace",
	"history":     "in git history",
	"parent-env":  "in .env files of parent directories",
	"home":        "in home credential stores",
	"environment": "in the environment it inherits",
}

// writeVerdict writes the verdict section of the terminal report.
func writeVerdict(w io.Writer, st *reporters.Styles, v verdict) error {
	fmt.Fprintln(w, st.Bold(st.Wrap(v.Text, 0)))
	var where []string
	for _, via := range viaOrder {
		if n := v.ByVia[via]; n > 0 {
			where = append(where, fmt.Sprintf("%d %s", n, viaWords[via]))
		}
	}
	if len(where) > 0 {
		fmt.Fprintln(w, st.Wrap("Where: "+strings.Join(where, ", ")+".", 0))
	}
	stores := "Home stores: " + plural(v.StoresRead, "credential store read", "credential stores read")
	if v.StoresUnreadable > 0 {
		stores += ", " + plural(v.StoresUnreadable, "exists but is not readable by you", "exist but are not readable by you")
	}
	fmt.Fprintln(w, st.Wrap(stores+".", 0))
	if len(v.Worst) > 0 {
		fmt.Fprintln(w, "Most dangerous:")
		for _, x := range v.Worst {
			fmt.Fprintln(w, "  - "+st.Wrap(x, 4))
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// logout names the command that removes a CLI's stored login.
var logout = map[string]string{
	"railway-config": "railway logout", "gh-hosts": "gh auth logout", "fly-config": "fly auth logout",
	"vercel-auth": "vercel logout", "netrc": "heroku logout (for Heroku entries)", "doctl-config": "doctl auth remove --context <name>",
	"supabase-access-token": "supabase logout", "huggingface-token": "huggingface-cli logout", "docker-config": "docker logout <registry>",
	"azure-msal-token-cache": "az logout", "gcloud-adc": "gcloud auth application-default revoke",
	"aws-sso-cache": "aws sso logout", "terraform-credentials": "terraform logout",
}

// actionsFor says what to do about one finding, most important first.
func actionsFor(f scanner.Finding) []string {
	rad := reporters.RadiusOf(f.Scope)
	if rad == reporters.RadiusHarmless {
		return nil
	}
	var out []string
	switch f.Origin.Via {
	case "history":
		out = append(out, "rotate it: git history keeps it for anyone with a clone, even after the file is fixed")
	case "environment":
		name := strings.TrimPrefix(f.Origin.Path, "env:")
		out = append(out, "unset "+name+" in the shell that starts the agent, or start the agent with a clean environment (an allow-list of variables)")
	case "home":
		do := "move it out of the agent's reach: run the agent as another user, or in a container or sandbox without your home directory"
		if cmd, ok := logout[f.Origin.Store]; ok {
			do += ", or log out (" + cmd + ") before starting it"
		}
		out = append(out, do)
	case "parent-env":
		out = append(out, "move it out of the agent's reach: agents read upward from the workspace; keep this .env out of every parent of a workspace")
	default:
		out = append(out, "move it out of the workspace: load it from a secret manager or inject it only into the process that needs it")
		out = append(out, "rotate it if this tree was ever shared, committed or read by an agent")
	}
	switch rad {
	case reporters.RadiusDestroy:
		out = append(out, "replace it with a scoped token that cannot delete (one project or environment, no admin rights)")
		w := strings.ToLower(f.Scope.DestroysWhat)
		if strings.Contains(w, "backup") || strings.Contains(w, "database") || strings.Contains(w, "volume") {
			out = append(out, "separate backup credentials from production ones: keep backups where this credential cannot delete them")
		}
	case reporters.RadiusBroad:
		out = append(out, "replace it with a scoped or short-lived token (one resource, read-only where possible, with an expiry)")
	}
	if f.Scope.Lifetime == scope.LifetimeLongLived && rad != reporters.RadiusNarrow {
		out = append(out, "prefer short-lived credentials (SSO, OIDC, an expiry) over this long-lived one")
	}
	if f.Attrs["readable_by"] == "every local user" && f.Origin.Path != "" {
		out = append(out, "chmod 600 "+f.Origin.Path+": every local user can read it")
	}
	return dedupStrings(out)
}

func dedupStrings(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
