package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/policy"
	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/dir"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
	"github.com/tokenscope/tokenscope/scanner/plan"
	"github.com/tokenscope/tokenscope/scanner/stdin"
)

// ScanOptions is everything `tokenscope scan` needs, parsed from flags.
type ScanOptions struct {
	Paths          []string
	Format         string
	Output         string
	ShowSecrets    bool
	FailOn         scope.Level
	MaxFileSize    int64
	FollowSymlinks bool
	Exclude        []string
	Workers        int
	Progress       bool
	History        HistoryOptions
	// MaxArchiveDepth is how deep archives are opened; 0: not at all.
	MaxArchiveDepth int
	// Stdin scans standard input (a "-" path, or --stdin) as one item
	// named StdinName.
	Stdin     bool
	StdinName string
	// Category is the SARIF category (runAutomationDetails.id).
	Category string
	// FingerprintKeyFile is --fingerprint-key-file (see newFingerprinter).
	FingerprintKeyFile string
	Verify             VerifyOptions
	// Project holds the config and baseline flags (scan_config.go).
	Project ProjectOptions
	// Shard is --shard K/N (or JOB_COMPLETION_INDEX/JOB_COMPLETIONS): only
	// the items of that shard are scanned.
	Shard scanner.Shard
	// Targets is --targets FILE: paths and repository URLs, one a line.
	Targets string
	// Remotes are repository URLs (https://, ssh://, git@host:path,
	// file://), each mirrored to a temporary directory and scanned
	// through its history.
	Remotes []string
}

