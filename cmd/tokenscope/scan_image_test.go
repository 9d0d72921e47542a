package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	ocilayout "github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/tokenscope/tokenscope/internal/testtoken"
	"github.com/tokenscope/tokenscope/scanner/image"
)

// testImage is an image built by the test: a random base layer, a layer
// with a .env holding a token and a zip holding another, a layer whose
// whiteout deletes the .env, a build ARG holding a third token and an ENV
// holding a fourth.
type testImage struct {
	img                              v1.Image
	fileTok, zipTok, argTok, envTok  string
	secretLayer, secretDiff, baseDig string
}

func (ti testImage) secrets() []string { return []string{ti.fileTok, ti.zipTok, ti.argTok, ti.envTok} }

func layerOf(t *testing.T, files map[string][]byte, names ...string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[n]); err != nil {
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

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// saveTarball writes ti as `docker save` would, tagged ref, at path.
func saveTarball(t *testing.T, path, ref string, ti testImage) {
	t.Helper()
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(path, tag, ti.img); err != nil {
		t.Fatal(err)
	}
}

func buildTestImage(t *testing.T) testImage {
	t.Helper()
	g := testtoken.New(1010)
	ti := testImage{fileTok: g.GitHub("ghp_"), zipTok: g.GitHub("ghp_"), argTok: g.GitHub("ghp_"), envTok: g.GitHub("ghp_")}
	base, err := random.Layer(8192, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	secret := layerOf(t, map[string][]byte{
		"app/.env":    []byte("GITHUB_TOKEN=" + ti.fileTok + "\n"),
		"app/lib.zip": zipOf(t, "conf/settings.ini", "token = "+ti.zipTok+"\n"),
	}, "app/.env", "app/lib.zip")
	del := layerOf(t, map[string][]byte{"app/.wh..env": nil}, "app/.wh..env")
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: base, History: v1.History{CreatedBy: "/bin/sh -c #(nop) ADD file:rootfs in / "}},
		mutate.Addendum{History: v1.History{CreatedBy: "ARG GH_TOKEN=" + ti.argTok, EmptyLayer: true}},
		mutate.Addendum{Layer: secret, History: v1.History{CreatedBy: "|1 GH_TOKEN=" + ti.argTok + " /bin/sh -c make install"}},
		mutate.Addendum{Layer: del, History: v1.History{CreatedBy: "RUN /bin/sh -c rm /app/.env # buildkit"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config.Env = []string{"PATH=/usr/bin", "GITHUB_TOKEN=" + ti.envTok}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	ti.img = img
	d, _ := secret.Digest()
	dd, _ := secret.DiffID()
	bd, _ := base.Digest()
	ti.secretLayer, ti.secretDiff, ti.baseDig = d.String(), dd.String(), bd.String()
	return ti
}

func quietRegistry() http.Handler { return registry.New(registry.Logger(log.New(io.Discard, "", 0))) }

// pushTestImage serves ti from an in-process registry on loopback and
// returns the reference.
func pushTestImage(t *testing.T, ti testImage) string {
	t.Helper()
	srv := httptest.NewServer(quietRegistry())
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1.2"
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, ti.img); err != nil {
		t.Fatal(err)
	}
	return ref
}

func writeLayout(t *testing.T, ti testImage) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "oci")
	lp, err := ocilayout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(ti.img); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tarDir packs dir into a tar file (an OCI archive when dir is a layout).
func tarDir(t *testing.T, dir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

type imageReport struct {
	Command  string `json:"command"`
	Findings []struct {
		RuleID   string `json:"rule_id"`
		Location string `json:"location"`
		Secret   string `json:"secret"`
		Origin   struct {
			Kind          string   `json:"kind"`
			Path          string   `json:"path"`
			Chain         []string `json:"chain"`
			Layer         string   `json:"layer"`
			Instruction   string   `json:"instruction"`
			InHistoryOnly bool     `json:"in_history_only"`
			Via           string   `json:"via"`
		} `json:"origin"`
	} `json:"findings"`
	Skipped []struct {
		Path   string `json:"path"`
		Reason string `json:"reason"`
		Kind   string `json:"kind"`
	} `json:"skipped"`
}

func runImage(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	s, out, errb := reachStreams(nil, nil)
	code := run(append([]string{"scan", "image", "--no-progress"}, args...), s)
	if code != want {
		t.Fatalf("scan image %v: exit %d, want %d; stderr: %s", args, code, want, errb.String())
	}
	return out.String(), errb.String()
}

func noRaw(t *testing.T, ti testImage, texts ...string) {
	t.Helper()
	for _, tx := range texts {
		for _, s := range ti.secrets() {
			if strings.Contains(tx, s) {
				t.Fatalf("raw secret %.8s... printed", s)
			}
		}
	}
}

// checkImageReport checks the findings of ti scanned as label (the image
// part of the location, up to the layer).
func checkImageReport(t *testing.T, ti testImage, out, labelPrefix string) {
	t.Helper()
	var rep imageReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Command != "scan image" {
		t.Errorf("command %q", rep.Command)
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		o := f.Origin
		if o.Kind != "image" || !strings.HasPrefix(f.Location, labelPrefix) {
			t.Errorf("finding at %q (kind %s), want under %q", f.Location, o.Kind, labelPrefix)
		}
		switch {
		case o.Path == "app/.env":
			got["file"] = true
			if o.Layer != ti.secretLayer && o.Layer != ti.secretDiff {
				t.Errorf("app/.env: layer %s, want %s or %s", o.Layer, ti.secretLayer, ti.secretDiff)
			}
			short := o.Layer[:len("sha256:")+12]
			wantLoc := "!layer 2 (" + short + "): RUN make install!/app/.env"
			if !strings.HasSuffix(f.Location, wantLoc) {
				t.Errorf("location %q, want it to end %q", f.Location, wantLoc)
			}
			if !o.InHistoryOnly || o.Via != image.DeletedNote {
				t.Errorf("app/.env not flagged deleted: %+v", o)
			}
			if !strings.Contains(o.Instruction, "ghp_********") || !strings.Contains(o.Instruction, "make install") {
				t.Errorf("instruction %q: want the build step with its ARG value redacted", o.Instruction)
			}
		case o.Path == "conf/settings.ini":
			got["zip"] = true
			if len(o.Chain) != 3 || o.Chain[2] != "app/lib.zip" || !strings.HasSuffix(f.Location, "!/app/lib.zip!/conf/settings.ini") {
				t.Errorf("zip member: chain %q location %q", o.Chain, f.Location)
			}
			if o.InHistoryOnly {
				t.Errorf("app/lib.zip is still in the image: %+v", o)
			}
		case o.Path == "config:Env":
			got["env"] = true
			if !strings.HasSuffix(f.Location, "!config:Env") {
				t.Errorf("env location %q", f.Location)
			}
		case o.Path == "config:History":
			got["arg"] = true
		}
	}
	for _, k := range []string{"file", "zip", "env", "arg"} {
		if !got[k] {
			t.Errorf("no %s finding in\n%s", k, out)
		}
	}
}

func TestScanImageRegistry(t *testing.T) {
	ti := buildTestImage(t)
	ref := pushTestImage(t, ti)
	out, errOut := runImage(t, exitFindings, "--insecure-registry", "--format", "json", ref)
	checkImageReport(t, ti, out, ref+"@sha256:")
	noRaw(t, ti, out, errOut)

	// terminal: the location, and the note for the deleted file
	out, errOut = runImage(t, exitFindings, "--insecure-registry", ref)
	for _, want := range []string{
		ref + "@sha256:",
		"!layer 2 (sha256:",
		"): RUN make install!/app/.env:1:14",
		"note " + image.DeletedNote,
		"!/app/lib.zip!/conf/settings.ini:1:9",
	} {
		// the report wraps long lines at spaces
		if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, want) {
			t.Errorf("terminal report lacks %q:\n%s", want, out)
		}
	}
	noRaw(t, ti, out, errOut)

	// SARIF: logical locations, the layer's digest and build step
	out, _ = runImage(t, exitFindings, "--insecure-registry", "--format", "sarif", ref)
	var sarif struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					Logical []struct {
						Name  string `json:"name"`
						FQN   string `json:"fullyQualifiedName"`
						Kind  string `json:"kind"`
						Props struct {
							Digest      string `json:"layerDigest"`
							Instruction string `json:"instruction"`
						} `json:"properties"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				Props struct {
					Location         string `json:"location"`
					Layer            string `json:"layer"`
					LayerInstruction string `json:"layerInstruction"`
				} `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range sarif.Runs[0].Results {
		if r.Props.Layer != ti.secretLayer || !strings.HasSuffix(r.Props.Location, "!/app/.env") {
			continue
		}
		found = true
		ll := r.Locations[0].Logical
		if len(ll) != 3 || ll[1].Kind != "namespace" || ll[1].Props.Digest != ti.secretLayer || !strings.Contains(ll[1].Props.Instruction, "make install") || ll[2].FQN != r.Props.Location {
			t.Errorf("logical locations %+v", ll)
		}
		if !strings.Contains(r.Props.LayerInstruction, "make install") {
			t.Errorf("layerInstruction %q", r.Props.LayerInstruction)
		}
	}
	if !found {
		t.Errorf("no SARIF result for app/.env in\n%s", out)
	}
	noRaw(t, ti, out)

	// exit codes and --show-secrets
	runImage(t, exitOK, "--insecure-registry", "--fail-on", "none", ref)
	out, _ = runImage(t, exitFindings, "--insecure-registry", "--show-secrets", "--format", "json", ref)
	if !strings.Contains(out, ti.fileTok) {
		t.Error("--show-secrets: the token is not shown")
	}
}

func TestScanImageFiles(t *testing.T) {
	ti := buildTestImage(t)
	dir := t.TempDir()
	tb := filepath.Join(dir, "app.tar")
	saveTarball(t, tb, "example.test/app:1", ti)
	lay := writeLayout(t, ti)
	arch := filepath.Join(dir, "app-oci.tar")
	tarDir(t, lay, arch)
	for _, c := range []struct{ ref, label string }{
		{tb, tb + " (example.test/app:1)!"},
		{lay, lay + "@sha256:"},
		{arch, arch + "@sha256:"},
	} {
		out, errOut := runImage(t, exitFindings, "--format", "json", c.ref)
		checkImageReport(t, ti, out, c.label)
		noRaw(t, ti, out, errOut)
	}
}

// docker-daemon: exports the image with `docker save -o FILE NAME`; a
// fake docker on PATH stands for the daemon. Without docker the error
// says what to do.
func TestScanImageDaemon(t *testing.T) {
	ti := buildTestImage(t)
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.tar")
	saveTarball(t, saved, "app:dev", ti)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n[ \"$1\" = save ] && [ \"$2\" = -o ] && [ \"$4\" = app:dev ] || { echo \"Error response from daemon: reference does not exist: $4\" >&2; exit 1; }\ncp " + saved + " \"$3\"\n"
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+"/usr/bin:/bin")
	out, errOut := runImage(t, exitFindings, "--format", "json", "docker-daemon:app:dev")
	checkImageReport(t, ti, out, "docker-daemon:app:dev!")
	noRaw(t, ti, out, errOut)

	_, errOut = runImage(t, exitUsage, "docker-daemon:nosuch:1")
	if !strings.Contains(errOut, "docker save nosuch:1 failed") || !strings.Contains(errOut, "reference does not exist") {
		t.Errorf("missing image: stderr %q", errOut)
	}
	t.Setenv("PATH", t.TempDir())
	_, errOut = runImage(t, exitUsage, "docker-daemon:app:dev")
	if !strings.Contains(errOut, "needs the docker CLI") || !strings.Contains(errOut, "docker save -o app.tar app:dev") {
		t.Errorf("no docker: stderr %q", errOut)
	}
}

// Not an image: a clear usage error, never a registry request.
func TestScanImageNotAnImage(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "app.tar.gz")
	os.WriteFile(gz, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, 0o644)
	plain := filepath.Join(dir, "notes.tar")
	tarDir(t, t.TempDir(), plain)
	_, errOut := runImage(t, exitUsage, gz, plain, filepath.Join(dir, "missing.tar"))
	for _, want := range []string{"a gzip-compressed file, truncated, corrupt or not a tar", "neither a docker-save tarball", "missing.tar: no such file"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q: %s", want, errOut)
		}
	}
	_, errOut = runImage(t, exitUsage)
	if !strings.Contains(errOut, "tokenscope scan ./image") {
		t.Errorf("no REF: stderr %q", errOut)
	}
}

