package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// goreleaser itself is not installed here (no hermetic way to), so these
// tests read .goreleaser.yaml, the Dockerfile, .pre-commit-hooks.yaml and
// LICENSE for what the release promises: archives the GitHub Action can
// find and check, an SBOM, a multi-arch non-root minimal image.

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGoreleaserConfig(t *testing.T) {
	var cfg struct {
		Version     int                      `yaml:"version"`
		ProjectName string                   `yaml:"project_name"`
		Before      struct{ Hooks []string } `yaml:"before"`
		Builds      []struct {
			ID      string   `yaml:"id"`
			Main    string   `yaml:"main"`
			Binary  string   `yaml:"binary"`
			Env     []string `yaml:"env"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			Formats      []string `yaml:"formats"`
			NameTemplate string   `yaml:"name_template"`
			Files        []any    `yaml:"files"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
		SBOMs []struct {
			Artifacts string   `yaml:"artifacts"`
			Cmd       string   `yaml:"cmd"`
			Documents []string `yaml:"documents"`
		} `yaml:"sboms"`
		Dockers []struct {
			IDs        []string          `yaml:"ids"`
			Dockerfile string            `yaml:"dockerfile"`
			Images     []string          `yaml:"images"`
			Tags       []string          `yaml:"tags"`
			Platforms  []string          `yaml:"platforms"`
			ExtraFiles []string          `yaml:"extra_files"`
			Labels     map[string]string `yaml:"labels"`
			SBOM       bool              `yaml:"sbom"`
		} `yaml:"dockers_v2"`
	}
	var loose map[string]any
	if err := yaml.Unmarshal(readRepoFile(t, ".goreleaser.yaml"), &loose); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(readRepoFile(t, ".goreleaser.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || cfg.ProjectName != "tokenscope" {
		t.Errorf("version %d, project %q", cfg.Version, cfg.ProjectName)
	}
	for _, k := range []string{"builds", "archives", "checksum", "sboms", "dockers_v2", "release"} {
		if _, ok := loose[k]; !ok {
			t.Errorf("no %s section", k)
		}
	}
	if len(cfg.Builds) != 1 {
		t.Fatalf("%d builds", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	if b.Main != "./cmd/tokenscope" || b.Binary != "tokenscope" || !contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build %+v", b)
	}
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{ .Version }}") {
		t.Errorf("ldflags %v do not set main.version", b.Ldflags)
	}
	for _, want := range []string{"linux", "darwin", "windows"} {
		if !contains(b.Goos, want) {
			t.Errorf("goos lacks %s", want)
		}
	}
	for _, want := range []string{"amd64", "arm64"} {
		if !contains(b.Goarch, want) {
			t.Errorf("goarch lacks %s", want)
		}
	}
	// the archive and checksum names are the ones the Action's installer asks for
	install := string(readRepoFile(t, "scripts/action/install.sh"))
	if len(cfg.Archives) != 1 || cfg.Archives[0].NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("archive name template: %+v", cfg.Archives)
	}
	if !strings.Contains(install, `archive="tokenscope_${ver}_${os}_${arch}.${ext}"`) {
		t.Error("install.sh does not ask for the archive the release makes")
	}
	if cfg.Checksum.NameTemplate != "checksums.txt" || cfg.Checksum.Algorithm != "sha256" || !strings.Contains(install, "/checksums.txt") {
		t.Errorf("checksum %+v", cfg.Checksum)
	}
	files := map[string]bool{}
	for _, f := range cfg.Archives[0].Files {
		switch v := f.(type) {
		case string:
			files[v] = true
		case map[string]any:
			files[v["src"].(string)] = true
		}
	}
	for _, want := range []string{"LICENSE", "README.md", "build/man/*", "build/completions/*"} {
		if !files[want] {
			t.Errorf("archives do not ship %s", want)
		}
	}
	if !contains(cfg.Before.Hooks, "sh scripts/release-extras.sh build") {
		t.Errorf("before hooks %v do not write the man pages and completions", cfg.Before.Hooks)
	}
	if len(cfg.SBOMs) == 0 || cfg.SBOMs[0].Artifacts != "archive" || cfg.SBOMs[0].Cmd != "syft" {
		t.Errorf("sboms %+v", cfg.SBOMs)
	}
	if len(cfg.Dockers) != 1 {
		t.Fatalf("%d images", len(cfg.Dockers))
	}
	d := cfg.Dockers[0]
	if d.Dockerfile != "Dockerfile" || !contains(d.Platforms, "linux/amd64") || !contains(d.Platforms, "linux/arm64") || !d.SBOM {
		t.Errorf("image %+v", d)
	}
	if !contains(d.IDs, b.ID) || len(d.Images) == 0 || len(d.Tags) == 0 {
		t.Errorf("image ids %v, images %v, tags %v", d.IDs, d.Images, d.Tags)
	}
	for _, f := range d.ExtraFiles {
		if _, err := os.Stat(filepath.Join(repoRoot(t), f)); err != nil {
			t.Errorf("image extra file: %v", err)
		}
	}
	if d.Labels["org.opencontainers.image.licenses"] != "Apache-2.0" {
		t.Errorf("labels %v", d.Labels)
	}
}

