package scanner

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/conc/pool"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/detectors/scope"
)

// DefaultMaxFileSize is how much of one item is scanned by default.
const DefaultMaxFileSize = 25 << 20

// DefaultChunkSize is how much is read at a time from one item.
const DefaultChunkSize = 1 << 20

// binarySniff is how many leading bytes are checked for NUL to call
// content binary (as git does).
const binarySniff = 8000

// Options tune an Engine. The zero value is usable.
type Options struct {
	// Workers is the number of items scanned at once; 0 means GOMAXPROCS.
	Workers int
	// MaxFileSize is how many bytes of one item are scanned; the rest is
	// reported as skipped. 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// ChunkSize is how many bytes are read at a time; 0 means
	// DefaultChunkSize.
	ChunkSize int
	// ShowSecrets keeps raw secrets in findings. Off by default.
	ShowSecrets bool
	// Raw, when set, receives every finding's raw secret by fingerprint,
	// for the verify stage; findings themselves stay redacted.
	Raw *RawSecrets
	// ScanBinary scans files that look binary instead of skipping them.
	ScanBinary bool
	// Expanders are offered every stream before it is scanned as text
	// (see Expander); none by default.
	Expanders []Expander
	// Limits bound expansion per root item; the zero value means the
	// defaults.
	Limits ExpandLimits
	// Formats are file-format detectors offered every text stream (see
	// Format); none by default.
	Formats []Format
	// Allow, when set, is asked about each finding with its raw secret
	// (which reports may not carry); a non-empty answer, the reason an
	// allowlist matched, is kept in Finding.Allowed. It must be safe for
	// concurrent use.
	Allow func(ruleID string, o Origin, secret string) string
	// Progress, when set, is called from the scanning goroutines after
	// each item with running totals. It must be cheap and safe for
	// concurrent use.
	Progress func(items, bytes int64)
	// Fingerprinter makes the findings' fingerprints; nil means a new
	// unkeyed one (see NewFingerprinter and docs/fingerprint.md).
	Fingerprinter *Fingerprinter
}

// Engine runs sources through a detector set.
type Engine struct {
	set    *detectors.Set
	opts   Options
	limits ExpandLimits
}

// NewEngine returns an engine over set.
func NewEngine(set *detectors.Set, opts Options) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.Fingerprinter == nil {
		opts.Fingerprinter, _ = NewFingerprinter(nil)
	}
	return &Engine{set: set, opts: opts, limits: opts.Limits.withDefaults()}
}

// Fingerprinter returns the engine's fingerprinter (its Scheme and Stats
// belong in a report).
func (e *Engine) Fingerprinter() *Fingerprinter { return e.opts.Fingerprinter }

// Fingerprint returns the fingerprint the engine's findings carry for a
// rule id and a secret.
func (e *Engine) Fingerprint(ruleID, secret string) string {
	return e.opts.Fingerprinter.Fingerprint(ruleID, secret)
}

// Set returns the engine's detector set.
func (e *Engine) Set() *detectors.Set { return e.set }

// ErrNothingScanned is returned by Run when every source failed and no item
// could be read.
var ErrNothingScanned = errors.New("nothing could be scanned")

// collector gathers results from many goroutines.
type collector struct {
	mu       sync.Mutex
	findings []Finding
	skipped  []Skipped
	items    atomic.Int64
	bytes    atomic.Int64
}

func (c *collector) skip(s Skipped) { c.addSkip(s) }

// addSkip records s and returns its index, for setSkip.
func (c *collector) addSkip(s Skipped) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.skipped = append(c.skipped, s)
	return len(c.skipped) - 1
}

// setSkip replaces the skipped entry addSkip numbered i.
func (c *collector) setSkip(i int, s Skipped) {
	c.mu.Lock()
	c.skipped[i] = s
	c.mu.Unlock()
}

