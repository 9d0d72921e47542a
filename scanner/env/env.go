// Package env is the environment source: the variables an agent started
// from this shell inherits. Each variable is one item ("NAME=value"), so
// every detector sees it with its name as context; a variable whose name
// says "credential" but whose value has no recognisable format is reported
// by the package's Format. The variables are passed in explicitly (the CLI passes
// os.Environ()), so tests build their own environment.
package env

import (
	"bytes"
	"context"
	"io"
	"sort"
	"strings"

	"github.com/tokenscope/tokenscope/scanner"
)

// Via is the reach of every item of this source.
const Via = scanner.ViaEnvironment

// ignored lists variables that name secrets but hold none an agent could
// use, or that are the scanner's own.
var ignored = map[string]bool{
	"SSH_AUTH_SOCK": true, "GPG_AGENT_INFO": true, "XAUTHORITY": true, "KRB5CCNAME": true,
}

// Source yields the given variables.
type Source struct {
	vars []kv
}

type kv struct{ name, value string }

// New returns a source over environ, a list of NAME=value strings as
// os.Environ returns them. Later duplicates win, as in a process's
// environment; entries without '=' are ignored.
func New(environ []string) *Source {
	m := map[string]string{}
	for _, e := range environ {
		i := strings.IndexByte(e, '=')
		if i <= 0 {
			continue
		}
		m[e[:i]] = e[i+1:]
	}
	s := &Source{}
	for k, v := range m {
		if ignored[k] || v == "" {
			continue
		}
		s.vars = append(s.vars, kv{k, v})
	}
	sort.Slice(s.vars, func(i, j int) bool { return s.vars[i].name < s.vars[j].name })
	return s
}

func (s *Source) Name() string { return "env" }

// Origin is where a variable is reported: Path "env:NAME".
func Origin(name string) scanner.Origin {
	return scanner.Origin{Kind: scanner.KindEnv, Path: "env:" + name, Via: Via}
}

// Walk emits one item per variable, "NAME=value\n".
func (s *Source) Walk(ctx context.Context, emit func(scanner.Item) error, skip func(scanner.Skipped)) error {
	for _, v := range s.vars {
		if err := ctx.Err(); err != nil {
			return err
		}
		content := []byte(v.name + "=" + v.value + "\n")
		if err := emit(scanner.Item{
			Origin: Origin(v.name),
			Size:   int64(len(content)),
			Open:   func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil },
		}); err != nil {
			return err
		}
	}
	return nil
}

// Format is the file-format detector of environment items (Origin Kind
// "env", content "NAME=value\n"): a variable whose name says it holds a
// credential is reported by name (RuleNamed) unless a detector recognised
// its value by format. Add it to the engine's Formats with this source.
func Format() scanner.Format { return format{} }

type format struct{}

func (format) Name() string { return "environment" }

func (format) Match(o scanner.Origin) bool {
	return o.Kind == scanner.KindEnv && strings.HasPrefix(o.Path, "env:") && len(o.Chain) == 0
}

func (format) Parse(o scanner.Origin, content []byte) []scanner.Parsed {
	name := strings.TrimPrefix(o.Path, "env:")
	prefix := name + "="
	if !bytes.HasPrefix(content, []byte(prefix)) {
		return nil
	}
	value := strings.TrimSuffix(string(content[len(prefix):]), "\n")
	if ignored[name] || value == "" {
		return nil
	}
	n, ok := Classify(name, value)
	if !ok {
		return nil
	}
	return []scanner.Parsed{{
		RuleID: n.RuleID, Provider: n.Provider, Kind: n.Kind,
		Secret: value, Line: 1, Column: len(name) + 2, Key: name,
		Context: name + "=", Scope: n.Scope, Attrs: map[string]string{"variable": name},
	}}
}
