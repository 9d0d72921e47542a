package detectors_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
)

func TestRuleRegistryAdd(t *testing.T) {
	r := detectors.NewRuleRegistry()
	if err := r.Add(detectors.SourceRule, detectors.Info{ID: "b", Provider: "P"}, detectors.Info{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(detectors.SourceStore, detectors.Info{ID: "b", Provider: "other"}); err != nil {
		t.Fatalf("a store emitting a rule's id: %v", err)
	}
	if err := r.Add(detectors.SourceStore, detectors.Info{ID: "b"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("same source twice: %v", err)
	}
	if err := r.Add(detectors.SourceRule, detectors.Info{ID: "a"}); err == nil {
		t.Error("a rule id declared twice by rules is accepted")
	}
	if err := r.Add(detectors.SourceEnv, detectors.Info{}); err == nil {
		t.Error("an empty id is accepted")
	}
	e, ok := r.Lookup("b")
	if !ok || e.Provider != "P" || e.Source != detectors.SourceRule || len(e.AlsoFrom) != 1 || e.AlsoFrom[0] != detectors.SourceStore {
		t.Errorf("b: %+v, want the rule's info, also from store", e)
	}
	if _, ok := r.Lookup("c"); ok {
		t.Error("c found")
	}
	es := r.Entries()
	if len(es) != 2 || es[0].ID != "a" || es[1].ID != "b" || r.Len() != 2 || len(r.Infos()) != 2 {
		t.Errorf("entries %+v", es)
	}
}

// Without package rules linked, the registry holds the code detectors.
func TestRegistryHoldsCodeDetectors(t *testing.T) {
	for _, d := range detectors.CodeDetectors() {
		for _, inf := range detectors.AllInfos(d) {
			if e, ok := detectors.Lookup(inf.ID); !ok || e.Source != detectors.SourceCode {
				t.Errorf("%s: %+v", inf.ID, e)
			}
		}
	}
	if u := detectors.Unregistered("jwt", "no-such-rule", "no-such-rule"); len(u) != 1 || u[0] != "no-such-rule" {
		t.Errorf("Unregistered: %v", u)
	}
}

func TestRuleRegistryClone(t *testing.T) {
	r := detectors.NewRuleRegistry()
	if err := r.Add(detectors.SourceRule, detectors.Info{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	c := r.Clone()
	if err := c.Add(detectors.SourceCustom, detectors.Info{ID: "mine"}, detectors.Info{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Lookup("mine"); ok || r.Len() != 1 {
		t.Error("Add on a clone changed the original")
	}
	if e, _ := r.Lookup("a"); len(e.AlsoFrom) != 0 {
		t.Errorf("original a: %+v", e)
	}
	if e, ok := c.Lookup("mine"); !ok || e.Source != detectors.SourceCustom {
		t.Errorf("clone: %+v", e)
	}
}
