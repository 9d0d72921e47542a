package detectors

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// UnknownProvider is the provider of a token whose shape several vendors
// share when nothing near it tells which one issued it; its candidates are
// in the finding's "candidates" attribute and first evidence line.
const UnknownProvider = "unknown provider"

// shapeLinks is what LinkShapes resolved for a rule with SharedWith or
// YieldsTo: the names that tell its own provider, and the rules a token of
// its shape may belong to instead.
type shapeLinks struct {
	provider string
	own      []string
	alts     []shapeAlt
	// candidates lists, in order, this rule's provider and those of its
	// SharedWith rules; empty when it shares its shape with none.
	candidates []string
}

type shapeAlt struct {
	spec  RuleSpec
	names []string
}

// LinkShapes resolves the SharedWith and YieldsTo ids of rules among rules
// (which it may only be called on before they are used: the links are
// part of each compiled rule from then on). An id that names no rule in
// rules, or the rule itself, is an error.
//
// Of the rules that share a shape, one holds the bare pattern (the one
// whose scope is the broadest: an unknown provider's token is given its
// scope); the others need their own name nearby, or they would report the
// same unknown token twice.
func LinkShapes(rules []*Rule) error {
	byID := make(map[string]*Rule, len(rules))
	for _, r := range rules {
		byID[r.spec.ID] = r
	}
	for _, r := range rules {
		if len(r.spec.SharedWith) == 0 && len(r.spec.YieldsTo) == 0 {
			continue
		}
		l := &shapeLinks{provider: r.spec.Provider}
		add := func(ids []string, shared bool) error {
			for _, id := range ids {
				o, ok := byID[id]
				if !ok {
					return fmt.Errorf("rule %s: shares its shape with %q, which is no rule", r.spec.ID, id)
				}
				if o == r {
					return fmt.Errorf("rule %s: shares its shape with itself", r.spec.ID)
				}
				l.alts = append(l.alts, shapeAlt{spec: o.spec, names: tellingNames(o.spec)})
				if shared {
					if len(l.candidates) == 0 {
						l.candidates = append(l.candidates, r.spec.Provider)
					}
					l.candidates = append(l.candidates, o.spec.Provider)
				}
			}
			return nil
		}
		if err := add(r.spec.SharedWith, true); err != nil {
			return err
		}
		if err := add(r.spec.YieldsTo, false); err != nil {
			return err
		}
		// a name both sides have (the provider, when two rules of one
		// vendor share a shape: Azure storage and Cosmos DB keys) tells
		// nothing
		own := tellingNames(r.spec)
		var altNames []string
		for _, a := range l.alts {
			altNames = append(altNames, a.names...)
		}
		l.own = without(own, altNames)
		for i := range l.alts {
			l.alts[i].names = without(l.alts[i].names, own)
		}
		r.shape = l
	}
	return nil
}

// without returns the names of a that are not in b.
func without(a, b []string) []string {
	var out []string
	for _, n := range a {
		if !slices.Contains(b, n) {
			out = append(out, n)
		}
	}
	return out
}

// settle decides whose token cd is from what its line names: this rule's
// provider (kept as found), another rule's (cd becomes that rule's, with
// its scope), or, for a shared shape, none of them (an unknown provider's,
// the candidates listed).
func (l *shapeLinks) settle(window []byte, cd *Candidate) {
	if nearName(window, cd.Start, cd.End, l.own) != "" {
		return
	}
	for _, a := range l.alts {
		n := nearName(window, cd.Start, cd.End, a.names)
		if n == "" {
			continue
		}
		sc := a.spec.Scope.Clone()
		sc.Doubt = cd.Scope.Doubt
		sc.Confidence = scope.ConfidenceContext
		sc.Evidence = append([]string{fmt.Sprintf("a token of the shape %s uses, on a line that names %s (%s): %s's", l.provider, a.spec.Provider, n, a.spec.Provider)}, sc.Evidence...)
		cd.RuleID, cd.Provider, cd.Kind, cd.Scope = a.spec.ID, a.spec.Provider, a.spec.Kind, sc
		return
	}
	if len(l.candidates) == 0 {
		return
	}
	names := strings.Join(l.candidates, ", ")
	cd.Provider = UnknownProvider
	if cd.Attrs == nil {
		cd.Attrs = map[string]string{}
	}
	cd.Attrs["candidates"] = names
	if cd.Scope.Confidence == scope.ConfidencePrefix || cd.Scope.Confidence == scope.ConfidenceDecoded {
		cd.Scope.Confidence = scope.ConfidenceContext
	}
	cd.Scope.Evidence = append([]string{fmt.Sprintf("unknown provider: %s tokens share this shape and nothing on its line or the one above tells which; the scope shown is %s's, the broadest", names, l.provider)}, cd.Scope.Evidence...)
}

// nearName is lineName on the token's line, else on the line above it
// (credentials "app.terraform.io" { then token = "…"), as far as the
// window holds it.
func nearName(window []byte, lo, hi int, names []string) string {
	if n := lineName(window, lo, hi, names); n != "" {
		return n
	}
	ls := bytes.LastIndexByte(window[:lo], '\n')
	if ls <= 0 {
		return ""
	}
	return lineName(window, ls, ls, names)
}

// lineName returns the word on the line of window[lo:hi] (the token left
// out) that holds one of names (lower case), or "".
func lineName(window []byte, lo, hi int, names []string) string {
	ls := bytes.LastIndexByte(window[:lo], '\n') + 1
	le := len(window)
	if i := bytes.IndexByte(window[hi:], '\n'); i >= 0 {
		le = hi + i
	}
	for _, part := range [2][2]int{{ls, lo}, {hi, le}} {
		seg := window[part[0]:part[1]]
		low := bytes.ToLower(seg)
		for _, n := range names {
			if i := bytes.Index(low, []byte(n)); i >= 0 {
				a, b := i, i+len(n)
				for a > 0 && isNameByte(seg[a-1]) {
					a--
				}
				for b < len(seg) && isNameByte(seg[b]) {
					b++
				}
				return string(seg[a:b])
			}
		}
	}
	return ""
}
