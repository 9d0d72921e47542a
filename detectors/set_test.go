package detectors_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
)

// goroot finds Go's own source tree, the realistic content the benchmark
// scans (code, tests, docs, testdata with keys and tokens of its own).
func goroot(tb testing.TB) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			return d
		}
	}
	if d := runtime.GOROOT(); d != "" {
		return d
	}
	tb.Skip("no Go source tree to read")
	return ""
}

// corpus reads up to limit bytes of text files from GOROOT/src, in walk
// order, and plants a generated GitHub token about every 64 KB, so the
// benchmark measures both the prefilter and the detectors it wakes.
func corpus(tb testing.TB, limit int) ([]byte, int) {
	root := filepath.Join(goroot(tb), "src")
	var buf bytes.Buffer
	g := testtoken.New(42)
	planted := 0
	next := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || buf.Len() >= limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0 {
			return nil
		}
		buf.Write(b)
		for buf.Len() >= next {
			buf.WriteString("\nGITHUB_TOKEN=" + g.GitHub("ghp_") + "\n")
			planted++
			next += 64 << 10
		}
		return nil
	})
	if err != nil && buf.Len() == 0 {
		tb.Skipf("reading %s: %v", root, err)
	}
	if buf.Len() < 1<<20 {
		tb.Skipf("only %d bytes of Go source found", buf.Len())
	}
	return buf.Bytes(), planted
}

func builtinSet(tb testing.TB) *detectors.Set {
	set, err := rules.BuiltinSet()
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// scanChunks runs m over data in 1 MiB chunks, as the engine does.
func scanChunks(m *detectors.Matcher, data []byte, emit func(detectors.Candidate)) {
	const chunk = 1 << 20
	for off := 0; off < len(data); off += chunk {
		m.Scan(data[off:min(off+chunk, len(data))], emit)
	}
}

// TestSetFindsPlanted checks the benchmark's own premise: every planted
// token in the corpus is found by the built-in set.
func TestSetFindsPlanted(t *testing.T) {
	if testing.Short() {
		t.Skip("reads Go's source tree")
	}
	data, planted := corpus(t, 4<<20)
	set := builtinSet(t)
	found := 0
	m := set.NewMatcher()
	m.Scan(data, func(c detectors.Candidate) {
		if c.RuleID == "github-classic-pat" {
			found++
		}
	})
	if found < planted {
		t.Errorf("found %d GitHub tokens, planted %d", found, planted)
	}
}

// BenchmarkSet measures the detector set alone (prefilter + detectors) on
// 32 MB of Go's source tree with planted tokens. It reports MB/s and the
// prefilter's literal hits per MiB (keywords must be selective), and MB
// per CPU second, which holds even on a loaded machine.
func BenchmarkSet(b *testing.B) {
	data, _ := corpus(b, 32<<20)
	set := builtinSet(b)
	m := set.NewMatcher()
	var cands int
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		cands = 0
		scanChunks(m, data, func(detectors.Candidate) { cands++ })
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	mib := float64(len(data)) / (1 << 20)
	b.ReportMetric(float64(cands)/mib, "cands/MiB")
	b.ReportMetric(float64(m.Hits())/float64(b.N)/mib, "hits/MiB")
	if cpu > 0 {
		// MB/s per CPU second: what one core does, however loaded the
		// machine is
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkSetParallel runs one Matcher per goroutine, as the engine's
// workers do.
func BenchmarkSetParallel(b *testing.B) {
	data, _ := corpus(b, 8<<20)
	set := builtinSet(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		m := set.NewMatcher()
		for pb.Next() {
			scanChunks(m, data, func(detectors.Candidate) {})
		}
	})
}

// BenchmarkBuiltinSet measures start-up: compiling every built-in rule and
// building the prefilter.
func BenchmarkBuiltinSet(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := rules.BuiltinSet(); err != nil {
			b.Fatal(err)
		}
	}
}

// A rule that asks for a token at a line start (a literal beginning with a
// newline) finds it on a stream's first line through ScanStart, and only
// there: Scan, for a chunk in the middle of a stream, does not.
func TestScanStartMatchesLineStartLiteralAtFirstByte(t *testing.T) {
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	g := testtoken.New(7)
	key := "SG." + g.Rand(22, "b64url") + "." + g.Rand(43, "b64url")
	found := func(scan func([]byte, func(detectors.Candidate)), text string) bool {
		ok := false
		scan([]byte(text), func(c detectors.Candidate) {
			if c.RuleID == "sendgrid-api-key" && c.Secret == key {
				ok = true
			}
		})
		return ok
	}
	m := set.NewMatcher()
	if !found(m.ScanStart, key+"\n") {
		t.Errorf("ScanStart: a key on the first byte is not found")
	}
	if !found(m.ScanStart, "x\n"+key+"\n") || !found(m.Scan, "x\n"+key+"\n") {
		t.Errorf("a key after a newline is not found")
	}
	if found(m.Scan, key+"\n") {
		t.Errorf("Scan (a chunk mid-stream) reads its first byte as a line start")
	}
	if found(m.ScanStart, "m"+key+"\n") {
		t.Errorf("ScanStart: a key glued to a letter (msg.…) is found")
	}
}
