package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenscope/tokenscope/reporters"
	"github.com/tokenscope/tokenscope/scanner"
	gitsrc "github.com/tokenscope/tokenscope/scanner/git"
)

// shardReport is what merge reads of a JSON report (docs/json-report.md).
type shardReport struct {
	Schema   string   `json:"schema_version"`
	Command  string   `json:"command"`
	Roots    []string `json:"roots"`
	Complete bool     `json:"complete"`
	FPScheme string   `json:"fingerprint_scheme"`
	Shard    *struct {
		K int `json:"k"`
		N int `json:"n"`
	} `json:"shard"`
	Summary struct {
		Items int64 `json:"items"`
		Bytes int64 `json:"bytes"`
	} `json:"summary"`
	Findings []scanner.Finding `json:"findings"`
	Skipped  []scanner.Skipped `json:"skipped"`
	Notices  []string          `json:"notices"`
}

func newCmdMerge(s *Streams) *cobra.Command {
	var format, output, failOn, category string
	var showSecrets bool
	cmd := &cobra.Command{
		Use:   "merge REPORT.json|DIR ...",
		Short: "Join the JSON reports of sharded scans (scan --shard K/N) into one report",
		Long: `Join JSON reports (scan --format json), typically the N shards of one scan
(scan --shard K/N), into one report in any format; a directory stands for
the *.json reports in it. Findings are pooled and
normalised as one scan normalises them (a credential at one place once,
the same order), --fail-on applies to the whole, and a shard that is
missing (no report for K of N) or incomplete (interrupted) makes the
merged report incomplete, with the missing coverage listed as skipped.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage error, an unreadable report, or missing or incomplete shards
(when nothing reaches --fail-on).`,
		Example: `  tokenscope merge shard-*.json --format sarif -o results.sarif
  tokenscope merge a.json b.json --fail-on broad`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lvl, _, err := parseReportFlags(failOn, "1", format)
			if err != nil {
				return err
			}
			res, roots, incomplete, notices, scheme, err := mergeReports(args)
			if err != nil {
				return err
			}
			if !showSecrets {
				for i := range res.Findings {
					res.Findings[i].Secret = ""
				}
			}
			newPolicy(lvl).Apply(res)
			infos, err := ruleInfos()
			if err != nil {
				return err
			}
			cwd, _ := os.Getwd()
			rerr := report(s, format, output, reporters.Run{
				ToolName: "tokenscope", ToolVersion: version, Command: "scan",
				Category: category, Roots: roots, Rules: infos, FailOn: lvl,
				ShowSecrets: showSecrets, Color: s.colorAllowed() && output == "",
				BaseDir: cwd, Incomplete: len(incomplete) > 0, FingerprintScheme: scheme,
				Notices: notices,
			}, res)
			if rerr == nil && len(incomplete) > 0 {
				return &exitError{code: exitUsage, err: fmt.Errorf("merge: missing coverage: %s", strings.Join(incomplete, "; "))}
			}
			return rerr
		},
	}
	f := cmd.Flags()
	f.StringVarP(&format, "format", "f", "terminal", "report format: terminal, json, jsonl or sarif")
	f.StringVarP(&output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&failOn, "fail-on", "low", "exit 1 when a finding reaches this severity: info, low, medium, high (alias broad), critical, none")
	f.StringVar(&category, "sarif-category", "tokenscope/scan", "SARIF runAutomationDetails category")
	f.BoolVar(&showSecrets, "show-secrets", false, "keep raw secrets that the reports hold (scans run with --show-secrets)")
	return cmd
}

