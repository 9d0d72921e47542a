package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/internal/testtoken"
)

// An archive target larger than --max-file-size is still opened whole (its
// members are each scanned up to the flag), and --max-archive-depth 0
// leaves archives unopened.
func TestScanArchivePastMaxFileSize(t *testing.T) {
	tok := testtoken.New(84).GitHub("ghp_")
	root := t.TempDir()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	add := func(name string, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	// 3 MiB of incompressible filler first, so the token lies past 1 MiB
	// of the compressed file
	filler := []byte(testtoken.New(85).Rand(3<<20, "b64"))
	add("assets/blob.txt", filler)
	add("conf/prod.env", []byte("GITHUB_TOKEN="+tok+"\n"))
	tw.Close()
	zw.Close()
	if b.Len() < 2<<20 {
		t.Fatalf("archive of %d bytes: want it past --max-file-size", b.Len())
	}
	if err := os.WriteFile(filepath.Join(root, "release.tar.gz"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	scan := func(args ...string) (int, []string, string) {
		t.Helper()
		s, out, errb := reachStreams(nil, nil)
		code := run(append([]string{"scan", root, "--format", "json", "--no-progress", "--max-file-size", "1MB"}, args...), s)
		var rep struct {
			Findings []struct {
				Origin struct {
					Kind  string   `json:"kind"`
					Path  string   `json:"path"`
					Chain []string `json:"chain"`
				} `json:"origin"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v; stderr %s", err, errb.String())
		}
		var at []string
		for _, f := range rep.Findings {
			at = append(at, f.Origin.Kind+":"+strings.Join(append(f.Origin.Chain, f.Origin.Path), " > "))
		}
		return code, at, out.String()
	}
	code, at, out := scan()
	want := "archive:" + filepath.Join(root, "release.tar.gz") + " > conf/prod.env"
	if code != exitFindings || len(at) != 1 || at[0] != want {
		t.Errorf("exit %d, findings at %q; want %q", code, at, want)
	}
	if !strings.Contains(out, "blob.txt") || !strings.Contains(out, "too-large") {
		t.Errorf("the 3 MiB member is not reported as scanned in part: %s", out)
	}
	if code, at, _ := scan("--max-archive-depth", "0"); code != exitOK || len(at) != 0 {
		t.Errorf("--max-archive-depth 0: exit %d, findings at %q", code, at)
	}
}
