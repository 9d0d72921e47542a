package detectors

// prefilter finds every occurrence of a set of literals, ASCII
// case-insensitively and overlapping, in one pass: an Aho-Corasick
// automaton compiled to a full DFA over byte classes. The hot loop is one
// table load and one compare per byte, allocates nothing, and reports hits
// through a callback.
//
// States are numbered so that every state where a literal ends comes after
// all the others: "is this a match state" is a single comparison.
type prefilter struct {
	classes  [256]byte
	nclass   uint32
	trans    []uint32  // premultiplied: state*nclass + class -> next state*nclass
	firstOut uint32    // premultiplied id of the first state with outputs
	outs     [][]int32 // (state - first output state) -> literals ending there
	lens     []int32   // literal -> length
}

// Compile-time check that scan's unrolled loop matches pfStreams.
var _ = [1]struct{}{}[pfStreams-4]

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// newPrefilter builds the automaton for lits, which must be non-empty
// strings (the Set lowercases them; matching folds ASCII case).
func newPrefilter(lits []string) *prefilter {
	// byte classes: every byte no literal uses is one class (0); each used
	// byte is its own class, shared by its upper-case form
	p := &prefilter{lens: make([]int32, len(lits))}
	used := [256]bool{}
	for i, l := range lits {
		p.lens[i] = int32(len(l))
		for j := 0; j < len(l); j++ {
			used[lowerASCII(l[j])] = true
		}
	}
	nclass := 1
	for c := 0; c < 256; c++ {
		if used[c] {
			p.classes[c] = byte(nclass)
			nclass++
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		p.classes[c] = p.classes[c+'a'-'A']
	}
	if nclass > 256 {
		panic("prefilter: more than 255 byte classes")
	}
	p.nclass = uint32(nclass)

	// the trie as a flat goto table, nclass entries a state; 0 is "no
	// edge" (the root is nobody's child)
	states := 1
	for _, l := range lits {
		states += len(l)
	}
	// one table for the whole build, renumbered in place at the end: a
	// second copy was a third of a scan's start-up (fresh pages cost more
	// than the work)
	tr := make([]uint32, nclass, states*nclass) // at most one state a literal byte
	outs := make([][]int32, 1, states)
	for li, l := range lits {
		s := uint32(0)
		for i := 0; i < len(l); i++ {
			k := int(p.classes[l[i]])
			t := tr[int(s)*nclass+k]
			if t == 0 {
				t = uint32(len(outs))
				tr[int(s)*nclass+k] = t
				tr = tr[:len(tr)+nclass] // zero: make cleared the capacity
				outs = append(outs, nil)
			}
			s = t
		}
		outs[s] = append(outs[s], int32(li))
	}

	// breadth-first, turning the goto table into the full transition
	// function in place (a state's failure state is shallower, so its row
	// is already complete), outputs inherited along failure links
	n := len(outs)
	fail := make([]uint32, n)
	order := make([]uint32, 0, n)
	for k := 1; k < nclass; k++ {
		if t := tr[k]; t != 0 {
			order = append(order, t)
		}
	}
	for qi := 0; qi < len(order); qi++ {
		s := order[qi]
		f := fail[s]
		if len(outs[f]) > 0 {
			outs[s] = append(outs[s], outs[f]...)
		}
		row, frow := tr[int(s)*nclass:int(s+1)*nclass], tr[int(f)*nclass:int(f+1)*nclass]
		for k := 1; k < nclass; k++ {
			if t := row[k]; t != 0 {
				fail[t] = frow[k]
				order = append(order, t)
			} else {
				row[k] = frow[k]
			}
		}
	}

	// renumber: states without outputs first
	newID := make([]int32, n)
	next := int32(0)
	for s := 0; s < n; s++ {
		if len(outs[s]) == 0 {
			newID[s] = next
			next++
		}
	}
	first := next
	p.outs = make([][]int32, n-int(first))
	for s := 0; s < n; s++ {
		if len(outs[s]) > 0 {
			newID[s] = next
			p.outs[next-first] = outs[s]
			next++
		}
	}
	p.firstOut = uint32(first) * p.nclass
	// renumber in place: values first, then rows moved along the cycles of
	// the permutation s -> newID[s] with one spare row
	tr = tr[:n*nclass]
	for i, t := range tr {
		tr[i] = uint32(newID[t]) * p.nclass
	}
	spare := make([]uint32, nclass)
	done := make([]bool, n)
	for s := 0; s < n; s++ {
		if done[s] || int(newID[s]) == s {
			done[s] = true
			continue
		}
		// the row of s goes to newID[s], whose row goes on, until the
		// cycle returns to s
		copy(spare, tr[s*nclass:(s+1)*nclass])
		for cur := s; ; {
			dst := int(newID[cur])
			done[cur] = true
			// swap spare with the row at dst
			row := tr[dst*nclass : (dst+1)*nclass]
			for k := range row {
				row[k], spare[k] = spare[k], row[k]
			}
			if dst == s {
				break
			}
			cur = dst
		}
	}
	p.trans = tr
	return p
}

// maxLit is the longest literal's length.
func (p *prefilter) maxLit() int {
	n := 0
	for _, l := range p.lens {
		n = max(n, int(l))
	}
	return n
}

// pfStreams is how many parts of a chunk are scanned at once. The DFA loop
// is bound by the latency of one table load per byte; walking four
// independent parts in one loop overlaps those loads.
const pfStreams = 4

// pfMinSplit is the smallest input worth splitting into streams.
const pfMinSplit = 4 << 10

// pfScratch is one goroutine's scratch space for scan.
type pfScratch struct {
	marks [pfStreams][]pfMark
}

// pfMark is a position where a stream was in a state with outputs.
type pfMark struct {
	pos   int32 // the occurrence ends at pos+1
	state uint32
}

// scan calls hit for every occurrence of a literal in data, in order of
// the occurrence's end, with the literal's index and its [start,end).
func (p *prefilter) scan(data []byte, sc *pfScratch, hit func(lit int32, start, end int)) {
	n := len(data)
	if n < pfMinSplit || n > 1<<30 {
		p.scanOne(data, hit)
		return
	}
	// Stream k owns the occurrences ending in (b[k], b[k+1]]; it starts
	// maxLit-1 bytes before b[k] so that its state is right from b[k] on
	// (an Aho-Corasick state depends only on the last maxLit-1 bytes).
	var b [pfStreams + 1]int
	var from [pfStreams]int
	for k := 0; k <= pfStreams; k++ {
		b[k] = n * k / pfStreams
	}
	warm := p.maxLit() - 1
	common := n
	for k := 0; k < pfStreams; k++ {
		from[k] = max(0, b[k]-warm)
		common = min(common, b[k+1]-from[k])
	}
	for k := range sc.marks {
		sc.marks[k] = sc.marks[k][:0]
	}
	trans := p.trans
	classes := &p.classes
	firstOut := p.firstOut
	d0 := data[from[0] : from[0]+common]
	d1 := data[from[1] : from[1]+common]
	d2 := data[from[2] : from[2]+common]
	d3 := data[from[3] : from[3]+common]
	d1, d2, d3 = d1[:len(d0)], d2[:len(d0)], d3[:len(d0)]
	var s0, s1, s2, s3 uint32
	for i := range d0 {
		s0 = trans[s0+uint32(classes[d0[i]])]
		s1 = trans[s1+uint32(classes[d1[i]])]
		s2 = trans[s2+uint32(classes[d2[i]])]
		s3 = trans[s3+uint32(classes[d3[i]])]
		if s0 >= firstOut {
			sc.marks[0] = append(sc.marks[0], pfMark{int32(from[0] + i), s0})
		}
		if s1 >= firstOut {
			sc.marks[1] = append(sc.marks[1], pfMark{int32(from[1] + i), s1})
		}
		if s2 >= firstOut {
			sc.marks[2] = append(sc.marks[2], pfMark{int32(from[2] + i), s2})
		}
		if s3 >= firstOut {
			sc.marks[3] = append(sc.marks[3], pfMark{int32(from[3] + i), s3})
		}
	}
	state := [pfStreams]uint32{s0, s1, s2, s3}
	for k := 0; k < pfStreams; k++ {
		// finish the stream alone, then report its occurrences in order
		s := state[k]
		for i := from[k] + common; i < b[k+1]; i++ {
			s = trans[s+uint32(classes[data[i]])]
			if s >= firstOut {
				sc.marks[k] = append(sc.marks[k], pfMark{int32(i), s})
			}
		}
		for _, mk := range sc.marks[k] {
			end := int(mk.pos) + 1
			if end <= b[k] {
				continue // warm-up: the previous stream reported it
			}
			for _, li := range p.outs[(mk.state-firstOut)/p.nclass] {
				hit(li, end-int(p.lens[li]), end)
			}
		}
	}
}

// scanOne is scan in a single stream, for short inputs.
func (p *prefilter) scanOne(data []byte, hit func(lit int32, start, end int)) {
	trans := p.trans
	classes := &p.classes
	firstOut := p.firstOut
	s := uint32(0)
	for i := 0; i < len(data); i++ {
		s = trans[s+uint32(classes[data[i]])]
		if s >= firstOut {
			for _, li := range p.outs[(s-firstOut)/p.nclass] {
				hit(li, i+1-int(p.lens[li]), i+1)
			}
		}
	}
}