// mergeReports reads the reports and pools them. incomplete lists the
// missing coverage in words (a missing shard, an interrupted one).
func mergeReports(args []string) (res *scanner.Result, roots, incomplete, notices []string, scheme string, err error) {
	var paths []string
	for _, a := range args {
		if info, serr := os.Stat(a); serr == nil && info.IsDir() {
			// a directory: its *.json reports, in name order
			m, _ := filepath.Glob(filepath.Join(a, "*.json"))
			sort.Strings(m)
			if len(m) == 0 {
				return nil, nil, nil, nil, "", usageErr("merge: %s holds no *.json report", a)
			}
			paths = append(paths, m...)
			continue
		}
		paths = append(paths, a)
	}
	res = &scanner.Result{Findings: []scanner.Finding{}, Skipped: []scanner.Skipped{}}
	seenRoot := map[string]bool{}
	seenNotice := map[string]bool{}
	shardN := 0
	have := map[int]string{}
	for i, p := range paths {
		data, rerr := os.ReadFile(p)
		if rerr != nil {
			return nil, nil, nil, nil, "", usageErr("merge: %v", rerr)
		}
		var r shardReport
		if jerr := json.Unmarshal(data, &r); jerr != nil || r.Schema == "" {
			if jerr == nil {
				jerr = errors.New("no schema_version: not a tokenscope JSON report (scan --format json)")
			}
			return nil, nil, nil, nil, "", usageErr("merge: %s: %v", p, jerr)
		}
		if r.Schema != reporters.JSONSchemaVersion {
			return nil, nil, nil, nil, "", usageErr("merge: %s: schema_version %q, this tokenscope reads %q", p, r.Schema, reporters.JSONSchemaVersion)
		}
		if i == 0 {
			scheme = r.FPScheme
		} else if r.FPScheme != scheme {
			return nil, nil, nil, nil, "", usageErr("merge: %s: fingerprint scheme %q, %s has %q: the same credential would not match", p, r.FPScheme, paths[0], scheme)
		}
		if r.Shard != nil {
			if shardN == 0 {
				shardN = r.Shard.N
			} else if r.Shard.N != shardN {
				return nil, nil, nil, nil, "", usageErr("merge: %s is shard %d/%d, another report is of %d shards", p, r.Shard.K, r.Shard.N, shardN)
			}
			if prev, dup := have[r.Shard.K]; dup {
				return nil, nil, nil, nil, "", usageErr("merge: %s and %s are both shard %d/%d", prev, p, r.Shard.K, r.Shard.N)
			}
			have[r.Shard.K] = p
		}
		if !r.Complete {
			incomplete = append(incomplete, p+" is incomplete (the scan was interrupted)")
		}
		for _, root := range r.Roots {
			if !seenRoot[root] {
				seenRoot[root] = true
				roots = append(roots, root)
			}
		}
		for _, n := range r.Notices {
			if !seenNotice[n] {
				seenNotice[n] = true
				notices = append(notices, n)
			}
		}
		res.Findings = append(res.Findings, r.Findings...)
		res.Skipped = append(res.Skipped, r.Skipped...)
		res.Stats.Items += r.Summary.Items
		res.Stats.Bytes += r.Summary.Bytes
	}
	if shardN > 0 {
		for k := 1; k <= shardN; k++ {
			if _, ok := have[k]; !ok {
				msg := fmt.Sprintf("shard %d/%d is missing: its items were not scanned", k, shardN)
				incomplete = append(incomplete, msg)
				res.Skipped = append(res.Skipped, scanner.Skipped{Reason: msg, Kind: scanner.SkipSource})
			}
		}
	}
	res.Findings = gitsrc.Regroup(scanner.Normalize(res.Findings), roots)
	res.Skipped = dedupSkipped(res.Skipped)
	res.Stats.Skipped = int64(len(res.Skipped))
	return res, roots, incomplete, notices, scheme, nil
}

// dedupSkipped sorts skipped entries by path (as a scan reports them) and
// drops exact repeats (a source-wide skip every shard reported).
func dedupSkipped(sk []scanner.Skipped) []scanner.Skipped {
	sort.SliceStable(sk, func(i, j int) bool {
		if sk[i].Path != sk[j].Path {
			return sk[i].Path < sk[j].Path
		}
		return sk[i].Reason < sk[j].Reason
	})
	out := sk[:0]
	var last []byte
	for _, s := range sk {
		b, _ := json.Marshal(s)
		if last != nil && string(b) == string(last) {
			continue
		}
		last = b
		out = append(out, s)
	}
	return out
}
