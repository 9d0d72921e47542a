package home

import (
	"context"

	"github.com/tokenscope/tokenscope/scanner"
)

// Formats are the file-format detectors of this package, for the engine
// (scanner.Options.Formats): each recognises a stream by its origin and
// reads the credentials its structure holds, wherever the stream comes
// from (a tree, git history, an archive member, an image layer, a home
// store).
//
// StoreFormats reads the credential-store formats by path (.npmrc, .netrc,
// .git-credentials, .pgpass, .pypirc, Docker config.json, kubeconfig,
// Terraform credentials) in any stream, so a committed store is reported
// with the rule id and scope reach gives it: what scan runs.
func StoreFormats() []scanner.Format {
	return []scanner.Format{pathFormat{}}
}

// ReachFormats is what reach runs: the store formats, the workspace
// formats (.env files, MCP and agent configurations) in files of the
// workspace and parent directories, and the home stores by their store
// name (read with the parser the store table names, whatever the path).
func ReachFormats() []scanner.Format {
	return []scanner.Format{pathFormat{workspace: true}, storeFormat{}}
}

// pathFormat reads a file whose path names its format (workspaceParser).
// The workspace formats (dotenv, mcp-config, agent-config) are read only
// with workspace set, and only in working-tree files.
type pathFormat struct{ workspace bool }

func (f pathFormat) Name() string {
	if f.workspace {
		return "workspace-formats"
	}
	return "store-formats"
}

func (f pathFormat) parser(o scanner.Origin) (func(*pctx), string) {
	if o.Kind == scanner.KindHome || o.Kind == scanner.KindEnv {
		return nil, "" // home stores are read by their store's parser
	}
	parse, format := workspaceParser(o.Path)
	if isWorkspaceFormat(format) && (!f.workspace || o.Kind != scanner.KindFile || len(o.Chain) > 0) {
		return nil, ""
	}
	return parse, format
}

func isWorkspaceFormat(format string) bool {
	return format == "dotenv" || format == "mcp-config" || format == "agent-config"
}

func (f pathFormat) Match(o scanner.Origin) bool {
	parse, _ := f.parser(o)
	return parse != nil
}

func (f pathFormat) Parse(o scanner.Origin, data []byte) []scanner.Parsed {
	parse, format := f.parser(o)
	if parse == nil {
		return nil
	}
	pc := &pctx{origin: o, data: data}
	parse(pc)
	for i := range pc.out {
		pc.out[i].Attrs = withFormat(pc.out[i].Attrs, format)
	}
	return pc.out
}

func withFormat(attrs map[string]string, format string) map[string]string {
	if attrs == nil {
		attrs = map[string]string{}
	}
	attrs["format"] = format
	return attrs
}

// storeFormat reads the home source's stores with their store's parser.
type storeFormat struct{}

func (storeFormat) Name() string { return "home-stores" }

func (storeFormat) Match(o scanner.Origin) bool {
	st := storeNamed(o)
	return st != nil && st.parse != nil
}

func (storeFormat) Parse(o scanner.Origin, data []byte) []scanner.Parsed {
	st := storeNamed(o)
	if st == nil {
		return nil
	}
	return parseStore(st, o, data)
}

var storesByName = func() map[string]*store {
	m := map[string]*store{}
	for i := range storeTable {
		if _, dup := m[storeTable[i].name]; !dup {
			m[storeTable[i].name] = &storeTable[i]
		}
	}
	return m
}()

func storeNamed(o scanner.Origin) *store {
	if o.Kind != scanner.KindHome || o.Store == "" || len(o.Chain) > 0 {
		return nil
	}
	return storesByName[o.Store]
}

// Finish adds to every finding in a store this source read the store
// file's permissions (readable, file_mode, who else can read it), where
// the finding does not say already.
func (s *Source) Finish(ctx context.Context, res *scanner.Result) error {
	s.mu.Lock()
	perms := s.perms
	s.mu.Unlock()
	if len(perms) == 0 {
		return nil
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Origin.Kind != scanner.KindHome || len(f.Origin.Chain) > 0 {
			continue
		}
		p, ok := perms[f.Origin.Path]
		if !ok {
			continue
		}
		attrs := make(map[string]string, len(f.Attrs)+4)
		for k, v := range f.Attrs {
			attrs[k] = v
		}
		f.Attrs = withPerm(attrs, p)
	}
	return nil
}