// Run scans every item of every source and returns the sorted result.
// Per-item problems become Skipped entries; Run returns an error only when
// ctx is cancelled (with what was found so far) or a source fails as a
// whole.
func (e *Engine) Run(ctx context.Context, sources ...Source) (*Result, error) {
	start := time.Now()
	col := &collector{}
	items := make(chan Item, 4*e.opts.Workers)

	var srcErrs []error
	walkers := pool.New().WithErrors()
	walkers.Go(func() error {
		defer close(items)
		for _, src := range sources {
			err := src.Walk(ctx, func(it Item) error {
				select {
				case items <- it:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}, col.skip)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				srcErrs = append(srcErrs, fmt.Errorf("%s: %w", src.Name(), err))
			}
		}
		return nil
	})

	queued := schedule(items)
	workers := pool.New()
	for i := 0; i < e.opts.Workers; i++ {
		workers.Go(func() {
			w := e.newWorker(ctx, col)
			for it := range queued {
				if ctx.Err() != nil {
					continue // drain so the walker can finish
				}
				w.scanItem(it)
			}
		})
	}
	workers.Wait()
	walkErr := walkers.Wait()

	res := e.finish(col)
	if walkErr == nil && ctx.Err() == nil {
		for _, src := range sources {
			if f, ok := src.(Finisher); ok {
				if err := f.Finish(ctx, res); err != nil {
					res.Skipped = append(res.Skipped, Skipped{Reason: fmt.Sprintf("%s: %v", src.Name(), err)})
				}
			}
		}
	}
	res.Stats.Duration = time.Since(start)
	if walkErr != nil {
		return res, walkErr
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if len(srcErrs) > 0 && res.Stats.Items == 0 {
		return res, fmt.Errorf("%w: %w", ErrNothingScanned, errors.Join(srcErrs...))
	}
	for _, err := range srcErrs {
		res.Skipped = append(res.Skipped, Skipped{Path: "", Reason: err.Error()})
	}
	res.Stats.Skipped = int64(len(res.Skipped))
	return res, nil
}

// A Finisher is a Source with work to do once every item has been scanned,
// such as attributing git blobs with findings to their first commit. Run
// calls Finish, in source order, on each source that implements it, after
// dedup and before returning; Finish may rewrite res (and then keeps it
// sorted with SortFindings). An error is reported as a Skipped entry.
type Finisher interface {
	Finish(ctx context.Context, res *Result) error
}

// ScanBytes scans one in-memory item synchronously. Sources that already
// hold content (environment variables, parsed credential stores) and tests
// use it.
func (e *Engine) ScanBytes(origin Origin, content []byte) []Finding {
	col := &collector{}
	w := e.newWorker(context.Background(), col)
	w.scanItem(Item{Origin: origin, Size: int64(len(content)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(content)), nil
	}})
	return e.finish(col).Findings
}

type worker struct {
	e    *Engine
	ctx  context.Context
	col  *collector
	m    *detectors.Matcher
	buf  []byte
	cand []located
	out  []Finding
	// budget is what the current root item has used of the limits.
	budget rootBudget
	// nest is how many expansions the current stream is inside.
	nest int
	// pos is the Positioner of the transform scanStream is called on
	// next, if it has one (read and cleared as the stream starts).
	pos Positioner
	// tail holds the end of a root file for TailMatchers, made on first
	// use.
	tail []byte
	// from is, for that transform, 1 + the index in Options.Expanders of
	// the expander (not an archive's) that emitted it, which it is not
	// offered to again; 0 for other streams (read and cleared likewise).
	from int
	// spare holds a chunk buffer per expansion level below the current
	// one (spare[i] is w.buf while nest is i+1), made on first use: an
	// inner stream scans in its own buffer, so the outer stream's head
	// is read in place, not copied per item.
	spare [][]byte
	// ancestors are the streams being expanded around the current one,
	// outermost first, with their content when it was read whole in the
	// first chunk (it stays in that level's buffer while inner levels
	// scan in theirs).
	ancestors []ancestor
	// readErr is the last read error this worker recorded on an
	// expander's output: the expander, failing for the same reason,
	// turns that entry into its own (corrupt) instead of adding a second.
	readErr struct {
		o    *Origin
		text string
		idx  int
	}
}

