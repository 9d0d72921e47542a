package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// A docker-save tarball or OCI archive may be compressed as a whole
// (`docker save app | gzip > app.tar.gz`, `| zstd`). The compression is
// told by the file's magic bytes, whatever its name. Such a file cannot be
// read in place: every open decompresses it again from the start and
// streams to the member wanted (go-containerregistry's tarball.Image opens
// the tarball once for manifest.json and once per layer). Nothing is
// extracted to disk and memory stays that of one decompressor per open:
// the cost is decompression time, one pass per layer.

type compression int

const (
	uncompressedFile compression = iota
	gzipFile
	zstdFile
)

func (c compression) String() string {
	switch c {
	case gzipFile:
		return "gzip"
	case zstdFile:
		return "zstd"
	}
	return "uncompressed"
}

// sniffCompression reads the first bytes of p.
func sniffCompression(p string) (compression, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var b [4]byte
	n, _ := io.ReadFull(f, b[:])
	return compressionOf(b[:n]), nil
}

func compressionOf(magic []byte) compression {
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return gzipFile
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return zstdFile
	}
	return uncompressedFile
}

// openDecompressed opens p and decompresses it as c.
func openDecompressed(p string, c compression) (io.ReadCloser, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	if c == uncompressedFile {
		return f, nil
	}
	br := bufio.NewReaderSize(f, 64<<10)
	switch c {
	case gzipFile:
		zr, err := kgzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return readCloser{zr, closers{zr, f}}, nil
	default:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return readCloser{zr, closers{zstdCloser{zr}, f}}, nil
	}
}

// indexCompressed lists the members of the compressed tar at p: one pass
// over the whole stream, to its end, so that a truncated or corrupt file
// is refused here rather than half-way through a layer.
func indexCompressed(p string, c compression) (*tarBlobs, error) {
	rc, err := openDecompressed(p, c)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	t := &tarBlobs{path: p, comp: c, entries: map[string]tarEntry{}}
	tr := tar.NewReader(rc)
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		t.entries[cleanName(hdr.Name)] = tarEntry{size: hdr.Size, n: n}
	}
	// the tar ends at its end-of-archive blocks: read the rest, so that
	// the gzip trailer (length and CRC) or zstd frame end is checked
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	return t, nil
}

// openStreamed decompresses the file again and reads up to member e.
func (t *tarBlobs) openStreamed(name string, e tarEntry) (io.ReadCloser, error) {
	rc, err := openDecompressed(t.path, t.comp)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(rc)
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err != nil {
			rc.Close()
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if n == e.n {
			if cleanName(hdr.Name) != name {
				rc.Close()
				return nil, fmt.Errorf("%s: the %s file changed while it was read", name, t.comp)
			}
			return readCloser{io.LimitReader(tr, e.size), rc}, nil
		}
	}
}
