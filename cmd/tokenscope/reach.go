package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/tokenscope/tokenscope/detectors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reach"
	"github.com/tokenscope/tokenscope/reporters"
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
	Verify             VerifyOptions
	// Project holds the config and baseline flags: the config is looked
	// for at the workspace's root, baseline paths are relative to it.
	Project ProjectOptions
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
plugin is run, nothing is sent anywhere (unless --verify: then each
credential goes to its issuer's host only). Secrets are redacted unless
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
			if err := opts.Verify.check(); err != nil {
				return err
			}
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
	addVerifyFlags(f, &opts.Verify)
	addProjectFlags(f, &opts.Project)
	f.Lookup("config").Usage = "read this config file instead of the workspace's " + config.FileName + " (see docs/config.md)"
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
	proj, err := loadProjectFor(cmd, s, projectSpec{
		Project: opts.Project, FingerprintKeyFile: opts.FingerprintKeyFile,
		Roots: []string{opts.Workspace}, Discover: true,
		FailOn: &opts.FailOn, MaxFileSize: &opts.MaxFileSize,
	})
	if err != nil {
		return err
	}
	eng, err := proj.newEngine(s, engineSpec{
		Output: opts.Output, Workers: opts.Workers, MaxFileSize: opts.MaxFileSize,
		ShowSecrets: opts.ShowSecrets, Progress: opts.Progress, Verify: opts.Verify.On,
		MaxArchiveDepth: scanner.DefaultMaxDepth,
		// the store, workspace, home-store and environment formats: what
		// only a file's structure or a variable's name says is a credential
		Formats: func(*detectors.Set) []scanner.Format { return append(home.ReachFormats(), env.Format()) },
	})
	if err != nil {
		return err
	}
	infos, raw, prog := eng.infos, eng.raw, eng.prog
	prog.start()
	res, err := eng.Run(cmd.Context(), rp.Sources...)
	prog.stop()
	if err != nil {
		if res == nil || errors.Is(err, scanner.ErrNothingScanned) {
			return &exitError{code: exitUsage, err: err}
		}
		// interrupted: report what was found so far, marked incomplete
	}
	reach.Finish(res, rp, opts.Home)
	verified, verr := proj.finish(cmd.Context(), opts.FailOn, &opts.Verify, res, raw, err)
	if verr != nil {
		return verr
	}
	v := reach.NewVerdict(res, rp.Home.Stores())
	cwd, _ := os.Getwd()
	run := reporters.Run{
		ToolName: "tokenscope", ToolVersion: version, Command: "reach",
		Roots: []string{opts.Workspace, opts.Home}, Rules: infos, FailOn: opts.FailOn,
		ShowSecrets: opts.ShowSecrets, Color: s.colorAllowed() && opts.Output == "", BaseDir: cwd,
		Incomplete: err != nil, FingerprintScheme: proj.fp.Scheme(),
		Verify: verified, Notices: proj.finalNotices(), ShowSuppressed: opts.Project.ShowSuppressed,
	}
	rerr := reachReport(s, opts, run, res, v)
	warnRunLocal(s, proj.fp)
	if err != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("reach interrupted: %w", err)}
	}
	return rerr
}

// reachReport writes the report with the verdict and the actions, then
// takes the exit code from the policy stage's FailsRun.
func reachReport(s *Streams, opts *ReachOptions, run reporters.Run, res *scanner.Result, v reach.Verdict) error {
	run.Width = s.reportWidth(opts.Output, run.Width)
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
			Header: func(w io.Writer, st *reporters.Styles) error { return reach.WriteVerdict(w, st, v) },
			Advice: reach.Actions,
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
func writeReachJSON(w io.Writer, run reporters.Run, res *scanner.Result, v reach.Verdict) error {
	acts := []reachAction{}
	for _, f := range res.Findings {
		do := reach.Actions(f)
		if do == nil {
			do = []string{}
		}
		acts = append(acts, reachAction{Fingerprint: f.Fingerprint, RuleID: f.RuleID,
			Where: reporters.LocationText(f.Origin, f.Line, f.Column), Via: f.Origin.Via, Do: append([]string{}, do...)})
	}
	return reporters.JSON{Extra: map[string]any{"verdict": v, "actions": acts}}.Report(w, run, res)
}
