package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is what every report and `tokenscope version` name: the release
// build's -ldflags "-X main.version=..." when set, else the module version
// the go command stamped into the binary (go install ...@v0.2.0 stamps
// v0.2.0; a build in a git checkout stamps a pseudo-version such as
// v0.0.0-20261202154500-abcdef123456+dirty), else "dev" with the commit
// when one is known.
func init() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	version = resolveVersion(version, info)
}

// resolveVersion picks the version from the linker flag and the build
// info. A leading "v" is dropped so that a go install build and a release
// build of one tag print the same "0.2.0".
func resolveVersion(linked string, info *debug.BuildInfo) string {
	if linked != "" && linked != "dev" {
		return strings.TrimPrefix(linked, "v")
	}
	if info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "dev+" + rev
	if dirty {
		v += ".dirty"
	}
	return v
}

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
