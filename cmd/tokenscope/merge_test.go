package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// shardCorpus builds a tree with credentials in plain files, in an
// archive, in a credential store, in a binary and only in git history
// (a deleted file, a side branch), and things that are skipped.
func shardCorpus(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "corpus")
	g := testtoken.New(2026)
	gen := func(tmpl string) string {
		v, err := g.Expand(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shared := gen("{{github ghp_}}")
	for i := 0; i < 24; i++ {
		body := fmt.Sprintf("# file %d\nGITHUB_TOKEN=%s\n", i, gen("{{github ghp_}}"))
		if i%3 == 0 {
			body += "OTHER=" + gen("{{github gho_}}") + "\n"
		}
		if i%5 == 0 { // the same credential in several files, some committed
			body += "AGAIN=" + shared + "\n"
		}
		mustWrite(t, filepath.Join(root, "src", fmt.Sprintf("d%d", i%4), fmt.Sprintf("f%d.env", i)), body)
	}
	mustWrite(t, filepath.Join(root, "src", "shared-a.env"), "T=ghp_notatoken\n")
	mustWrite(t, filepath.Join(root, "home", ".git-credentials"), "https://ann:"+gen("{{github ghp_}}")+"@github.com\n")
	mustWrite(t, filepath.Join(root, "bin", "blob.bin"), "\x00\x01\x02 binary GITHUB_TOKEN="+gen("{{github ghp_}}")+" \x00\n")
	// an archive with two members
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for i := 0; i < 2; i++ {
		b := []byte("GITHUB_TOKEN=" + gen("{{github ghp_}}") + "\n")
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("conf/%d.env", i), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
		tw.Write(b)
	}
	tw.Close()
	gz.Close()
	mustWrite(t, filepath.Join(root, "dist", "bundle.tgz"), buf.String())
	if err := mkfifo(filepath.Join(root, "src", "pipe")); err != nil {
		t.Fatal(err)
	}
	// git history: secrets only in history, on main and a side branch
	if _, err := exec.LookPath("git"); err == nil {
		git := func(args ...string) {
			t.Helper()
			cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		git("init", "-q", "-b", "main")
		for i := 0; i < 6; i++ {
			mustWrite(t, filepath.Join(root, "old", fmt.Sprintf("h%d.env", i)), "TOKEN="+gen("{{github ghp_}}")+"\n")
		}
		git("add", "old", "src/d0", "dist")
		git("commit", "-q", "-m", "old")
		git("rm", "-q", "-r", "old")
		git("commit", "-q", "-m", "rm")
		git("checkout", "-q", "-b", "side")
		mustWrite(t, filepath.Join(root, "side.env"), "TOKEN="+gen("{{github gho_}}")+"\n")
		git("add", "side.env")
		git("commit", "-q", "-m", "side")
		git("checkout", "-q", "main")
		os.Remove(filepath.Join(root, "side.env"))
	}
	return root
}

// runJSON runs tokenscope in-process and returns the JSON report.
func runJSON(t *testing.T, env map[string]string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr, Env: func(k string) string { return env[k] }, Environ: func() []string { return nil }}
	root := newRootCmd(s)
	root.SetArgs(append(args, "--format", "json", "-o", out))
	err := root.ExecuteContext(context.Background())
	if err != nil && err != findingsExit {
		t.Fatalf("tokenscope %v: %v\n%s", args, err, stderr.String())
	}
	b, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return b
}

// comparable is a report without what differs between runs of the same
// scan (duration) and between a split and a whole scan (the shard member).
func comparable(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m["summary"].(map[string]any), "duration_ms")
	delete(m, "shard")
	return m
}

