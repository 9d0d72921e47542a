package home

import (
	"sort"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/scanner"
)

// pctx collects what one parser finds in one file.
type pctx struct {
	origin scanner.Origin
	data   []byte
	out    []scanner.Parsed
}

// cred is one value a parser recognised.
type cred struct {
	rule     string
	provider string
	kind     string
	secret   string
	// key is the field the value is stored under; where says, for people
	// and for scope.ApplyContext, where in the file it sits ("profile prod",
	// "server railway env RAILWAY_API_TOKEN").
	key   string
	where string
	line  int
	scope scope.Scope
	attrs map[string]string
}

func (p *pctx) add(c cred) {
	if strings.TrimSpace(c.secret) == "" {
		return
	}
	line, col := c.line, 0
	if l, cl := locate(p.data, c.secret); l > 0 && (line == 0 || l == line) {
		line, col = l, cl
	}
	sc := c.scope.Clone()
	ev := "file " + p.origin.Path
	if p.origin.Kind == scanner.KindHome {
		ev = "store " + p.origin.Path
	}
	if c.where != "" {
		ev += " " + c.where
	}
	sc.Evidence = append([]string{ev}, sc.Evidence...)
	if sc.Confidence == "" {
		sc.Confidence = scope.ConfidenceContext
	}
	attrs := map[string]string{}
	for k, v := range c.attrs {
		if v != "" {
			attrs[k] = v
		}
	}
	ctxText := c.where
	if c.key != "" {
		ctxText = strings.TrimSpace(ctxText + " " + c.key + "=")
	}
	p.out = append(p.out, scanner.Parsed{
		RuleID: c.rule, Provider: c.provider, Kind: c.kind,
		Secret: c.secret, Line: line, Column: col, Key: c.key, Context: ctxText,
		Scope: sc, Attrs: attrs,
	})
}

// parseStore runs a store's parser; a parser never fails the scan: what
// it cannot read it leaves to the detectors.
func parseStore(st *store, origin scanner.Origin, data []byte) []scanner.Parsed {
	p := &pctx{origin: origin, data: data}
	if st.parse != nil {
		st.parse(p)
	}
	return p.out
}

// sc builds a scope.
func sc(access scope.Access, reach scope.Reach, life scope.Lifetime, destroys string, evidence ...string) scope.Scope {
	s := scope.Scope{Access: access, Reach: reach, Lifetime: life, Confidence: scope.ConfidenceContext, Evidence: evidence}
	if destroys != "" {
		s.Destructive = true
		s.DestroysWhat = destroys
	}
	return s
}

// prodHint marks a scope production when a name says so.
func prodHint(s scope.Scope, names ...string) scope.Scope {
	for _, n := range names {
		l := strings.ToLower(n)
		if strings.Contains(l, "prod") || strings.Contains(l, "live") && !strings.Contains(l, "deliver") {
			s.Env = scope.EnvProduction
			s.Evidence = append(s.Evidence, "context "+n+": production")
			return s
		}
	}
	return s
}

// hostProvider names the provider behind a host, or the host itself.
func hostProvider(host string) string {
	h := strings.ToLower(host)
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	switch {
	case h == "github.com" || strings.HasSuffix(h, ".github.com") || h == "ghcr.io":
		return "GitHub"
	case h == "gitlab.com" || strings.HasPrefix(h, "gitlab.") || h == "registry.gitlab.com":
		return "GitLab"
	case h == "bitbucket.org":
		return "Bitbucket"
	case strings.HasSuffix(h, "heroku.com"):
		return "Heroku"
	case h == "dev.azure.com" || strings.HasSuffix(h, ".visualstudio.com"):
		return "Azure DevOps"
	case strings.HasSuffix(h, "azurecr.io"):
		return "Azure"
	case strings.Contains(h, "npmjs.org") || strings.Contains(h, "npmjs.com"):
		return "npm"
	case strings.Contains(h, "docker.io") || strings.Contains(h, "docker.com"):
		return "Docker Hub"
	case strings.HasSuffix(h, "pkg.dev") || strings.HasSuffix(h, "gcr.io"):
		return "Google Cloud"
	case strings.HasSuffix(h, "amazonaws.com"):
		return "AWS"
	case strings.HasSuffix(h, "huggingface.co"):
		return "Hugging Face"
	case strings.HasSuffix(h, "pypi.org"):
		return "PyPI"
	case h == "app.terraform.io":
		return "Terraform"
	case strings.HasSuffix(h, "railway.app") || strings.HasSuffix(h, "railway.com"):
		return "Railway"
	}
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	return strings.TrimSuffix(host, "/")
}

// leavesByPrefix groups leaves under the element at depth d of their path
// (a profile, host or server name), keeping first-seen order.
func groupBy(ls []leaf, depth int) ([]string, map[string][]leaf) {
	var order []string
	m := map[string][]leaf{}
	for _, l := range ls {
		if len(l.path) <= depth {
			continue
		}
		k := l.path[depth]
		if _, ok := m[k]; !ok {
			order = append(order, k)
		}
		m[k] = append(m[k], l)
	}
	return order, m
}

func field(ls []leaf, names ...string) (leaf, bool) {
	for _, n := range names {
		for _, l := range ls {
			if strings.EqualFold(l.key(), n) {
				return l, true
			}
		}
	}
	return leaf{}, false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
