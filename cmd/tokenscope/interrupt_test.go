package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An interrupted scan is never a clean result: exit 130, the terminal says
// so (never "No credentials found."), and JSON and SARIF reports are
// marked incomplete.
func TestScanInterrupted(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "a.txt"), "nothing here\n")
	for _, format := range []string{"terminal", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			var out, errb bytes.Buffer
			s := &Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: func(string) string { return "" }, Environ: func() []string { return nil }}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			root := newRootCmd(s)
			outFile := filepath.Join(t.TempDir(), "report")
			args := []string{"scan", "--history", "none", "-f", format, dir}
			if format != "terminal" {
				args = append(args, "-o", outFile)
			}
			root.SetArgs(args)
			err := root.ExecuteContext(ctx)
			ee, ok := err.(*exitError)
			if !ok || ee.code != exitInterrupted {
				t.Fatalf("err = %v, want exit %d", err, exitInterrupted)
			}
			if !strings.Contains(ee.Error(), "scan interrupted") {
				t.Errorf("error %q does not say the scan was interrupted", ee.Error())
			}
			switch format {
			case "terminal":
				if strings.Contains(out.String(), "No credentials found") || !strings.Contains(out.String(), "interrupted") {
					t.Errorf("terminal report:\n%s", out.String())
				}
			case "json":
				data, _ := os.ReadFile(outFile)
				var doc struct {
					Complete *bool `json:"complete"`
				}
				if err := json.Unmarshal(data, &doc); err != nil || doc.Complete == nil || *doc.Complete {
					t.Errorf("json complete = %v (%v):\n%s", doc.Complete, err, data)
				}
			case "sarif":
				data, _ := os.ReadFile(outFile)
				var doc struct {
					Runs []struct {
						Invocations []struct {
							ExecutionSuccessful bool `json:"executionSuccessful"`
						} `json:"invocations"`
					} `json:"runs"`
				}
				if err := json.Unmarshal(data, &doc); err != nil || len(doc.Runs) != 1 || len(doc.Runs[0].Invocations) != 1 || doc.Runs[0].Invocations[0].ExecutionSuccessful {
					t.Errorf("sarif invocations (%v):\n%s", err, data)
				}
			}
		})
	}
}