func TestDockerfile(t *testing.T) {
	df := string(readRepoFile(t, "Dockerfile"))
	var from, user, entry string
	copies := 0
	for _, line := range strings.Split(df, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			from = f[1]
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entry = strings.Join(f[1:], " ")
		case "COPY":
			copies++
			if strings.Contains(line, "tokenscope ") && !strings.Contains(line, "${TARGETPLATFORM}/tokenscope") {
				t.Errorf("the binary is not copied from the platform's directory: %s", line)
			}
		case "RUN":
			t.Errorf("a RUN step in a minimal image: %s", line)
		}
	}
	if !strings.HasPrefix(from, "gcr.io/distroless/static") && from != "scratch" {
		t.Errorf("base image %q is not distroless/static or scratch", from)
	}
	if user == "" || user == "0" || strings.HasPrefix(user, "0:") || user == "root" {
		t.Errorf("the image runs as %q, want a non-root user", user)
	}
	if entry != `["/usr/bin/tokenscope"]` || copies < 1 {
		t.Errorf("entrypoint %q", entry)
	}
}

func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID           string   `yaml:"id"`
		Entry        string   `yaml:"entry"`
		Language     string   `yaml:"language"`
		PassFiles    *bool    `yaml:"pass_filenames"`
		Stages       []string `yaml:"stages"`
		MinPreCommit string   `yaml:"minimum_pre_commit_version"`
	}
	if err := yaml.Unmarshal(readRepoFile(t, ".pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) == 0 || hooks[0].ID != "tokenscope" || hooks[0].Language != "golang" {
		t.Fatalf("hooks %+v", hooks)
	}
	root := newRootCmd(&Streams{})
	for _, h := range hooks {
		if h.MinPreCommit != "3.2.0" {
			t.Errorf("%s: minimum_pre_commit_version %q", h.ID, h.MinPreCommit)
		}
		// the stage names of pre-commit >= 3.2 (commit, push were renamed)
		for _, s := range h.Stages {
			switch s {
			case "pre-commit", "pre-merge-commit", "pre-push", "manual":
			default:
				t.Errorf("%s: stage %q", h.ID, s)
			}
		}
		if h.PassFiles == nil || *h.PassFiles {
			t.Errorf("%s: --staged reads the index; file names must not be passed", h.ID)
		}
		args := strings.Fields(h.Entry)
		if args[0] != "tokenscope" {
			t.Errorf("%s: entry %q", h.ID, h.Entry)
			continue
		}
		cmd, rest, err := root.Find(args[1:])
		if err != nil || cmd.Name() != "scan" {
			t.Errorf("%s: entry %q: %v", h.ID, h.Entry, err)
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("%s: entry %q: %v", h.ID, h.Entry, err)
		}
	}
	// the README's snippet names a tag and says when it exists
	readme := string(readRepoFile(t, "README.md"))
	m := regexp.MustCompile(`(?s)repo: https://github.com/tokenscope/tokenscope\n\s+rev: (v\d+\.\d+\.\d+)`).FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("the README's pre-commit snippet names no rev tag")
	}
	if !strings.Contains(readme, m[1]+"` exists once it is released") {
		t.Errorf("the README does not say that %s exists once released", m[1])
	}
}

func TestLicense(t *testing.T) {
	l := string(readRepoFile(t, "LICENSE"))
	if !strings.HasPrefix(strings.TrimSpace(l), "Apache License") || !strings.Contains(l, "Version 2.0, January 2004") ||
		!strings.Contains(l, "END OF TERMS AND CONDITIONS") {
		t.Error("LICENSE is not the Apache License 2.0")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDeployManifests: the Kubernetes manifests run tokenscope with real
// commands and flags, and the indexed Job's JOB_COMPLETIONS is its
// completions.
func TestDeployManifests(t *testing.T) {
	root := newRootCmd(&Streams{})
	checked := 0
	for _, name := range []string{"deploy/kubernetes/indexed-job.yaml", "deploy/kubernetes/merge-job.yaml"} {
		dec := yaml.NewDecoder(strings.NewReader(string(readRepoFile(t, name))))
		for {
			var doc struct {
				Kind string `yaml:"kind"`
				Spec struct {
					CompletionMode string `yaml:"completionMode"`
					Completions    int    `yaml:"completions"`
					Template       struct {
						Spec struct {
							Containers []struct {
								Image string   `yaml:"image"`
								Args  []string `yaml:"args"`
								Env   []struct {
									Name  string `yaml:"name"`
									Value string `yaml:"value"`
								} `yaml:"env"`
							} `yaml:"containers"`
						} `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			}
			if err := dec.Decode(&doc); err != nil {
				break
			}
			if doc.Kind != "Job" {
				continue
			}
			for _, c := range doc.Spec.Template.Spec.Containers {
				if !strings.HasPrefix(c.Image, "ghcr.io/tokenscope/tokenscope:") {
					t.Errorf("%s: image %q is not the release image", name, c.Image)
				}
				cmd, rest, err := root.Find(c.Args)
				if err != nil || cmd == root {
					t.Errorf("%s: args %v: %v", name, c.Args, err)
					continue
				}
				if err := cmd.ParseFlags(rest); err != nil {
					t.Errorf("%s: args %v: %v", name, c.Args, err)
				}
				checked++
				if doc.Spec.CompletionMode == "Indexed" {
					ok := false
					for _, e := range c.Env {
						if e.Name == "JOB_COMPLETIONS" && e.Value == fmt.Sprint(doc.Spec.Completions) {
							ok = true
						}
					}
					if !ok {
						t.Errorf("%s: JOB_COMPLETIONS is not spec.completions (%d)", name, doc.Spec.Completions)
					}
				}
			}
		}
	}
	if checked != 2 {
		t.Errorf("checked %d containers, want 2", checked)
	}
}
