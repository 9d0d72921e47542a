package detectors

import (
	"fmt"
	"sort"
	"strings"
)

// MaxWindow is the largest MaxLen a detector may declare. It bounds the
// overlap between chunks and so the memory a scan needs per worker.
const MaxWindow = 16 << 10

// A Set runs many detectors over content with one prefilter pass.
// It is immutable after NewSet and safe for concurrent use; each goroutine
// scans through its own Matcher.
type Set struct {
	dets    []Detector
	maxLen  []int
	owners  [][]int // literal index -> detectors that declared it
	pf      *prefilter
	overlap int
	infos   map[string]Info
	// lineStart lists the literals that begin with a newline (a rule's way
	// of asking for a token at the start of a line); ScanStart also finds
	// them, less the newline, at the first byte of a stream.
	lineStart []int32
	lits      []string // lower-cased, by literal index
}

// NewSet checks the detectors and builds the prefilter automaton.
func NewSet(dets []Detector) (*Set, error) {
	s := &Set{dets: dets, maxLen: make([]int, len(dets)), infos: map[string]Info{}}
	litIndex := map[string]int{}
	var lits []string
	for i, d := range dets {
		for _, inf := range AllInfos(d) {
			if inf.ID == "" {
				return nil, fmt.Errorf("detector %d has no id", i)
			}
			if _, dup := s.infos[inf.ID]; dup {
				return nil, fmt.Errorf("rule id %q is declared twice", inf.ID)
			}
			s.infos[inf.ID] = inf
		}
		ml := d.MaxLen()
		if ml <= 0 || ml > MaxWindow {
			return nil, fmt.Errorf("detector %s: MaxLen %d outside 1..%d", d.Info().ID, ml, MaxWindow)
		}
		s.maxLen[i] = ml
		if ml > s.overlap {
			s.overlap = ml
		}
		if len(d.Literals()) == 0 {
			return nil, fmt.Errorf("detector %s declares no literals", d.Info().ID)
		}
		for _, l := range d.Literals() {
			if len(l) < 3 {
				return nil, fmt.Errorf("detector %s: literal %q is shorter than 3 bytes", d.Info().ID, l)
			}
			key := strings.ToLower(l)
			li, ok := litIndex[key]
			if !ok {
				li = len(lits)
				litIndex[key] = li
				lits = append(lits, key)
				s.owners = append(s.owners, nil)
			}
			if n := len(s.owners[li]); n == 0 || s.owners[li][n-1] != i {
				s.owners[li] = append(s.owners[li], i)
			}
		}
	}
	for li, l := range lits {
		if l[0] == '\n' {
			s.lineStart = append(s.lineStart, int32(li))
		}
	}
	s.pf = newPrefilter(lits)
	s.lits = lits
	return s, nil
}

// asciiEqualFold reports whether b equals the lower-case literal l, ASCII
// case-insensitively (as the prefilter matches).
func asciiEqualFold(b []byte, l string) bool {
	for i := 0; i < len(l); i++ {
		if lowerASCII(b[i]) != l[i] {
			return false
		}
	}
	return true
}

// Detectors returns the detectors in the set, in the order given.
func (s *Set) Detectors() []Detector { return s.dets }

// Info returns the description of a rule id.
func (s *Set) Info(id string) (Info, bool) {
	inf, ok := s.infos[id]
	return inf, ok
}

// Infos lists every rule the set can report, sorted by id.
func (s *Set) Infos() []Info {
	out := make([]Info, 0, len(s.infos))
	for _, inf := range s.infos {
		out = append(out, inf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Overlap is how many bytes consecutive chunks of one stream must share so
// that no match is split: twice the largest MaxLen.
func (s *Set) Overlap() int { return 2 * s.overlap }

// MaxMatch is the largest MaxLen of any detector.
func (s *Set) MaxMatch() int { return s.overlap }

type span struct{ lo, hi int }

// A Matcher scans chunks for one goroutine, reusing its scratch space.
type Matcher struct {
	set  *Set
	wins [][]span
	used []int
	n    int
	hits int64
	hit  func(lit int32, start, end int)
	pfs  pfScratch
}

// NewMatcher returns a Matcher for one goroutine.
func (s *Set) NewMatcher() *Matcher {
	m := &Matcher{set: s, wins: make([][]span, len(s.dets))}
	m.hit = m.addWindow
	return m
}

// Hits is how many literal occurrences the prefilter has found so far, a
// measure of how selective the literals are.
func (m *Matcher) Hits() int64 { return m.hits }

// addWindow records the window around one literal occurrence for each
// detector that declared the literal, merging it with the detector's
// previous window when they touch.
func (m *Matcher) addWindow(lit int32, start, end int) {
	s := m.set
	m.hits++
	for _, di := range s.owners[lit] {
		ml := s.maxLen[di]
		lo, hi := start-ml, end+ml
		if lo < 0 {
			lo = 0
		}
		if hi > m.n {
			hi = m.n
		}
		w := m.wins[di]
		if len(w) == 0 {
			m.used = append(m.used, di)
		}
		if k := len(w) - 1; k >= 0 && lo <= w[k].hi {
			if hi > w[k].hi {
				w[k].hi = hi
			}
			if lo < w[k].lo {
				w[k].lo = lo
			}
			continue
		}
		m.wins[di] = append(w, span{lo, hi})
	}
}

// Scan runs the set over chunk and reports every candidate with Start and
// End as offsets into chunk. Candidates come grouped by detector, in the
// order the detectors were given; callers that need them in order sort
// them.
func (m *Matcher) Scan(chunk []byte, emit func(Candidate)) { m.scan(chunk, false, emit) }

// ScanStart is Scan for a chunk that begins a stream: a literal that
// begins with a newline also matches at the chunk's first byte, as if a
// newline came before it, so a token on a file's first line is found like
// one on any other line.
func (m *Matcher) ScanStart(chunk []byte, emit func(Candidate)) { m.scan(chunk, true, emit) }

func (m *Matcher) scan(chunk []byte, start bool, emit func(Candidate)) {
	s := m.set
	m.used = m.used[:0]
	m.n = len(chunk)
	if start {
		for _, li := range s.lineStart {
			if l := s.lits[li][1:]; len(chunk) >= len(l) && asciiEqualFold(chunk[:len(l)], l) {
				m.addWindow(li, -1, len(l))
			}
		}
	}
	s.pf.scan(chunk, &m.pfs, m.hit)
	if len(m.used) == 0 {
		return
	}
	sort.Ints(m.used)
	for _, di := range m.used {
		d := s.dets[di]
		for _, w := range m.wins[di] {
			lo := w.lo
			d.Find(chunk[w.lo:w.hi], func(c Candidate) {
				c.Start += lo
				c.End += lo
				emit(c)
			})
		}
		m.wins[di] = m.wins[di][:0]
	}
}
