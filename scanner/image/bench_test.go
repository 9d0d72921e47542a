//go:build unix

package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/archive"
	"github.com/tokenscope/tokenscope/scanner/binary"
)

// The benchmark image is generated once per test process into a temporary
// OCI layout, removed by TestMain. TOKENSCOPE_BENCH_IMAGE_MB sets its
// uncompressed size (default 256).
var (
	benchOnce sync.Once
	benchImg  benchImage
	benchErr  error
)

type benchImage struct {
	dir    string
	bytes  int64 // uncompressed layer bytes
	gzip   int64 // compressed layer bytes
	files  int
	tokens int // files holding a planted token
}

func setupBenchImage() {
	mb := int64(256)
	if v := os.Getenv("TOKENSCOPE_BENCH_IMAGE_MB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			benchErr = fmt.Errorf("TOKENSCOPE_BENCH_IMAGE_MB=%q", v)
			return
		}
		mb = n
	}
	benchImg, benchErr = generateImage(mb << 20)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchImg.dir != "" {
		os.RemoveAll(benchImg.dir)
	}
	os.Exit(code)
}

// BenchmarkImageScan scans a generated image, as `scan image` does (every
// expander registered): 8 gzip layers of text files (source-like lines),
// ELF-looking binaries (read through their strings), large logs over 1 MiB
// (streamed to the workers) and a tar.gz inside a layer, with a token
// planted in some files. It reports MB/s of uncompressed layer bytes
// (wall), MB per CPU second, the peak live Go heap and the peak heap
// objects (live and not yet collected) during the scan (sampled every
// 5 ms), and the process's peak RSS during the scan (VmHWM, reset before
// each scan).
func BenchmarkImageScan(b *testing.B) {
	benchOnce.Do(setupBenchImage)
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	set := mustSetB(b)
	workers := runtime.GOMAXPROCS(0)
	expanders := append(archive.Expanders(archive.DefaultMaxInMemory), scanner.UTF16(), binary.Strings())
	b.SetBytes(benchImg.bytes)
	b.ReportAllocs()
	var peakLive, peakHeap uint64
	var skipped int
	var peakRSS int64
	cpu0 := cpuTime()
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resetPeakRSS()
		stop := sampleHeap(&peakLive, &peakHeap)
		eng := scanner.NewEngine(set, scanner.Options{Workers: workers, Expanders: expanders})
		res, err := eng.Run(context.Background(), New([]string{benchImg.dir}, Options{Workers: workers}))
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if rss := peakRSSBytes(); rss > peakRSS {
			peakRSS = rss
		}
		skipped = len(res.Skipped)
		if n := countPlanted(res); n != benchImg.tokens {
			b.Fatalf("found %d planted tokens, want %d (skipped %d: %+v)", n, benchImg.tokens, len(res.Skipped), firstSkips(res))
		}
	}
	b.StopTimer()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	total := float64(benchImg.bytes) * float64(b.N)
	b.ReportMetric(total/1e6/wall.Seconds(), "MB/s-wall")
	if cpu > 0 {
		b.ReportMetric(total/1e6/cpu.Seconds(), "MB/cpu-s")
	}
	b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-heap-MiB")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/(1<<20), "peak-RSS-MiB")
	}
	b.ReportMetric(float64(benchImg.bytes)/(1<<20), "image-MiB")
	b.ReportMetric(float64(benchImg.files), "files")
	b.ReportMetric(float64(skipped), "skipped")
	b.ReportMetric(float64(benchImg.gzip)/(1<<20), "gzip-MiB")
}

func firstSkips(res *scanner.Result) []scanner.Skipped {
	if len(res.Skipped) > 3 {
		return res.Skipped[:3]
	}
	return res.Skipped
}

