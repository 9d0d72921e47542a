package verify

import (
	"fmt"
	"testing"

	"github.com/tokenscope/tokenscope/detectors"
	"github.com/tokenscope/tokenscope/rules"
)

func mustSet(t *testing.T) *detectors.Set {
	t.Helper()
	set, err := rules.BuiltinSet()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func fmtString(v any) string { return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) }