type ancestor struct {
	name  string
	whole []byte
}

// ancestorEqual returns the ancestor whose whole content is b (nil when b
// is nil: content not read whole is never compared). The cost is one
// length comparison per level, and a byte comparison only on equal
// lengths.
func (w *worker) ancestorEqual(b []byte) *ancestor {
	if b == nil {
		return nil
	}
	for i := range w.ancestors {
		a := &w.ancestors[i]
		if a.whole != nil && len(a.whole) == len(b) && bytes.Equal(a.whole, b) {
			return a
		}
	}
	return nil
}

type located struct {
	c   detectors.Candidate
	abs int64 // absolute offset of c.Start in the item
}

// contextBound is how much text around a match is kept for its line (the
// key name before it, the line handed to scope.ApplyContext).
const contextBound = 512

func (e *Engine) newWorker(ctx context.Context, col *collector) *worker {
	return &worker{
		e:   e,
		ctx: ctx,
		col: col,
		m:   e.set.NewMatcher(),
		buf: make([]byte, e.opts.ChunkSize+e.carry()),
	}
}

// margin is how far before a chunk's end a match must end to be accepted
// in that chunk: far enough that the match is whole (a match cut by the
// chunk's end ends within MaxMatch of it) and that contextBound bytes
// after it are present. Matches ending later are taken from the next
// chunk.
func (e *Engine) margin() int { return e.set.MaxMatch() + contextBound }

// carry is how many bytes of a chunk's tail start the next chunk: enough
// that every match not accepted in a chunk lies whole in the next one,
// with contextBound bytes before it.
func (e *Engine) carry() int { return e.margin() + e.set.MaxMatch() + contextBound }

// scanItem scans one root item: its stream, expanded as the expanders
// say, then records its findings and counts.
func (w *worker) scanItem(it Item) {
	rc, err := it.Open()
	if err != nil {
		w.col.skip(skipAt(it.Origin, SkipUnreadable, reason(err), false))
		return
	}
	defer rc.Close()
	// A reader that knows its size (a regular file, stat'ed at open) is
	// read up to it, saving the read that would only report the end.
	size := int64(-1)
	if s, ok := rc.(interface{ Size() int64 }); ok {
		size = s.Size()
	}
	w.out = w.out[:0]
	w.budget = rootBudget{}
	total := w.scanStream(it.Origin, rc, size, 0)
	w.col.items.Add(1)
	w.col.bytes.Add(total)
	if w.e.opts.Progress != nil {
		w.e.opts.Progress(w.col.items.Load(), w.col.bytes.Load())
	}
	if len(w.out) > 0 {
		w.col.mu.Lock()
		w.col.findings = append(w.col.findings, w.out...)
		w.col.mu.Unlock()
	}
}

// tailOf returns the last TailSize bytes of what will be scanned of the
// stream r whose first chunk is chunk (all of it when all is set) and
// whose length is size (-1 when unknown): the chunk's end, or read at an
// offset when r has random access (a root file); nil when neither.
func (w *worker) tailOf(r io.Reader, size int64, chunk []byte, all bool) []byte {
	if all {
		return chunk[max(0, len(chunk)-TailSize):]
	}
	ra, ok := r.(io.ReaderAt)
	if !ok || size < 0 {
		return nil
	}
	end := min(size, w.e.opts.MaxFileSize)
	n := min(end, TailSize)
	if w.tail == nil {
		w.tail = make([]byte, TailSize)
	}
	if m, _ := ra.ReadAt(w.tail[:n], end-n); int64(m) < n {
		return nil
	}
	return w.tail[:n]
}

