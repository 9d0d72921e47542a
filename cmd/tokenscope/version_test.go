package main

import (
	"runtime/debug"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	bi := func(v string, settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{Main: debug.Module{Path: "github.com/tokenscope/tokenscope", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	for _, c := range []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"release build (goreleaser ldflags)", "0.3.1", bi("(devel)"), "0.3.1"},
		{"ldflags with a v", "v0.3.1", nil, "0.3.1"},
		{"ldflags win over build info", "0.3.1", bi("v0.2.0"), "0.3.1"},
		{"go install ...@v0.2.0", "dev", bi("v0.2.0"), "0.2.0"},
		{"go install ...@v1.0.0-rc.1", "dev", bi("v1.0.0-rc.1"), "1.0.0-rc.1"},
		{"build in a checkout: pseudo-version", "dev", bi("v0.0.0-20261202154500-abcdef123456+dirty"), "0.0.0-20261202154500-abcdef123456+dirty"},
		{"devel with a commit", "dev", bi("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "false"), "dev+0123456789ab"},
		{"devel with a modified tree", "dev", bi("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.modified", "true"), "dev+0123456789ab.dirty"},
		{"nothing known", "dev", bi("(devel)"), "dev"},
		{"no build info", "dev", nil, "dev"},
		{"empty main version", "", bi(""), "dev"},
	} {
		if got := resolveVersion(c.linked, c.info); got != c.want {
			t.Errorf("%s: resolveVersion(%q, ...) = %q, want %q", c.name, c.linked, got, c.want)
		}
	}
}
