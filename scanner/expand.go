package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// An Expander turns one stream into inner streams: a transform (the same
// content re-encoded, such as UTF-16 text decoded to UTF-8) or the members
// of a container (zip, tar, gzip...). The engine offers every stream, from
// every source, to its expanders before scanning it as text, in the worker
// that reads the stream and recursively (inner streams are offered again),
// under budgets the engine enforces (ExpandLimits): an expander need not
// count depth, bytes or entries. The binary sniff runs only on streams no
// expander matched.
type Expander interface {
	// Name names the expander in skip reasons ("utf-16", "zip").
	Name() string
	// Match reports whether the expander takes content at o whose first
	// bytes are head (HeadSize bytes, fewer when the content is shorter).
	// It must be cheap: it runs on every stream.
	Match(o Origin, head []byte) bool
	// Expand reads r (the whole content, head included) and calls emit for
	// each inner stream, in order. name is Transform for re-encoded
	// content (the origin is unchanged), else the member's path inside the
	// container, with forward slashes (the origin's Chain gains the outer
	// path and Path becomes name). A transform is offered to every
	// expander but the one that emitted it, unless that one is an
	// ArchiveExpander (a gzip stream may hold another). The engine scans
	// the inner stream before emit returns; the reader need not be valid
	// afterwards. When emit returns an error (budget hit, cancelled)
	// Expand must stop and return it. Any other error Expand returns is
	// reported as a corrupt skip; what was emitted before stays scanned.
	Expand(ctx context.Context, r io.Reader, emit func(name string, r io.Reader) error) error
}

// A TailMatcher is an Expander whose streams are told by their end, such
// as a bundle's last comment: when Match (which should test the origin
// alone) takes a stream, the engine asks MatchTail with the last TailSize
// bytes of what is to be scanned, without reading the stream: the end of
// the first chunk when that holds it all (up to Options.ChunkSize), else
// read at an offset when the stream has random access (a file of a
// source). tail is nil when the engine has neither (a large archive
// member or transform, a pipe): the expander decides without it.
type TailMatcher interface {
	Expander
	MatchTail(o Origin, tail []byte) bool
}

// TailSize is how many bytes of a stream's end TailMatcher.MatchTail sees
// (fewer when the stream is shorter).
const TailSize = 4096

// An ArchiveExpander is an Expander of an archive, container or
// compression format (zip, tar, gzip...). Its input is read past Options.MaxFileSize, which
// bounds what is scanned as text (each member is scanned up to it), up to
// ExpandLimits.MaxBytes; only archive expansions count towards
// ExpandLimits.MaxDepth; and the streams it emits from a file are of kind
// "archive". When the root item's reader has random access (a file on
// disk), the reader handed to Expand has it too: it implements
// io.ReaderAt and Size() int64 (the whole content), so a zip is read in
// place instead of into memory.
type ArchiveExpander interface {
	Expander
	Archive()
}

// Transform is the name an Expander emits for re-encoded content.
const Transform = ""

// A Positioner is the reader of a transform whose bytes each come from a
// place in the expander's input it can name: the printable strings of a
// binary. The engine asks it where each finding of the stream lies, so
// the finding's line, column and offset are those of the input (the
// binary file's bytes, lines counted by its newline bytes, as `grep -an`
// counts them) rather than of the transformed text.
type Positioner interface {
	// Position returns where the output byte at off (an offset in the
	// reader's output) came from in the input.
	Position(off int64) Position
	// Release tells that no offset before off will be asked again: the
	// positions of earlier bytes may be forgotten.
	Release(off int64)
}

// Position is a place in an expander's input.
type Position struct {
	Offset int64
	// Line and Column are 1-based; Column counts bytes.
	Line, Column int
	// Width is how many input bytes the output byte stands for (2 for a
	// character of a UTF-16 string).
	Width int
}

// HeadSize is how many leading bytes Expander.Match sees (enough for a tar
// header's magic at offset 257).
const HeadSize = 512

