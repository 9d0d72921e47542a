package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The GitHub Action (action.yml at the repository's root) is a composite
// action running scripts/action/install.sh and scan.sh. These tests check
// that it holds together (every input is used, every expression names a
// real input or step, every flag it passes is a real scan flag) and run
// install.sh against a release served on loopback. scan.sh runs over a
// real repository in testdata/script/action_scan.txtar.

type actionFile struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

func loadAction(t *testing.T) (actionFile, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(raw, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a, raw
}

func TestActionDefinition(t *testing.T) {
	a, raw := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	for _, want := range []string{"version", "install", "fail-on", "paths", "scan", "args", "sarif-file", "category", "upload-sarif"} {
		in, ok := a.Inputs[want]
		if !ok {
			t.Errorf("no input %q", want)
			continue
		}
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %q needs a description and a default", want)
		}
	}
	if d := a.Inputs["fail-on"].Default; d == nil || *d != "broad" {
		t.Errorf("fail-on should default to broad")
	}
	// every ${{ inputs.X }} names an input, every input is used
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`inputs\.([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(raw), -1) {
		used[m[1]] = true
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses inputs.%s, which is not declared", m[1])
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is declared but never used", name)
		}
	}
	// every steps.X.outputs.Y names a step with that id, that writes Y
	ids := map[string]string{}
	for _, st := range a.Runs.Steps {
		if st.ID != "" {
			ids[st.ID] = st.Run
		}
	}
	scripts := map[string]string{}
	for id, run := range ids {
		if m := regexp.MustCompile(`scripts/action/([a-z]+\.sh)`).FindStringSubmatch(run); m != nil {
			body, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "action", m[1]))
			if err != nil {
				t.Fatalf("step %s: %v", id, err)
			}
			scripts[id] = string(body)
		}
	}
	for _, m := range regexp.MustCompile(`steps\.([a-z]+)\.outputs\.([a-z-]+)`).FindAllStringSubmatch(string(raw), -1) {
		body, ok := scripts[m[1]]
		if !ok {
			t.Errorf("steps.%s: no step with that id runs a script", m[1])
			continue
		}
		if !strings.Contains(body, m[2]+"=") {
			t.Errorf("steps.%s.outputs.%s: the script never writes %s=", m[1], m[2], m[2])
		}
	}
	// every TS_* a step sets is read by its script
	for _, st := range a.Runs.Steps {
		body, ok := scripts[st.ID]
		if !ok {
			continue
		}
		for k := range st.Env {
			if !strings.Contains(body, k) {
				t.Errorf("step %s sets %s, which its script never reads", st.ID, k)
			}
		}
	}
	// SARIF goes to code scanning, and the job fails after the upload
	upload, fail := -1, -1
	for i, st := range a.Runs.Steps {
		if strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@") {
			upload = i
			if !strings.Contains(st.With["sarif_file"], "steps.scan.outputs.sarif-file") {
				t.Errorf("upload-sarif does not upload the scan's SARIF: %v", st.With)
			}
		}
		if strings.Contains(st.Run, `exit "$TS_EXIT"`) {
			fail = i
		}
	}
	if upload < 0 || fail < 0 || fail < upload {
		t.Errorf("want an upload-sarif step before the failing step (upload %d, fail %d)", upload, fail)
	}
	// the flags scan.sh passes are real scan flags, and so are those the
	// inputs' descriptions suggest
	cmd := newCmdScan(&Streams{}, nil)
	flagRe := regexp.MustCompile(`(?:^|[\s(])--([a-z][a-z0-9-]+)`)
	var flags []string
	for _, m := range flagRe.FindAllStringSubmatch(scripts["scan"], -1) {
		flags = append(flags, m[1])
	}
	for _, in := range a.Inputs {
		for _, m := range flagRe.FindAllStringSubmatch(in.Description, -1) {
			flags = append(flags, m[1])
		}
	}
	sort.Strings(flags)
	if len(flags) < 6 {
		t.Fatalf("found only %v in scan.sh", flags)
	}
	for _, f := range flags {
		switch f {
		case "is-shallow-repository", "no-tags": // git's
			continue
		}
		if cmd.Flags().Lookup(f) == nil {
			t.Errorf("--%s is not a flag of tokenscope scan", f)
		}
	}
}

// fakeRelease serves what a GitHub release serves: /latest redirecting to
// the tag, the archive for each OS/arch and checksums.txt.
func fakeRelease(t *testing.T, tag string, corrupt bool) *httptest.Server {
	t.Helper()
	ver := strings.TrimPrefix(tag, "v")
	bin := fmt.Sprintf("#!/bin/sh\necho 'tokenscope %s'\n", ver)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, body string }{{"README.md", "readme\n"}, {"tokenscope", bin}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	tw.Close()
	gz.Close()
	archive := buf.Bytes()
	sum := sha256.Sum256(archive)
	if corrupt {
		sum[0] ^= 0xff
	}
	files := map[string][]byte{}
	var sums strings.Builder
	for _, osArch := range []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"} {
		name := fmt.Sprintf("tokenscope_%s_%s.tar.gz", ver, osArch)
		files["/download/"+tag+"/"+name] = archive
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	files["/download/"+tag+"/checksums.txt"] = []byte(sums.String())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/latest" {
			http.Redirect(w, r, "/tag/"+tag, http.StatusFound)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/tag/") {
			w.Write([]byte("release page"))
			return
		}
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type installRun struct {
	out    string
	err    error
	dir    string
	ghPath string
	ghOut  string
}

func runInstall(t *testing.T, env ...string) installRun {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	tmp := t.TempDir()
	r := installRun{dir: filepath.Join(tmp, "bin")}
	ghPath, ghOut := filepath.Join(tmp, "path.txt"), filepath.Join(tmp, "output.txt")
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "action", "install.sh"))
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp,
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TEMP=" + tmp,
		"TS_INSTALL_DIR=" + r.dir, "GITHUB_PATH=" + ghPath, "GITHUB_OUTPUT=" + ghOut,
	}, env...)
	out, err := cmd.CombinedOutput()
	r.out, r.err = string(out), err
	b, _ := os.ReadFile(ghPath)
	r.ghPath = string(b)
	b, _ = os.ReadFile(ghOut)
	r.ghOut = string(b)
	return r
}

func TestActionInstallRelease(t *testing.T) {
	srv := fakeRelease(t, "v0.4.2", false)
	for _, c := range []struct{ name, version, ref string }{
		{"explicit version", "0.4.2", ""},
		{"explicit tag", "v0.4.2", ""},
		{"latest", "latest", ""},
		{"the action's tag", "", "v0.4.2"},
		{"a branch ref means latest", "", "main"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runInstall(t, "TS_BASE_URL="+srv.URL, "TS_VERSION="+c.version, "TS_ACTION_REF="+c.ref, "TS_INSTALL=release")
			if r.err != nil {
				t.Fatalf("install: %v\n%s", r.err, r.out)
			}
			out, err := exec.Command(filepath.Join(r.dir, "tokenscope"), "version").Output()
			if err != nil || string(out) != "tokenscope 0.4.2\n" {
				t.Fatalf("installed binary: %q, %v", out, err)
			}
			if r.ghPath != r.dir+"\n" {
				t.Errorf("GITHUB_PATH: %q", r.ghPath)
			}
			if !strings.Contains(r.ghOut, "version=0.4.2\n") || !strings.Contains(r.ghOut, "bin="+filepath.Join(r.dir, "tokenscope")+"\n") {
				t.Errorf("GITHUB_OUTPUT: %q", r.ghOut)
			}
		})
	}
}

func TestActionInstallChecksumMismatch(t *testing.T) {
	srv := fakeRelease(t, "v0.4.2", true)
	// a bad checksum is fatal, even in auto mode: never a reason to build
	// something else
	for _, mode := range []string{"release", "auto"} {
		r := runInstall(t, "TS_BASE_URL="+srv.URL, "TS_VERSION=0.4.2", "TS_INSTALL="+mode, "PATH=/usr/bin:/bin")
		if r.err == nil {
			t.Fatalf("%s: a corrupt archive was installed:\n%s", mode, r.out)
		}
		if !strings.Contains(r.out, "checksum mismatch for tokenscope_0.4.2_linux_amd64.tar.gz") {
			t.Errorf("%s: output %q", mode, r.out)
		}
		if _, err := os.Stat(filepath.Join(r.dir, "tokenscope")); err == nil {
			t.Errorf("%s: the binary is in place after a checksum mismatch", mode)
		}
		if r.ghPath != "" {
			t.Errorf("%s: GITHUB_PATH written: %q", mode, r.ghPath)
		}
	}
}

func TestActionInstallFallback(t *testing.T) {
	srv := fakeRelease(t, "v0.4.2", false)
	// no such release: release mode fails, auto mode builds from the
	// action's source with the go on PATH (a fake go here, which records
	// its arguments and writes a binary)
	r := runInstall(t, "TS_BASE_URL="+srv.URL, "TS_VERSION=9.9.9", "TS_INSTALL=release")
	if r.err == nil || !strings.Contains(r.out, "no release 9.9.9 for linux/amd64") {
		t.Fatalf("release mode without a release: %v\n%s", r.err, r.out)
	}
	fake := t.TempDir()
	goScript := `#!/bin/sh
echo "$PWD $*" >> "` + fake + `/go.log"
while [ $# -gt 0 ]; do
  if [ "$1" = -o ]; then printf '#!/bin/sh\necho tokenscope 9.9.9\n' > "$2"; chmod +x "$2"; fi
  shift
done
`
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(goScript), 0o755); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	r = runInstall(t, "TS_BASE_URL="+srv.URL, "TS_VERSION=9.9.9", "TS_INSTALL=auto",
		"GITHUB_ACTION_PATH="+root, "PATH="+fake+":"+os.Getenv("PATH"))
	if r.err != nil {
		t.Fatalf("auto fallback: %v\n%s", r.err, r.out)
	}
	log, _ := os.ReadFile(filepath.Join(fake, "go.log"))
	if !strings.HasPrefix(string(log), root+" build -trimpath -ldflags -X main.version=9.9.9 -o ") || !strings.HasSuffix(string(log), " ./cmd/tokenscope\n") {
		t.Errorf("go was run as %q", log)
	}
	if !strings.Contains(r.ghOut, "version=9.9.9\n") {
		t.Errorf("GITHUB_OUTPUT: %q", r.ghOut)
	}
	// outside the action's checkout: go install of the version's tag
	os.Remove(filepath.Join(fake, "go.log"))
	r = runInstall(t, "TS_BASE_URL="+srv.URL, "TS_VERSION=9.9.9", "TS_INSTALL=source", "PATH="+fake+":"+os.Getenv("PATH"))
	log, _ = os.ReadFile(filepath.Join(fake, "go.log"))
	if !strings.Contains(string(log), " install github.com/tokenscope/tokenscope/cmd/tokenscope@v9.9.9") {
		t.Errorf("go was run as %q (%v, %s)", log, r.err, r.out)
	}
	// a bad mode
	r = runInstall(t, "TS_INSTALL=magic")
	if r.err == nil || !strings.Contains(r.out, "not one of auto, release, source") {
		t.Errorf("bad mode: %v %s", r.err, r.out)
	}
}

// TestActionExampleWorkflow: the workflow docs/ci.md shows uses the
// action with inputs it declares, the permission upload-sarif needs and a
// full-history checkout.
func TestActionExampleWorkflow(t *testing.T) {
	a, _ := loadAction(t)
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) == 0 {
		t.Fatal("docs/ci.md shows no yaml")
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(blocks[0][1]), &wf); err != nil {
		t.Fatalf("the example workflow: %v", err)
	}
	if wf.Permissions["security-events"] != "write" {
		t.Errorf("the example lacks permissions security-events: write")
	}
	found := false
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if strings.HasPrefix(st.Uses, "actions/checkout@") && st.With["fetch-depth"] != "0" {
				t.Errorf("the example's checkout is shallow")
			}
			if strings.HasPrefix(st.Uses, "tokenscope/tokenscope@") {
				found = true
				for k := range st.With {
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("the example passes %q, not an input of action.yml", k)
					}
				}
			}
		}
	}
	if !found {
		t.Error("the example does not use tokenscope/tokenscope@...")
	}
	// the other snippets use declared inputs only
	for _, b := range blocks[1:] {
		for _, m := range regexp.MustCompile(`(?m)^\s+([a-z-]+):`).FindAllStringSubmatch(b[1], -1) {
			if _, ok := a.Inputs[m[1]]; !ok && m[1] != "with" {
				t.Errorf("docs/ci.md passes %q, not an input of action.yml", m[1])
			}
		}
	}
}
