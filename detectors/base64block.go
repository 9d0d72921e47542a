package detectors

import "bytes"

// inBase64Block reports whether window[lo:hi] is one whole line of a
// base64 block (a PEM body, a MIME part) rather than a token: the line
// holds nothing else but indentation, and the line above or below is
// "-----BEGIN "/"-----END ", or is base64 of the same width (the last
// line of a block may be shorter) holding a + or / (which token alphabets
// lack), or the lines above and below are both such base64, with or
// without + or /. A PEM line that happens to start with EAAA is then not
// a Square token. Lines shorter than 40 bytes are never taken for one.
// The cost: a column of three or more bare tokens of one width in plain
// alphanumerics reads as a block, and its inner tokens are not reported.
func inBase64Block(window []byte, lo, hi int) bool {
	width := hi - lo
	if width < 40 {
		return false
	}
	ls := lo
	for ls > 0 && window[ls-1] != '\n' {
		ls--
		if c := window[ls]; c != ' ' && c != '\t' {
			return false
		}
	}
	le := hi
	if le < len(window) && window[le] == '\r' {
		le++
	}
	if le < len(window) && window[le] != '\n' {
		return false
	}
	// a neighbour line the window cuts (a rule's window reaches only its
	// pattern's length past the literal) counts by what it shows, when
	// that is at least 16 bytes
	const seen = 16
	var prevB64, prevSpecial, nextB64, nextSpecial bool
	if ls > 0 {
		start := bytes.LastIndexByte(window[:ls-1], '\n') + 1
		prev := trimLine(window[start : ls-1])
		if bytes.HasPrefix(prev, []byte("-----BEGIN ")) {
			return true
		}
		cut := start == 0 && len(prev) < width
		prevB64, prevSpecial = base64Line(prev)
		prevB64 = prevB64 && (len(prev) == width || cut && len(prev) >= seen)
	}
	if le < len(window) {
		n := window[le+1:]
		cut := true
		if i := bytes.IndexByte(n, '\n'); i >= 0 {
			n, cut = n[:i], false
		}
		next := trimLine(n)
		if bytes.HasPrefix(next, []byte("-----END ")) {
			return true
		}
		nextB64, nextSpecial = base64Line(next)
		nextB64 = nextB64 && len(next) > 0 && (len(next) <= width && !cut || cut && len(next) >= seen)
	}
	// a neighbour with + or / is base64, not a token; two plain ones
	// around the line are a block's body
	return prevB64 && prevSpecial || nextB64 && nextSpecial || prevB64 && nextB64
}

// trimLine drops indentation and a carriage return.
func trimLine(l []byte) []byte {
	return bytes.TrimRight(bytes.TrimLeft(l, " \t"), "\r")
}

// base64Line reports whether l is standard base64 text, and whether it
// holds a + or /.
func base64Line(l []byte) (b64, special bool) {
	for _, c := range l {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '=':
		case c == '+' || c == '/':
			special = true
		default:
			return false, false
		}
	}
	return true, special
}
