package archive_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
	"github.com/tokenscope/tokenscope/scanner/archive"
	"github.com/tokenscope/tokenscope/scanner/binary"
	"github.com/tokenscope/tokenscope/scanner/dir"
)

type file struct {
	name string
	data []byte
}

func zipOf(t testing.TB, files ...file) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarOf(t testing.TB, files ...file) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func xzOf(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func zstOf(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// scan scans root as `tokenscope scan` opens archives: through the
// engine's expanders, under lim.
func scan(t testing.TB, root string, lim scanner.ExpandLimits) *scanner.Result {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{Workers: 2, Expanders: archive.Expanders(archive.DefaultMaxInMemory), Limits: lim})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, dir.New([]string{root}, dir.Options{Via: "workspace"}))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func where(f scanner.Finding) string {
	return strings.Join(append(append([]string(nil), f.Origin.Chain...), f.Origin.Path), " > ")
}

func write(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func findingsAt(res *scanner.Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range res.Findings {
		m[where(f)] = true
	}
	return m
}

func TestFormatsAndNesting(t *testing.T) {
	tok := testtoken.New(10).GitHub("ghp_")
	line := []byte("GITHUB_TOKEN=" + tok + "\n")
	root := t.TempDir()
	core := zipOf(t, file{"application.properties", line}, file{"A.class", []byte{0xca, 0xfe, 0xba, 0xbe}})
	write(t, root, "dist/app.war", zipOf(t, file{"WEB-INF/lib/core.jar", core}, file{"index.html", []byte("<html>")}))
	write(t, root, "site.zip", zipOf(t, file{"../../etc/evil\x1b[31m.env", line}))
	write(t, root, "b.tar.gz", gz(tarOf(t, file{"conf/a.env", line})))
	write(t, root, "b.tar.xz", xzOf(t, tarOf(t, file{"conf/x.env", line})))
	write(t, root, "b.tar.zst", zstOf(t, tarOf(t, file{"conf/z.env", line})))
	write(t, root, "notes.txt.gz", gz(line))
	if bz, err := exec.LookPath("bzip2"); err == nil {
		cmd := exec.Command(bz, "-c")
		cmd.Stdin = bytes.NewReader(tarOf(t, file{"conf/b.env", line}))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		write(t, root, "b.tar.bz2", out)
	}
	res := scan(t, root, scanner.ExpandLimits{})
	got := findingsAt(res)
	want := []string{
		filepath.Join(root, "dist/app.war") + " > WEB-INF/lib/core.jar > application.properties",
		filepath.Join(root, "site.zip") + ` > ../../etc/evil\x1b[31m.env`,
		// compressors are transforms: the tar's members are named inside
		// the compressed file, a compressed text is the file itself
		filepath.Join(root, "b.tar.gz") + " > conf/a.env",
		filepath.Join(root, "b.tar.xz") + " > conf/x.env",
		filepath.Join(root, "b.tar.zst") + " > conf/z.env",
		filepath.Join(root, "notes.txt.gz"),
	}
	if _, err := exec.LookPath("bzip2"); err == nil {
		want = append(want, filepath.Join(root, "b.tar.bz2")+" > conf/b.env")
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no finding at %q; got %v", w, got)
		}
	}
	for _, f := range res.Findings {
		if f.Origin.Kind != "archive" || f.Origin.Via != "workspace" {
			t.Errorf("origin %+v", f.Origin)
		}
	}
}

// skippedWith reports a skip whose place (the chain and the path) names
// path, for reason.
func skippedWith(res *scanner.Result, path, reason string) bool {
	for _, s := range res.Skipped {
		place := s.Path
		if s.Origin != nil {
			place = strings.Join(append(append([]string(nil), s.Origin.Chain...), s.Origin.Path), " > ")
		}
		if strings.Contains(place, path) && strings.Contains(s.Reason, reason) {
			return true
		}
	}
	return false
}

func TestCorruptArchivesSkippedSiblingsFound(t *testing.T) {
	tok := testtoken.New(11).GitHub("ghp_")
	line := []byte("GITHUB_TOKEN=" + tok + "\n")
	root := t.TempDir()
	z := zipOf(t, file{"a.env", line})
	write(t, root, "trunc.zip", z[:len(z)-30])
	g := gz(bytes.Repeat(line, 50))
	write(t, root, "trunc.txt.gz", g[:len(g)/2])
	write(t, root, "garbage.tar.gz", append([]byte{0x1f, 0x8b, 0x08}, bytes.Repeat([]byte{0xff}, 100)...))
	write(t, root, "ok.env", line)
	// a tar claiming more than its data
	tr := tarOf(t, file{"big.env", bytes.Repeat(line, 100)})
	write(t, root, "short.tar", tr[:512+len(line)*3])
	res := scan(t, root, scanner.ExpandLimits{})
	got := findingsAt(res)
	if !got[filepath.Join(root, "ok.env")] {
		t.Errorf("sibling not found: %v", got)
	}
	if !skippedWith(res, "trunc.zip", "corrupt zip") {
		t.Errorf("truncated zip not skipped: %+v", res.Skipped)
	}
	if !skippedWith(res, "garbage.tar.gz", "gzip") {
		t.Errorf("corrupt gzip not skipped: %+v", res.Skipped)
	}
	if !skippedWith(res, "trunc.txt.gz", "") {
		t.Errorf("truncated gzip not reported: %+v", res.Skipped)
	}
	if !skippedWith(res, "short.tar", "cut short") {
		t.Errorf("short tar not reported: %+v", res.Skipped)
	}
	// The short tar's first lines are still scanned.
	if !got[filepath.Join(root, "short.tar")+" > big.env"] {
		t.Errorf("short tar's data not scanned: %v", got)
	}
}

// A compressed stream whose bytes stop decoding half-way is one skipped
// item, of kind corrupt, named by its expander; not also an "unreadable"
// read error for the same stream. What decoded before the damage is
// scanned.
func TestCorruptStreamReportedOnce(t *testing.T) {
	tok := testtoken.New(12).GitHub("ghp_")
	line := []byte("GITHUB_TOKEN=" + tok + "\n")
	root := t.TempDir()
	var body bytes.Buffer
	body.Write(line)
	rnd := testtoken.New(13)
	for body.Len() < 256<<10 {
		body.WriteString(rnd.Rand(64, "alnum") + "\n")
	}
	g := gz(body.Bytes())
	// damage the deflate data well after the first block
	for i := len(g) * 3 / 4; i < len(g)*3/4+64; i++ {
		g[i] ^= 0x5a
	}
	write(t, root, "app.log.gz", g)
	res := scan(t, root, scanner.ExpandLimits{})
	var mine []scanner.Skipped
	for _, sk := range res.Skipped {
		if strings.Contains(sk.Path, "app.log") {
			mine = append(mine, sk)
		}
	}
	if len(mine) != 1 || mine[0].Kind != scanner.SkipCorrupt || !strings.Contains(mine[0].Reason, "gzip") {
		t.Fatalf("damaged gzip: skipped %+v, want one corrupt gzip entry", mine)
	}
	if !findingsAt(res)[filepath.Join(root, "app.log.gz")] {
		t.Errorf("the token before the damage was not found: %v", findingsAt(res))
	}
}

func TestZipBombStopsAtLimit(t *testing.T) {
	root := t.TempDir()
	// 256 MiB of text, 250 KiB compressed.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("a.txt")
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < 256; i++ {
		w.Write(chunk)
	}
	zw.Close()
	// 42.zip style: the zip inside a zip, which packs it again (to about
	// 1 KiB): more than 1000 expanded bytes a byte read.
	write(t, root, "bomb.zip", zipOf(t, file{"inner.zip", b.Bytes()}))
	write(t, root, "ok.env", []byte("GITHUB_TOKEN="+testtoken.New(12).GitHub("ghp_")+"\n"))
	res := scan(t, root, scanner.ExpandLimits{})
	if !skippedWith(res, "bomb.zip", "ratio") {
		t.Errorf("bomb not stopped by the ratio limit: %+v", res.Skipped)
	}
	if len(res.Findings) != 1 {
		t.Errorf("findings %d, want the sibling's 1", len(res.Findings))
	}
	// With the ratio check out of reach, the per-archive byte budget
	// stops it.
	lim := scanner.ExpandLimits{MaxRatio: 1 << 40, MaxBytes: 8 << 20}
	res = scan(t, root, lim)
	if !skippedWith(res, "bomb.zip", "more than the limit") {
		t.Errorf("bomb not stopped by the byte budget: %+v", res.Skipped)
	}
}

func TestDepthLimit(t *testing.T) {
	tok := testtoken.New(13).GitHub("ghp_")
	data := zipOf(t, file{"deep.env", []byte("GITHUB_TOKEN=" + tok + "\n")})
	for i := 0; i < 6; i++ {
		data = zipOf(t, file{"l.zip", data})
	}
	root := t.TempDir()
	write(t, root, "nest.zip", data) // deep.env is 8 archives deep
	lim := scanner.ExpandLimits{}
	res := scan(t, root, lim)
	if len(res.Findings) != 0 {
		t.Errorf("found past the depth limit: %v", findingsAt(res))
	}
	if !skippedWith(res, "l.zip", "nested deeper than the limit of 5") {
		t.Errorf("depth not reported: %+v", res.Skipped)
	}
	lim.MaxDepth = 8
	res = scan(t, root, lim)
	if len(res.Findings) != 1 {
		t.Errorf("depth 8: %d findings", len(res.Findings))
	}
}

func TestEntryLimit(t *testing.T) {
	var fs []file
	for i := 0; i < 20; i++ {
		fs = append(fs, file{"f" + string(rune('a'+i)), []byte("x")})
	}
	root := t.TempDir()
	write(t, root, "many.zip", zipOf(t, fs...))
	lim := scanner.ExpandLimits{}
	lim.MaxEntries = 10
	res := scan(t, root, lim)
	if !skippedWith(res, "many.zip", "entries") {
		t.Errorf("entry limit not reported: %+v", res.Skipped)
	}
}

func TestNotAnArchiveIsScannedAsText(t *testing.T) {
	root := t.TempDir()
	write(t, root, "fake.zip", []byte("GITHUB_TOKEN="+testtoken.New(14).GitHub("ghp_")+"\n"))
	res := scan(t, root, scanner.ExpandLimits{})
	if !findingsAt(res)[filepath.Join(root, "fake.zip")] {
		t.Errorf("text named .zip not scanned: %v %+v", findingsAt(res), res.Skipped)
	}
}

func TestReadTarMembers(t *testing.T) {
	var names []string
	err := archive.ReadTar(bytes.NewReader(tarOf(t, file{"a", []byte("1")}, file{"/abs/b", []byte("2")})), 0, func(n string, _ int64, r io.Reader) error {
		names = append(names, n)
		return nil
	})
	if err != nil || strings.Join(names, ",") != "a,/abs/b" {
		t.Fatalf("%v %v", names, err)
	}
}

// Streams that are not files on disk (git blobs, layers) go through the
// engine's expander seam.
func TestEngineExpanders(t *testing.T) {
	tok := testtoken.New(15).GitHub("ghp_")
	line := []byte("GITHUB_TOKEN=" + tok + "\n")
	root := t.TempDir()
	write(t, root, "b.tgz", gz(tarOf(t, file{"conf/a.env", line}, file{"lib/x.jar", zipOf(t, file{"app.properties", line})})))
	write(t, root, "c.tar.zst", zstOf(t, tarOf(t, file{"z.env", line})))
	g := gz(bytes.Repeat(line, 50))
	write(t, root, "trunc.txt.gz", g[:len(g)/2])
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{Workers: 2, Expanders: archive.Expanders(64 << 20)})
	res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	got := findingsAt(res)
	for _, w := range []string{
		filepath.Join(root, "b.tgz") + " > conf/a.env",
		filepath.Join(root, "b.tgz") + " > lib/x.jar > app.properties",
		filepath.Join(root, "c.tar.zst") + " > z.env",
	} {
		if !got[w] {
			t.Errorf("no finding at %q; got %v", w, got)
		}
	}
	if !skippedWith(res, "trunc.txt.gz", "gzip") {
		t.Errorf("truncated gzip not reported: %+v", res.Skipped)
	}
}

