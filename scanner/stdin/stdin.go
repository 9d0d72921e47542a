// Package stdin is the source of `tokenscope scan -`: the content piped to
// standard input, scanned as one item.
package stdin

import (
	"context"
	"io"
	"path"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// DefaultName is the origin path of piped content that was not named.
const DefaultName = "stdin"

// Source yields r as one item whose origin is {kind: stdin, path: name}.
// The name takes part in context (a name such as .env.production marks
// the content as production's, as the file would be) and in archive and
// store detection (a piped .zip is opened, a piped .npmrc is parsed).
type Source struct {
	r    io.Reader
	name string
}

// New returns the source; an empty name is DefaultName. The name is
// cleaned to a relative, slash-separated path: it is a label, never opened.
func New(r io.Reader, name string) *Source {
	return &Source{r: r, name: Name(name)}
}

// Name returns the origin path that New gives name.
func Name(name string) string {
	name = strings.ReplaceAll(strings.TrimSpace(name), "\\", "/")
	if name == "" {
		return DefaultName
	}
	name = strings.TrimLeft(path.Clean("/"+name), "/")
	if name == "" {
		return DefaultName
	}
	return name
}

func (s *Source) Name() string { return "stdin" }

func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return emit(scanner.Item{
		Origin: scanner.Origin{Kind: scanner.KindStdin, Path: s.name},
		Size:   -1,
		Open:   func() (io.ReadCloser, error) { return io.NopCloser(s.r), nil },
	})
}
