// Package image is a scanner.Source over container images: every regular
// file of every layer, and the config's Env, Cmd/Entrypoint, Labels and
// build history. Inputs are registry references, `docker save` tarballs,
// OCI layout directories, OCI archives (an OCI layout in one tar), either
// of these tar files compressed with gzip or zstd (compressed.go), and
// images of the local Docker daemon ("docker-daemon:NAME:TAG"); a
// multi-platform index yields every platform, or the one asked for.
//
// Origins: Chain[0] names the image ("ghcr.io/org/app:1.2@sha256:…",
// "app.tar (app:dev)"), Chain[1] the layer ("layer 3 (sha256:abcdef012345):
// RUN make"), Path the file in the layer; Layer and Instruction hold the
// full layer digest and build step. Config items have only Chain[0], and
// Path "config:Env" (Cmd, Labels, History).
//
// A file that a later layer deletes (a whiteout .wh.NAME, an opaque
// directory .wh..wh..opq) or replaces is still scanned; its findings are
// flagged InHistoryOnly, with the note in Via (see Finish). A layer shared
// by several images or platforms is scanned once.
package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/sourcegraph/conc/pool"

	"github.com/tokenscope/tokenscope/scanner"
)

// Notes for content the final image no longer holds.
const (
	DeletedNote  = "deleted in a later layer, still recoverable from the image"
	ReplacedNote = "replaced in a later layer, still recoverable from the image"
)

// DefaultTimeout bounds the registry requests that resolve a reference
// (manifests, config), retries included, and how long a layer download may
// stall.
const DefaultTimeout = 2 * time.Minute

// Options tune the source.
type Options struct {
	// Platform ("os/arch[/variant]") selects one platform of an index;
	// empty means every platform.
	Platform string
	// Insecure allows plain http, and TLS certificates that do not
	// verify, for the registry (loopback and development registries).
	Insecure bool
	// Timeout: see DefaultTimeout, which 0 means.
	Timeout time.Duration
	// Redact masks the secrets in text the source puts in origins (build
	// steps, which may hold ARG values); nil leaves the text as it is.
	Redact func(string) string
	// Workers is how many layers are read at once; 0 means GOMAXPROCS
	// (the engine's default worker count).
	Workers int
	// Docker is the docker CLI that exports docker-daemon: images; empty
	// means "docker" on PATH.
	Docker string
	// Shard, when active, limits the items (and skipped entries) to those
	// of one shard, by scanner.ItemKey as scanner.Sharded does. Every
	// shard still reads every layer (a later layer's whiteouts decide the
	// notes of an earlier one's files, see Finish); a member of another
	// shard is passed over in the layer's stream, never emitted.
	Shard scanner.Shard
}

// Source scans the images named by Refs.
type Source struct {
	Refs []string
	Opts Options

	mu     sync.Mutex
	layers map[string]*layerState // by layer id
	where  map[string]placed      // by Chain[0] + "\x00" + Chain[1]
}

// New returns a source over refs.
func New(refs []string, opts Options) *Source { return &Source{Refs: refs, Opts: opts} }

// Name implements scanner.Source.
func (s *Source) Name() string { return "image" }

// resolved is one image of a reference.
type resolved struct {
	label string // Chain[0]
	img   v1.Image
	// diffIDs: the layers are named by their uncompressed digests (a
	// docker-save tarball, whose layers are stored so); else by the
	// manifest's blob digests.
	diffIDs bool
	// fetch, for a registry image, fetches a layer by digest under its own
	// context, so that a stalled download can be given up alone.
	fetch func(ctx context.Context, digest string) (v1.Layer, error)
}

// layerState is what one layer does to the paths of the layers below it.
type layerState struct {
	files   []uint64 // sorted hashes of its regular files' paths
	deleted map[string]bool
	opaque  map[string]bool
}

// stack is an image's layers, base first, by id.
type stack []string

type placed struct {
	st  stack
	idx int
}

type job struct {
	layer v1.Layer
	// blobIsStored: the layer's blob (Compressed) is what the source
	// holds, not made on the fly (a docker-save tarball's layers are
	// stored uncompressed; ggcr would compress them to serve Compressed).
	blobIsStored bool
	fetch        func(ctx context.Context, digest string) (v1.Layer, error)
	id           string
	o            scanner.Origin // the origin of the layer's members, Path unset
	where        string         // for skip reasons
}