// scanStream scans the content r at o, depth expansions below its root
// item; size is r's length when known, else -1. A stream an expander
// matches is expanded instead of scanned. Findings are appended to w.out.
// It returns how many bytes it read from r.
//
// The text scan reads in chunks that overlap by carry bytes, so every
// match is seen whole, with its line context, and accepted exactly once:
// in the first chunk where it ends at least margin bytes before the
// chunk's end (or in the last chunk).
func (w *worker) scanStream(o Origin, r io.Reader, size int64, depth int) int64 {
	pos, from := w.pos, w.from
	w.pos, w.from = nil, 0
	margin := int64(w.e.margin())
	carryLen := w.e.carry()
	limit := w.e.opts.MaxFileSize
	var (
		carry    int   // bytes carried from the previous chunk
		bufStart int64 // absolute offset of buf[0]
		accepted int64 = -1
		total    int64
		lines    lineCounter // counted up to bufStart
		sniffed  int64       // bytes checked for NUL
		outStart = len(w.out)
		pre      int   // bytes of the first chunk already read (the head)
		preErr   error // the error the head read ended with
		havePre  bool
	)
	if len(w.e.opts.Expanders) > 0 {
		// read the whole first chunk, as the text scan would: the
		// expanders' look costs no extra read
		want := int64(len(w.buf))
		if size >= 0 {
			want = min(want, size)
		}
		pre, preErr = io.ReadFull(r, w.buf[:min(want, limit)])
		havePre = true
		head := w.buf[:min(pre, HeadSize)]
		all := preErr != nil || size >= 0 && int64(pre) == size
		for i, x := range w.e.opts.Expanders {
			if i+1 == from {
				continue // its own transform: not taken again
			}
			if !x.Match(o, head) {
				continue
			}
			if tm, ok := x.(TailMatcher); ok && !tm.MatchTail(o, w.tailOf(r, size, w.buf[:pre], all)) {
				continue
			}
			// whole (read in the first chunk) and equal to a stream it
			// lies in: expanding it would find itself again, forever (a
			// quine zip)
			var whole []byte
			if all {
				whole = w.buf[:pre]
			}
			if a := w.ancestorEqual(whole); a != nil {
				w.col.skip(skipAt(o, SkipRecursive, fmt.Sprintf("%s: byte-identical to %s, which holds it: a self-reproducing archive (not expanded)", x.Name(), a.name), true))
				break
			}
			if _, ok := x.(ArchiveExpander); ok && depth >= w.e.limits.MaxDepth || w.nest >= w.e.limits.MaxDepth+maxTransforms {
				w.col.skip(skipAt(o, SkipBudget, fmt.Sprintf("expansion budget: %s nested deeper than the limit of %d (not expanded)", x.Name(), w.e.limits.MaxDepth), true))
				break
			}
			w.ancestors = append(w.ancestors, ancestor{name: o.Path, whole: whole})
			n := w.expand(i, o, w.buf[:pre], preErr, r, size, depth)
			w.ancestors = w.ancestors[:len(w.ancestors)-1]
			return n
		}
	}
	// a stream a Format recognises is kept whole while it is scanned, then
	// parsed (formats match by origin, so this costs nothing elsewhere)
	var (
		fmts []Format
		capt *capture
	)
	if len(w.e.opts.Formats) > 0 && size <= MaxFormatSize {
		for _, f := range w.e.opts.Formats {
			if f.Match(o) {
				fmts = append(fmts, f)
			}
		}
		if len(fmts) > 0 {
			capt = &capture{r: r}
			if havePre {
				capt.buf = append(capt.buf, w.buf[:pre]...)
				capt.eof = preErr != nil
			}
			r = capt
		}
	}
	for {
		if w.ctx.Err() != nil {
			// Cancelled: keep what this item gave so far; the run as a
			// whole reports the cancellation.
			break
		}
		want := len(w.buf) - carry
		if rem := limit - total; int64(want) > rem {
			want = int(rem)
		}
		if size >= 0 && int64(want) > size-total {
			want = int(max(0, size-total))
		}
		var (
			n    int
			rerr error
		)
		if havePre {
			havePre = false
			n, rerr = pre, preErr
			if rerr == nil && want > n {
				var m int
				m, rerr = io.ReadFull(r, w.buf[carry+n:carry+want])
				n += m
			}
		} else {
			n, rerr = io.ReadFull(r, w.buf[carry:carry+want])
		}
		total += int64(n)
		data := w.buf[:carry+n]
		eof := rerr != nil || total >= limit || size >= 0 && total >= size
		if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) && !errors.Is(rerr, errBudget) {
			// what an expander emitted fails to read when its bytes do
			// not decode (a member's deflate, a zstd frame): corrupt
			// content, not a file the system could not read
			kind := SkipUnreadable
			if w.nest > 0 {
				kind = SkipCorrupt
			}
			idx := w.col.addSkip(skipAt(o, kind, "read error: "+reason(rerr), total > 0))
			if w.nest > 0 {
				oc := o
				w.readErr.o, w.readErr.text, w.readErr.idx = &oc, reason(rerr), idx
			}
		}
		// The first binarySniff bytes decide whether the item is binary,
		// whatever the chunk size: findings of earlier chunks are dropped
		// if a NUL turns up later within them.
		if sniffed < binarySniff && !w.e.opts.ScanBinary {
			hi := min(bufStart+int64(len(data)), binarySniff)
			if bytes.IndexByte(data[sniffed-bufStart:hi-bufStart], 0) >= 0 {
				w.out = w.out[:outStart]
				w.col.skip(skipAt(o, SkipBinary, "binary file", false))
				return 0 // a binary item's bytes are not counted as scanned
			}
			sniffed = hi
		}
		acceptTo := bufStart + int64(len(data)) - margin
		if eof {
			acceptTo = bufStart + int64(len(data))
		}
		w.cand = w.cand[:0]
		scan := w.m.Scan
		if bufStart == 0 {
			scan = w.m.ScanStart
		}
		scan(data, func(c detectors.Candidate) {
			end := bufStart + int64(c.End)
			if end <= accepted || end > acceptTo {
				return
			}
			w.cand = append(w.cand, located{c: c, abs: bufStart + int64(c.Start)})
		})
		if len(w.cand) > 0 {
			slices.SortFunc(w.cand, func(a, b located) int {
				if a.abs != b.abs {
					return cmp.Compare(a.abs, b.abs)
				}
				if a.c.End != b.c.End {
					return cmp.Compare(a.c.End, b.c.End)
				}
				return strings.Compare(a.c.RuleID, b.c.RuleID)
			})
			cur := lines // candidates come in order: count forward from bufStart
			first := len(w.out)
			for _, lc := range w.cand {
				w.out = append(w.out, w.e.newFinding(o, lc, data, bufStart, &cur))
			}
			scrubReasons(w.out[first:], w.cand)
			if pos != nil {
				placeFindings(pos, w.out[first:], w.cand)
			}
		}
		accepted = acceptTo
		if eof {
			break
		}
		keep := carryLen
		if keep > len(data) {
			keep = len(data)
		}
		next := bufStart + int64(len(data)-keep)
		lines.advance(data, bufStart, next)
		copy(w.buf, data[len(data)-keep:])
		bufStart = next
		if pos != nil {
			pos.Release(bufStart)
		}
		carry = keep
	}
	if capt != nil && !capt.over && w.ctx.Err() == nil && (capt.eof || size >= 0 && total >= size) && int64(len(capt.buf)) == total {
		var ps []Parsed
		for _, f := range fmts {
			ps = append(ps, f.Parse(o, capt.buf)...)
		}
		if len(ps) > 0 {
			merged := w.e.mergeParsed(o, slices.Clone(w.out[outStart:]), ps, capt.buf)
			w.out = append(w.out[:outStart], merged...)
		}
	}
	if total >= limit && !w.budget.hit {
		more := size > limit
		if size < 0 {
			var b [1]byte
			n, _ := r.Read(b[:])
			more = n > 0
		}
		if more {
			w.col.skip(skipAt(o, SkipTooLarge,
				fmt.Sprintf("larger than --max-file-size: only the first %d bytes were scanned", limit), true))
		}
	}
	return total
}

