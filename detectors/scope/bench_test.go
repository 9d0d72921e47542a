package scope_test

import (
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/detectors/scope"
	"github.com/tokenscope/tokenscope/internal/testtoken"
)

func BenchmarkDecoders(b *testing.B) {
	g := testtoken.New(21)
	now := time.Now()
	cases := []struct {
		name string
		dec  scope.DecodeFunc
		tok  string
		base scope.Scope
	}{
		{"pypi", scope.DecodePyPIMacaroon, g.PyPI("pypi.org", testtoken.PyPIProjects("a"), testtoken.PyPIUser(g.UUID()),
			testtoken.PyPIExpiry(now.Add(time.Hour), now)), pypiBase},
		{"fly", scope.DecodeFlyMacaroon, g.FlyToken([]testtoken.FlyCaveat{testtoken.FlyOrg(1, testtoken.FlyAll),
			testtoken.FlyApps(testtoken.FlyAll, 7), g.Fly3P("https://api.fly.io/aaa/v1")},
			[]testtoken.FlyCaveat{testtoken.FlyConfineOrg(1), testtoken.FlyValidity(now, now.Add(time.Hour))}), flyBase},
		{"sas", scope.DecodeAzureSAS, g.SASURL(testtoken.SAS{Account: "a", SS: "b", SRT: "sco", SP: "rwdl", Expiry: now}), sasBase},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.dec(c.tok, c.base)
			}
		})
	}
}

func BenchmarkApplyContext(b *testing.B) {
	ctx := scope.Context{Path: "services/api/.env.production", Key: "RAILWAY_API_TOKEN", Line: "RAILWAY_API_TOKEN=xxxxxxxx"}
	b.ReportAllocs()
	for b.Loop() {
		scope.ApplyContext(scope.Scope{}, ctx)
	}
}
