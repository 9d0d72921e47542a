package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newCmdVersion(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(s.Out, "tokenscope %s\n", version)
			return err
		},
	}
}