// capture keeps what is read through it, up to MaxFormatSize, for the
// Formats that matched a stream.
type capture struct {
	r    io.Reader
	buf  []byte
	eof  bool
	over bool
}

func (c *capture) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 && !c.over {
		if len(c.buf)+n > MaxFormatSize {
			c.over, c.buf = true, nil
		} else {
			c.buf = append(c.buf, b[:n]...)
		}
	}
	if err != nil {
		c.eof = true
	}
	return n, err
}

// lineCounter tracks line numbers through a stream, forward only: pos is
// an absolute offset up to which newlines have been counted.
type lineCounter struct {
	pos       int64
	line      int   // newlines before pos
	lineStart int64 // absolute offset of the line holding pos
}

// advance counts newlines in data (which starts at bufStart) up to abs.
// pos must lie within data; abs before pos is a no-op.
func (l *lineCounter) advance(data []byte, bufStart, abs int64) {
	if abs <= l.pos {
		return
	}
	seg := data[l.pos-bufStart : abs-bufStart]
	if n := bytes.Count(seg, newline); n > 0 {
		l.line += n
		l.lineStart = l.pos + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	l.pos = abs
}

// at returns the 1-based line of abs and the offset where that line
// starts. abs must not lie before pos.
func (l *lineCounter) at(data []byte, bufStart, abs int64) (int, int64) {
	l.advance(data, bufStart, abs)
	return l.line + 1, l.lineStart
}

var newline = []byte{'\n'}

// placeFindings moves findings of a transformed stream (fs, made from
// cands in order) to the places in the input their bytes came from.
func placeFindings(pos Positioner, fs []Finding, cands []located) {
	for i := range fs {
		lc := cands[i]
		start := pos.Position(lc.abs)
		f := &fs[i]
		f.Offset, f.Line, f.Column = start.Offset, start.Line, start.Column
		if n := int64(lc.c.End - lc.c.Start); n > 0 {
			last := pos.Position(lc.abs + n - 1)
			f.EndLine, f.EndColumn = last.Line, last.Column+last.Width
		} else {
			f.EndLine, f.EndColumn = f.Line, f.Column
		}
	}
}

func (e *Engine) newFinding(o Origin, lc located, data []byte, bufStart int64, lines *lineCounter) Finding {
	c := lc.c
	line, lineStart := lines.at(data, bufStart, lc.abs)
	col := int(lc.abs-lineStart) + 1
	span := data[c.Start:c.End]
	endLine := line + bytes.Count(span, newline)
	endCol := col + len(span)
	if i := bytes.LastIndexByte(span, '\n'); i >= 0 {
		endCol = len(span) - i
	}
	lineText := lineAround(data, c.Start, c.End)
	key := KeyName(lineText.before)
	sc := c.Scope.Normalize()
	sc = scope.ApplyContext(sc, scope.Context{Path: o.Path, Key: key, Line: string(lineText.whole)})
	f := Finding{
		RuleID:      c.RuleID,
		Provider:    c.Provider,
		Kind:        c.Kind,
		Redacted:    RedactPrefix(c.Secret, c.Prefix),
		Fingerprint: e.Fingerprint(c.RuleID, c.Secret),
		Origin:      o,
		Line:        line,
		Column:      col,
		EndLine:     endLine,
		EndColumn:   endCol,
		Offset:      lc.abs,
		Key:         key,
		Scope:       sc,
		Severity:    sc.Severity(),
		Attrs:       c.Attrs,
	}
	if e.opts.ShowSecrets {
		f.Secret = c.Secret
	}
	f.Allow = findMarker(data, c.Start, c.End, lc.abs)
	if e.opts.Allow != nil {
		f.Allowed = e.opts.Allow(c.RuleID, o, c.Secret)
	}
	if e.opts.Raw != nil {
		e.opts.Raw.put(f.Fingerprint, c.Secret)
	}
	return f
}

type lineParts struct{ before, whole []byte }

// lineAround returns the text of the line holding [start,end): the part
// before the match and the whole line, each side bounded to contextBound
// bytes (a CR ending a CRLF line is left out).
func lineAround(data []byte, start, end int) lineParts {
	lo := start - contextBound
	if lo < 0 {
		lo = 0
	}
	if i := bytes.LastIndexByte(data[lo:start], '\n'); i >= 0 {
		lo += i + 1
	}
	hi := end + contextBound
	if hi > len(data) {
		hi = len(data)
	}
	if i := bytes.IndexByte(data[end:hi], '\n'); i >= 0 {
		hi = end + i
	}
	if hi > end && data[hi-1] == '\r' {
		hi--
	}
	return lineParts{before: data[lo:start], whole: data[lo:hi]}
}

// finish dedups and sorts what the workers collected.
func (e *Engine) finish(col *collector) *Result {
	col.mu.Lock()
	defer col.mu.Unlock()
	fs := normalize(col.findings, e.Fingerprint)
	sort.Slice(col.skipped, func(i, j int) bool {
		if col.skipped[i].Path != col.skipped[j].Path {
			return col.skipped[i].Path < col.skipped[j].Path
		}
		return col.skipped[i].Reason < col.skipped[j].Reason
	})
	if fs == nil {
		fs = []Finding{}
	}
	sk := col.skipped
	if sk == nil {
		sk = []Skipped{}
	}
	return &Result{
		Findings: fs,
		Skipped:  sk,
		Stats:    Stats{Items: col.items.Load(), Bytes: col.bytes.Load(), Skipped: int64(len(sk))},
	}
}

// Normalize is the engine's normalisation of a set of findings: generic
// findings shadowed by a specific rule's finding of the same span are
// dropped (a basic-auth URL's evidence goes to the token inside it), the
// rest sorted (SortFindings) and repeats of one credential at one place
// removed. It reuses fs's storage. Run applies it before the sources'
// Finishers (git grouping into Also); a command that combines results
// (merge of shards) applies it to the union and then the policy stage.
func Normalize(fs []Finding) []Finding {
	return normalize(fs, nil)
}

// normalize is Normalize; with fp (the engine's fingerprints) a generic
// finding of a fact a specific finding names is dropped too (see
// dropShadowedGeneric).
func normalize(fs []Finding, fp func(ruleID, secret string) string) []Finding {
	fs = dropShadowedGeneric(fs, fp)
	SortFindings(fs)
	return dedup(fs)
}

// SortFindings orders findings by severity (highest first), then path,
// line, column and rule id.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Origin.Path != b.Origin.Path {
			return a.Origin.Path < b.Origin.Path
		}
		if a.Origin.Commit != b.Origin.Commit {
			return a.Origin.Commit < b.Origin.Commit
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Fingerprint < b.Fingerprint
	})
}

