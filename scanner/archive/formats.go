// Package archive opens archives and compressed files as streams, never
// extracting anything to disk: the zip family (zip, jar, war, ear, apk,
// whl, nupkg, vsix, xpi, egg), tar, gzip, bzip2, xz and zstd, nested.
//
// Each format has one reader function: given the content (and random
// access when the caller has it), it calls emit once per regular member
// with the member's name and a reader of its bytes, and returns a
// descriptive error on corrupt input. Member names are only names: they
// are never joined to a filesystem path.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Format is a container or compression format.
type Format int

const (
	None Format = iota
	Zip
	Tar
	Gzip
	Bzip2
	Xz
	Zstd
)

func (f Format) String() string {
	return [...]string{"none", "zip", "tar", "gzip", "bzip2", "xz", "zstd"}[f]
}

// SniffLen is how many leading bytes Detect wants (tar's magic is at 257).
const SniffLen = 512

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	gzipMagic     = []byte{0x1f, 0x8b, 0x08}
	xzMagic       = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	zstdMagic     = []byte{0x28, 0xb5, 0x2f, 0xfd}
	bzBlock       = []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59} // pi: first block
	bzEnd         = []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90} // sqrt(pi): empty stream
)

// zipNames are the extensions of the zip family.
var zipNames = []string{".zip", ".jar", ".war", ".ear", ".apk", ".aar", ".whl", ".nupkg", ".vsix", ".xpi", ".egg", ".ipa"}

// Detect names the format of content that starts with head, called name.
// Magic bytes decide; the name only helps for tar without a ustar magic
// (v7 tar) and is otherwise ignored, so a text file named x.zip is text.
func Detect(name string, head []byte) Format {
	switch {
	case bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, zipEmptyMagic):
		return Zip
	case bytes.HasPrefix(head, gzipMagic):
		return Gzip
	case bytes.HasPrefix(head, xzMagic):
		return Xz
	case bytes.HasPrefix(head, zstdMagic):
		return Zstd
	case len(head) >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9' &&
		(bytes.Equal(head[4:10], bzBlock) || bytes.Equal(head[4:10], bzEnd)):
		return Bzip2
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return Tar
	}
	if strings.HasSuffix(strings.ToLower(name), ".tar") && len(head) >= 512 && tarChecksumOK(head[:512]) {
		return Tar
	}
	return None
}

// tarChecksumOK checks a v7 tar header's checksum field.
func tarChecksumOK(h []byte) bool {
	var sum int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	field := strings.TrimRight(strings.TrimLeft(string(h[148:156]), " "), " \x00")
	var want int64
	if _, err := fmt.Sscanf(field, "%o", &want); err != nil {
		return false
	}
	return want == sum && sum != 8*' '
}

// EmitFunc receives one member. It must consume r before returning if it
// wants its bytes: r is only valid during the call.
type EmitFunc func(name string, size int64, r io.Reader) error

// ReadZip calls emit for each regular file of the zip archive in ra.
// entryLimit bounds the number of entries (0: no bound).
func ReadZip(ra io.ReaderAt, size int64, entryLimit int, emit EmitFunc) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("corrupt zip: %w", err)
	}
	if entryLimit > 0 && len(zr.File) > entryLimit {
		return &LimitError{fmt.Sprintf("zip has %d entries, more than the limit of %d", len(zr.File), entryLimit)}
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !f.Mode().IsRegular() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			if err := emitErr(f.Name, err, emit); err != nil {
				return err
			}
			continue
		}
		err = emit(f.Name, int64(f.UncompressedSize64), &corruptReader{r: rc, format: "zip entry"})
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// MemberError is a member that could not be opened; the archive's other
// members are still read.
type MemberError struct {
	Name string
	Err  error
}

func (e *MemberError) Error() string { return e.Err.Error() }
func (e *MemberError) Unwrap() error { return e.Err }