// A registry that never answers: a clear error once --registry-timeout
// has passed, exit 2.
func TestScanImageRegistryTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1"
	_, errOut := runImage(t, exitUsage, "--insecure-registry", "--registry-timeout", "300ms", ref)
	want := "registry " + strings.TrimPrefix(srv.URL, "http://") + " did not answer within 300ms"
	if !strings.Contains(errOut, want) || !strings.Contains(errOut, ref) {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

// A layer download that stalls is given up after --registry-timeout and
// reported; the other layers and the config are still scanned.
func TestScanImageLayerStall(t *testing.T) {
	ti := buildTestImage(t)
	reg := quietRegistry()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/blobs/"+ti.baseDig) {
			w.Header().Set("Content-Length", "100000")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte{0x1f, 0x8b})
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer close(release)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/org/app:1.2"
	tag, _ := name.NewTag(ref, name.Insecure)
	if err := remote.Write(tag, ti.img); err != nil {
		t.Fatal(err)
	}
	out, _ := runImage(t, exitFindings, "--insecure-registry", "--registry-timeout", "300ms", "--format", "json", ref)
	checkImageReport(t, ti, out, ref+"@sha256:")
	var rep imageReport
	json.Unmarshal([]byte(out), &rep)
	stalled := false
	for _, s := range rep.Skipped {
		if strings.Contains(s.Path, "!layer 1 (") && strings.Contains(s.Reason, "stalled: the registry sent nothing for 300ms") {
			stalled = true
		}
	}
	if !stalled {
		t.Errorf("stalled layer not reported: %+v", rep.Skipped)
	}
}

