package reporters_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

func TestJSONGolden(t *testing.T) {
	fx := newFixture(t)
	golden(t, "report.json", render(t, reporters.JSON{}, fx.run, fx.res))
}

func TestJSONValidates(t *testing.T) {
	sch := compileSchema(t, "report.schema.json")
	fx := newFixture(t)
	validate(t, sch, render(t, reporters.JSON{}, fx.run, fx.res))
	fx.run.ShowSecrets = true
	validate(t, sch, render(t, reporters.JSON{}, fx.run, fx.res))
	empty := render(t, reporters.JSON{}, reporters.Run{}, &scanner.Result{})
	validate(t, sch, empty)
	if !bytes.Contains(empty, []byte(`"findings": []`)) || !bytes.Contains(empty, []byte(`"skipped": []`)) {
		t.Errorf("empty report must hold empty arrays, not null:\n%s", empty)
	}
	// The schema is strict: a field it does not document fails.
	bad := bytes.Replace(render(t, reporters.JSON{}, fx.run, fx.res), []byte(`"fails_run"`), []byte(`"undocumented": 1, "fails_run"`), 1)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(doc) == nil {
		t.Error("schema accepted an undocumented field")
	}
}

func TestJSONFields(t *testing.T) {
	fx := newFixture(t)
	var rep struct {
		Summary struct {
			Failing  int            `json:"failing"`
			ByRadius map[string]int `json:"by_radius"`
		} `json:"summary"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(render(t, reporters.JSON{}, fx.run, fx.res), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Failing != 4 || rep.Summary.ByRadius["destroy"] != 3 || rep.Summary.ByRadius["harmless"] != 2 {
		t.Errorf("summary %+v", rep.Summary)
	}
	for i, f := range rep.Findings {
		if _, ok := f["secret"]; ok {
			t.Errorf("finding %d: secret field without --show-secrets", i)
		}
		if f["radius"] == "" || f["fails_run"] == nil {
			t.Errorf("finding %d: %v", i, f)
		}
	}
	fx.run.ShowSecrets = true
	if err := json.Unmarshal(render(t, reporters.JSON{}, fx.run, fx.res), &rep); err != nil {
		t.Fatal(err)
	}
	for i, f := range rep.Findings {
		if f["secret"] != fx.res.Findings[i].Secret {
			t.Errorf("finding %d: secret missing with --show-secrets", i)
		}
	}
}

func TestJSONExtraMembers(t *testing.T) {
	fx := newFixture(t)
	type action struct {
		Fingerprint string   `json:"fingerprint"`
		RuleID      string   `json:"rule_id"`
		Where       string   `json:"where"`
		Do          []string `json:"do"`
	}
	var acts []action
	for _, f := range fx.res.Findings {
		acts = append(acts, action{f.Fingerprint, f.RuleID, reporters.LocationText(f.Origin, f.Line, f.Column), []string{"rotate it"}})
	}
	rep := reporters.JSON{Extra: map[string]any{
		"verdict": map[string]any{"credentials": len(fx.res.Findings), "by_radius": map[string]int{"destroy": 3, "write_broad": 1, "narrow": 2, "harmless": 2},
			"by_via": map[string]int{"workspace": 5}, "stores_read": 1, "stores_unreadable": 0, "text": "An agent started here can read 8 credentials"},
		"actions": acts,
	}}
	out := render(t, rep, fx.run, fx.res)
	validate(t, compileSchema(t, "report.schema.json"), out)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if _, ok := doc["verdict"]; !ok || doc["actions"] == nil || doc["findings"] == nil {
		t.Errorf("members: %v", doc)
	}
	sk, ac, ve := bytes.Index(out, []byte(`"skipped":`)), bytes.Index(out, []byte(`"actions":`)), bytes.Index(out, []byte(`"verdict":`))
	if !(sk >= 0 && sk < ac && ac < ve) {
		t.Errorf("extra members not appended in key order (verdict last)")
	}
	var buf bytes.Buffer
	if err := (reporters.JSON{Extra: map[string]any{"findings": 1}}).Report(&buf, fx.run, fx.res); err == nil {
		t.Error("an extra member replacing findings was accepted")
	}
}
