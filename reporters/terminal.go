package reporters

import (
	"fmt"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// Terminal writes a human report grouped by severity.
// (Placeholder layout; the lipgloss report replaces it.)
type Terminal struct{}

func (Terminal) Report(w io.Writer, run Run, res *scanner.Result) error {
	for _, f := range res.Findings {
		fmt.Fprintf(w, "%-8s %s %s %s:%d %s\n", f.Severity, f.Provider, f.Kind, f.Origin.Path, f.Line, f.Redacted)
	}
	_, err := fmt.Fprintf(w, "%d findings, %d items, %d bytes\n", len(res.Findings), res.Stats.Items, res.Stats.Bytes)
	return err
}
