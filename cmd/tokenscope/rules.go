package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/rules"
)

func newCmdRules(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Inspect the built-in detection rules",
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List every built-in rule: id, provider, credential kind, severity of its base scope",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := rules.BuiltinSet()
			if err != nil {
				return err
			}
			infos := set.Infos()
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(infos)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPROVIDER\tKIND\tBASE SEVERITY")
			for _, inf := range infos {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", inf.ID, inf.Provider, inf.Kind, inf.Base.Severity())
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out, "%d rules\n", len(infos))
			return err
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the rules as JSON")
	cmd.AddCommand(list)
	return cmd
}