// ExpandLimits bound what expansion may do with one root item (one Item
// of a source). Hitting one records a budget skip; the scan goes on.
type ExpandLimits struct {
	// MaxDepth is how deep archives nest (an archive inside an archive
	// is depth 2; a tar.gz is a gzip stream holding a tar, 2 too); 0 means
	// DefaultMaxDepth. Other expanders (UTF-16, strings of binaries) do
	// not count; they may nest maxTransforms deep.
	MaxDepth int
	// MaxBytes is how many expanded bytes, summed over every inner stream
	// at every depth, one root item may yield, and how much of a root
	// archive is read; 0 means DefaultMaxExpanded.
	MaxBytes int64
	// MaxRatio is how many expanded bytes one root item may yield per byte
	// read from it (past the first MiB); 0 means DefaultMaxRatio.
	MaxRatio int64
	// MaxEntries is how many container members one root item may yield;
	// 0 means DefaultMaxEntries.
	MaxEntries int
}

// Default expansion limits.
const (
	DefaultMaxDepth    = 5
	DefaultMaxExpanded = 4 << 30
	DefaultMaxRatio    = 1000
	DefaultMaxEntries  = 200_000
	ratioFloor         = 1 << 20
	// maxTransforms bounds the nesting of non-archive expansions.
	maxTransforms = 4
)

func (l ExpandLimits) withDefaults() ExpandLimits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxExpanded
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// errBudget is returned by inner readers and emit once a budget is hit
// (and the skip recorded).
var errBudget = errors.New("expansion budget exceeded")

