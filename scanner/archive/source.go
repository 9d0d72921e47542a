package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/scanner"
)

// Limits keep archive bombs from costing more than a bounded amount of
// work. Hitting one records a skipped item with the reason; the scan goes
// on with the next archive.
type Limits struct {
	// MaxDepth is how many archives deep members are opened.
	MaxDepth int
	// MaxArchiveBytes bounds the bytes expanded from one outermost
	// archive, nested ones included.
	MaxArchiveBytes int64
	// MaxTotalBytes bounds the bytes expanded from all archives.
	MaxTotalBytes int64
	// MaxRatio bounds a member's expanded size over its compressed size.
	MaxRatio int64
	// MaxEntries bounds the entries of one archive.
	MaxEntries int
	// MaxInMemory bounds a nested zip, which needs random access and is
	// read into memory.
	MaxInMemory int64
}

// DefaultLimits are the limits of `tokenscope scan`.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:        5,
		MaxArchiveBytes: 4 << 30,
		MaxTotalBytes:   64 << 30,
		MaxRatio:        1000,
		MaxEntries:      200_000,
		MaxInMemory:     64 << 20,
	}
}

// smallMember is the size up to which a member is read into memory and
// handed to the engine at once, so several members are scanned in
// parallel; larger ones are streamed, one at a time.
const smallMember = 1 << 20

// Source wraps a source (a directory walk) so that the items that are
// archives are opened and their members emitted as items, recursively,
// with Origin.Chain naming the containers, outermost first. Other items
// pass through untouched.
type Source struct {
	inner scanner.Source
	lim   Limits
	total atomic.Int64
}

// Wrap wraps inner.
func Wrap(inner scanner.Source, lim Limits) *Source { return &Source{inner: inner, lim: lim} }

func (s *Source) Name() string { return s.inner.Name() }

func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	return s.inner.Walk(ctx, func(it scanner.Item) error {
		if !LooksLikeArchive(it.Origin.Path) || s.lim.MaxDepth <= 0 {
			return emit(it)
		}
		return s.open(ctx, it, emit, skip)
	}, skip)
}

func (s *Source) open(ctx context.Context, it scanner.Item, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	rc, err := it.Open()
	if err != nil {
		skip(scanner.Skipped{Path: it.Origin.Path, Reason: err.Error()})
		return nil
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	head, _ := br.Peek(SniffLen)
	f := Detect(it.Origin.Path, head)
	if f == None {
		// Named like an archive, but is not one: scan it as it is.
		it.Open = func() (io.ReadCloser, error) { return readCloser{br, rc}, nil }
		return emit(it)
	}
	defer rc.Close()
	w := &walk{s: s, ctx: ctx, emit: emit, skip: skip, base: it.Origin}
	var ra io.ReaderAt
	size := it.Size
	if file, ok := rc.(*os.File); ok && f == Zip {
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			ra, size = file, st.Size()
		}
	}
	err = w.expand(nil, it.Origin.Path, f, br, ra, size, 1)
	return w.report(it.Origin.Path, err)
}

type readCloser struct {
	io.Reader
	io.Closer
}

// walk is one outermost archive being read.
type walk struct {
	s        *Source
	ctx      context.Context
	emit     func(scanner.Item) error
	skip     func(scanner.Skipped)
	base     scanner.Origin
	expanded int64
}

// errStop is an emit error from the engine (cancellation): it ends the
// walk.
type errStop struct{ err error }

func (e *errStop) Error() string { return e.err.Error() }

// report turns an archive's error into a skipped item, and returns only
// the errors that must end the walk.
func (w *walk) report(display string, err error) error {
	if err == nil {
		return nil
	}
	var stop *errStop
	if errors.As(err, &stop) {
		return stop.err
	}
	w.skip(scanner.Skipped{Path: display, Reason: err.Error(), Partial: true})
	return nil
}

func display(chain []string, name string) string {
	return strings.Join(append(append([]string(nil), chain...), name), " > ")
}

// expand reads content of format f called name, inside chain, at depth
// (1 for an outermost archive).
func (w *walk) expand(chain []string, name string, f Format, r io.Reader, ra io.ReaderAt, size int64, depth int) error {
	inner := append(append([]string(nil), chain...), name)
	lim := w.s.lim
	member := func(mname string, msize int64, mr io.Reader) error {
		return w.member(inner, SafeName(mname), msize, mr, depth)
	}
	switch f {
	case Zip:
		if ra == nil {
			if size > lim.MaxInMemory {
				return &LimitError{fmt.Sprintf("nested zip of %d bytes is larger than the in-memory limit of %d", size, lim.MaxInMemory)}
			}
			data, err := io.ReadAll(io.LimitReader(r, lim.MaxInMemory+1))
			if err != nil {
				return err
			}
			if int64(len(data)) > lim.MaxInMemory {
				return &LimitError{fmt.Sprintf("nested zip is larger than the in-memory limit of %d bytes", lim.MaxInMemory)}
			}
			ra, size = bytes.NewReader(data), int64(len(data))
		}
		return ReadZip(ra, size, lim.MaxEntries, member)
	case Tar:
		return ReadTar(r, lim.MaxEntries, member)
	case Gzip:
		return ReadGzip(r, baseName(name), member)
	case Bzip2:
		return ReadBzip2(r, baseName(name), member)
	case Xz:
		return ReadXz(r, baseName(name), member)
	case Zstd:
		return ReadZstd(r, baseName(name), member)
	}
	return fmt.Errorf("unknown format")
}

