package reporters_test

import (
	"testing"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/reporters"
)

// The reporters' groups are scope.Radius's, in scope.Radii's order.
func TestRadiusFollowsScope(t *testing.T) {
	radii := scope.Radii()
	if len(radii) != 4 {
		t.Fatalf("scope.Radii() has %d groups; reporters know 4", len(radii))
	}
	for i, want := range radii {
		if got := reporters.Radius(i).Title(); got != string(want) {
			t.Errorf("group %d: title %q, scope says %q", i, got, want)
		}
	}
	for _, tc := range []struct {
		s    scope.Scope
		want reporters.Radius
	}{
		{scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Destructive: true}, reporters.RadiusDestroy},
		{scope.Scope{Access: scope.AccessAdmin, Reach: scope.ReachOrg}, reporters.RadiusDestroy}, // critical
		{scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachOrg}, reporters.RadiusBroad},
		{scope.Scope{Access: scope.AccessRead, Reach: scope.ReachResource}, reporters.RadiusNarrow},
		{scope.Scope{Access: scope.AccessWrite, Reach: scope.ReachAccount, Env: scope.EnvTest, Destructive: true}, reporters.RadiusHarmless},
		{scope.Scope{Access: scope.AccessNone}, reporters.RadiusHarmless},
	} {
		if got := reporters.RadiusOf(tc.s); got != tc.want {
			t.Errorf("RadiusOf(%s) = %s, want %s", tc.s.Words(), got.Title(), tc.want.Title())
		}
	}
}
