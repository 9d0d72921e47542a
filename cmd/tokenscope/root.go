package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	// exitInterrupted is 128+SIGINT, the shell's convention.
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Streams are the command's input and outputs, injected so tests can run
// the CLI in-process.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool
	ErrTTY bool
	// Env reads environment variables (NO_COLOR, HOME, ...).
	Env func(string) string
	// Environ lists the environment, for `reach`.
	Environ func() []string
	// OutWidth is the width of the terminal Out writes to, in columns; 0
	// when Out is no terminal or its width is unknown.
	OutWidth int
}

// reportWidth is the width a terminal report wraps to: the terminal's
// when the report goes to it (COLUMNS, when set, wins, as for ls), else
// the reporter's default; a report written to a file keeps the default.
func (s *Streams) reportWidth(output string, set int) int {
	if set > 0 || output != "" && output != "-" || !s.OutTTY {
		return set
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.Env("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return s.OutWidth
}

func systemStreams() *Streams {
	width := 0
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		width = w
	}
	return &Streams{
		OutWidth: width,
		In:       os.Stdin, Out: os.Stdout, Err: os.Stderr,
		OutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		Env:     os.Getenv,
		Environ: os.Environ,
	}
}

// colorAllowed decides colour in one place: only on a TTY and never with
// NO_COLOR set (https://no-color.org).
func (s *Streams) colorAllowed() bool {
	return s.OutTTY && s.Env("NO_COLOR") == "" && s.Env("TERM") != "dumb"
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// findingsExit is returned when findings reach --fail-on; it prints nothing.
var findingsExit = &exitError{code: exitFindings}

func newRootCmd(s *Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "tokenscope",
		Short:         "Find the credentials an agent could read, and how much damage each could do",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --version prints what `tokenscope version` prints
	root.SetVersionTemplate("tokenscope {{.Version}}\n")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	root.AddCommand(newCmdScan(s, nil), newCmdBaseline(s), newCmdReach(s), newCmdRules(s), newCmdVersion(s), newCmdMan(s), newCmdMerge(s))
	return root
}

// run executes the CLI and returns the process exit code.
func run(args []string, s *Streams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(s.Err, "tokenscope:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors (unknown command, bad args) are usage errors
	fmt.Fprintln(s.Err, "tokenscope:", err)
	return exitUsage
}
