// Package image is a scanner.Source over container images: every regular
// file of every layer, and the config's Env, Cmd/Entrypoint, Labels and
// build history. Inputs are registry references, `docker save` tarballs and
// OCI layout directories; a multi-platform index yields every platform, or
// the one asked for.
//
// Layers are read newest first, so that whiteouts (.wh.NAME) and opaque
// directories (.wh..wh..opq) of later layers are known when an older layer
// is read: a file they delete is still scanned, and flagged InHistoryOnly.
// A layer shared by several platforms is scanned once.
package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/tokenscope/tokenscope/scanner"
)

// DeletedNote is what a report shows for a file a later layer deletes.
const DeletedNote = "deleted in a later layer, still recoverable from the image"

// Options tune the source.
type Options struct {
	// MaxFileSize bounds how much of one layer member is held in memory;
	// 0 means scanner.DefaultMaxFileSize.
	MaxFileSize int64
	// Platform ("os/arch[/variant]") selects one platform of an index;
	// empty means every platform.
	Platform string
	// Insecure allows plain http to the registry.
	Insecure bool
	// Timeout bounds each registry request sequence; 0 means 2 minutes.
	Timeout time.Duration
}

// Source scans the images named by Refs.
type Source struct {
	Refs []string
	Opts Options
}

// New returns a source over refs.
func New(refs []string, opts Options) *Source { return &Source{Refs: refs, Opts: opts} }

// Name implements scanner.Source.
func (s *Source) Name() string { return "image" }

type platformImage struct {
	img      v1.Image
	platform string // "" for a single-platform image
}

// Walk implements scanner.Source.
func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	seen := map[string]bool{} // layer digests already scanned
	for _, ref := range s.Refs {
		imgs, err := s.resolve(ctx, ref)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			skip(scanner.Skipped{Path: ref, Reason: "image: " + err.Error()})
			continue
		}
		for _, pi := range imgs {
			if err := s.walkImage(ctx, ref, pi, seen, emit, skip); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Source) maxSize() int64 {
	if s.Opts.MaxFileSize > 0 {
		return s.Opts.MaxFileSize
	}
	return scanner.DefaultMaxFileSize
}

// resolve opens ref as an OCI layout directory, a docker-save tarball, or
// a registry reference.
func (s *Source) resolve(ctx context.Context, ref string) ([]platformImage, error) {
	var want *v1.Platform
	if s.Opts.Platform != "" {
		p, err := v1.ParsePlatform(s.Opts.Platform)
		if err != nil {
			return nil, fmt.Errorf("--platform: %w", err)
		}
		want = p
	}
	if fi, err := os.Stat(ref); err == nil {
		if fi.IsDir() {
			lp, err := layout.FromPath(ref)
			if err != nil {
				return nil, fmt.Errorf("not an OCI layout: %w", err)
			}
			idx, err := lp.ImageIndex()
			if err != nil {
				return nil, err
			}
			return fromIndex(idx, want)
		}
		img, err := tarball.ImageFromPath(ref, nil)
		if err != nil {
			return nil, fmt.Errorf("not a docker-save tarball: %w", err)
		}
		return []platformImage{{img: img}}, nil
	}
	if looksLikePath(ref) {
		return nil, fmt.Errorf("no such file or directory")
	}
	var nopts []name.Option
	if s.Opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, err
	}
	timeout := s.Opts.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ropts := []remote.Option{
		remote.WithContext(rctx),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		if errors.Is(rctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("registry did not answer within %s: %w", timeout, err)
		}
		return nil, err
	}
	// Layers are fetched later, during Walk: they use the caller's context.
	ropts[0] = remote.WithContext(ctx)
	if desc.MediaType.IsIndex() {
		idx, err := remote.Index(r, ropts...)
		if err != nil {
			return nil, err
		}
		return fromIndex(idx, want)
	}
	img, err := remote.Image(r, ropts...)
	if err != nil {
		return nil, err
	}
	return []platformImage{{img: img}}, nil
}

// fromIndex lists the images of idx (recursively), filtered by want.
func fromIndex(idx v1.ImageIndex, want *v1.Platform) ([]platformImage, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []platformImage
	for _, d := range im.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			sub, err := fromIndex(child, want)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case d.MediaType.IsImage():
			if d.Platform != nil && d.Platform.OS == "unknown" {
				continue // attestation manifests
			}
			if want != nil && (d.Platform == nil || !d.Platform.Satisfies(*want)) {
				continue
			}
			img, err := idx.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			p := ""
			if d.Platform != nil {
				p = d.Platform.String()
			}
			out = append(out, platformImage{img: img, platform: p})
		}
	}
	if len(out) == 0 && want != nil {
		return nil, fmt.Errorf("no image for platform %s", want.String())
	}
	return out, nil
}

func (s *Source) walkImage(ctx context.Context, ref string, pi platformImage, seen map[string]bool, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	label := ref
	if pi.platform != "" {
		label = ref + " (" + pi.platform + ")"
	}
	cf, err := pi.img.ConfigFile()
	if err != nil {
		skip(scanner.Skipped{Path: label, Reason: "image config: " + err.Error()})
		return nil
	}
	if err := s.emitConfig(label, cf, emit); err != nil {
		return err
	}
	layers, err := pi.img.Layers()
	if err != nil {
		skip(scanner.Skipped{Path: label, Reason: "image layers: " + err.Error()})
		return nil
	}
	instr := instructions(cf, len(layers))
	w := &whiteouts{}
	for i := len(layers) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := layers[i]
		dg, err := l.Digest()
		if err != nil {
			skip(scanner.Skipped{Path: label, Reason: fmt.Sprintf("layer %d: %v", i, err)})
			continue
		}
		if err := s.walkLayer(ctx, label, l, dg.String(), instr[i], i, w, seen, emit, skip); err != nil {
			return err
		}
	}
	return nil
}

