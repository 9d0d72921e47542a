package reporters_test

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/reporters"
)

// TestNoticesInEveryReport: what a config turned off is said in every
// format, and the JSON and SARIF reports still validate.
func TestNoticesInEveryReport(t *testing.T) {
	fx := newFixture(t)
	fx.run.Notices = []string{"config .tokenscope.yaml disables rule x-token, which detects broad credentials", "second \x1b[2Jnotice"}
	applyPolicy(fx.run, fx.res)

	term := string(render(t, reporters.Terminal{}, fx.run, fx.res))
	if !strings.Contains(term, "notice: config .tokenscope.yaml disables rule x-token") {
		t.Errorf("terminal lacks the notice:\n%s", term)
	}
	if strings.Contains(term, "\x1b[2J") {
		t.Errorf("terminal notice not escaped")
	}
	js := render(t, reporters.JSON{}, fx.run, fx.res)
	validate(t, compileSchema(t, "report.schema.json"), js)
	if !strings.Contains(string(js), `"notices": [`) {
		t.Errorf("json lacks notices")
	}
	sarif := render(t, reporters.SARIF{}, fx.run, fx.res)
	validate(t, compileSchema(t, "sarif-2.1.0.json"), sarif)
	if !strings.Contains(string(sarif), `"toolConfigurationNotifications"`) || !strings.Contains(string(sarif), "disables rule x-token") {
		t.Errorf("sarif lacks the notice")
	}
	if !strings.Contains(string(render(t, reporters.JSONL{}, fx.run, fx.res)), `"notices":["config`) {
		t.Errorf("jsonl summary lacks notices")
	}

	// none: no member at all (the report's shape is unchanged)
	fx.run.Notices = nil
	if strings.Contains(string(render(t, reporters.JSON{}, fx.run, fx.res)), "notices") {
		t.Errorf("json has notices without any")
	}
}