func (s *Source) timeout() time.Duration {
	if s.Opts.Timeout > 0 {
		return s.Opts.Timeout
	}
	return DefaultTimeout
}

func (s *Source) workers() int {
	if s.Opts.Workers > 0 {
		return s.Opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (s *Source) redact(t string) string {
	if s.Opts.Redact == nil {
		return t
	}
	return s.Opts.Redact(t)
}

// Walk implements scanner.Source. A reference that cannot be opened at
// all is reported in the error Walk returns (after the others are
// scanned); problems inside an image are skipped items.
func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	s.mu.Lock()
	s.layers, s.where = map[string]*layerState{}, map[string]placed{}
	s.mu.Unlock()
	if sh := s.Opts.Shard; sh.Active() {
		emit0, skip0 := emit, skip
		emit = func(it scanner.Item) error {
			if !sh.Owns(scanner.ItemKey(it.Origin)) {
				return nil
			}
			return emit0(it)
		}
		skip = func(sk scanner.Skipped) {
			key := "skip:" + sk.Path
			if sk.Origin != nil {
				key = scanner.ItemKey(*sk.Origin)
			}
			if sh.Owns(key) {
				skip0(sk)
			}
		}
	}
	seen := map[string]bool{}
	var jobs []job
	var errs []error
	var cleanups []func()
	defer func() {
		for _, c := range cleanups {
			c()
		}
	}()
	for _, ref := range s.Refs {
		imgs, cleanup, err := s.resolve(ctx, ref)
		if cleanup != nil {
			cleanups = append(cleanups, cleanup)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, fmt.Errorf("%s: %w", ref, err))
			continue
		}
		for _, ri := range imgs {
			js, err := s.plan(ri, seen, emit, skip)
			if err != nil {
				return err
			}
			jobs = append(jobs, js...)
		}
	}
	// Layers are read concurrently, as many at once as the engine has
	// workers: each streams its tar and hands members to the workers.
	p := pool.New().WithContext(ctx).WithCancelOnError().WithFirstError().WithMaxGoroutines(s.workers())
	for _, j := range jobs {
		p.Go(func(ctx context.Context) error { return s.walkLayer(ctx, j, emit, skip) })
	}
	if err := p.Wait(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// resolve opens ref: a docker-daemon: reference, an OCI layout directory,
// a docker-save tarball or OCI archive, or a registry reference. cleanup,
// when not nil, must be called once the images have been read.
func (s *Source) resolve(ctx context.Context, ref string) (imgs []resolved, cleanup func(), err error) {
	var want *v1.Platform
	if s.Opts.Platform != "" {
		p, err := v1.ParsePlatform(s.Opts.Platform)
		if err != nil {
			return nil, nil, fmt.Errorf("--platform: %w", err)
		}
		want = p
	}
	if strings.HasPrefix(ref, DaemonPrefix) {
		p, cleanup, err := exportFromDaemon(ctx, s.Opts.Docker, strings.TrimPrefix(ref, DaemonPrefix))
		if err != nil {
			return nil, nil, err
		}
		imgs, c2, err := s.fromFile(p, ref, want, true)
		return imgs, join(c2, cleanup), err
	}
	if fi, err := os.Stat(ref); err == nil {
		if fi.IsDir() {
			lp, err := layout.FromPath(ref)
			if err != nil {
				return nil, nil, fmt.Errorf("not an OCI image layout (no index.json): %w", err)
			}
			idx, err := lp.ImageIndex()
			if err != nil {
				return nil, nil, err
			}
			imgs, err := fromIndex(ref, idx, want)
			return imgs, nil, err
		}
		return s.fromFile(ref, ref, want, false)
	}
	if looksLikePath(ref) {
		return nil, nil, fmt.Errorf("no such file or directory")
	}
	return s.fromRegistry(ctx, ref, want)
}

func join(a, b func()) func() {
	return func() {
		if a != nil {
			a()
		}
		if b != nil {
			b()
		}
	}
}

// fromFile opens a docker-save tarball or an OCI archive. label names it
// in origins; daemon says the tarball came from the daemon (its label
// already names the image).
func (s *Source) fromFile(p, label string, want *v1.Platform, daemon bool) ([]resolved, func(), error) {
	comp, err := sniffCompression(p)
	if err != nil {
		return nil, nil, err
	}
	var tb *tarBlobs
	if comp == uncompressedFile {
		tb, err = openTarBlobs(p)
	} else {
		tb, err = indexCompressed(p, comp)
	}
	if err != nil {
		if comp != uncompressedFile {
			return nil, nil, fmt.Errorf("a %s-compressed file, truncated, corrupt or not a tar: %w", comp, err)
		}
		return nil, nil, fmt.Errorf("not a docker-save tarball or OCI archive: %w", err)
	}
	switch {
	case tb.has("manifest.json"):
		tb.Close()
		imgs, err := fromDockerTarball(p, comp, label, want, daemon)
		return imgs, nil, err
	case tb.isOCIArchive():
		raw, err := tb.bytes("index.json")
		if err != nil {
			tb.Close()
			return nil, nil, err
		}
		idx, err := newOCIIndex(tarStore{tb}, raw)
		if err != nil {
			tb.Close()
			return nil, nil, err
		}
		imgs, err := fromIndex(label, idx, want)
		return imgs, func() { tb.Close() }, err
	}
	tb.Close()
	return nil, nil, errors.New("neither a docker-save tarball (no manifest.json) nor an OCI archive (no oci-layout and index.json)")
}

func fromDockerTarball(p string, comp compression, label string, want *v1.Platform, daemon bool) ([]resolved, error) {
	opener := func() (io.ReadCloser, error) { return openDecompressed(p, comp) }
	m, err := tarball.LoadManifest(opener)
	if err != nil {
		return nil, fmt.Errorf("docker-save manifest.json: %w", err)
	}
	var out []resolved
	for i, d := range m {
		var tag *name.Tag
		if len(d.RepoTags) > 0 {
			t, err := name.NewTag(d.RepoTags[0])
			if err != nil {
				return nil, fmt.Errorf("manifest.json: %w", err)
			}
			tag = &t
		} else if len(m) > 1 {
			return nil, fmt.Errorf("manifest.json: image %d of %d has no tag to tell it from the others", i+1, len(m))
		}
		img, err := tarball.Image(opener, tag)
		if err != nil {
			return nil, err
		}
		l := label
		if tag != nil && !daemon {
			l += " (" + d.RepoTags[0] + ")"
		}
		if want != nil {
			cf, err := img.ConfigFile()
			if err != nil {
				return nil, fmt.Errorf("image config: %w", err)
			}
			if cf.Platform() == nil || !cf.Platform().Satisfies(*want) {
				continue
			}
		}
		out = append(out, resolved{label: l, img: img, diffIDs: true})
	}
	if len(out) == 0 && want != nil {
		return nil, fmt.Errorf("no image for platform %s", want.String())
	}
	return out, nil
}

// timedOut reports whether err is a request that timed out: a net.Error
// saying so, or, where go-containerregistry joined several attempts' errors
// into text, net/http's words for the response-header timeout.
func timedOut(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timeout awaiting response headers")
}

// transport is the registry transport: remote's default, with a bound on
// how long a response's headers may take, and --insecure-registry's TLS.
func (s *Source) transport() http.RoundTripper {
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = s.timeout()
	if s.Opts.Insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for with --insecure-registry
	}
	return t
}

// fromRegistry resolves a registry reference. Manifests and configs are
// fetched now, within the timeout (retries included); the layers later,
// while Walk reads them, under the same context (cleanup releases it).
func (s *Source) fromRegistry(ctx context.Context, ref string, want *v1.Platform) ([]resolved, func(), error) {
	var nopts []name.Option
	if s.Opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, nil, err
	}
	timeout := s.timeout()
	rctx, cancel := context.WithCancel(ctx)
	var expired atomic.Bool
	timer := time.AfterFunc(timeout, func() { expired.Store(true); cancel() })
	fail := func(err error) ([]resolved, func(), error) {
		timer.Stop()
		cancel()
		// the transport's header timeout (the same bound) may fire
		// before the timer does
		if expired.Load() || timedOut(err) {
			return nil, nil, fmt.Errorf("registry %s did not answer within %s", r.Context().RegistryStr(), timeout)
		}
		return nil, nil, err
	}
	puller, err := remote.NewPuller(
		remote.WithTransport(s.transport()),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
	)
	if err != nil {
		return fail(err)
	}
	desc, err := puller.Get(rctx, r)
	if err != nil {
		return fail(err)
	}
	repo := r.Context()
	fetch := func(ctx context.Context, digest string) (v1.Layer, error) {
		return puller.Layer(ctx, repo.Digest(digest))
	}
	base := ref
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		base = ref[:i]
	}
	var imgs []resolved
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return fail(err)
		}
		if imgs, err = fromIndex(base, idx, want); err != nil {
			return fail(err)
		}
	} else {
		img, err := desc.Image()
		if err != nil {
			return fail(err)
		}
		imgs = []resolved{{label: base + "@" + desc.Digest.String(), img: img}}
	}
	for i := range imgs {
		ri := &imgs[i]
		ri.fetch = fetch
		// fetch (and cache) each config and manifest within the timeout
		cf, err := ri.img.ConfigFile()
		if err != nil {
			return fail(err)
		}
		if _, err := ri.img.Manifest(); err != nil {
			return fail(err)
		}
		if want != nil && !desc.MediaType.IsIndex() && cf.Platform() != nil && !cf.Platform().Satisfies(*want) {
			return fail(fmt.Errorf("no image for platform %s (the image is %s)", want.String(), cf.Platform().String()))
		}
	}
	if !timer.Stop() {
		return fail(rctx.Err())
	}
	return imgs, cancel, nil
}

