package home

import (
	"fmt"
	"strings"
	"testing"
)

// The JSON leaf walk gives each leaf its line on a file with many leaves
// (BenchmarkJSONLeaves measures that the walk stays linear; a timed
// assertion here failed on loaded CI machines).
func TestJSONLeavesManyLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	const n = 100_000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  \"k%d\": \"v%d\",\n", i, i)
	}
	b.WriteString("  \"last\": \"end\"\n}\n")
	leaves, err := jsonLeaves([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(leaves) != n+1 || leaves[0].line != 2 || leaves[n-1].line != n+1 || leaves[n].value != "end" || leaves[n].line != n+2 {
		t.Fatalf("%d leaves; first line %d, last %q line %d", len(leaves), leaves[0].line, leaves[n].value, leaves[n].line)
	}
}

// BenchmarkJSONLeaves walks n leaves; ns/op over n (reported as ns/leaf)
// stays flat from 10k to 100k leaves when the walk is linear (it was
// quadratic: 2.3 s for 100k).
func BenchmarkJSONLeaves(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		var sb strings.Builder
		sb.WriteString("{\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&sb, "  \"k%d\": \"v%d\",\n", i, i)
		}
		sb.WriteString("  \"last\": \"end\"\n}\n")
		data := []byte(sb.String())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := jsonLeaves(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/leaf")
		})
	}
}
