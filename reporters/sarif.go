package reporters

import (
	"errors"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// SARIF writes SARIF 2.1.0. (Placeholder; the full reporter replaces it.)
type SARIF struct{}

func (SARIF) Report(w io.Writer, run Run, res *scanner.Result) error {
	return errors.New("sarif: not implemented yet")
}
