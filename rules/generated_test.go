package rules

import (
	"github.com/tokenscope/tokenscope/detectors"
	"os"
	"reflect"
	"testing"
)

// TestGeneratedSpecsUpToDate fails when builtin_gen.go is not what
// rules/*.yaml say: the binary carries the generated specs, the YAML is
// what authors edit.
func TestGeneratedSpecsUpToDate(t *testing.T) {
	yamlSpecs, err := DecodeFS(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	if len(yamlSpecs) < 100 {
		t.Fatalf("rules/*.yaml decoded to %d specs; expected the built-in set", len(yamlSpecs))
	}
	const fix = "rules/builtin_gen.go is out of date with rules/*.yaml: run `go generate ./rules` and commit the result"
	if len(yamlSpecs) != len(builtinSpecs) {
		t.Fatalf("%s (%d specs in YAML, %d generated)", fix, len(yamlSpecs), len(builtinSpecs))
	}
	if len(builtinMaxLen) != len(builtinSpecs) {
		t.Fatalf("%s (%d specs, %d bounds)", fix, len(builtinSpecs), len(builtinMaxLen))
	}
	for i := range yamlSpecs {
		if !reflect.DeepEqual(yamlSpecs[i], builtinSpecs[i]) {
			t.Fatalf("%s (first difference: rule %q)", fix, yamlSpecs[i].ID)
		}
		// the bound the loader takes on trust is the one CompileRule
		// computes from the pattern
		r, err := detectors.CompileRule(yamlSpecs[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.PatternLen() != builtinMaxLen[i] {
			t.Fatalf("%s (rule %q: bound %d generated, %d computed)", fix, yamlSpecs[i].ID, builtinMaxLen[i], r.PatternLen())
		}
	}
}