// fromIndex lists the images of idx (recursively), filtered by want; base
// names the index in labels.
func fromIndex(base string, idx v1.ImageIndex, want *v1.Platform) ([]resolved, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []resolved
	for _, d := range im.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			sub, err := fromIndex(base, child, want)
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
			l := base + "@" + d.Digest.String()
			if d.Platform != nil && len(im.Manifests) > 1 {
				l += " (" + d.Platform.String() + ")"
			}
			out = append(out, resolved{label: l, img: img})
		}
	}
	if len(out) == 0 && want != nil {
		return nil, fmt.Errorf("no image for platform %s", want.String())
	}
	return out, nil
}

// plan emits the image's config items and returns a job for each layer
// not seen before.
func (s *Source) plan(ri resolved, seen map[string]bool, emit func(scanner.Item) error, skip func(scanner.Skipped)) ([]job, error) {
	cf, err := ri.img.ConfigFile()
	if err != nil {
		skip(scanner.Skipped{Path: ri.label, Reason: "image config: " + err.Error(), Kind: scanner.SkipUnreadable})
		return nil, nil
	}
	if err := emitConfig(ri.label, cf, emit); err != nil {
		return nil, err
	}
	layers, err := ri.img.Layers()
	if err != nil {
		skip(scanner.Skipped{Path: ri.label, Reason: "image layers: " + err.Error(), Kind: scanner.SkipUnreadable})
		return nil, nil
	}
	ids, err := layerIDs(ri, cf, len(layers))
	if err != nil {
		skip(scanner.Skipped{Path: ri.label, Reason: "image layers: " + err.Error(), Kind: scanner.SkipUnreadable})
		return nil, nil
	}
	steps := createdBy(cf, len(layers))
	st := stack(ids)
	var jobs []job
	for i, l := range layers {
		o := scanner.Origin{
			Kind:        scanner.KindImage,
			Layer:       ids[i],
			Instruction: s.redact(steps[i]),
			Chain:       []string{ri.label, layerLabel(i+1, ids[i], s.redact(Step(steps[i])))},
		}
		s.mu.Lock()
		s.where[o.Chain[0]+"\x00"+o.Chain[1]] = placed{st: st, idx: i}
		s.mu.Unlock()
		if seen[ids[i]] {
			continue
		}
		seen[ids[i]] = true
		jobs = append(jobs, job{layer: l, blobIsStored: !ri.diffIDs, fetch: ri.fetch, id: ids[i], o: o, where: ri.label + "!" + o.Chain[1]})
	}
	return jobs, nil
}

