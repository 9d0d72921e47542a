package scanner_test

import (
	"fmt"
	"testing"

	"github.com/tokenscope/tokenscope/scanner"
)

func TestParseShard(t *testing.T) {
	for in, want := range map[string]scanner.Shard{"1/1": {0, 1}, "1/4": {0, 4}, "4/4": {3, 4}, " 2/3 ": {1, 3}} {
		got, err := scanner.ParseShard(in)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
		if err == nil && got.String() != fmt.Sprintf("%d/%d", want.Index+1, want.Count) {
			t.Errorf("String() = %q", got.String())
		}
	}
	for _, bad := range []string{"", "0/4", "5/4", "1/0", "-1/2", "a/b", "1", "1/2/3", "2/1"} {
		if _, err := scanner.ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// Every key belongs to exactly one shard, whatever N.
func TestShardPartition(t *testing.T) {
	for n := 1; n <= 7; n++ {
		counts := make([]int, n)
		for i := 0; i < 2000; i++ {
			key := scanner.ItemKey(scanner.Origin{Kind: "file", Path: fmt.Sprintf("dir/%d/file.env", i)})
			owners := 0
			for k := 0; k < n; k++ {
				if (scanner.Shard{Index: k, Count: n}).Owns(key) {
					owners++
					counts[k]++
				}
			}
			if owners != 1 {
				t.Fatalf("N=%d: key %q has %d owners", n, key, owners)
			}
		}
		for k, c := range counts {
			if n > 1 && (c < 2000/n/2 || c > 2000/n*2) {
				t.Errorf("N=%d: shard %d holds %d of 2000 keys", n, k+1, c)
			}
		}
	}
	a := scanner.ItemKey(scanner.Origin{Kind: "git", Path: "a.env", Blob: "abc"})
	b := scanner.ItemKey(scanner.Origin{Kind: "git", Path: "b/a.env", Blob: "abc", Commit: "x"})
	if a != b {
		t.Errorf("one blob, two keys: %q %q", a, b)
	}
}
