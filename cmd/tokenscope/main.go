// Command tokenscope finds the credentials an AI agent (or anyone) could
// read on a machine and tells how much damage each one could do.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], systemStreams()))
}
