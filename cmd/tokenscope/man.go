package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newCmdMan writes man pages generated from the commands themselves, so
// they never drift from --help. Hidden: it is for packagers (the release
// archives ship the pages), not for daily use.
func newCmdMan(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write man pages (tokenscope.1, tokenscope-scan.1, ...) to DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return usageErr("%v", err)
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true // no generation date: the pages are reproducible
			hdr := &doc.GenManHeader{Title: "TOKENSCOPE", Section: "1", Source: "tokenscope " + version, Manual: "tokenscope manual"}
			if err := doc.GenManTree(root, hdr, dir); err != nil {
				return fmt.Errorf("writing man pages: %w", err)
			}
			_, err := fmt.Fprintf(s.Out, "man pages written to %s\n", dir)
			return err
		},
	}
}
