package scanner

import (
	"bufio"
	"context"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// UTF16 returns the expander that decodes UTF-16 text to UTF-8, so text
// written by Windows tools (PowerShell's `>` and Out-File write UTF-16LE
// with a byte-order mark) is scanned instead of skipped as binary. It
// takes content that starts with a UTF-16 byte-order mark, or, without
// one, whose first bytes are ASCII in UTF-16LE (a NUL after every other
// byte). Lines are those of the decoded text; columns and offsets count
// its UTF-8 bytes.
func UTF16() Expander { return utf16Expander{} }

type utf16Expander struct{}

func (utf16Expander) Name() string { return "utf-16" }

// bomlessPairs is how many leading code units must look like ASCII in
// UTF-16LE for content without a byte-order mark to be taken.
const bomlessPairs = 16

func (utf16Expander) Match(_ Origin, head []byte) bool {
	if len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF) {
		// FF FE 00 00 is the UTF-32LE mark: not ours.
		if len(head) >= 4 && head[0] == 0xFF && head[2] == 0 && head[3] == 0 {
			return false
		}
		return looksUTF16(head[2:], head[0] == 0xFE)
	}
	if len(head) < 2*bomlessPairs {
		return false
	}
	for i := 0; i < bomlessPairs; i++ {
		lo, hi := head[2*i], head[2*i+1]
		if hi != 0 || lo == 0 || lo >= 0x80 {
			return false
		}
	}
	return true
}

// bomUnits is how many code units after a byte-order mark are looked at,
// and asciiShare the share of them (1 in asciiShare) that must be ASCII.
const (
	bomUnits   = 256
	asciiShare = 8
)

// looksUTF16 tells whether the bytes after a byte-order mark read as
// UTF-16 text: at least one code unit in asciiShare is ASCII (a NUL byte
// beside a character), as in any file holding a key, a URL or a line
// break. Two bytes FF FE before plain ASCII text are no such file: taking
// it as UTF-16 would turn the text into CJK code points and hide every
// token in it, so it is scanned as the bytes it is.
func looksUTF16(b []byte, be bool) bool {
	n := min(len(b)/2, bomUnits)
	if n == 0 {
		return true // a mark alone: nothing to hide
	}
	ascii := 0
	for i := 0; i < n; i++ {
		hi, lo := b[2*i+1], b[2*i]
		if be {
			hi, lo = lo, hi
		}
		if hi == 0 && lo != 0 && lo < 0x80 {
			ascii++
		}
	}
	return ascii*asciiShare >= n
}

func (utf16Expander) Expand(_ context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	be := false
	if b, _ := br.Peek(2); len(b) == 2 {
		switch {
		case b[0] == 0xFF && b[1] == 0xFE:
			br.Discard(2)
		case b[0] == 0xFE && b[1] == 0xFF:
			be = true
			br.Discard(2)
		}
	}
	return emit(Transform, &utf16Reader{r: br, be: be})
}

// utf16Reader decodes UTF-16 from r to UTF-8. An unpaired surrogate or a
// trailing odd byte becomes U+FFFD.
type utf16Reader struct {
	r       *bufio.Reader
	be      bool
	pending rune // a code unit read ahead of a lone high surrogate; -1 none
	held    bool
	spill   []byte // encoded bytes that did not fit the last Read
	sbuf    [utf8.UTFMax]byte
	err     error
}

func (u *utf16Reader) unit() (rune, error) {
	if u.held {
		u.held = false
		return u.pending, nil
	}
	a, err := u.r.ReadByte()
	if err != nil {
		return 0, err
	}
	b, err := u.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return utf8.RuneError, nil // odd trailing byte
		}
		return 0, err
	}
	if u.be {
		return rune(a)<<8 | rune(b), nil
	}
	return rune(b)<<8 | rune(a), nil
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	n := 0
	if len(u.spill) > 0 {
		n = copy(p, u.spill)
		u.spill = u.spill[n:]
		return n, nil
	}
	if u.err != nil {
		return 0, u.err
	}
	for n < len(p) {
		c, err := u.unit()
		if err != nil {
			u.err = err
			break
		}
		if utf16.IsSurrogate(c) {
			if c < 0xDC00 { // high: pair it with the next unit
				d, err := u.unit()
				if err == nil {
					if r := utf16.DecodeRune(c, d); r != utf8.RuneError {
						c = r
					} else {
						u.pending, u.held = d, true
						c = utf8.RuneError
					}
				} else {
					c = utf8.RuneError
				}
			} else {
				c = utf8.RuneError
			}
		}
		if len(p)-n >= utf8.UTFMax {
			n += utf8.EncodeRune(p[n:], c)
			continue
		}
		k := utf8.EncodeRune(u.sbuf[:], c)
		m := copy(p[n:], u.sbuf[:k])
		n += m
		u.spill = u.sbuf[m:k]
		break
	}
	if n > 0 {
		return n, nil
	}
	return 0, u.err
}
