package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// compressFile writes src compressed (gzip or zstd) to dst.
func compressFile(t *testing.T, src, dst, how string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	var w io.WriteCloser
	if how == "gzip" {
		w = kgzip.NewWriter(out)
	} else if w, err = zstd.NewWriter(out); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// `docker save app | gzip > app.tar.gz` and a gzipped or zstd OCI
// archive are scanned as the .tar would be: the compression is told by
// the magic bytes (the zstd files are named without an extension), and
// the findings and their origins are those of the uncompressed file. A
// truncated .tar.gz is refused with a clear error, promptly.
func TestScanImageCompressedTarballs(t *testing.T) {
	ti := buildTestImage(t)
	dir := t.TempDir()
	tb := filepath.Join(dir, "app.tar")
	saveTarball(t, tb, "example.test/app:1", ti)
	arch := filepath.Join(dir, "app-oci.tar")
	tarDir(t, writeLayout(t, ti), arch)
	gz := filepath.Join(dir, "app.tar.gz")
	compressFile(t, tb, gz, "gzip")
	zst := filepath.Join(dir, "app-saved")
	compressFile(t, tb, zst, "zstd")
	ociGz := filepath.Join(dir, "app-oci.tar.gz")
	compressFile(t, arch, ociGz, "gzip")
	ociZst := filepath.Join(dir, "app-oci")
	compressFile(t, arch, ociZst, "zstd")
	// what the uncompressed files give, with their names cut off
	findings := func(ref, out string) []string {
		var rep imageReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		for _, sk := range rep.Skipped {
			// the random layers' files are random bytes: one whose first
			// NUL comes after 512 bytes (one in seven) is a binary skip
			if sk.Kind != "binary" {
				t.Errorf("%s: skipped %+v", ref, sk)
			}
		}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.RuleID+" "+strings.TrimPrefix(f.Location, ref))
		}
		sort.Strings(got)
		return got
	}
	plain, _ := runImage(t, exitFindings, "--format", "json", tb)
	wantDocker := findings(tb, plain)
	plain, _ = runImage(t, exitFindings, "--format", "json", arch)
	wantOCI := findings(arch, plain)
	for _, c := range []struct{ ref, label string }{
		{gz, gz + " (example.test/app:1)!"},
		{zst, zst + " (example.test/app:1)!"},
		{ociGz, ociGz + "@sha256:"},
		{ociZst, ociZst + "@sha256:"},
	} {
		out, errOut := runImage(t, exitFindings, "--format", "json", c.ref)
		checkImageReport(t, ti, out, c.label)
		noRaw(t, ti, out, errOut)
		want := wantDocker
		if strings.HasSuffix(c.label, "@sha256:") {
			want = wantOCI
		}
		if got := findings(c.ref, out); !slices.Equal(got, want) {
			t.Errorf("%s: findings\n%q\nwant those of the .tar\n%q", c.ref, got, want)
		}
	}

	// truncated: at 90% the manifest and some layers are readable, the
	// rest is not; at 20 bytes, only the gzip header is
	data, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(data) * 9 / 10, 20} {
		cut := filepath.Join(dir, "cut.tar.gz")
		if err := os.WriteFile(cut, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, errOut := runImage(t, exitUsage, cut)
		if !strings.Contains(errOut, "a gzip-compressed file, truncated, corrupt or not a tar") || !strings.Contains(errOut, "unexpected EOF") {
			t.Errorf("truncated to %d of %d bytes: stderr %q", n, len(data), errOut)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("truncated to %d bytes: %s to refuse", n, d)
		}
	}
}