// A zip file on disk is read in place (random access), whatever its size;
// a zip inside another stream is read into memory up to the expander's
// limit, else reported.
func TestZipOnDiskReadInPlace(t *testing.T) {
	tok := testtoken.New(16).GitHub("ghp_")
	line := []byte("GITHUB_TOKEN=" + tok + "\n")
	filler := []byte(testtoken.New(17).Rand(2<<20, "b64"))
	big := zipOf(t, file{"filler.txt", filler}, file{"conf/app.env", line})
	root := t.TempDir()
	write(t, root, "big.zip", big)
	write(t, root, "outer.tar", tarOf(t, file{"lib/big.zip", big}))
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	eng := scanner.NewEngine(set, scanner.Options{Workers: 1, Expanders: archive.Expanders(1 << 20)})
	res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	got := findingsAt(res)
	if !got[filepath.Join(root, "big.zip")+" > conf/app.env"] || len(got) != 1 {
		t.Errorf("findings at %v", got)
	}
	if !skippedWith(res, "outer.tar > lib/big.zip", "in-memory limit") {
		t.Errorf("nested zip past the in-memory limit not reported: %+v", res.Skipped)
	}
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// zerosDeflated is a raw deflate stream of n zeros (n a multiple of 1
// MiB, at least 2 MiB), with its CRC-32: a stored block of 32 KiB of
// zeros fills the window, then one MiB compressed once against that
// window (a sync flush ends it byte-aligned) is repeated, then a final
// empty block. It takes milliseconds where compressing 2 GiB takes
// seconds.
func zerosDeflated(t *testing.T, n int64) ([]byte, uint32, uint64) {
	t.Helper()
	const win, mib = 32 << 10, 1 << 20
	zero := make([]byte, mib)
	var chunk bytes.Buffer
	fw, err := flate.NewWriterDict(&chunk, flate.BestCompression, zero[:win])
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(zero)
	fw.Flush()
	var out bytes.Buffer
	// a stored block (not final) of 32 KiB: header, LEN, NLEN, data
	out.Write([]byte{0x00, 0x00, 0x80, 0xff, 0x7f})
	out.Write(zero[:win])
	crc := crc32.Update(0, crc32.IEEETable, zero[:win])
	for done := int64(win); done < n; done += mib {
		if n-done < mib {
			// the last part: win bytes short of a MiB, compressed alone
			var last bytes.Buffer
			lw, _ := flate.NewWriterDict(&last, flate.BestCompression, zero[:win])
			lw.Write(zero[:n-done])
			lw.Flush()
			out.Write(last.Bytes())
			crc = crc32.Update(crc, crc32.IEEETable, zero[:n-done])
			break
		}
		out.Write(chunk.Bytes())
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	out.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff}) // final empty stored block
	return out.Bytes(), crc, uint64(n)
}