// layerIDs names each layer without reading it.
func layerIDs(ri resolved, cf *v1.ConfigFile, n int) ([]string, error) {
	var ids []string
	if ri.diffIDs {
		for _, h := range cf.RootFS.DiffIDs {
			ids = append(ids, h.String())
		}
	} else {
		m, err := ri.img.Manifest()
		if err != nil {
			return nil, err
		}
		for _, d := range m.Layers {
			ids = append(ids, d.Digest.String())
		}
	}
	if len(ids) != n {
		return nil, fmt.Errorf("%d layers, %d layer digests", n, len(ids))
	}
	return ids, nil
}

// createdBy maps each layer to the created_by of the history entry that
// made it (history entries with empty_layer make none).
func createdBy(cf *v1.ConfigFile, n int) []string {
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

func emitConfig(label string, cf *v1.ConfigFile, emit func(scanner.Item) error) error {
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
		if err := emit(memItem(scanner.Origin{Kind: scanner.KindImage, Path: part.kind, Chain: []string{label}}, data)); err != nil {
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

func cleanName(n string) string {
	n = path.Clean("/" + strings.ReplaceAll(n, "\\", "/"))
	return strings.TrimPrefix(n, "/")
}

func pathHash(p string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p))
	return h.Sum64()
}

// walkLayer reads one layer's tar stream and emits its regular files,
// recording its whiteouts and files for Finish.
func (s *Source) walkLayer(ctx context.Context, j job, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	ls := &layerState{deleted: map[string]bool{}, opaque: map[string]bool{}}
	defer func() {
		slices.Sort(ls.files)
		s.mu.Lock()
		s.layers[j.id] = ls
		s.mu.Unlock()
	}()
	// A layer fetched from a registry gets its own context, which the
	// stall watchdog cancels; local layers are read unwatched (d == 0).
	layer := j.layer
	stall := &stallReader{}
	if j.fetch != nil {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		l, err := j.fetch(lctx, j.id)
		if err != nil {
			skip(scanner.Skipped{Path: j.where, Reason: "layer: " + err.Error(), Kind: scanner.SkipUnreadable})
			return nil
		}
		layer = l
		stall = &stallReader{d: s.timeout(), cancel: cancel}
	}
	stalled := fmt.Sprintf("layer download stalled: the registry sent nothing for %s", s.timeout())
	var rc io.ReadCloser
	// opening reads the first bytes (the compression's header)
	err := stall.watch(func() (err error) { rc, err = uncompressed(layer, j.blobIsStored); return err })
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		reason := "layer: " + err.Error()
		if stall.stalled.Load() {
			reason = stalled
		}
		skip(scanner.Skipped{Path: j.where, Reason: reason, Kind: scanner.SkipUnreadable})
		return nil
	}
	defer rc.Close()
	stall.r = rc
	// large reads: the watchdog's timer is armed once per 64 KiB, not per
	// 512-byte tar block
	tr := tar.NewReader(bufio.NewReaderSize(stall, 64<<10))
	corrupt := func(err error) string {
		if stall.stalled.Load() {
			return stalled
		}
		return "layer is truncated or corrupt: " + err.Error()
	}
	members := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			skip(scanner.Skipped{Path: j.where, Reason: corrupt(err), Kind: scanner.SkipCorrupt, Partial: members > 0})
			return nil
		}
		p := cleanName(hdr.Name)
		base := path.Base(p)
		if strings.HasPrefix(base, ".wh.") {
			dir := path.Dir(p)
			if base == ".wh..wh..opq" {
				ls.opaque[dir] = true
			} else {
				ls.deleted[path.Join(dir, strings.TrimPrefix(base, ".wh."))] = true
			}
			continue
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		ls.files = append(ls.files, pathHash(p))
		members++
		o := j.o
		o.Path = p
		if sh := s.Opts.Shard; sh.Active() && !sh.Owns(scanner.ItemKey(o)) {
			continue // another shard's: tr.Next skips its data
		}
		if hdr.Size <= smallMember {
			// Small members are read at once: workers scan several in
			// parallel while this layer's stream moves on.
			data := make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, data); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				skip(scanner.Skipped{Path: j.where + "!/" + p, Reason: corrupt(err), Kind: scanner.SkipCorrupt, Partial: true})
				return nil
			}
			if err := emit(memItem(o, data)); err != nil {
				return err
			}
			continue
		}
		// A large member is streamed to the worker that scans it; the
		// layer's stream waits until that worker is done with it.
		h := &handoff{r: tr, size: hdr.Size, done: make(chan struct{})}
		if err := emit(scanner.Item{Origin: o, Size: hdr.Size, Open: func() (io.ReadCloser, error) { return h, nil }}); err != nil {
			return err
		}
		select {
		case <-h.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// smallMember is the size up to which a layer member is read into memory
// and handed over whole; larger ones are streamed.
const smallMember = 1 << 20

// handoff is a layer member streamed to a worker: the worker reads the
// layer's tar stream directly while the layer's goroutine waits for
// Close.
type handoff struct {
	r    io.Reader
	size int64
	done chan struct{}
	once sync.Once
}

func (h *handoff) Read(p []byte) (int, error) { return h.r.Read(p) }

// Size lets the engine read up to the member's end, and tell a member
// larger than --max-file-size without reading past the limit.
func (h *handoff) Size() int64 { return h.size }

func (h *handoff) Close() error {
	h.once.Do(func() { close(h.done) })
	return nil
}

// Finish implements scanner.Finisher: it flags the findings (and skipped
// items) of files that a later layer of their image deletes or replaces.
// It runs once every layer has been read, so layers may be read in any
// order.
func (s *Source) Finish(ctx context.Context, res *scanner.Result) error {
	for i := range res.Findings {
		s.mark(&res.Findings[i].Origin)
	}
	for i := range res.Skipped {
		if o := res.Skipped[i].Origin; o != nil {
			s.mark(o)
		}
	}
	return nil
}

func (s *Source) mark(o *scanner.Origin) {
	if o.Kind != scanner.KindImage || len(o.Chain) < 2 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pl, ok := s.where[o.Chain[0]+"\x00"+o.Chain[1]]
	if !ok {
		return
	}
	p := o.Path
	if len(o.Chain) > 2 {
		p = o.Chain[2] // the layer's file holding a nested archive
	}
	if note := s.hidden(pl, p); note != "" {
		o.InHistoryOnly = true
		o.Via = scanner.Via(note) // the layer note stands in for the reach
	}
}

// hidden says whether a layer above pl.idx in its image deletes or
// replaces p. s.mu is held.
func (s *Source) hidden(pl placed, p string) string {
	h := pathHash(p)
	for _, id := range pl.st[pl.idx+1:] {
		ls := s.layers[id]
		if ls == nil {
			continue // not read (its image could not be read)
		}
		for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
			if ls.deleted[q] || (q != p && ls.opaque[q]) {
				return DeletedNote
			}
		}
		if _, found := slices.BinarySearch(ls.files, h); found {
			return ReplacedNote
		}
	}
	return ""
}

