package main

import (
	"bufio"
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
			if literals {
				dets, err := rules.Builtin()
				if err != nil {
					return err
				}
				for _, l := range setLiterals(dets) {
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
			// buffered: tabwriter writes a cell at a time, a syscall each
			bw := bufio.NewWriter(s.Out)
			tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPROVIDER\tKIND\tBASE SEVERITY\tFROM")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.Provider, e.Kind, e.Base.Severity(), e.Source)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(bw, "%d rules\n", len(entries))
			return bw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the rules as JSON")
	list.Flags().BoolVar(&literals, "literals", false, "print the prefilter's literals (matched case-insensitively), one a line")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one rule: its kind, base scope and, when scan --verify covers it, the request sent to its issuer",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// the registry knows every id a finding can name (rules, code
			// detectors, store formats, environment names), without
			// building the prefilter
			if _, err := detectors.Registry(); err != nil {
				return err
			}
			e, ok := detectors.Lookup(args[0])
			inf := e.Info
			if !ok {
				return usageErr("no rule %q (see tokenscope rules list)", reporters.Escape(args[0]))
			}
			var b strings.Builder
			fmt.Fprintf(&b, "id:        %s\nprovider:  %s\nkind:      %s\n", inf.ID, inf.Provider, inf.Kind)
			if inf.Description != "" {
				fmt.Fprintf(&b, "about:     %s\n", inf.Description)
			}
			fmt.Fprintf(&b, "severity:  %s (base scope: %s)\n", inf.Base.Severity(), inf.Base.Words())
			for _, ev := range inf.Base.Evidence {
				fmt.Fprintf(&b, "why:       %s\n", ev)
			}
			b.WriteString(verifierText(inf.ID))
			_, err := fmt.Fprint(s.Out, b.String())
			return err
		},
	}
	cmd.AddCommand(list, show, newCmdRulesTest(s))
	return cmd
}

// setLiterals lists every literal of the detectors, lowercased (the
// prefilter ignores ASCII case), sorted and unique.
func setLiterals(dets []detectors.Detector) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dets {
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