// A single zip entry declaring 2 GiB of zeros (deflated to about 2 MiB,
// made by the test: the repository holds nothing big) is read quickly,
// and the sibling is still scanned: under a budget below 2 GiB it stops
// at the expanded-bytes budget (a budget skip naming the entry).
func TestZipBomb2GiBSingleEntry(t *testing.T) {
	if raceEnabled {
		// 2 GiB of inflate under the detector takes a minute and
		// shares no state the detector could check beyond what the
		// smaller bombs' tests run
		t.Skip("reads 2 GiB; run without -race")
	}
	root := t.TempDir()
	f, err := os.Create(filepath.Join(root, "bomb2g.zip"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	zw := zip.NewWriter(f)
	data, crc, size := zerosDeflated(t, 2<<30)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "zeros.bin", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(f.Name())
	t.Logf("2 GiB entry written in %s, %d bytes", time.Since(start), fi.Size())
	write(t, root, "ok.env", []byte("GITHUB_TOKEN="+testtoken.New(14).GitHub("ghp_")+"\n"))
	for _, c := range []struct {
		lim  scanner.ExpandLimits
		want string
	}{
		// within the default budget (4 GiB) and ratio (deflate's best is
		// about 1030:1; this stream is 996:1): read whole, quickly
		{scanner.ExpandLimits{}, ""},
		{scanner.ExpandLimits{MaxBytes: 1 << 30}, "expands to more than the limit of 1073741824 bytes"},
		{scanner.ExpandLimits{MaxRatio: 1 << 40, MaxBytes: 64 << 20}, "more than the limit of 67108864 bytes"},
	} {
		start := time.Now()
		// as the CLI scans with --max-file-size 4GB: the member would be
		// read whole (through the strings of a binary), so only a budget
		// can stop it
		set, err := rules.BuiltinSet()
		if err != nil {
			t.Fatal(err)
		}
		xs := append(archive.Expanders(archive.DefaultMaxInMemory), binary.Strings())
		eng := scanner.NewEngine(set, scanner.Options{Workers: 2, Expanders: xs, Limits: c.lim, MaxFileSize: 4 << 30})
		res, err := eng.Run(context.Background(), dir.New([]string{root}, dir.Options{Via: "workspace"}))
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if c.want == "" && len(res.Skipped) != 0 {
			t.Errorf("%+v: skipped %+v, want the entry read whole", c.lim, res.Skipped)
		}
		if c.want != "" && !skippedWith(res, "zeros.bin", c.want) {
			t.Errorf("%+v: bomb not stopped by %q: %+v", c.lim, c.want, res.Skipped)
		}
		if len(res.Findings) != 1 {
			t.Errorf("%+v: %d findings, want the sibling's 1", c.lim, len(res.Findings))
		}
		// a hang guard, not a speed test (speed is the benchmarks'):
		// a budget that failed to stop the stream would run for minutes
		if took > 2*time.Minute {
			t.Errorf("%+v: %s to stop the bomb", c.lim, took)
		}
		t.Logf("%+v: stopped in %s, stats %+v", c.lim, took, res.Stats)
	}
}
