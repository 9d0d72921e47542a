// Command tokenscope finds the credentials an AI agent (or anyone) could
// read on a machine and tells how much damage each one could do.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func main() {
	os.Exit(profiled(func() int { return run(os.Args[1:], systemStreams()) }))
}

// profiled runs f with a CPU profile written to $TOKENSCOPE_CPUPROFILE
// when it is set (a development aid, see docs/bench.md).
func profiled(f func() int) int {
	path := os.Getenv("TOKENSCOPE_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokenscope: TOKENSCOPE_CPUPROFILE:", err)
		return f()
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintln(os.Stderr, "tokenscope: TOKENSCOPE_CPUPROFILE:", err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}
