package scanner

import (
	"fmt"
	"testing"
)

// An archive or a large item queued behind small files is handed out
// first; the others keep the order they came in; nothing is lost.
func TestScheduleHeavyFirst(t *testing.T) {
	in := make(chan Item)
	out := schedule(in)
	sent := []Item{
		{Origin: Origin{Path: "a.txt"}, Size: 900},
		{Origin: Origin{Path: "b.txt"}, Size: 900},
		{Origin: Origin{Path: "testdata/re2.txt.bz2"}, Size: 428262},
		{Origin: Origin{Path: "c.txt"}, Size: 900},
		{Origin: Origin{Path: "big.log"}, Size: heavySize},
		{Origin: Origin{Path: "tiny.gz"}, Size: 20}, // too small to matter
		{Origin: Origin{Path: "d.txt"}, Size: -1},
	}
	// in is unbuffered and nobody reads out yet: once the last send
	// returns, the scheduler holds every item
	for _, it := range sent {
		in <- it
	}
	close(in)
	var got []string
	for it := range out {
		got = append(got, it.Origin.Path)
	}
	want := "[testdata/re2.txt.bz2 big.log a.txt b.txt c.txt tiny.gz d.txt]"
	if fmt.Sprint(got) != want {
		t.Fatalf("order %v, want %s", got, want)
	}
}

// More items than the scheduler holds: the sender waits, nothing is
// dropped or repeated.
func TestScheduleBounded(t *testing.T) {
	in := make(chan Item)
	out := schedule(in)
	n := maxPending*2 + 7
	go func() {
		for i := 0; i < n; i++ {
			in <- Item{Origin: Origin{Path: fmt.Sprintf("f%d.txt", i)}, Size: 1000}
		}
		close(in)
	}()
	seen := map[string]bool{}
	i := 0
	for it := range out {
		if want := fmt.Sprintf("f%d.txt", i); it.Origin.Path != want {
			t.Fatalf("item %d is %s, want %s", i, it.Origin.Path, want)
		}
		seen[it.Origin.Path] = true
		i++
	}
	if len(seen) != n {
		t.Fatalf("%d items out, %d in", len(seen), n)
	}
}