func mustSetB(b *testing.B) *detectors.Set {
	s, err := scannerSet()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// countPlanted counts findings of the planted tokens (key BENCH_TOKEN).
func countPlanted(res *scanner.Result) int {
	n := 0
	for _, f := range res.Findings {
		if f.Key == "BENCH_TOKEN" {
			n++
		}
	}
	return n
}

// sampleHeap records the peak of the live heap (as of the last GC: what
// the scan holds, garbage left out) and of the heap in use (live and
// garbage not yet collected, which depends on GC pacing).
func sampleHeap(peakLive, peakInuse *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value; v.Kind() == metrics.KindUint64 && v.Uint64() > *peakLive {
				*peakLive = v.Uint64()
			}
			if v := sample[1].Value; v.Kind() == metrics.KindUint64 && v.Uint64() > *peakInuse {
				*peakInuse = v.Uint64()
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// resetPeakRSS resets VmHWM (Linux: writing 5 to clear_refs); elsewhere
// it does nothing and the figure is the process's.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSSBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// generateImage writes an OCI layout of about size uncompressed layer
// bytes, streaming every layer to disk (nothing is held in memory).
func generateImage(size int64) (benchImage, error) {
	dir, err := os.MkdirTemp("", "tokenscope-bench-image-*")
	if err != nil {
		return benchImage{}, err
	}
	bi := benchImage{dir: dir}
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return bi, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755); err != nil {
		return bi, err
	}
	const layers = 8
	rng := rand.New(rand.NewPCG(1, 2))
	gen := testtoken.New(42)
	cf := &v1.ConfigFile{Architecture: "amd64", OS: "linux", RootFS: v1.RootFS{Type: "layers"}}
	var mf v1.Manifest
	mf.SchemaVersion = 2
	mf.MediaType = types.OCIManifestSchema1
	for l := 0; l < layers; l++ {
		desc, diff, st, err := writeLayer(dir, size/layers, l, rng, gen)
		if err != nil {
			return bi, err
		}
		bi.bytes += st.bytes
		bi.gzip += desc.Size
		bi.files += st.files
		bi.tokens += st.tokens
		mf.Layers = append(mf.Layers, desc)
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, diff)
		cf.History = append(cf.History, v1.History{CreatedBy: fmt.Sprintf("COPY layer%d /", l)})
	}
	cfg, err := json.Marshal(cf)
	if err != nil {
		return bi, err
	}
	ch, _, _ := v1.SHA256(bytes.NewReader(cfg))
	if err := lp.WriteBlob(ch, io.NopCloser(bytes.NewReader(cfg))); err != nil {
		return bi, err
	}
	mf.Config = v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(cfg)), Digest: ch}
	raw, err := json.Marshal(mf)
	if err != nil {
		return bi, err
	}
	mh, _, _ := v1.SHA256(bytes.NewReader(raw))
	if err := lp.WriteBlob(mh, io.NopCloser(bytes.NewReader(raw))); err != nil {
		return bi, err
	}
	err = lp.AppendDescriptor(v1.Descriptor{MediaType: types.OCIManifestSchema1, Size: int64(len(raw)), Digest: mh})
	return bi, err
}

