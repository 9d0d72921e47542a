//go:build unix

package archive_test

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/archive"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

// benchMembers and benchMemberSize shape the generated archives: 128
// members of 1 MiB of source-like text (128 MiB expanded), one holding a
// token. TOKENSCOPE_BENCH_ARCHIVE_MB sets the expanded size in MiB (one
// member a MiB), e.g. 1536 for an archive of over 500 MB.
var benchMembers = 128

const benchMemberSize = 1 << 20

// sourceLike writes n bytes of Go-like lines with random identifiers and
// numbers (gzip packs it about 3:1, like real source).
func sourceLike(w io.Writer, r *rand.Rand, n int) {
	words := []string{"func", "return", "if", "err", "nil", "for", "range", "string", "int", "x", "buf", "len", ":=", "{", "}", "//", "the", "value"}
	word := func(l []byte) []byte { return append(l, words[r.IntN(len(words))]...) }
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	for written := 0; written < n; written += len(line) {
		line = append(word(append(line[:0], '\t')), ' ')
		line = strconv.AppendInt(word(line), int64(r.IntN(1000)), 10)
		line = append(word(append(line, '(')), ", "...)
		line = append(strconv.AppendInt(line, int64(r.IntN(100000)), 10), ") "...)
		line = append(word(append(word(line), " // "...)), ' ')
		line = append(strconv.AppendUint(line, uint64(r.Uint32()), 16), '\n')
		if written+len(line) > n {
			line = line[:n-written]
		}
		bw.Write(line)
	}
	bw.Flush()
}

// writeBenchArchive writes name in dir: a zip or a tar.gz of benchMembers
// members, the last one with a token.
func writeBenchArchive(b *testing.B, dir, name string) int64 {
	b.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := rand.New(rand.NewPCG(3, 4))
	tok := []byte("\nGITHUB_TOKEN=" + testtoken.New(18).GitHub("ghp_") + "\n")
	var add func(string) io.Writer
	var closeAll func()
	switch filepath.Ext(name) {
	case ".zip":
		zw := zip.NewWriter(f)
		add = func(n string) io.Writer {
			w, err := zw.Create(n)
			if err != nil {
				b.Fatal(err)
			}
			return w
		}
		closeAll = func() { zw.Close() }
	default:
		gw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		tw := tar.NewWriter(gw)
		add = func(n string) io.Writer {
			if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: benchMemberSize, Typeflag: tar.TypeReg}); err != nil {
				b.Fatal(err)
			}
			return tw
		}
		closeAll = func() { tw.Close(); gw.Close() }
	}
	for i := 0; i < benchMembers; i++ {
		w := add(fmt.Sprintf("src/pkg%03d/file.go", i))
		if i == benchMembers-1 {
			sourceLike(w, r, benchMemberSize-len(tok))
			w.Write(tok)
		} else {
			sourceLike(w, r, benchMemberSize)
		}
	}
	closeAll()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// benchDirs holds each generated archive, in its own directory, for the
// whole run: the framework calls a benchmark more than once.
var benchDirs struct {
	sync.Mutex
	root string
	size map[string]int64
}

func benchDir(b *testing.B, name string) (string, int64) {
	benchDirs.Lock()
	defer benchDirs.Unlock()
	if benchDirs.root == "" {
		d, err := os.MkdirTemp("", "tokenscope-archive-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDirs.root, benchDirs.size = d, map[string]int64{}
	}
	d := filepath.Join(benchDirs.root, name+".d")
	if _, ok := benchDirs.size[name]; !ok {
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
		benchDirs.size[name] = writeBenchArchive(b, d, name)
	}
	return d, benchDirs.size[name]
}

func TestMain(m *testing.M) {
	if v := os.Getenv("TOKENSCOPE_BENCH_ARCHIVE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "TOKENSCOPE_BENCH_ARCHIVE_MB=%q: want a positive number of MiB\n", v)
			os.Exit(2)
		}
		benchMembers = n
	}
	code := m.Run()
	if benchDirs.root != "" {
		os.RemoveAll(benchDirs.root)
	}
	os.Exit(code)
}

func benchArchive(b *testing.B, name string) {
	root, size := benchDir(b, name)
	set, err := rules.BuiltinSet()
	if err != nil {
		b.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{Expanders: archive.Expanders(archive.DefaultMaxInMemory)})
	expanded := int64(benchMembers * benchMemberSize)
	b.SetBytes(expanded) // MB/s of content scanned
	b.ReportAllocs()
	// The peak RSS of the scans alone: the kernel's high-water mark is
	// reset after the archive was generated (Linux; elsewhere no metric).
	resetPeakRSS := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{}))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 1 || len(res.Skipped) != 0 {
			b.Fatalf("findings %d skipped %+v", len(res.Findings), res.Skipped)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(size)/1e6, "MB-archive")
	if rss := peakRSS(); resetPeakRSS && rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "MiB-peak-RSS")
	}
	if cpu > 0 {
		b.ReportMetric(float64(expanded)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkArchiveZip and BenchmarkArchiveTarGz scan a generated archive
// of 128 MiB of source-like text (zip: deflate; tar.gz: gzip -1) through
// the engine and the archive expanders, as `tokenscope scan` does; MB/s
// counts the expanded content:
//
//	go test -run '^$' -bench Archive -benchtime 3x ./scanner/archive
func BenchmarkArchiveZip(b *testing.B)   { benchArchive(b, "big.zip") }
func BenchmarkArchiveTarGz(b *testing.B) { benchArchive(b, "big.tar.gz") }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, 0 when
// /proc does not say.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
