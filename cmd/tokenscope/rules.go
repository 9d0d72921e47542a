package main

import (
	"encoding/json"
	"fmt"
	"github.com/tokenscope/tokenscope/reporters"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/rules"
)

func newCmdRules(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Inspect the built-in detection rules and test your own",
	}
	var asJSON, literals bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List every rule id a finding can name: id, provider, credential kind, severity of its base scope, and what emits it (rule, code, store, env)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := rules.BuiltinSet()
			if err != nil {
				return err
			}
			if literals {
				for _, l := range setLiterals(set) {
					// a literal holding a newline or control character is
					// shown escaped, so one line is always one literal
					if _, err := fmt.Fprintln(s.Out, reporters.Escape(l)); err != nil {
						return err
					}
				}
				return nil
			}
			reg, err := detectors.Registry()
			if err != nil {
				return err
			}
			entries := reg.Entries()
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPROVIDER\tKIND\tBASE SEVERITY\tFROM")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.Provider, e.Kind, e.Base.Severity(), e.Source)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out, "%d rules\n", len(entries))
			return err
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the rules as JSON")
	list.Flags().BoolVar(&literals, "literals", false, "print the prefilter's literals (matched case-insensitively), one a line")
	cmd.AddCommand(list, newCmdRulesTest(s))
	return cmd
}

// setLiterals lists every literal of the set's detectors, lowercased (the
// prefilter ignores ASCII case), sorted and unique.
func setLiterals(set *detectors.Set) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range set.Detectors() {
		for _, l := range d.Literals() {
			l = strings.ToLower(l)
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	sort.Strings(out)
	return out
}
