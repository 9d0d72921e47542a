package reporters

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/tokenscope/tokenscope/scanner"
)

// JSONSchemaVersion is the version of the JSON report's shape, documented
// in docs/json-report.md and checked by reporters/testdata/report.schema.json.
// It changes when a field is removed, renamed or changes meaning; adding a
// field does not change it.
const JSONSchemaVersion = "1"

// JSON writes the report as one JSON document (see docs/json-report.md).
type JSON struct {
	// Extra holds further top-level members, written after the standard
	// ones in key order (reach adds "verdict" and "actions"). A key that
	// names a standard member is an error.
	Extra map[string]any
}

type jsonReport struct {
	Schema   string            `json:"schema_version"`
	Tool     jsonTool          `json:"tool"`
	Command  string            `json:"command"`
	Roots    []string          `json:"roots"`
	FailOn   string            `json:"fail_on"`
	Complete bool              `json:"complete"`
	FPScheme string            `json:"fingerprint_scheme"` // docs/fingerprint.md
	Summary  jsonSummary       `json:"summary"`
	Findings []jsonFinding     `json:"findings"`
	Skipped  []scanner.Skipped `json:"skipped"`
	Notices  []string          `json:"notices,omitempty"`
	Shard    *jsonShard        `json:"shard,omitempty"`
}

// jsonShard is scan --shard K/N: the report covers the items of shard K
// of N (tokenscope merge joins the N reports).
type jsonShard struct {
	K int `json:"k"`
	N int `json:"n"`
}

func shardOf(run Run) *jsonShard {
	if run.Shard == nil || !run.Shard.Active() {
		return nil
	}
	return &jsonShard{K: run.Shard.Index + 1, N: run.Shard.Count}
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
	ByRadius   map[string]int `json:"by_radius"`
	Failing    int            `json:"failing"`
	Suppressed int            `json:"suppressed"`
	// Verification is set with scan --verify.
	Verification *VerifyInfo `json:"verification,omitempty"`
}

// jsonFinding is a scanner.Finding (its fields inline) plus what the
// report derives from it.
type jsonFinding struct {
	scanner.Finding
	// Location is the place as every report prints it (LocationText
	// without line and column).
	Location string `json:"location"`
	// Radius is the blast-radius group id (see Radius.ID).
	Radius string `json:"radius"`
	// FailsRun is the policy stage's Finding.FailsRun, written after
	// radius (this field shadows the embedded one).
	FailsRun bool `json:"fails_run"`
}

func (j JSON) Report(w io.Writer, run Run, res *scanner.Result) error {
	rep := buildJSONReport(run, res)
	if len(j.Extra) == 0 {
		return writeJSON(w, rep)
	}
	// Re-read the report as ordered members and append the extra ones.
	var buf bytes.Buffer
	if err := writeJSON(&buf, rep); err != nil {
		return err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &members); err != nil {
		return err
	}
	keys := make([]string, 0, len(j.Extra))
	for k := range j.Extra {
		if _, ok := members[k]; ok {
			return fmt.Errorf("json report: extra member %q would replace a standard one", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := bytes.TrimRight(buf.Bytes(), "\n")
	out = bytes.TrimSuffix(out, []byte("}"))
	out = bytes.TrimRight(out, "\n")
	for _, k := range keys {
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetIndent("  ", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j.Extra[k]); err != nil {
			return fmt.Errorf("json report: member %q: %w", k, err)
		}
		name, _ := json.Marshal(k)
		out = append(out, ",\n  "...)
		out = append(out, name...)
		out = append(out, ": "...)
		out = append(out, bytes.TrimRight(v.Bytes(), "\n")...)
	}
	out = append(out, "\n}\n"...)
	_, err := w.Write(out)
	return err
}

// buildJSONReport is the JSON report's document; JSONL writes the same
// members a line at a time.
func buildJSONReport(run Run, res *scanner.Result) jsonReport {
	by := map[string]int{"info": 0, "low": 0, "medium": 0, "high": 0, "critical": 0}
	byRadius := map[string]int{}
	for r := RadiusDestroy; r <= RadiusHarmless; r++ {
		byRadius[r.ID()] = 0
	}
	failing, suppressed := 0, 0
	findings := make([]jsonFinding, 0, len(res.Findings))
	for _, f := range res.Findings {
		by[f.Severity.String()]++
		rad := RadiusOf(f.Scope)
		byRadius[rad.ID()]++
		if f.FailsRun {
			failing++
		}
		if f.Suppressed != nil {
			suppressed++
		}
		if !run.ShowSecrets {
			f.Secret = ""
		}
		f.Scope = f.Scope.Normalize()
		findings = append(findings, jsonFinding{Finding: f, Location: LocationText(f.Origin, 0, 0), Radius: rad.ID(), FailsRun: f.FailsRun})
	}
	roots := run.Roots
	if roots == nil {
		roots = []string{}
	}
	skipped := res.Skipped
	if skipped == nil {
		skipped = []scanner.Skipped{}
	}
	return jsonReport{
		Schema:   JSONSchemaVersion,
		Tool:     jsonTool{Name: toolName(run), Version: run.ToolVersion},
		Command:  run.Command,
		Roots:    roots,
		FailOn:   run.FailOn.String(),
		Complete: !run.Incomplete,
		FPScheme: fingerprintScheme(run),
		Summary: jsonSummary{
			Items: res.Stats.Items, Bytes: res.Stats.Bytes, DurationMS: res.Stats.Duration.Milliseconds(),
			Findings: len(res.Findings), Skipped: len(res.Skipped), BySeverity: by, ByRadius: byRadius, Failing: failing,
			Suppressed: suppressed, Verification: run.Verify,
		},
		Findings: findings,
		Skipped:  skipped,
		Notices:  run.Notices,
		Shard:    shardOf(run),
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// fingerprintScheme is run.FingerprintScheme, "v2" when unset.
func fingerprintScheme(run Run) string {
	if run.FingerprintScheme == "" {
		return "v2"
	}
	return run.FingerprintScheme
}
