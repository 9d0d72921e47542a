package home

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The JSON leaf walk gives each leaf its line, and stays linear on a file
// with many leaves.
func TestJSONLeavesLinesLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	const n = 100_000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  \"k%d\": \"v%d\",\n", i, i)
	}
	b.WriteString("  \"last\": \"end\"\n}\n")
	start := time.Now()
	leaves, err := jsonLeaves([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(leaves) != n+1 || leaves[0].line != 2 || leaves[n-1].line != n+1 || leaves[n].value != "end" || leaves[n].line != n+2 {
		t.Fatalf("%d leaves; first line %d, last %q line %d", len(leaves), leaves[0].line, leaves[n].value, leaves[n].line)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("100k leaves took %v", d)
	}
}