func baseName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// budgetReader counts expanded bytes against the archive's and the
// scan's budgets.
type budgetReader struct {
	r io.Reader
	w *walk
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.w.expanded += int64(n)
		total := b.w.s.total.Add(int64(n))
		lim := b.w.s.lim
		if lim.MaxArchiveBytes > 0 && b.w.expanded > lim.MaxArchiveBytes {
			return n, &LimitError{fmt.Sprintf("archive expands to more than the limit of %d bytes", lim.MaxArchiveBytes)}
		}
		if lim.MaxTotalBytes > 0 && total > lim.MaxTotalBytes {
			return n, &LimitError{fmt.Sprintf("archives expand to more than the scan's limit of %d bytes", lim.MaxTotalBytes)}
		}
	}
	return n, err
}

// member handles one member of the archive at chain: a nested archive is
// expanded, anything else becomes an item.
func (w *walk) member(chain []string, name string, size int64, r io.Reader, depth int) error {
	if err := w.ctx.Err(); err != nil {
		return &errStop{err}
	}
	if rr, ok := r.(*ratioReader); ok {
		rr.maxRatio = w.s.lim.MaxRatio
	}
	// Bytes out of a decompressor count against the budgets; a tar's
	// members are already counted by the stream they come from.
	if _, ok := r.(*tarMember); !ok {
		r = &budgetReader{r: r, w: w}
	}
	br := bufio.NewReaderSize(r, SniffLen)
	head, perr := br.Peek(SniffLen)
	if perr != nil && !errors.Is(perr, io.EOF) && len(head) == 0 {
		return w.memberErr(chain, name, perr)
	}
	if f := Detect(name, head); f != None {
		if depth >= w.s.lim.MaxDepth {
			w.skip(scanner.Skipped{Path: display(chain, name), Reason: fmt.Sprintf("%s archive nested deeper than the limit of %d", f, w.s.lim.MaxDepth)})
			return nil
		}
		err := w.expand(chain, name, f, br, nil, size, depth+1)
		var le *LimitError
		if errors.As(err, &le) && isBudget(le) {
			return err // the budget is the outer archive's too
		}
		return w.report(display(chain, name), err)
	}
	origin := w.base
	origin.Kind = "archive"
	origin.Path = name
	origin.Chain = chain
	origin.Blob, origin.Commit = "", ""
	// Small members are read at once and scanned in parallel.
	buf := make([]byte, 0, min(max(size, 0)+1, smallMember+1))
	buf, err := readUpTo(br, buf, smallMember+1)
	if err != nil || len(buf) <= smallMember {
		if len(buf) > 0 {
			data := buf
			if eerr := w.emitItem(scanner.Item{Origin: origin, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(data)), nil
			}}); eerr != nil {
				return eerr
			}
		}
		if err != nil {
			return w.memberErr(chain, name, err)
		}
		return nil
	}
	// A large member is streamed: the walk waits until the engine has
	// read it (the archive's stream cannot move on before).
	done := make(chan struct{})
	hr := &handoff{r: io.MultiReader(bytes.NewReader(buf), br), done: done}
	if err := w.emitItem(scanner.Item{Origin: origin, Size: -1, Open: func() (io.ReadCloser, error) { return hr, nil }}); err != nil {
		return err
	}
	select {
	case <-done:
	case <-w.ctx.Done():
		return &errStop{w.ctx.Err()}
	}
	if hr.err != nil {
		var le *LimitError
		if errors.As(hr.err, &le) {
			return hr.err
		}
		w.skip(scanner.Skipped{Path: display(chain, name), Reason: hr.err.Error(), Partial: true})
	}
	return nil
}

func isBudget(le *LimitError) bool { return strings.Contains(le.msg, "expand") }

func (w *walk) memberErr(chain []string, name string, err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return err
	}
	var me *MemberError
	if errors.As(err, &me) {
		w.skip(scanner.Skipped{Path: display(chain, name), Reason: err.Error()})
		return nil
	}
	// A corrupt stream ends its archive.
	return err
}

func (w *walk) emitItem(it scanner.Item) error {
	if err := w.emit(it); err != nil {
		return &errStop{err}
	}
	return nil
}

func readUpTo(r io.Reader, buf []byte, n int) ([]byte, error) {
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), n)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// handoff is a streamed member: Close tells the walk it may go on.
type handoff struct {
	r    io.Reader
	done chan struct{}
	err  error
	shut bool
}

func (h *handoff) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && h.err == nil {
		h.err = err
	}
	return n, err
}

func (h *handoff) Close() error {
	if !h.shut {
		h.shut = true
		close(h.done)
	}
	return nil
}

// SafeName is a member name fit to print: control characters and invalid
// UTF-8 are escaped. `..` and absolute names stay as they are; they are
// only names here.
func SafeName(name string) string {
	ok := true
	for _, r := range name {
		if r == utf8.RuneError || unicode.IsControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return name
	}
	q := strconv.QuoteToASCII(name)
	return q[1 : len(q)-1]
}
