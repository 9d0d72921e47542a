package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// An OCI archive is an OCI image layout packed in one (uncompressed) tar
// file, as `skopeo copy ... oci-archive:` and `buildah push` write it. It
// is read in place: one pass over the tar headers records where each blob
// lies, and every blob is then read as a section of the file. Nothing is
// extracted to disk.

// maxIndexJSON bounds the manifests, indexes and configs read into memory.
const maxIndexJSON = 64 << 20

// tarEntry is where a member lies: at off in an uncompressed tar; the
// n-th header of a compressed one.
type tarEntry struct {
	off, size int64
	n         int
}

// tarBlobs is a tar file indexed by member name. f is nil for a
// compressed tar (comp), whose members are read by decompressing path
// again (see compressed.go).
type tarBlobs struct {
	f       *os.File
	path    string
	comp    compression
	entries map[string]tarEntry
}

// openTarBlobs indexes the tar file at p. It returns an error for a file
// that is not a tar. tar.Reader skips member data by seeking (an os.File
// is an io.Seeker) and reads headers block by block, so after Next the
// file's position is the member's data.
func openTarBlobs(p string) (*tarBlobs, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(f)
	t := &tarBlobs{f: f, entries: map[string]tarEntry{}}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			f.Close()
			return nil, err
		}
		t.entries[cleanName(hdr.Name)] = tarEntry{off: off, size: hdr.Size}
	}
	return t, nil
}

func (t *tarBlobs) has(name string) bool { _, ok := t.entries[name]; return ok }

func (t *tarBlobs) open(name string) (io.ReadCloser, error) {
	e, ok := t.entries[name]
	if !ok {
		return nil, fmt.Errorf("%s: not in the archive", name)
	}
	if t.f == nil {
		return t.openStreamed(name, e)
	}
	return io.NopCloser(io.NewSectionReader(t.f, e.off, e.size)), nil
}

func (t *tarBlobs) bytes(name string) ([]byte, error) {
	e, ok := t.entries[name]
	if !ok {
		return nil, fmt.Errorf("%s: not in the archive", name)
	}
	if e.size > maxIndexJSON {
		return nil, fmt.Errorf("%s: %d bytes, larger than %d", name, e.size, maxIndexJSON)
	}
	if t.f == nil {
		rc, err := t.openStreamed(name, e)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err == nil && int64(len(b)) != e.size {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return b, nil
	}
	buf := make([]byte, e.size)
	if _, err := t.f.ReadAt(buf, e.off); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return buf, nil
}

func (t *tarBlobs) Close() error {
	if t.f == nil {
		return nil
	}
	return t.f.Close()
}

// isOCIArchive tells an OCI archive from a docker-save tarball.
func (t *tarBlobs) isOCIArchive() bool {
	return t.has("oci-layout") && t.has("index.json")
}

// blobStore reads the blobs of an OCI layout by digest.
type blobStore interface {
	blob(h v1.Hash) (io.ReadCloser, error)
	blobBytes(h v1.Hash) ([]byte, error)
}

type tarStore struct{ t *tarBlobs }

func blobName(h v1.Hash) string { return path.Join("blobs", h.Algorithm, h.Hex) }

func (s tarStore) blob(h v1.Hash) (io.ReadCloser, error) { return s.t.open(blobName(h)) }

func (s tarStore) blobBytes(h v1.Hash) ([]byte, error) {
	b, err := s.t.bytes(blobName(h))
	if err != nil {
		return nil, err
	}
	if err := checkDigest(h, b); err != nil {
		return nil, err
	}
	return b, nil
}

func checkDigest(h v1.Hash, b []byte) error {
	if h.Algorithm != "sha256" {
		return nil
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != h.Hex {
		return fmt.Errorf("blob %s does not match its digest", h)
	}
	return nil
}

// ociIndex is an image index read from a blob store.
type ociIndex struct {
	store blobStore
	mt    types.MediaType
	raw   []byte
}

func newOCIIndex(store blobStore, raw []byte) (*ociIndex, error) {
	var im v1.IndexManifest
	if err := json.Unmarshal(raw, &im); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	mt := im.MediaType
	if mt == "" {
		mt = types.OCIImageIndex
	}
	return &ociIndex{store: store, mt: mt, raw: raw}, nil
}

func (i *ociIndex) MediaType() (types.MediaType, error) { return i.mt, nil }
func (i *ociIndex) Digest() (v1.Hash, error)            { return partial.Digest(i) }
func (i *ociIndex) Size() (int64, error)                { return partial.Size(i) }
func (i *ociIndex) RawManifest() ([]byte, error)        { return i.raw, nil }

func (i *ociIndex) IndexManifest() (*v1.IndexManifest, error) {
	var im v1.IndexManifest
	err := json.Unmarshal(i.raw, &im)
	return &im, err
}

func (i *ociIndex) find(h v1.Hash) (v1.Descriptor, error) {
	im, err := i.IndexManifest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	for _, d := range im.Manifests {
		if d.Digest == h {
			return d, nil
		}
	}
	return v1.Descriptor{}, fmt.Errorf("%s: not in the index", h)
}

func (i *ociIndex) Image(h v1.Hash) (v1.Image, error) {
	d, err := i.find(h)
	if err != nil {
		return nil, err
	}
	raw, err := i.store.blobBytes(h)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&ociImage{store: i.store, mt: d.MediaType, raw: raw})
}

func (i *ociIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	if _, err := i.find(h); err != nil {
		return nil, err
	}
	raw, err := i.store.blobBytes(h)
	if err != nil {
		return nil, err
	}
	return newOCIIndex(i.store, raw)
}

// ociImage is an image manifest read from a blob store.
type ociImage struct {
	store blobStore
	mt    types.MediaType
	raw   []byte
}

func (m *ociImage) MediaType() (types.MediaType, error) { return m.mt, nil }
func (m *ociImage) RawManifest() ([]byte, error)        { return m.raw, nil }

func (m *ociImage) manifest() (*v1.Manifest, error) {
	return v1.ParseManifest(bytes.NewReader(m.raw))
}

func (m *ociImage) RawConfigFile() ([]byte, error) {
	mf, err := m.manifest()
	if err != nil {
		return nil, err
	}
	return m.store.blobBytes(mf.Config.Digest)
}

func (m *ociImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	mf, err := m.manifest()
	if err != nil {
		return nil, err
	}
	if h == mf.Config.Digest {
		return &ociBlob{store: m.store, desc: mf.Config}, nil
	}
	for _, d := range mf.Layers {
		if d.Digest == h {
			return &ociBlob{store: m.store, desc: d}, nil
		}
	}
	return nil, fmt.Errorf("%s: not a layer of this image", h)
}

type ociBlob struct {
	store blobStore
	desc  v1.Descriptor
}

func (b *ociBlob) Digest() (v1.Hash, error)            { return b.desc.Digest, nil }
func (b *ociBlob) Compressed() (io.ReadCloser, error)  { return b.store.blob(b.desc.Digest) }
func (b *ociBlob) Size() (int64, error)                { return b.desc.Size, nil }
func (b *ociBlob) MediaType() (types.MediaType, error) { return b.desc.MediaType, nil }
func (b *ociBlob) Descriptor() (*v1.Descriptor, error) { d := b.desc; return &d, nil }
func (b *ociBlob) Exists() (bool, error)               { return true, nil }
