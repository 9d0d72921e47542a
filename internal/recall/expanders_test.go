package recall

import "github.com/tokenscope/tokenscope/scanner"

// expanders are the text-decoding expanders a scan runs by default (the
// archive and binary ones have nothing to do on these cases).
func expanders() []scanner.Expander { return []scanner.Expander{scanner.UTF16()} }
