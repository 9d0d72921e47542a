package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/rules"
	"github.com/tokenscope/tokenscope/scanner"
)

func tarLayer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range sortedKeys(files) {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

type fixture struct {
	img                      v1.Image
	fileTok, envTok, argTok  string
	secretLayer, deleteLayer string
	secretDiffID             string
}

func buildImage(t *testing.T) fixture {
	t.Helper()
	g := testtoken.New(10)
	f := fixture{fileTok: g.GitHub("ghp_"), envTok: g.GitHub("ghp_"), argTok: g.GitHub("ghp_")}
	base, err := random.Layer(4096, "application/vnd.docker.image.rootfs.diff.tar.gzip")
	if err != nil {
		t.Fatal(err)
	}
	secret := tarLayer(t, map[string]string{"app/.env": "GITHUB_TOKEN=" + f.fileTok + "\n", "app/readme.txt": "hello\n"})
	del := tarLayer(t, map[string]string{"app/.wh..env": ""})
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: base, History: v1.History{CreatedBy: "ADD rootfs.tar /"}},
		mutate.Addendum{History: v1.History{CreatedBy: "ARG TOKEN=" + f.argTok, EmptyLayer: true}},
		mutate.Addendum{Layer: secret, History: v1.History{CreatedBy: "COPY .env /app/.env"}},
		mutate.Addendum{Layer: del, History: v1.History{CreatedBy: "RUN rm /app/.env"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config.Env = []string{"PATH=/usr/bin", "GITHUB_TOKEN=" + f.envTok}
	cf.Config.Cmd = []string{"/app/run"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	f.img = img
	d1, _ := secret.Digest()
	d2, _ := del.Digest()
	f.secretLayer, f.deleteLayer = d1.String(), d2.String()
	dd, _ := secret.DiffID()
	f.secretDiffID = dd.String()
	return f
}

func scan(t *testing.T, src scanner.Source) *scanner.Result {
	t.Helper()
	set, err := scannerSet()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scanner.NewEngine(set, scanner.Options{Workers: 2}).Run(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func checkFindings(t *testing.T, f fixture, res *scanner.Result) {
	t.Helper()
	var file, env, arg bool
	for _, fd := range res.Findings {
		o := fd.Origin
		switch o.Path {
		case "app/.env":
			file = true
			if o.Layer != f.secretLayer && o.Layer != f.secretDiffID {
				t.Errorf("app/.env layer = %s, want %s (or diff id %s)", o.Layer, f.secretLayer, f.secretDiffID)
			}
			if o.Instruction != "COPY .env /app/.env" {
				t.Errorf("app/.env instruction = %q", o.Instruction)
			}
			if !o.InHistoryOnly || o.Via != DeletedNote {
				t.Errorf("app/.env not flagged deleted: %+v", o)
			}
		case "config:Env":
			env = true
		case "config:History":
			arg = true
		}
		want := 2 // the image, the layer
		if strings.HasPrefix(o.Path, "config:") {
			want = 1
		}
		if o.Kind != "image" || len(o.Chain) != want {
			t.Errorf("origin %+v: want kind image and the image (and layer) in the chain", o)
		}
		if want == 2 && !strings.HasPrefix(o.Chain[1], "layer 2 (sha256:") || want == 2 && !strings.HasSuffix(o.Chain[1], "): COPY .env /app/.env") {
			t.Errorf("layer chain element %q", o.Chain[1])
		}
	}
	if !file || !env || !arg {
		t.Errorf("findings: layer file %v, env %v, history %v; got %+v skipped %+v", file, env, arg, res.Findings, res.Skipped)
	}
}

func TestDockerSaveTarball(t *testing.T) {
	f := buildImage(t)
	p := filepath.Join(t.TempDir(), "app.tar")
	tag, _ := name.NewTag("example.test/app:1")
	if err := tarball.WriteToFile(p, tag, f.img); err != nil {
		t.Fatal(err)
	}
	checkFindings(t, f, scan(t, New([]string{p}, Options{})))
}

func TestOCILayoutAndSharedLayers(t *testing.T) {
	f := buildImage(t)
	dir := filepath.Join(t.TempDir(), "oci")
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if err := lp.AppendImage(f.img, layout.WithPlatform(v1.Platform{OS: "linux", Architecture: arch})); err != nil {
			t.Fatal(err)
		}
	}
	res := scan(t, New([]string{dir}, Options{}))
	checkFindings(t, f, res)
	n := 0
	for _, fd := range res.Findings {
		if fd.Origin.Path == "app/.env" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("shared layer scanned %d times, want once", n)
	}
	one := scan(t, New([]string{dir}, Options{Platform: "linux/arm64"}))
	for _, fd := range one.Findings {
		if !strings.Contains(fd.Origin.Chain[0], "arm64") {
			t.Errorf("--platform linux/arm64 yielded %s", fd.Origin.Chain[0])
		}
	}
	if len(one.Findings) == 0 {
		t.Error("--platform linux/arm64: no findings")
	}
}

func TestRegistryReference(t *testing.T) {
	f := buildImage(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1.2"
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, f.img); err != nil {
		t.Fatal(err)
	}
	res := scan(t, New([]string{ref}, Options{Insecure: true}))
	checkFindings(t, f, res)
	for _, fd := range res.Findings {
		if !strings.HasPrefix(fd.Origin.Chain[0], ref+"@sha256:") {
			t.Errorf("chain = %v, want %s@sha256:...", fd.Origin.Chain, ref)
		}
	}
}

func TestCorruptInputIsSkipped(t *testing.T) {
	f := buildImage(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1"
	tag, _ := name.NewTag(ref, name.Insecure)
	// Push only the manifest: the config and layer blobs are missing.
	if err := remote.Put(tag, f.img); err != nil {
		t.Fatal(err)
	}
	_, err := scanner.NewEngine(mustSet(t), scanner.Options{Workers: 2}).Run(context.Background(), New([]string{ref, "/does/not/exist/image.tar"}, Options{Insecure: true}))
	if !errors.Is(err, scanner.ErrNothingScanned) {
		t.Fatalf("err = %v, want ErrNothingScanned", err)
	}
	for _, want := range []string{ref + ": ", "Unknown blob", "/does/not/exist/image.tar: no such file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func mustSet(t *testing.T) *detectors.Set {
	s, err := scannerSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func scannerSet() (*detectors.Set, error) { return rules.BuiltinSet() }

// Members over 1 MiB are streamed to the workers (the layer waits for
// each); the engine's --max-file-size still applies to them. One worker
// or several, every layer is read and nothing deadlocks.
func TestLargeMembersStreamed(t *testing.T) {
	g := testtoken.New(77)
	bigTok, smallTok := g.GitHub("ghp_"), g.GitHub("ghp_")
	line := "a log line without anything secret in it, just words\n"
	big := strings.Repeat(line, (3<<20)/len(line)) + "token=" + bigTok + "\n"
	huge := strings.Repeat(line, (5<<20)/len(line))
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: tarLayer(t, map[string]string{"big/log.txt": big}), History: v1.History{CreatedBy: "COPY log.txt /big/"}},
		mutate.Addendum{Layer: tarLayer(t, map[string]string{"small/.env": "GITHUB_TOKEN=" + smallTok + "\n"}), History: v1.History{CreatedBy: "COPY .env /small/"}},
		mutate.Addendum{Layer: tarLayer(t, map[string]string{"huge/data.txt": huge}), History: v1.History{CreatedBy: "COPY data.txt /huge/"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "oci")
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 3} {
		src := New([]string{dir}, Options{Workers: workers})
		res, err := scanner.NewEngine(mustSet(t), scanner.Options{Workers: workers, MaxFileSize: 4 << 20}).Run(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, f := range res.Findings {
			got[f.Origin.Path] = f.Line
		}
		if got["big/log.txt"] != strings.Count(big, "\n") || got["small/.env"] != 1 {
			t.Errorf("workers %d: findings by path %v", workers, got)
		}
		tooLarge := false
		for _, s := range res.Skipped {
			if s.Path == "huge/data.txt" && s.Kind == scanner.SkipTooLarge {
				tooLarge = true
			}
		}
		if !tooLarge || len(res.Skipped) != 1 {
			t.Errorf("workers %d: skipped %+v, want huge/data.txt too large", workers, res.Skipped)
		}
		if res.Stats.Bytes < int64(len(big))+4<<20 {
			t.Errorf("workers %d: %d bytes scanned", workers, res.Stats.Bytes)
		}
	}
}

// An opaque directory hides everything below it in lower layers; a file
// a later layer writes again hides its older content; a file in a
// directory that a later layer deletes whole is deleted too. Files a
// later layer only adds beside stay live.
func TestOpaqueReplacedAndDeletedDirs(t *testing.T) {
	g := testtoken.New(91)
	tok := map[string]string{}
	for _, p := range []string{"etc/app/a.env", "srv/conf.env", "opt/tool/.env", "keep/.env"} {
		tok[p] = g.GitHub("ghp_")
	}
	lower := map[string]string{}
	for p, v := range tok {
		lower[p] = "GITHUB_TOKEN=" + v + "\n"
	}
	upper := tarLayer(t, map[string]string{
		"etc/app/.wh..wh..opq": "",             // opaque: hides etc/app/a.env
		"srv/conf.env":         "REPLACED=1\n", // replaces srv/conf.env
		"opt/.wh.tool":         "",             // deletes the directory opt/tool
		"keep/other.txt":       "beside\n",
	})
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: tarLayer(t, lower), History: v1.History{CreatedBy: "COPY . /"}},
		mutate.Addendum{Layer: upper, History: v1.History{CreatedBy: "RUN cleanup"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "oci")
	lp, _ := layout.Write(dir, empty.Index)
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	res := scan(t, New([]string{dir}, Options{}))
	want := map[string]string{"etc/app/a.env": DeletedNote, "srv/conf.env": ReplacedNote, "opt/tool/.env": DeletedNote, "keep/.env": ""}
	got := map[string]string{}
	for _, f := range res.Findings {
		o := f.Origin
		if o.InHistoryOnly != (o.Via != "") {
			t.Errorf("%s: InHistoryOnly %v with note %q", o.Path, o.InHistoryOnly, o.Via)
		}
		got[o.Path] = string(o.Via)
	}
	for p, note := range want {
		if n, ok := got[p]; !ok || n != note {
			t.Errorf("%s: note %q (found %v), want %q", p, n, ok, note)
		}
	}
}
