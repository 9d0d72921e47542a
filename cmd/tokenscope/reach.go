package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdReach builds `tokenscope reach` (filled in by the reach work).
func newCmdReach(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:    "reach [workspace]",
		Short:  "What an agent started here could read, and how dangerous it is",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("reach: not implemented yet")
		},
	}
}