// instructions maps each layer to the created_by of the history entry
// that made it (history entries with empty_layer make none).
func instructions(cf *v1.ConfigFile, n int) []string {
	out := make([]string, n)
	i := 0
	for _, h := range cf.History {
		if h.EmptyLayer {
			continue
		}
		if i >= n {
			break
		}
		out[i] = strings.TrimSpace(h.CreatedBy)
		i++
	}
	return out
}

func (s *Source) emitConfig(label string, cf *v1.ConfigFile, emit func(scanner.Item) error) error {
	var hist []string
	for _, h := range cf.History {
		if h.CreatedBy != "" {
			hist = append(hist, h.CreatedBy)
		}
	}
	var labels []string
	for k, v := range cf.Config.Labels {
		labels = append(labels, k+"="+v)
	}
	sort.Strings(labels)
	var cmd []string
	if len(cf.Config.Entrypoint) > 0 {
		cmd = append(cmd, "ENTRYPOINT "+strings.Join(cf.Config.Entrypoint, " "))
	}
	if len(cf.Config.Cmd) > 0 {
		cmd = append(cmd, "CMD "+strings.Join(cf.Config.Cmd, " "))
	}
	for _, part := range []struct {
		kind  string
		lines []string
	}{
		{"config:Env", cf.Config.Env},
		{"config:Cmd", cmd},
		{"config:Labels", labels},
		{"config:History", hist},
	} {
		if len(part.lines) == 0 {
			continue
		}
		data := []byte(strings.Join(part.lines, "\n") + "\n")
		if err := emit(memItem(scanner.Origin{Kind: "image", Path: part.kind, Chain: []string{label}}, data)); err != nil {
			return err
		}
	}
	return nil
}

func memItem(o scanner.Origin, data []byte) scanner.Item {
	return scanner.Item{
		Origin: o,
		Size:   int64(len(data)),
		Open:   func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

// whiteouts are the deletions made by the layers above the one being read.
type whiteouts struct {
	deleted map[string]bool // paths removed (files or whole directories)
	opaque  map[string]bool // directories whose lower contents are hidden
}

func (w *whiteouts) hides(p string) bool {
	for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if w.deleted[q] {
			return true
		}
		if q != p && w.opaque[q] {
			return true
		}
	}
	return false
}

func cleanName(n string) string {
	n = path.Clean("/" + strings.ReplaceAll(n, "\\", "/"))
	return strings.TrimPrefix(n, "/")
}

func (s *Source) walkLayer(ctx context.Context, label string, l v1.Layer, digest, instr string, idx int, w *whiteouts, seen map[string]bool, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	// The whiteouts of this layer apply to the layers below it only.
	var newDeleted, newOpaque []string
	defer func() {
		if w.deleted == nil {
			w.deleted, w.opaque = map[string]bool{}, map[string]bool{}
		}
		for _, p := range newDeleted {
			w.deleted[p] = true
		}
		for _, p := range newOpaque {
			w.opaque[p] = true
		}
	}()
	scan := !seen[digest]
	seen[digest] = true
	where := label + "@" + digest
	rc, err := l.Uncompressed()
	if err != nil {
		skip(scanner.Skipped{Path: where, Reason: "layer: " + err.Error()})
		return nil
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	max := s.maxSize()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			skip(scanner.Skipped{Path: where, Reason: "layer is truncated or corrupt: " + err.Error(), Partial: true})
			return nil
		}
		p := cleanName(hdr.Name)
		base := path.Base(p)
		if strings.HasPrefix(base, ".wh.") {
			dir := path.Dir(p)
			if base == ".wh..wh..opq" {
				newOpaque = append(newOpaque, dir)
			} else {
				newDeleted = append(newDeleted, path.Join(dir, strings.TrimPrefix(base, ".wh.")))
			}
			continue
		}
		if !scan || (hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA) {
			continue
		}
		o := scanner.Origin{Kind: "image", Path: p, Layer: digest, Instruction: instr, Chain: []string{label}}
		if w.hides(p) {
			o.InHistoryOnly = true
			o.Via = DeletedNote
		}
		// Read the member now (the tar stream is sequential), bounded by
		// one byte more than is scanned so the engine sees the truncation.
		data, err := io.ReadAll(io.LimitReader(tr, max+1))
		if err != nil {
			skip(scanner.Skipped{Path: where + "!/" + p, Reason: "layer is truncated or corrupt: " + err.Error(), Partial: true})
			return nil
		}
		it := memItem(o, data)
		it.Size = hdr.Size
		if err := emit(it); err != nil {
			return err
		}
	}
}

// looksLikePath tells a file name that does not exist from a reference, so
// that a typo never goes to a registry.
func looksLikePath(ref string) bool {
	return strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") ||
		strings.HasSuffix(ref, ".tar") || strings.HasSuffix(ref, ".tar.gz")
}
