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
