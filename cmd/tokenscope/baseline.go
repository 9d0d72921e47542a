package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/baseline"
)

// newCmdBaseline builds `baseline create` and `baseline prune`. Both run
// the scan command's own scan (every scan flag applies: --config,
// --exclude, --history, ...), so a baseline holds exactly what
// `scan --baseline` will match.
func newCmdBaseline(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Accept today's findings, so that scans report and fail only on new ones",
		Long: `A baseline file lists accepted findings by rule, file path (relative to the
scanned root) and fingerprint (a keyed hash of rule and secret); never a
secret and never a line number. See docs/config.md.`,
	}
	cmd.AddCommand(newCmdBaselineCreate(s), newCmdBaselinePrune(s))
	return cmd
}

// scanLike reuses the scan command's flags and scan for a baseline
// command; the report flags that do not apply are hidden.
func scanLike(s *Streams, use, short, long, example string, run func(cmd *cobra.Command, opts *ScanOptions) error) *cobra.Command {
	var cmd *cobra.Command
	cmd = newCmdScan(s, func(opts *ScanOptions) error { return run(cmd, opts) })
	cmd.Use, cmd.Short, cmd.Long, cmd.Example = use, short, long, example
	cmd.RemoveCommand(cmd.Commands()...) // scan's subcommands (image) are scan's
	for _, name := range []string{"format", "show-secrets", "fail-on", "sarif-category", "show-suppressed", "baseline", "stdin", "stdin-name", "shard", "verify", "verify-endpoint", "only-live"} {
		if f := cmd.Flags().Lookup(name); f != nil {
			f.Hidden = true
		}
	}
	return cmd
}

func newCmdBaselineCreate(s *Streams) *cobra.Command {
	cmd := scanLike(s, "create -o FILE [path]",
		"Scan and write every finding to a baseline file",
		`Scan as tokenscope scan does (the config applies: findings it or an inline
tokenscope:allow already allows are not written) and write every finding
to the baseline FILE, replacing it. Exit 0 when written, whatever was found.`,
		"  tokenscope baseline create -o .tokenscope-baseline.json .",
		func(cmd *cobra.Command, opts *ScanOptions) error {
			if opts.Output == "" || opts.Output == "-" {
				return usageErr("baseline create: name the baseline file with -o FILE")
			}
			if len(opts.Paths) > 1 {
				return usageErr("baseline create: scan one path (the root baseline paths are relative to)")
			}
			if opts.Shard.Active() {
				return usageErr("baseline create: a baseline covers the whole tree; run it without --shard")
			}
			opts.Project.Baseline = ""
			out, err := scanProject(cmd, s, opts)
			if err != nil {
				return err
			}
			if out.interrupted != nil {
				return &exitError{code: exitInterrupted, err: fmt.Errorf("scan interrupted: baseline not written: %w", out.interrupted)}
			}
			f := &baseline.File{Scheme: out.project.fp.Scheme()}
			for _, fd := range out.res.Findings {
				if fd.Suppressed != nil {
					continue
				}
				f.Entries = append(f.Entries, baseline.Entry{Path: out.project.location(fd.Origin), RuleID: fd.RuleID, Fingerprint: fd.Fingerprint})
			}
			if err := baseline.Write(opts.Output, f); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			warnRunLocal(s, out.project.fp)
			for _, n := range out.notices {
				fmt.Fprintln(s.Err, "tokenscope: notice:", n)
			}
			fmt.Fprintf(s.Out, "wrote %d baseline entr%s to %s\n", len(f.Entries), plural1(len(f.Entries)), opts.Output)
			return nil
		})
	cmd.Flags().Lookup("output").Usage = "the baseline file to write (required)"
	return cmd
}

func newCmdBaselinePrune(s *Streams) *cobra.Command {
	return scanLike(s, "prune FILE [path]",
		"Scan and drop the baseline entries that match nothing now",
		`Scan as tokenscope scan does and rewrite the baseline FILE without its stale
entries (credentials fixed, rotated, moved or renamed). New findings are not
added: accept them with baseline create. Exit 0 when written.`,
		"  tokenscope baseline prune .tokenscope-baseline.json .",
		func(cmd *cobra.Command, opts *ScanOptions) error {
			if len(opts.Paths) == 0 {
				return usageErr("baseline prune: name the baseline file")
			}
			file := opts.Paths[0]
			opts.Paths = opts.Paths[1:]
			if len(opts.Paths) == 0 {
				opts.Paths = []string{"."}
			}
			if len(opts.Paths) > 1 {
				return usageErr("baseline prune: scan one path (the root baseline paths are relative to)")
			}
			if opts.Shard.Active() {
				return usageErr("baseline prune: one shard sees part of the tree and would drop the rest; run it without --shard")
			}
			opts.Project.Baseline = file
			out, err := scanProject(cmd, s, opts)
			if err != nil {
				return err
			}
			if out.interrupted != nil {
				return &exitError{code: exitInterrupted, err: fmt.Errorf("scan interrupted: baseline not pruned: %w", out.interrupted)}
			}
			old, err := baseline.Read(file)
			if err != nil {
				return usageErr("%v", err)
			}
			if out.project.schemeMismatch {
				return usageErr("baseline prune: %s was made with fingerprint scheme %q, this run uses %q (another key?): pruning would drop every entry; recreate it with baseline create", file, old.Scheme, out.project.fp.Scheme())
			}
			kept := out.project.base.Used()
			f := &baseline.File{Scheme: old.Scheme, Entries: kept}
			if err := baseline.Write(file, f); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			dropped := len(old.Entries) - len(kept)
			fmt.Fprintf(s.Out, "dropped %d stale entr%s, kept %d, in %s\n", dropped, plural1(dropped), len(kept), file)
			return nil
		})
}

func plural1(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}
