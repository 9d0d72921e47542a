package scope

import (
	"encoding/json"
	"testing"
)

// One case per row of the table in docs/scope.md, in its order.
func TestSeverityTable(t *testing.T) {
	cases := []struct {
		row  string
		s    Scope
		want Severity
	}{
		{"1 not a secret", Scope{Access: AccessNone, Reach: ReachAccount, Destructive: true}, SevInfo},
		{"2 expired", Scope{Access: AccessAdmin, Reach: ReachAccount, Destructive: true, Lifetime: LifetimeExpired}, SevLow},
		{"2 test mode", Scope{Access: AccessWrite, Reach: ReachAccount, Env: EnvTest}, SevLow},
		{"3 destructive account", Scope{Access: AccessWrite, Reach: ReachAccount, Destructive: true}, SevCritical},
		{"3 destructive org", Scope{Access: AccessWrite, Reach: ReachOrg, Destructive: true}, SevCritical},
		{"3 destructive unknown reach (assumed broad)", Scope{Destructive: true}, SevCritical},
		{"3 admin account", Scope{Access: AccessAdmin, Reach: ReachAccount}, SevCritical},
		{"3 admin unknown reach", Scope{Access: AccessAdmin}, SevCritical},
		{"4 destructive one resource", Scope{Access: AccessWrite, Reach: ReachResource, Destructive: true}, SevHigh},
		{"4 admin one project", Scope{Access: AccessAdmin, Reach: ReachProject}, SevHigh},
		{"5 write account", Scope{Access: AccessWrite, Reach: ReachAccount}, SevHigh},
		{"5 write org", Scope{Access: AccessWrite, Reach: ReachOrg}, SevHigh},
		{"5 unknown access account", Scope{Reach: ReachAccount}, SevHigh},
		{"6 read one resource", Scope{Access: AccessRead, Reach: ReachResource}, SevLow},
		{"6 read one project", Scope{Access: AccessRead, Reach: ReachProject}, SevLow},
		{"7 read account", Scope{Access: AccessRead, Reach: ReachAccount}, SevMedium},
		{"7 read unknown reach", Scope{Access: AccessRead}, SevMedium},
		{"7 write one resource", Scope{Access: AccessWrite, Reach: ReachResource}, SevMedium},
		{"7 write unknown reach", Scope{Access: AccessWrite}, SevMedium},
		{"7 nothing known", Scope{}, SevMedium},
		{"7 production does not raise", Scope{Access: AccessRead, Reach: ReachAccount, Env: EnvProduction}, SevMedium},
		{"ephemeral still counts", Scope{Access: AccessWrite, Reach: ReachOrg, Lifetime: LifetimeEphemeral}, SevHigh},
	}
	for _, c := range cases {
		if got := c.s.Severity(); got != c.want {
			t.Errorf("%s: %+v: got %s, want %s", c.row, c.s, got, c.want)
		}
	}
}

func TestSeverityText(t *testing.T) {
	for s := SevInfo; s <= SevCritical; s++ {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%s: round trip gave %v, %v", s, back, err)
		}
	}
	if Severity(9).String() != "severity(9)" {
		t.Errorf("out of range: %q", Severity(9).String())
	}
	if _, err := ParseSeverity("huge"); err == nil {
		t.Error("ParseSeverity accepted huge")
	}
}

func TestParseLevel(t *testing.T) {
	cases := []struct {
		in    string
		min   Severity
		never bool
	}{
		{"info", SevInfo, false}, {"low", SevLow, false}, {"medium", SevMedium, false},
		{"high", SevHigh, false}, {"broad", SevHigh, false}, {" BROAD ", SevHigh, false},
		{"critical", SevCritical, false}, {"none", 0, true}, {"never", 0, true},
	}
	for _, c := range cases {
		l, err := ParseLevel(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if l.Never != c.never || !c.never && l.Min != c.min {
			t.Errorf("%q: got %+v", c.in, l)
		}
	}
	for _, bad := range []string{"", "severe", "5"} {
		if _, err := ParseLevel(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
	broad, _ := ParseLevel("broad")
	if broad.Trips(SevMedium) || !broad.Trips(SevHigh) || !broad.Trips(SevCritical) {
		t.Error("broad trips wrongly")
	}
	none, _ := ParseLevel("none")
	if none.Trips(SevCritical) || none.String() != "none" || broad.String() != "high" {
		t.Error("none trips or names wrongly")
	}
}

func TestRadius(t *testing.T) {
	cases := []struct {
		s    Scope
		want BlastRadius
	}{
		{Scope{Access: AccessNone}, RadiusHarmless},
		{Scope{Access: AccessAdmin, Reach: ReachAccount, Destructive: true, Env: EnvTest}, RadiusHarmless},
		{Scope{Access: AccessWrite, Reach: ReachAccount, Lifetime: LifetimeExpired}, RadiusHarmless},
		{Scope{Access: AccessWrite, Reach: ReachResource, Destructive: true}, RadiusDestroy},
		{Scope{Destructive: true}, RadiusDestroy},
		{Scope{Access: AccessAdmin, Reach: ReachAccount}, RadiusDestroy},         // critical: never below a high finding
		{Scope{Access: AccessAdmin, Lifetime: LifetimeLongLived}, RadiusDestroy}, // an admin private key (~/.ssh/root key)
		{Scope{Access: AccessAdmin, Reach: ReachProject}, RadiusWriteBroad},
		{Scope{Access: AccessWrite, Reach: ReachOrg}, RadiusWriteBroad},
		{Scope{Reach: ReachAccount}, RadiusWriteBroad},
		{Scope{Access: AccessRead, Reach: ReachAccount}, RadiusNarrow},
		{Scope{Access: AccessWrite, Reach: ReachResource}, RadiusNarrow},
		{Scope{}, RadiusNarrow},
	}
	for _, c := range cases {
		if got := Radius(c.s); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.s, got, c.want)
		}
	}
	if r := Radii(); len(r) != 4 || r[0] != RadiusDestroy || r[3] != RadiusHarmless {
		t.Errorf("Radii order: %v", r)
	}
}

// A doubted scope (its token's checksum fails) is at most medium, and a
// lower severity stays as it is.
func TestDoubtCapsSeverity(t *testing.T) {
	crit := Scope{Access: AccessAdmin, Reach: ReachAccount, Destructive: true}
	if crit.Severity() != SevCritical {
		t.Fatalf("base %s", crit.Severity())
	}
	crit.Doubt = "checksum invalid"
	if got := crit.Severity(); got != SevMedium {
		t.Errorf("doubted critical: %s, want medium", got)
	}
	low := Scope{Access: AccessWrite, Reach: ReachAccount, Env: EnvTest, Doubt: "checksum invalid"}
	if got := low.Severity(); got != SevLow {
		t.Errorf("doubted test-mode: %s, want low", got)
	}
	if !(Level{Min: SevMedium}).Trips(crit.Severity()) || (Level{Min: SevHigh}).Trips(crit.Severity()) {
		t.Errorf("medium must fail --fail-on medium and not --fail-on high")
	}
}