// rootBudget is what one root item has used of ExpandLimits.
type rootBudget struct {
	raw      *countReader // the root stream, once expanded
	expanded int64
	entries  int
	hit      bool
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// budgetReader counts an inner stream's bytes against the root budget.
type budgetReader struct {
	w *worker
	o Origin
	r io.Reader
}

func (b *budgetReader) Read(p []byte) (int, error) {
	w := b.w
	if w.budget.hit {
		return 0, errBudget
	}
	n, err := b.r.Read(p)
	w.budget.expanded += int64(n)
	lim := w.e.limits
	raw := int64(1)
	if w.budget.raw != nil {
		raw = max(raw, w.budget.raw.n)
	}
	switch {
	case w.budget.expanded > lim.MaxBytes:
		w.budgetSkip(b.o, fmt.Sprintf("expansion budget: expands to more than the limit of %d bytes", lim.MaxBytes))
		return n, errBudget
	case w.budget.expanded > ratioFloor && w.budget.expanded > lim.MaxRatio*raw:
		w.budgetSkip(b.o, fmt.Sprintf("expansion budget: compression ratio above %d:1, expands more than %d times its size (%d bytes from %d): possible archive bomb", lim.MaxRatio, lim.MaxRatio, w.budget.expanded, raw))
		return n, errBudget
	}
	return n, err
}

func (w *worker) budgetSkip(o Origin, reason string) {
	w.budget.hit = true
	w.col.skip(skipAt(o, SkipBudget, reason, true))
}

// skipAt makes a Skipped for content at o.
func skipAt(o Origin, kind SkipKind, reason string, partial bool) Skipped {
	oc := o
	return Skipped{Path: o.Path, Reason: reason, Kind: kind, Origin: &oc, Partial: partial}
}

// expand hands the stream at o to x. head holds the bytes already read
// from r (the first chunk); headErr is the error that read ended with
// (then r is done); size is r's length when known, else -1. depth counts
// the archives around the stream. It returns how many bytes of the stream
// were read.
func (w *worker) expand(xi int, o Origin, head []byte, headErr error, r io.Reader, size int64, depth int) int64 {
	x := w.e.opts.Expanders[xi]
	// head lies in w.buf; the inner streams scan in the next level's
	// buffer, so the head is read where it is
	var in io.Reader = &byteReader{b: head}
	outer := w.buf
	if len(w.spare) <= w.nest {
		w.spare = append(w.spare, make([]byte, len(outer)))
	}
	w.buf = w.spare[w.nest]
	defer func() { w.buf = outer }()
	if headErr == nil {
		in = io.MultiReader(in, r)
	}
	_, isArchive := x.(ArchiveExpander)
	limit, what := w.e.opts.MaxFileSize, "--max-file-size"
	innerDepth := depth
	if isArchive {
		// an archive is opened whole: its members are each scanned up to
		// --max-file-size, the budgets bound the rest
		limit, what = w.e.limits.MaxBytes, "the expansion budget"
		innerDepth++
	}
	cr := &countReader{r: io.LimitReader(in, limit)}
	var input io.Reader = cr
	if ra, ok := r.(io.ReaderAt); ok && isArchive && w.nest == 0 && size >= 0 && size <= limit {
		input = &randomInput{countReader: cr, ra: ra, size: size}
	}
	if w.nest == 0 {
		w.budget.raw = cr
	}
	w.nest++
	defer func() { w.nest-- }()
	emitted := false
	err := x.Expand(w.ctx, input, func(name string, inner io.Reader) error {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if w.budget.hit {
			return errBudget
		}
		io := o
		if isArchive && io.Kind == "file" {
			io.Kind = "archive"
		}
		if name != Transform {
			w.budget.entries++
			if w.budget.entries > w.e.limits.MaxEntries {
				w.budgetSkip(o, fmt.Sprintf("expansion budget: more than %d entries in one item", w.e.limits.MaxEntries))
				return errBudget
			}
			io.Chain = append(append(make([]string, 0, len(o.Chain)+1), o.Chain...), o.Path)
			io.Path = name
		}
		emitted = true
		if name == Transform {
			w.pos, _ = inner.(Positioner)
			if !isArchive {
				w.from = xi + 1
			}
		}
		w.scanStream(io, &budgetReader{w: w, o: io, r: inner}, -1, innerDepth)
		if w.budget.hit {
			return errBudget
		}
		return w.ctx.Err()
	})
	switch {
	case err == nil, errors.Is(err, errBudget), w.ctx.Err() != nil:
	default:
		msg := err.Error()
		if !strings.Contains(msg, x.Name()) {
			msg = x.Name() + ": " + msg
		}
		sk := skipAt(o, SkipCorrupt, msg, emitted)
		if re := w.readErr; re.o != nil && sameOrigin(re.o, &o) && strings.HasSuffix(msg, re.text) {
			// the stream it emitted as o itself (a gzip's content)
			// failed to read for this very reason: one entry, the
			// expander's
			w.col.setSkip(re.idx, sk)
		} else {
			w.col.skip(sk)
		}
	}
	w.readErr.o = nil
	if cr.n >= limit && !w.budget.hit {
		var b [1]byte
		if n, _ := in.Read(b[:]); n > 0 {
			w.col.skip(skipAt(o, SkipTooLarge, fmt.Sprintf("larger than %s: only the first %d bytes were expanded", what, limit), true))
		}
	}
	return cr.n
}

// randomInput is a root archive's content with the random access of the
// file it is read from; bytes read either way count as read.
type randomInput struct {
	*countReader
	ra   io.ReaderAt
	size int64
}

func (r *randomInput) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ra.ReadAt(p, off)
	r.n += int64(n)
	return n, err
}

func (r *randomInput) Size() int64 { return r.size }

// byteReader is bytes.Reader without the extras, so io.MultiReader does
// not see a WriterTo.
type byteReader struct{ b []byte }

func (b *byteReader) Read(p []byte) (int, error) {
	if len(b.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.b)
	b.b = b.b[n:]
	return n, nil
}

// sameOrigin reports whether a and b name the same stream.
func sameOrigin(a, b *Origin) bool {
	return a.Path == b.Path && a.Commit == b.Commit && a.Blob == b.Blob && a.Layer == b.Layer && slices.Equal(a.Chain, b.Chain)
}