// TestMergeShardsEqualsOneScan is the property: for any N, the N shards
// of a scan, merged, are exactly the one scan (findings, their order,
// skipped items, totals).
func TestMergeShardsEqualsOneScan(t *testing.T) {
	root := shardCorpus(t)
	want := comparable(t, runJSON(t, nil, "scan", root))
	if n := len(want["findings"].([]any)); n < 30 {
		t.Fatalf("the corpus should yield many findings, got %d", n)
	}
	// the corpus has what a split could get wrong: history-only findings,
	// and credentials whose other places (blobs, the working tree) are
	// folded into one finding's also
	var histOnly, folded bool
	for _, f := range want["findings"].([]any) {
		o := f.(map[string]any)["origin"].(map[string]any)
		if o["in_history_only"] == true {
			histOnly = true
		}
		also, _ := f.(map[string]any)["also"].([]any)
		for _, a := range also {
			if a.(map[string]any)["kind"] == "git" {
				folded = true
			}
		}
	}
	if !histOnly || !folded {
		t.Fatalf("the corpus lacks history-only (%v) or folded (%v) findings", histOnly, folded)
	}
	r := rand.New(rand.NewPCG(14, 2026))
	ns := []int{1, 2, 3}
	for len(ns) < 6 {
		ns = append(ns, 2+r.IntN(9))
	}
	for _, n := range ns {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			items := 0.0
			for k := 1; k <= n; k++ {
				var b []byte
				if k%2 == 0 { // half of them as a Kubernetes indexed Job names them
					b = runJSON(t, map[string]string{"JOB_COMPLETION_INDEX": fmt.Sprint(k - 1), "JOB_COMPLETIONS": fmt.Sprint(n)}, "scan", root)
				} else {
					b = runJSON(t, nil, "scan", "--shard", fmt.Sprintf("%d/%d", k, n), root)
				}
				var m map[string]any
				json.Unmarshal(b, &m)
				if n > 1 {
					sh, _ := m["shard"].(map[string]any)
					if sh == nil || sh["k"] != float64(k) || sh["n"] != float64(n) {
						t.Fatalf("shard %d/%d report says %v", k, n, m["shard"])
					}
				}
				items += m["summary"].(map[string]any)["items"].(float64)
				p := filepath.Join(dir, fmt.Sprintf("s%d.json", k))
				os.WriteFile(p, b, 0o644)
				paths = append(paths, p)
			}
			if n > 2 && items != want["summary"].(map[string]any)["items"] {
				t.Errorf("the shards read %v items, one scan %v", items, want["summary"].(map[string]any)["items"])
			}
			// merge in any order
			r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
			got := comparable(t, runJSON(t, nil, append([]string{"merge"}, paths...)...))
			for _, k := range []string{"findings", "skipped", "summary", "roots", "complete", "fail_on"} {
				if !reflect.DeepEqual(got[k], want[k]) {
					gb, _ := json.MarshalIndent(got[k], "", " ")
					wb, _ := json.MarshalIndent(want[k], "", " ")
					t.Errorf("%s differs after merging %d shards:\n--- merged ---\n%.3000s\n--- one scan ---\n%.3000s", k, n, gb, wb)
				}
			}
		})
	}
}

func TestMergeMissingShard(t *testing.T) {
	root := shardCorpus(t)
	dir := t.TempDir()
	var paths []string
	for _, k := range []int{1, 3} {
		p := filepath.Join(dir, fmt.Sprintf("s%d.json", k))
		os.WriteFile(p, runJSON(t, nil, "scan", "--shard", fmt.Sprintf("%d/3", k), root), 0o644)
		paths = append(paths, p)
	}
	var stdout, stderr bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr, Env: func(string) string { return "" }, Environ: func() []string { return nil }}
	cmd := newRootCmd(s)
	cmd.SetArgs(append([]string{"merge", "--format", "json", "--fail-on", "none"}, paths...))
	err := cmd.ExecuteContext(context.Background())
	ee, ok := err.(*exitError)
	if !ok || ee.code != exitUsage || !strings.Contains(err.Error(), "shard 2/3 is missing") {
		t.Fatalf("err %v, want exit 2 naming the missing shard", err)
	}
	var m map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["complete"] != false || !strings.Contains(stdout.String(), `"reason": "shard 2/3 is missing: its items were not scanned"`) {
		t.Errorf("the merged report does not show the missing coverage:\n%.2000s", stdout.String())
	}
	// with findings at --fail-on, the exit code is 1 (the report still says what is missing)
	cmd = newRootCmd(s)
	cmd.SetArgs(append([]string{"merge", "--format", "json"}, paths...))
	if err := cmd.ExecuteContext(context.Background()); err != findingsExit {
		t.Errorf("err %v, want exit 1", err)
	}
	// two reports of the same shard, or of different splits: usage errors
	for _, bad := range [][]string{{paths[0], paths[0]}, {paths[0], filepath.Join(dir, "x.json")}} {
		if bad[1] != paths[0] {
			os.WriteFile(bad[1], runJSON(t, nil, "scan", "--shard", "2/4", root), 0o644)
		}
		cmd = newRootCmd(s)
		cmd.SetArgs(append([]string{"merge", "--format", "json"}, bad...))
		err := cmd.ExecuteContext(context.Background())
		if ee, ok := err.(*exitError); !ok || ee.code != exitUsage {
			t.Errorf("merge %v: err %v, want a usage error", bad, err)
		}
	}
}

// A shard that owns only a skipped item (here a fifo, never opened) did
// its share and exits 0 (runJSON fails the test on exit 2); the fifo is
// reported once, by the shard that owns it.
func TestShardOwningOnlySkippedItems(t *testing.T) {
	root := t.TempDir()
	if err := mkfifo(filepath.Join(root, "pipe")); err != nil {
		t.Skipf("no fifos here: %v", err)
	}
	skipped := 0
	for k := 1; k <= 2; k++ {
		b := runJSON(t, nil, "scan", "--history", "none", "--fail-on", "none", "--shard", fmt.Sprintf("%d/2", k), root)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		sk, _ := m["skipped"].([]any)
		skipped += len(sk)
	}
	if skipped != 1 {
		t.Fatalf("the two shards skipped %d items, want the fifo once", skipped)
	}
}
