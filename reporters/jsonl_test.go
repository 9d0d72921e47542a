package reporters_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
)

// TestJSONLMatchesJSON: every JSONL line is a JSON report member with a
// "type": findings and skipped in the same order, then the summary line
// holding every other top-level member.
func TestJSONLMatchesJSON(t *testing.T) {
	fx := newFixture(t)
	for _, show := range []bool{false, true} {
		fx.run.ShowSecrets = show
		var doc map[string]any
		if err := json.Unmarshal(render(t, reporters.JSON{}, fx.run, fx.res), &doc); err != nil {
			t.Fatal(err)
		}
		out := render(t, reporters.JSONL{}, fx.run, fx.res)
		if !bytes.HasSuffix(out, []byte("\n")) {
			t.Fatal("jsonl output does not end with a newline")
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		findings, skipped := doc["findings"].([]any), doc["skipped"].([]any)
		if len(findings) == 0 || len(skipped) == 0 {
			t.Fatal("the fixture should have findings and skipped items")
		}
		if want := len(findings) + len(skipped) + 1; len(lines) != want {
			t.Fatalf("%d lines, want %d", len(lines), want)
		}
		for i, line := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			typ := m["type"]
			delete(m, "type")
			var want any
			switch {
			case i < len(findings):
				if typ != "finding" {
					t.Fatalf("line %d: type %v, want finding", i+1, typ)
				}
				want = findings[i]
			case i < len(findings)+len(skipped):
				if typ != "skipped" {
					t.Fatalf("line %d: type %v, want skipped", i+1, typ)
				}
				want = skipped[i-len(findings)]
			default:
				if typ != "summary" {
					t.Fatalf("last line: type %v, want summary", typ)
				}
				top := map[string]any{}
				for k, v := range doc {
					if k != "findings" && k != "skipped" {
						top[k] = v
					}
				}
				want = top
			}
			if !reflect.DeepEqual(any(m), want) {
				t.Errorf("line %d differs from the JSON report:\n got %v\nwant %v", i+1, m, want)
			}
		}
		hasSecret := bytes.Contains(out, []byte(`"secret":`))
		if hasSecret != show {
			t.Errorf("show-secrets %v: secret field present %v", show, hasSecret)
		}
	}
}

func TestJSONLEmpty(t *testing.T) {
	out := render(t, reporters.JSONL{}, reporters.Run{Command: "scan"}, &scanner.Result{})
	if bytes.Count(out, []byte("\n")) != 1 || !bytes.HasPrefix(out, []byte(`{"type":"summary"`)) {
		t.Fatalf("an empty run is one summary line, got:\n%s", out)
	}
	if !bytes.Contains(out, []byte(`"roots":[]`)) {
		t.Errorf("roots must be an array: %s", out)
	}
}

func TestJSONShardMember(t *testing.T) {
	sch := compileSchema(t, "report.schema.json")
	fx := newFixture(t)
	fx.run.Shard = &scanner.Shard{Index: 1, Count: 4}
	out := render(t, reporters.JSON{}, fx.run, fx.res)
	validate(t, sch, out)
	if !bytes.Contains(out, []byte(`"shard": {`)) || !bytes.Contains(out, []byte(`"k": 2`)) || !bytes.Contains(out, []byte(`"n": 4`)) {
		t.Errorf("no shard 2/4 member:\n%.500s", out)
	}
	fx.run.Shard = &scanner.Shard{Index: 0, Count: 1} // not split: no member
	if out := render(t, reporters.JSON{}, fx.run, fx.res); bytes.Contains(out, []byte(`"shard"`)) {
		t.Error("a scan of one shard names a shard")
	}
	fx.run.Shard = &scanner.Shard{Index: 2, Count: 3}
	if out := render(t, reporters.JSONL{}, fx.run, fx.res); !bytes.Contains(out, []byte(`"shard":{"k":3,"n":3}`)) {
		t.Error("the JSONL summary line does not name the shard")
	}
}