// newCmdScan builds the scan command. runF replaces the behaviour in tests
// of flag parsing; nil means runScan.
func newCmdScan(s *Streams, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{}
	var failOn, maxSize string
	var noProgress bool
	var shardFlag string
	cmd := &cobra.Command{
		Use:   "scan [path | repository URL ...] [-]",
		Short: "Scan directories and files for credentials",
		Long: `Scan directories and files for credentials, and rate each by the damage it
could do. Every regular file is read, hidden and git-ignored ones included;
.git internals are left to the history scan. Secrets are redacted in every
report unless --show-secrets is given. A "-" path (or --stdin) scans what
is piped to standard input, reported as "stdin" (or --stdin-name).
A repository URL (https://host/org/repo, git@host:org/repo, ssh://,
file://) is cloned to a temporary bare mirror, with the credentials your
git uses, and its history scanned; the mirror is removed afterwards.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage error, or nothing could be scanned; 130 interrupted (the report,
if any, is marked incomplete).

Container images are scanned with "tokenscope scan image REF..."; a
directory named image is scanned as "tokenscope scan ./image".`,
		Example: `  tokenscope scan .
  tokenscope scan --format sarif -o results.sarif .
  tokenscope scan --format json ./some/dir ./a/file.env
  tokenscope scan --fail-on broad .
  kubectl get secret -o yaml app | tokenscope scan --stdin-name app-secret.yaml -
  tokenscope scan https://github.com/org/repo
  tokenscope scan image ghcr.io/org/app:1.2`,
		// Paths, or the image subcommand: any first argument other than
		// "image" is a path.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = nil
			if opts.Targets != "" {
				more, err := readTargets(s, opts.Targets)
				if err != nil {
					return err
				}
				args = append(append([]string(nil), args...), more...)
			}
			var err error
			if opts.Shard, err = shardFrom(s, shardFlag, cmd.Flags().Changed("shard")); err != nil {
				return err
			}
			for _, a := range args {
				if a == "-" {
					opts.Stdin = true
					continue
				}
				if gitsrc.IsRemote(a) {
					if _, err := os.Lstat(a); err != nil { // a local path of that name wins
						opts.Remotes = append(opts.Remotes, a)
						continue
					}
				}
				opts.Paths = append(opts.Paths, a)
			}
			if cmd.Flags().Changed("stdin-name") {
				opts.Stdin = true
			}
			if opts.Stdin && opts.Targets == "-" {
				return usageErr("--targets - and scanning standard input (- or --stdin) both read standard input")
			}
			if len(opts.Paths) == 0 && !opts.Stdin && len(opts.Remotes) == 0 {
				opts.Paths = []string{"."}
			}
			if opts.FailOn, opts.MaxFileSize, err = parseReportFlags(failOn, maxSize, opts.Format); err != nil {
				return err
			}
			if opts.Workers < 0 {
				return usageErr("--workers: %d is not a number of workers (0 means one per CPU)", opts.Workers)
			}
			opts.Progress = !noProgress && s.ErrTTY
			if err := opts.Verify.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runScan(cmd, s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "terminal", "report format: terminal, json, jsonl (one finding a line) or sarif")
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	f.BoolVar(&opts.ShowSecrets, "show-secrets", false, "print raw secrets in reports (off: every secret is redacted)")
	f.StringVar(&failOn, "fail-on", "low", "exit 1 when a finding reaches this severity: info, low, medium, high (alias broad), critical, none")
	f.StringVar(&maxSize, "max-file-size", "25MB", "scan at most this much of each file (larger files are scanned up to it in chunks and reported); archives are opened whole, each member scanned up to it")
	f.BoolVar(&opts.FollowSymlinks, "follow-symlinks", false, "follow symbolic links that stay inside the scanned root")
	f.StringArrayVar(&opts.Exclude, "exclude", nil, "skip paths matching this glob (relative path or base name); repeatable")
	f.IntVarP(&opts.Workers, "workers", "j", 0, "files scanned at once (default: number of CPUs)")
	f.BoolVar(&noProgress, "no-progress", false, "never show the progress line on standard error")
	f.IntVar(&opts.MaxArchiveDepth, "max-archive-depth", 5, "open archives (zip, jar, tar, gz, bz2, xz, zst) nested this deep; 0 leaves archives unopened")
	f.StringVar(&opts.Category, "sarif-category", "tokenscope/scan", "SARIF runAutomationDetails category: code scanning keeps one set of alerts per category (give each differently-scoped scan its own)")
	f.StringVar(&shardFlag, "shard", "", "scan only shard K/N of the items (1/4 is the first of four; every file, blob and archive belongs to one shard); default from JOB_COMPLETION_INDEX and JOB_COMPLETIONS (a Kubernetes indexed Job); join the reports with tokenscope merge")
	f.StringVar(&opts.Targets, "targets", "", "also scan the paths and repository URLs listed in FILE, one a line (# comments; - reads standard input)")
	f.BoolVar(&opts.Stdin, "stdin", false, "scan standard input (as the path - does)")
	f.StringVar(&opts.StdinName, "stdin-name", stdin.DefaultName, "the name piped content is reported under; a file name such as .env.production or .npmrc is read as that file would be (implies --stdin)")
	addHistoryFlags(f, &opts.History)
	cmd.AddCommand(newCmdScanImage(s, nil))
	addFingerprintFlag(f, &opts.FingerprintKeyFile)
	addVerifyFlags(f, &opts.Verify)
	addProjectFlags(f, &opts.Project)
	return cmd
}

func runScan(cmd *cobra.Command, s *Streams, opts *ScanOptions) error {
	out, err := scanProject(cmd, s, opts)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd() // SARIF's %SRCROOT%; left out when unknown
	rerr := report(s, opts.Format, opts.Output, reporters.Run{
		ToolName: "tokenscope", ToolVersion: version, Command: "scan",
		Category: opts.Category, Roots: out.roots, Rules: out.infos, FailOn: opts.FailOn,
		ShowSecrets: opts.ShowSecrets, Color: s.colorAllowed() && opts.Output == "",
		BaseDir: cwd, Incomplete: out.interrupted != nil, FingerprintScheme: out.project.fp.Scheme(),
		Verify:  out.verified,
		Notices: out.notices, ShowSuppressed: opts.Project.ShowSuppressed,
		Shard: shardPtr(opts.Shard),
	}, out.res)
	warnRunLocal(s, out.project.fp)
	if out.interrupted != nil {
		// an interrupted scan is never a clean result, whatever it found
		return &exitError{code: exitInterrupted, err: fmt.Errorf("scan interrupted: %w", out.interrupted)}
	}
	return rerr
}

// scanned is a finished scan with the policy applied.
type scanned struct {
	res      *scanner.Result
	infos    map[string]detectors.Info
	roots    []string
	notices  []string
	verified *reporters.VerifyInfo
	// interrupted is the error of a scan stopped early (res holds what
	// was found before).
	interrupted error
	project     *project
}

// scanProject runs a scan as opts say, the project's config and baseline
// applied (see scan_config.go), up to the policy stage.
func scanProject(cmd *cobra.Command, s *Streams, opts *ScanOptions) (*scanned, error) {
	if err := dir.CheckRoots(opts.Paths); err != nil {
		return nil, usageErr("%v", err)
	}
	proj, err := loadProject(cmd, s, opts)
	if err != nil {
		return nil, err
	}
	eng, err := proj.newEngine(s, engineSpec{
		Output: opts.Output, Workers: opts.Workers, MaxFileSize: opts.MaxFileSize,
		ShowSecrets: opts.ShowSecrets, Progress: opts.Progress, Verify: opts.Verify.On,
		MaxArchiveDepth: opts.MaxArchiveDepth,
		// committed credential stores are read as reach reads them, in
		// files, history, archives and stdin alike
		Formats: scanFormats,
	})
	if err != nil {
		return nil, err
	}
	infos, raw, prog := eng.infos, eng.raw, eng.prog
	if err := opts.History.Validate(); err != nil {
		return nil, usageErr("%v", err)
	}
	roots := opts.Paths
	remotes, cleanup, err := remoteSources(cmd.Context(), s, opts)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	var extra []scanner.Source
	for _, r := range remotes {
		extra = append(extra, r.src)
		roots = append(append([]string(nil), roots...), r.name)
	}
	sp := plan.Scan{
		Paths: opts.Paths, FollowSymlinks: opts.FollowSymlinks, Exclude: opts.Exclude,
		History: opts.History, MaxFileSize: opts.MaxFileSize, Shard: opts.Shard,
	}
	if opts.Stdin {
		sp.Stdin, sp.StdinName = s.In, opts.StdinName
		roots = append(append([]string(nil), roots...), stdin.Name(opts.StdinName))
	}
	sources, err := sp.Sources(extra...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	prog.start()
	res, err := eng.Run(cmd.Context(), sources...)
	prog.stop()
	if err != nil {
		if errors.Is(err, scanner.ErrNothingScanned) {
			return nil, &exitError{code: exitUsage, err: err}
		}
		if res == nil {
			return nil, &exitError{code: exitUsage, err: err}
		}
		// interrupted: report what was found so far, marked incomplete
	}
	verified, verr := proj.finish(cmd.Context(), opts.FailOn, &opts.Verify, res, raw, err)
	if verr != nil {
		return nil, verr
	}
	return &scanned{res: res, infos: infos, roots: roots, notices: proj.finalNotices(), verified: verified, interrupted: err, project: proj}, nil
}

// report writes the report, then takes the exit code from the policy
// stage's FailsRun.
func report(s *Streams, format, output string, run reporters.Run, res *scanner.Result) error {
	run.Width = s.reportWidth(output, run.Width)
	rep, err := reporters.New(format)
	if err != nil {
		return usageErr("%v", err)
	}
	var buf bytes.Buffer
	if err := rep.Report(&buf, run, res); err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	if output == "" || output == "-" {
		if _, err := s.Out.Write(buf.Bytes()); err != nil {
			return err
		}
	} else if err := writeOutput(output, buf.Bytes(), run.ShowSecrets); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	// One shard may own nothing but skipped items while the others read
	// the rest: that is no failure of the scan (merge judges coverage).
	if run.Shard == nil && res.Stats.Items == 0 && len(res.Skipped) > 0 && len(res.Findings) == 0 {
		return &exitError{code: exitUsage, err: errors.New("nothing could be scanned: every item was skipped (see the report)")}
	}
	if policy.Count(res).Fails() {
		return findingsExit
	}
	return nil
}

// parseReportFlags checks the flags scan and reach share: --fail-on,
// --max-file-size and --format. Errors are usage errors.
func parseReportFlags(failOn, maxSize, format string) (scope.Level, int64, error) {
	lvl, err := scope.ParseLevel(failOn)
	if err != nil {
		return scope.Level{}, 0, usageErr("%v", err)
	}
	n, err := config.ParseSize(maxSize)
	if err != nil {
		return scope.Level{}, 0, usageErr("--max-file-size: %v", err)
	}
	if _, err := reporters.New(format); err != nil {
		return scope.Level{}, 0, usageErr("--format: %v", err)
	}
	return lvl, n, nil
}