// dedup drops repeats of the same credential at the same place. fs must be
// sorted.
func dedup(fs []Finding) []Finding {
	type key struct {
		fp, path, commit, blob, chain string
		line, col                     int
	}
	seen := make(map[key]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Fingerprint, f.Origin.Path, f.Origin.Commit, f.Origin.Blob, fmt.Sprint(f.Origin.Chain), f.Line, f.Column}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// dropShadowedGeneric removes findings of generic detectors whose span
// overlaps, at the same place, a finding of a specific rule: the specific
// rule says more about the same secret. A generic finding of another value
// on the same line stays.
//
// With fp, a generic finding whose value a specific finding of the same
// item names as a non-secret fact (an AWS key id beside its secret) is
// dropped as well: fp fingerprints the fact as the generic rule's would be.
func dropShadowedGeneric(fs []Finding, fp func(ruleID, secret string) string) []Finding {
	type key struct {
		path, commit, blob string
		line               int
	}
	specific := map[key][]int{}
	for i, f := range fs {
		if !detectors.IsGeneric(f.RuleID) {
			for l := f.Line; l <= max(f.Line, f.EndLine); l++ {
				k := key{f.Origin.Path, f.Origin.Commit, f.Origin.Blob, l}
				specific[k] = append(specific[k], i)
			}
		}
	}
	if len(specific) == 0 {
		return fs
	}
	// the non-secret facts specific findings name (an AWS key id beside
	// its secret), per item: a generic finding of one of them is the same
	// credential's other half (terraform.tfvars: aws_access_key = "AKIA…")
	type item struct{ path, commit, blob string }
	facts := map[item][]string{}
	for _, f := range fs {
		if fp == nil || detectors.IsGeneric(f.RuleID) {
			continue
		}
		for _, v := range f.Attrs {
			if len(v) >= 16 {
				k := item{f.Origin.Path, f.Origin.Commit, f.Origin.Blob}
				facts[k] = append(facts[k], v)
			}
		}
	}
	drop := map[int]bool{}
	for i, f := range fs {
		wrapper := f.RuleID == wrapperRule
		if !detectors.IsGeneric(f.RuleID) && !wrapper {
			continue
		}
		if !wrapper {
			for _, v := range facts[item{f.Origin.Path, f.Origin.Commit, f.Origin.Blob}] {
				if fp(f.RuleID, v) == f.Fingerprint {
					drop[i] = true
					break
				}
			}
			if drop[i] {
				continue
			}
		}
		for _, j := range specific[key{f.Origin.Path, f.Origin.Commit, f.Origin.Blob, f.Line}] {
			if j == i || !overlaps(&f, &fs[j]) {
				continue
			}
			if wrapper {
				// one credential, one finding: the token inside a
				// basic-auth URL (https://x-access-token:ghs_…@host) is
				// the specific rule's; it absorbs the URL's evidence
				if fs[j].RuleID == wrapperRule || detectors.IsGeneric(fs[j].RuleID) {
					continue
				}
				absorb(&fs[j], &fs[i])
			}
			drop[i] = true
			break
		}
	}
	if len(drop) == 0 {
		return fs
	}
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}

// wrapperRule finds a URL whose password may itself be a token a specific
// rule knows; then the specific finding stands for both.
const wrapperRule = "uri-http-basic-auth"

// absorb gives f what the wrapping finding w knew: its attributes (host,
// user) where f has none, and its evidence.
func absorb(f, w *Finding) {
	if len(w.Attrs) > 0 {
		attrs := copyAttrs(f.Attrs)
		if attrs == nil {
			attrs = map[string]string{}
		}
		for k, v := range w.Attrs {
			if _, ok := attrs[k]; !ok {
				attrs[k] = v
			}
		}
		f.Attrs = attrs
	}
	if len(w.Scope.Evidence) > 0 {
		sc := f.Scope.Clone()
		for _, ev := range w.Scope.Evidence {
			if !slices.Contains(sc.Evidence, ev) {
				sc.Evidence = append(sc.Evidence, ev)
			}
		}
		f.Scope = sc
	}
}

// overlaps reports whether two findings' spans, from (Line, Column) to
// (EndLine, EndColumn) exclusive, share a byte. A finding without an end
// is taken as one byte long.
func overlaps(a, b *Finding) bool {
	type pos struct{ line, col int }
	less := func(x, y pos) bool { return x.line < y.line || x.line == y.line && x.col < y.col }
	span := func(f *Finding) (pos, pos) {
		s, e := pos{f.Line, f.Column}, pos{f.EndLine, f.EndColumn}
		if !less(s, e) {
			e = pos{f.Line, f.Column + 1}
		}
		return s, e
	}
	as, ae := span(a)
	bs, be := span(b)
	return less(as, be) && less(bs, ae)
}

func reason(err error) string {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) {
		if u := pe.Unwrap(); u != nil {
			return u.Error()
		}
	}
	return err.Error()
}