type layerStats struct {
	bytes         int64
	files, tokens int
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var words = strings.Fields("func return if else for range package import var const type struct interface map string int error nil true false config server client request response handler value key name path file data buffer stream reader writer context timeout retry cache layer image build deploy release version")

func writeLayer(dir string, size int64, idx int, rng *rand.Rand, gen *testtoken.Gen) (v1.Descriptor, v1.Hash, layerStats, error) {
	var st layerStats
	tmp, err := os.CreateTemp(dir, "layer-*")
	if err != nil {
		return v1.Descriptor{}, v1.Hash{}, st, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	blobHash := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, blobHash)}
	gz, _ := gzip.NewWriterLevel(cw, gzip.BestSpeed)
	diffHash := sha256.New()
	uw := &countWriter{w: io.MultiWriter(gz, diffHash)}
	tw := tar.NewWriter(uw)
	var line bytes.Buffer
	n := 0
	for uw.n < size {
		n++
		var content []byte
		var nm string
		switch k := n % 20; {
		case k == 0: // a large log, streamed to a worker
			nm = fmt.Sprintf("var/log/app%d-%d.log", idx, n)
			content = textOf(rng, 2<<20+rng.IntN(2<<20), &line)
		case k == 7: // a tar.gz inside the layer
			nm = fmt.Sprintf("opt/pkg%d-%d.tar.gz", idx, n)
			content = tarGzOf(rng, &line, gen, &st)
		case k < 7: // binaries
			nm = fmt.Sprintf("usr/lib/lib%d-%d.so", idx, n)
			content = make([]byte, 16<<10+rng.IntN(256<<10))
			for i := range content {
				content[i] = byte(rng.Uint32())
			}
			copy(content, "\x7fELF\x02\x01\x01")
		default: // source-like text, some with a token
			nm = fmt.Sprintf("app/src%d/file%d.go", idx, n)
			content = textOf(rng, 4<<10+rng.IntN(128<<10), &line)
			if n%50 == 9 {
				content = append(content, "BENCH_TOKEN="+gen.GitHub("ghp_")+"\n"...)
				st.tokens++
			}
		}
		if err := tw.WriteHeader(&tar.Header{Name: nm, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			return v1.Descriptor{}, v1.Hash{}, st, err
		}
		if _, err := tw.Write(content); err != nil {
			return v1.Descriptor{}, v1.Hash{}, st, err
		}
		st.files++
	}
	if err := tw.Close(); err != nil {
		return v1.Descriptor{}, v1.Hash{}, st, err
	}
	if err := gz.Close(); err != nil {
		return v1.Descriptor{}, v1.Hash{}, st, err
	}
	if err := tmp.Close(); err != nil {
		return v1.Descriptor{}, v1.Hash{}, st, err
	}
	st.bytes = uw.n
	digest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(blobHash.Sum(nil))}
	diff := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(diffHash.Sum(nil))}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, "blobs", "sha256", digest.Hex)); err != nil {
		return v1.Descriptor{}, v1.Hash{}, st, err
	}
	return v1.Descriptor{MediaType: types.OCILayer, Size: cw.n, Digest: digest}, diff, st, nil
}

func textOf(rng *rand.Rand, n int, line *bytes.Buffer) []byte {
	out := make([]byte, 0, n+80)
	for len(out) < n {
		line.Reset()
		for w := 0; w < 4+rng.IntN(8); w++ {
			line.WriteString(words[rng.IntN(len(words))])
			line.WriteByte(' ')
		}
		line.WriteString(strconv.Itoa(rng.IntN(100000)))
		line.WriteByte('\n')
		out = append(out, line.Bytes()...)
	}
	return out
}

func tarGzOf(rng *rand.Rand, line *bytes.Buffer, gen *testtoken.Gen, st *layerStats) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for i := 0; i < 4; i++ {
		c := textOf(rng, 8<<10, line)
		if i == 2 {
			c = append(c, "BENCH_TOKEN="+gen.GitHub("ghp_")+"\n"...)
			st.tokens++
		}
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("pkg/f%d.txt", i), Mode: 0o644, Size: int64(len(c)), Typeflag: tar.TypeReg})
		tw.Write(c)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// BenchmarkGunzipLayer decompresses one layer of the benchmark image with
// the standard library's gzip (what go-containerregistry's Uncompressed
// uses) and with klauspost/compress (what the source uses for stored
// blobs).
func BenchmarkGunzipLayer(b *testing.B) {
	benchOnce.Do(setupBenchImage)
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	blobs, _ := filepath.Glob(filepath.Join(benchImg.dir, "blobs", "sha256", "*"))
	var blob string
	for _, p := range blobs {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 1<<20 {
			blob = p
			break
		}
	}
	data, err := os.ReadFile(blob)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		open func(io.Reader) (io.Reader, error)
	}{
		{"stdlib", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"klauspost", func(r io.Reader) (io.Reader, error) { return kgzip.NewReader(r) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int64
			for i := 0; i < b.N; i++ {
				zr, err := c.open(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				m, err := io.Copy(io.Discard, zr)
				if err != nil {
					b.Fatal(err)
				}
				n = m
			}
			b.SetBytes(n)
		})
	}
}
