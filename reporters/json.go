package reporters

import (
	"encoding/json"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// JSONSchemaVersion is the version of the JSON report's shape, documented
// in docs/json-report.md. It changes when a field is removed or renamed.
const JSONSchemaVersion = "1"

// JSON writes the report as one JSON document (see docs/json-report.md).
type JSON struct{}

type jsonReport struct {
	Schema   string            `json:"schema_version"`
	Tool     jsonTool          `json:"tool"`
	Command  string            `json:"command"`
	Roots    []string          `json:"roots"`
	FailOn   string            `json:"fail_on"`
	Summary  jsonSummary       `json:"summary"`
	Findings []scanner.Finding `json:"findings"`
	Skipped  []scanner.Skipped `json:"skipped"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Items      int64          `json:"items"`
	Bytes      int64          `json:"bytes"`
	DurationMS int64          `json:"duration_ms"`
	Findings   int            `json:"findings"`
	Skipped    int            `json:"skipped"`
	BySeverity map[string]int `json:"by_severity"`
	Failing    int            `json:"failing"`
}

func (JSON) Report(w io.Writer, run Run, res *scanner.Result) error {
	by := map[string]int{"info": 0, "low": 0, "medium": 0, "high": 0, "critical": 0}
	failing := 0
	for _, f := range res.Findings {
		by[f.Severity.String()]++
		if run.FailOn.Trips(f.Severity) {
			failing++
		}
	}
	roots := run.Roots
	if roots == nil {
		roots = []string{}
	}
	rep := jsonReport{
		Schema:  JSONSchemaVersion,
		Tool:    jsonTool{Name: run.ToolName, Version: run.ToolVersion},
		Command: run.Command,
		Roots:   roots,
		FailOn:  run.FailOn.String(),
		Summary: jsonSummary{
			Items: res.Stats.Items, Bytes: res.Stats.Bytes, DurationMS: res.Stats.Duration.Milliseconds(),
			Findings: len(res.Findings), Skipped: len(res.Skipped), BySeverity: by, Failing: failing,
		},
		Findings: res.Findings,
		Skipped:  res.Skipped,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
