package reporters

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/tokenscope/tokenscope/scanner"
)

// JSONL writes the report as JSON Lines (see docs/json-report.md): one
// compact object a line, each with a "type": a "finding" line per finding
// (the members of a JSON report's findings[] entry), a "skipped" line per
// skipped item (as skipped[]), then one "summary" line, always last, with
// the JSON report's top-level members but findings and skipped. A log
// pipeline can ship each line as one event; a reader that needs the whole
// run waits for the summary line (its absence means the run was cut).
type JSONL struct{}

type jsonlFinding struct {
	Type string `json:"type"`
	jsonFinding
}

type jsonlSkipped struct {
	Type string `json:"type"`
	scanner.Skipped
}

type jsonlSummary struct {
	Type     string      `json:"type"`
	Schema   string      `json:"schema_version"`
	Tool     jsonTool    `json:"tool"`
	Command  string      `json:"command"`
	Roots    []string    `json:"roots"`
	FailOn   string      `json:"fail_on"`
	Complete bool        `json:"complete"`
	FPScheme string      `json:"fingerprint_scheme"`
	Summary  jsonSummary `json:"summary"`
	Notices  []string    `json:"notices,omitempty"`
	Shard    *jsonShard  `json:"shard,omitempty"`
}

func (JSONL) Report(w io.Writer, run Run, res *scanner.Result) error {
	rep := buildJSONReport(run, res)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw) // Encode ends every value with a newline
	enc.SetEscapeHTML(false)
	for _, f := range rep.Findings {
		if err := enc.Encode(jsonlFinding{Type: "finding", jsonFinding: f}); err != nil {
			return err
		}
	}
	for _, s := range rep.Skipped {
		if err := enc.Encode(jsonlSkipped{Type: "skipped", Skipped: s}); err != nil {
			return err
		}
	}
	if err := enc.Encode(jsonlSummary{
		Type: "summary", Schema: rep.Schema, Tool: rep.Tool, Command: rep.Command,
		Roots: rep.Roots, FailOn: rep.FailOn, Complete: rep.Complete, FPScheme: rep.FPScheme, Summary: rep.Summary,
		Notices: rep.Notices, Shard: rep.Shard,
	}); err != nil {
		return err
	}
	return bw.Flush()
}
