package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/config"
	"github.com/tokenscope/tokenscope/rules"
)

// newCmdRulesTest builds `rules test FILE...`: each file's rules are
// compiled with the built-in rules' checks and their examples run.
func newCmdRulesTest(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "test FILE...",
		Short: "Run the examples of custom rules: positives must be found, negatives must not",
		Long: `Run the examples of the rules in a rules file (provider and rules, the
shape of the built-in rules/*.yaml) or in a config file (.tokenscope.yaml).
Each positive example must be found by its rule and no negative example
may be. Templates such as {{rand 32 hex}} are expanded (see docs/rules.md).

Exit codes: 0 every example passed; 1 an example failed; 2 a file could
not be read or a rule is invalid.`,
		Example: `  tokenscope rules test my-rules.yaml
  tokenscope rules test .tokenscope.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed, total := 0, 0
			builtin, err := rules.BuiltinSet()
			if err != nil {
				return err
			}
			for _, path := range args {
				specs, rs, err := config.LoadRules(path)
				if err != nil {
					return &exitError{code: exitUsage, err: err}
				}
				results, err := config.RunExamples(specs, rs, builtin)
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", path, err)}
				}
				fmt.Fprintf(s.Out, "%s: %d rule(s)\n", path, len(results))
				tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
				for _, r := range results {
					total++
					status := "ok"
					if len(r.Failures) > 0 {
						status = "FAIL"
						failed++
					}
					fmt.Fprintf(tw, "  %s\t%s\t%d positive, %d negative\n", status, r.ID, r.Positive, r.Negative)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				for _, r := range results {
					for _, f := range r.Failures {
						fmt.Fprintf(s.Out, "  %s: %s\n", r.ID, f)
					}
					for _, n := range r.Notes {
						fmt.Fprintf(s.Out, "  %s: note: %s\n", r.ID, n)
					}
				}
			}
			if failed > 0 {
				fmt.Fprintf(s.Out, "%d of %d rule(s) failed\n", failed, total)
				return findingsExit
			}
			fmt.Fprintf(s.Out, "all %d rule(s) passed\n", total)
			return nil
		},
	}
}