// A corrupt layer is a skipped item; the rest of the image is scanned.
func TestScanImageCorruptLayer(t *testing.T) {
	ti := buildTestImage(t)
	lay := writeLayout(t, ti)
	blob := filepath.Join(lay, "blobs", "sha256", strings.TrimPrefix(ti.baseDig, "sha256:"))
	if err := os.WriteFile(blob, []byte("\x1f\x8b\x08\x00garbage, not gzip at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut := runImage(t, exitFindings, "--format", "json", lay)
	checkImageReport(t, ti, out, lay+"@sha256:")
	noRaw(t, ti, out, errOut)
	var rep imageReport
	json.Unmarshal([]byte(out), &rep)
	if len(rep.Skipped) != 1 || rep.Skipped[0].Kind != "corrupt" || !strings.Contains(rep.Skipped[0].Path, "!layer 1 (") || !strings.Contains(rep.Skipped[0].Reason, "truncated or corrupt") {
		t.Errorf("skipped %+v, want layer 1 corrupt", rep.Skipped)
	}
}

// A multi-platform OCI layout: every platform by default, one with
// --platform, and a clear error for a platform the index lacks.
func TestScanImagePlatform(t *testing.T) {
	ti := buildTestImage(t)
	armTok := testtoken.New(2020).GitHub("ghp_")
	arm, err := mutate.AppendLayers(ti.img, layerOf(t, map[string][]byte{"arm/.env": []byte("GITHUB_TOKEN=" + armTok + "\n")}, "arm/.env"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "multi")
	lp, err := ocilayout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(ti.img, ocilayout.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"})); err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(arm, ocilayout.WithPlatform(v1.Platform{OS: "linux", Architecture: "arm64"})); err != nil {
		t.Fatal(err)
	}
	places := func(out string) map[string]int {
		var rep imageReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, f := range rep.Findings {
			switch {
			case strings.Contains(f.Origin.Chain[0], " (linux/amd64)"):
				m["amd64 "+f.Origin.Path]++
			case strings.Contains(f.Origin.Chain[0], " (linux/arm64)"):
				m["arm64 "+f.Origin.Path]++
			default:
				t.Errorf("no platform in %q", f.Origin.Chain[0])
			}
		}
		return m
	}
	out, _ := runImage(t, exitFindings, "--format", "json", dir)
	all := places(out)
	// the layers both platforms share are scanned once, under the first
	if all["amd64 app/.env"] != 1 || all["arm64 app/.env"] != 0 || all["arm64 arm/.env"] != 1 || all["arm64 config:Env"] != 1 {
		t.Errorf("every platform: %v", all)
	}
	out, _ = runImage(t, exitFindings, "--format", "json", "--platform", "linux/arm64", dir)
	one := places(out)
	if one["arm64 arm/.env"] != 1 || one["arm64 app/.env"] != 1 || len(one) != len(keysWith(one, "arm64 ")) {
		t.Errorf("--platform linux/arm64: %v", one)
	}
	_, errOut := runImage(t, exitUsage, "--platform", "linux/s390x", dir)
	if !strings.Contains(errOut, "no image for platform linux/s390x") {
		t.Errorf("missing platform: stderr %q", errOut)
	}
}

func keysWith(m map[string]int, prefix string) []string {
	var ks []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			ks = append(ks, k)
		}
	}
	return ks
}

// A directory named image is scanned as ./image (only a first argument
// spelled exactly "image" is the subcommand), and after another path.
func TestScanDirNamedImage(t *testing.T) {
	root := t.TempDir()
	tok := testtoken.New(3030).GitHub("ghp_")
	if err := os.MkdirAll(filepath.Join(root, "image"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "image", ".env"), []byte("GITHUB_TOKEN="+tok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	for _, args := range [][]string{{"scan", "./image"}, {"scan", ".", "image"}} {
		s, out, errb := reachStreams(nil, nil)
		code := run(append(args, "--format", "json", "--no-progress", "--no-config"), s)
		if code != exitFindings || !strings.Contains(out.String(), `"path": "image/.env"`) && !strings.Contains(out.String(), `"path": "./image/.env"`) {
			t.Errorf("%v: exit %d, stderr %s, report %.400s", args, code, errb.String(), out.String())
		}
	}
}
