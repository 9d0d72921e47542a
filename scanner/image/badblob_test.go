package image

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/tokenscope/tokenscope/scanner"
)

// An OCI layout whose manifest names a layer blob that is not there, or
// whose layer blob is cut short, is scanned as far as it can be: the
// config (Env, History) is still scanned, the bad layer is one skipped
// item with a typed reason naming it, and nothing hangs or crashes.
func TestOCILayoutMissingAndTruncatedBlobs(t *testing.T) {
	f := buildImage(t)
	ls, err := f.img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := ls[0].Digest()
	secret, _ := ls[1].Digest()
	for _, c := range []struct {
		name   string
		digest v1.Hash
		spoil  func(path string) error
		layer  string
		kind   scanner.SkipKind
	}{
		{"missing", base, os.Remove, "!layer 1 (", scanner.SkipUnreadable},
		{"truncated", secret, func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, b[:len(b)/2], 0o644)
		}, "!layer 2 (", scanner.SkipCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "oci")
			lp, err := layout.Write(dir, empty.Index)
			if err != nil {
				t.Fatal(err)
			}
			if err := lp.AppendImage(f.img); err != nil {
				t.Fatal(err)
			}
			blob := filepath.Join(dir, "blobs", c.digest.Algorithm, c.digest.Hex)
			if err := c.spoil(blob); err != nil {
				t.Fatal(err)
			}
			res := scan(t, New([]string{dir}, Options{}))
			var env, hist bool
			for _, fd := range res.Findings {
				switch fd.Origin.Path {
				case "config:Env":
					env = true
				case "config:History":
					hist = true
				}
			}
			if !env || !hist {
				t.Errorf("config not scanned past the bad blob: env %v history %v, findings %+v", env, hist, res.Findings)
			}
			n := 0
			for _, s := range res.Skipped {
				if s.Kind == "" || s.Reason == "" {
					t.Errorf("untyped skip %+v", s)
				}
				if strings.Contains(s.Path, c.layer) {
					n++
					if s.Kind != c.kind {
						t.Errorf("%s skipped as %q, want %q: %+v", c.layer, s.Kind, c.kind, s)
					}
				}
			}
			if n != 1 {
				t.Errorf("bad %s reported %d times, want once: %+v", c.layer, n, res.Skipped)
			}
			t.Logf("skipped: %+v", res.Skipped)
		})
	}
}

// The in-process registry serves a manifest whose base layer blob was
// deleted: the config is still scanned, the layer is one skipped item
// naming it, and the scan ends.
func TestRegistryManifestMissingLayerBlob(t *testing.T) {
	f := buildImage(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1"
	tag, _ := name.NewTag(ref, name.Insecure)
	if err := remote.Write(tag, f.img); err != nil {
		t.Fatal(err)
	}
	ls, _ := f.img.Layers()
	base, _ := ls[0].Digest()
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/v2/org/app/blobs/"+base.String(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("delete blob: %s", resp.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := scanner.NewEngine(mustSet(t), scanner.Options{Workers: 2}).Run(ctx, New([]string{ref}, Options{Insecure: true}))
	if err != nil {
		t.Fatal(err)
	}
	var env bool
	for _, fd := range res.Findings {
		env = env || fd.Origin.Path == "config:Env"
	}
	if !env {
		t.Errorf("config not scanned: %+v", res.Findings)
	}
	n := 0
	for _, s := range res.Skipped {
		if strings.Contains(s.Path, "!layer 1 (") {
			n++
			if s.Kind != scanner.SkipUnreadable || !strings.Contains(s.Reason, "BLOB_UNKNOWN") {
				t.Errorf("missing blob skip %+v: want unreadable and the registry's error", s)
			}
		}
	}
	if n != 1 {
		t.Errorf("missing layer reported %d times, want once: %+v", n, res.Skipped)
	}
	t.Logf("skipped: %+v", res.Skipped)
}
