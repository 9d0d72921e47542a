package archive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/scanner"
)

// Expanders are the archive formats as engine expanders, the one path by
// which archives are opened, whatever the stream's source (files on disk,
// git blobs, image layers, members of other archives). The engine enforces
// the depth, byte, ratio and entry budgets (scanner.ExpandLimits) and
// reads an archive past --max-file-size. Single-stream compressors (gzip,
// bzip2, xz, zstd) are transforms: "a.tar.gz" keeps its origin and its tar
// members are named inside it. A zip needs random access: a zip file on
// disk is read in place; one inside another stream is read into memory up
// to maxInMemory bytes, else skipped with a reason.
func Expanders(maxInMemory int64) []scanner.Expander {
	return []scanner.Expander{
		expander{Zip, maxInMemory}, expander{Tar, 0}, expander{Gzip, 0},
		expander{Bzip2, 0}, expander{Xz, 0}, expander{Zstd, 0},
	}
}

// DefaultMaxInMemory is how large a nested zip may be (it is read into
// memory for its central directory).
const DefaultMaxInMemory = 64 << 20

type expander struct {
	f     Format
	inMem int64
}

func (x expander) Name() string { return x.f.String() }

// Archive marks the formats as archives for the engine (scanner.ArchiveExpander).
func (expander) Archive() {}

func (x expander) Match(o scanner.Origin, head []byte) bool { return Detect(o.Path, head) == x.f }

func (x expander) Expand(ctx context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	member := func(name string, _ int64, mr io.Reader) error { return emit(SafeName(name), mr) }
	transform := func(_ string, _ int64, mr io.Reader) error { return emit(scanner.Transform, mr) }
	switch x.f {
	case Zip:
		if ra, ok := r.(interface {
			io.ReaderAt
			Size() int64
		}); ok {
			return ReadZip(ra, ra.Size(), 0, member)
		}
		data, err := io.ReadAll(io.LimitReader(r, x.inMem+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > x.inMem {
			return fmt.Errorf("nested zip larger than the in-memory limit of %d bytes, not opened", x.inMem)
		}
		return ReadZip(bytes.NewReader(data), int64(len(data)), 0, member)
	case Tar:
		return ReadTar(r, 0, member)
	case Gzip:
		return ReadGzip(r, "", transform)
	case Bzip2:
		return ReadBzip2(r, "", transform)
	case Xz:
		return ReadXz(r, "", transform)
	case Zstd:
		return ReadZstd(r, "", transform)
	}
	return nil
}

// SafeName is a member name fit to print: control characters and invalid
// UTF-8 are escaped. `..` and absolute names stay as they are; they are
// only names here.
func SafeName(name string) string {
	ok := true
	for _, r := range name {
		if r == utf8.RuneError || unicode.IsControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return name
	}
	q := strconv.QuoteToASCII(name)
	return q[1 : len(q)-1]
}
