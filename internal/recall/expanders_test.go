package recall

import (
	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/decode"
	"github.com/tokenscope/tokenscope/scanner/home"
)

// expanders are the text-decoding expanders a scan runs by default (the
// archive and binary ones have nothing to do on these cases).
func expanders() []scanner.Expander { return []scanner.Expander{scanner.UTF16()} }

// formats are the file-format detectors scan runs (cmd/tokenscope's
// scanFormats): committed stores and the decoding formats.
func formats(set *detectors.Set) []scanner.Format {
	return append(home.StoreFormats(), decode.Formats(set)...)
}