func emitErr(name string, err error, emit EmitFunc) error {
	return emit(name, -1, errReader{&MemberError{name, err}})
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// ReadTar calls emit for each regular file of the tar stream r.
func ReadTar(r io.Reader, entryLimit int, emit EmitFunc) error {
	tr := tar.NewReader(r)
	n := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("corrupt tar: %w", err)
		}
		n++
		if entryLimit > 0 && n > entryLimit {
			return &LimitError{fmt.Sprintf("tar has more than the limit of %d entries", entryLimit)}
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA && h.Typeflag != tar.TypeGNUSparse {
			continue
		}
		if err := emit(h.Name, h.Size, &tarMember{r: tr, name: h.Name}); err != nil {
			return err
		}
	}
}

// tarMember turns a member cut short by the end of the stream into a
// descriptive error.
type tarMember struct {
	r    io.Reader
	name string
}

func (t *tarMember) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("tar member %q is cut short: the archive ends before its data", t.name)
	}
	return n, err
}

// ReadGzip emits the decompressed content of the gzip stream r, named
// after the header's name, else name without its extension.
func ReadGzip(r io.Reader, name string, emit EmitFunc) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("corrupt gzip: %w", err)
	}
	defer zr.Close()
	inner := innerName(name, ".gz", ".tgz", ".tar")
	return emitStream(inner, zr, "gzip", emit)
}

// ReadBzip2 emits the decompressed content of the bzip2 stream r.
func ReadBzip2(r io.Reader, name string, emit EmitFunc) error {
	return emitStream(innerName(name, ".bz2", ".tbz2", ".tar", ".tbz", ".tar"), bzip2.NewReader(r), "bzip2", emit)
}

// ReadXz emits the decompressed content of the xz stream r.
func ReadXz(r io.Reader, name string, emit EmitFunc) error {
	zr, err := xz.NewReader(r)
	if err != nil {
		return fmt.Errorf("corrupt xz: %w", err)
	}
	return emitStream(innerName(name, ".xz", ".txz", ".tar"), zr, "xz", emit)
}

// ReadZstd emits the decompressed content of the zstd stream r.
func ReadZstd(r io.Reader, name string, emit EmitFunc) error {
	// One goroutine and a bounded window: many archives may be open.
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(64<<20), zstd.WithDecoderLowmem(true))
	if err != nil {
		return fmt.Errorf("corrupt zstd: %w", err)
	}
	defer zr.Close()
	n := innerName(name, ".zst", ".tzst", ".tar")
	if strings.HasSuffix(strings.ToLower(name), ".zstd") {
		n = name[:len(name)-5]
	}
	return emitStream(n, zr, "zstd", emit)
}

func emitStream(name string, zr io.Reader, format string, emit EmitFunc) error {
	cr := &corruptReader{r: zr, format: format}
	if err := emit(name, -1, cr); err != nil {
		return err
	}
	return cr.err
}

// corruptReader names the format in decompression errors.
type corruptReader struct {
	r      io.Reader
	format string
	err    error
}

func (c *corruptReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		var le *LimitError
		if !errors.As(err, &le) {
			err = fmt.Errorf("corrupt %s: %w", c.format, err)
			c.err = err
		}
	}
	return n, err
}

// innerName is name without its compression extension: "a.txt.gz" is
// "a.txt", "a.tgz" is "a.tar".
func innerName(name, ext, short, shortTo string, more ...string) string {
	l := strings.ToLower(name)
	switch {
	case strings.HasSuffix(l, ext):
		return name[:len(name)-len(ext)]
	case strings.HasSuffix(l, short):
		return name[:len(name)-len(short)] + shortTo
	}
	for i := 0; i+1 < len(more); i += 2 {
		if strings.HasSuffix(l, more[i]) {
			return name[:len(name)-len(more[i])] + more[i+1]
		}
	}
	return name + "~" // the content of name, decompressed
}

// LimitError is a bomb-safety limit that stopped an archive.
type LimitError struct{ msg string }

func (e *LimitError) Error() string { return e.msg }
