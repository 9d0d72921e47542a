package home

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/tokenscope/tokenscope/scanner"
)

// maxParse bounds the files Parsing parses; larger ones are left to the
// detectors alone.
const maxParse = 4 << 20

// Parsing wraps a source (a directory walk of the workspace or of parent
// directories) so that the files whose format this package understands
// (MCP and agent configurations, .env files, .npmrc, .netrc, ...) are also
// parsed as the engine reads them: each file is still read once, and the
// parsed credentials come out of Direct with the inner source's origins.
type Parsing struct {
	inner scanner.Source
	// storesOnly limits parsing to the credential-store formats (no .env,
	// MCP or agent configurations): what scan adds to its detectors.
	storesOnly bool

	mu     sync.Mutex
	direct []scanner.Direct
}

// NewParsing wraps inner.
func NewParsing(inner scanner.Source) *Parsing { return &Parsing{inner: inner} }

// NewStoreParsing wraps inner, parsing only the files in a home
// credential store's format (.npmrc, .netrc, .git-credentials, .pgpass,
// .pypirc, Docker config.json, kubeconfig, Terraform credentials), so a
// committed store is reported by scan with the rule id and scope reach
// gives it.
func NewStoreParsing(inner scanner.Source) *Parsing {
	return &Parsing{inner: inner, storesOnly: true}
}

func (p *Parsing) Name() string { return p.inner.Name() }

// Direct returns what the parsers found; complete once the engine's Run
// has returned.
func (p *Parsing) Direct() []scanner.Direct {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]scanner.Direct(nil), p.direct...)
	sortDirect(out)
	return out
}

func (p *Parsing) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	return p.inner.Walk(ctx, func(it scanner.Item) error {
		parse, store := workspaceParser(it.Origin.Path)
		if p.storesOnly && (store == "dotenv" || store == "mcp-config" || store == "agent-config") {
			parse = nil
		}
		if parse == nil || it.Size > maxParse {
			return emit(it)
		}
		open := it.Open
		origin := it.Origin
		it.Open = func() (io.ReadCloser, error) {
			rc, err := open()
			if err != nil {
				return nil, err
			}
			return &teeParse{rc: rc, done: func(data []byte) {
				pc := &pctx{origin: origin, data: data}
				parse(pc)
				for i := range pc.out {
					pc.out[i].Attrs = withStore(pc.out[i].Attrs, store)
				}
				p.mu.Lock()
				p.direct = append(p.direct, pc.out...)
				p.mu.Unlock()
			}}, nil
		}
		return emit(it)
	}, skip)
}

func withStore(attrs map[string]string, store string) map[string]string {
	if attrs == nil {
		attrs = map[string]string{}
	}
	attrs["format"] = store
	return attrs
}

// teeParse keeps what is read and parses it on Close, when the whole file
// was read.
type teeParse struct {
	rc   io.ReadCloser
	buf  []byte
	eof  bool
	over bool
	done func([]byte)
}

func (t *teeParse) Read(b []byte) (int, error) {
	n, err := t.rc.Read(b)
	if n > 0 && !t.over {
		if len(t.buf)+n > maxParse {
			t.over = true
			t.buf = nil
		} else {
			t.buf = append(t.buf, b[:n]...)
		}
	}
	if errors.Is(err, io.EOF) {
		t.eof = true
	}
	return n, err
}

func (t *teeParse) Close() error {
	err := t.rc.Close()
	if t.eof && !t.over && t.done != nil {
		t.done(t.buf)
		t.done = nil
	}
	return err
}
