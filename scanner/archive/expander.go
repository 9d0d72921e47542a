package archive

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// Expanders are the archive formats as engine expanders, for streams that
// do not come from a file on disk (git blobs, image layers, members of
// other containers): the engine enforces depth, byte, ratio and entry
// budgets. Single-stream compressors (gzip, bzip2, xz, zstd) are
// transforms: "a.tar.gz" keeps its origin and its tar members are named
// inside it. A zip needs random access and is read into memory up to
// maxInMemory bytes, else skipped with a reason.
func Expanders(maxInMemory int64) []scanner.Expander {
	return []scanner.Expander{
		expander{Zip, maxInMemory}, expander{Tar, 0}, expander{Gzip, 0},
		expander{Bzip2, 0}, expander{Xz, 0}, expander{Zstd, 0},
	}
}

type expander struct {
	f     Format
	inMem int64
}

func (x expander) Name() string { return x.f.String() }

func (x expander) Match(o scanner.Origin, head []byte) bool { return Detect(o.Path, head) == x.f }

func (x expander) Expand(ctx context.Context, r io.Reader, emit func(string, io.Reader) error) error {
	member := func(name string, _ int64, mr io.Reader) error { return emit(SafeName(name), mr) }
	transform := func(_ string, _ int64, mr io.Reader) error { return emit(scanner.Transform, mr) }
	switch x.f {
	case Zip:
		data, err := io.ReadAll(io.LimitReader(r, x.inMem+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > x.inMem {
			return fmt.Errorf("zip larger than the in-memory limit of %d bytes, not opened", x.inMem)
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