// looksLikePath tells a file name that does not exist from a reference, so
// that a typo never goes to a registry.
func looksLikePath(ref string) bool {
	return strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") ||
		strings.HasSuffix(ref, ".tar") || strings.HasSuffix(ref, ".tar.gz") || strings.HasSuffix(ref, ".tgz") ||
		strings.HasSuffix(ref, ".tar.zst") || ref == "." || ref == ".."
}

// stallReader gives up a download that sends nothing for d: a Read
// blocked that long cancels the layer's context, which ends the request.
// Only time spent inside Read counts, so a slow consumer never trips it.
type stallReader struct {
	r       io.Reader
	d       time.Duration
	cancel  func()
	stalled atomic.Bool
}

func (s *stallReader) Read(p []byte) (n int, err error) {
	s.watch(func() error { n, err = s.r.Read(p); return err })
	return n, err
}

// watch runs f, giving it up (cancelling the layer's context) when it
// blocks for longer than d; with d == 0 it only runs f.
func (s *stallReader) watch(f func() error) error {
	if s.d <= 0 {
		return f()
	}
	t := time.AfterFunc(s.d, func() { s.stalled.Store(true); s.cancel() })
	defer t.Stop()
	return f()
}

// uncompressed opens a layer's tar stream. A stored blob is decompressed
// here with klauspost/compress, 1.2-1.6 times as fast as the standard
// library's gzip that go-containerregistry uses (BenchmarkGunzipLayer);
// the blob's digest is still checked by the layer's reader (registry
// layers) at its end.
func uncompressed(l v1.Layer, blobIsStored bool) (io.ReadCloser, error) {
	if !blobIsStored {
		return l.Uncompressed()
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := kgzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, err
		}
		return readCloser{zr, closers{zr, rc}}, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			rc.Close()
			return nil, err
		}
		return readCloser{zr, closers{zstdCloser{zr}, rc}}, nil
	}
	return readCloser{br, rc}, nil // stored uncompressed
}

type readCloser struct {
	io.Reader
	io.Closer
}

type closers []io.Closer

func (c closers) Close() error {
	var errs []error
	for _, x := range c {
		errs = append(errs, x.Close())
	}
	return errors.Join(errs...)
}

type zstdCloser struct{ d *zstd.Decoder }

func (z zstdCloser) Close() error { z.d.Close(); return nil }
