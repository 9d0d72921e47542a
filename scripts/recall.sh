#!/usr/bin/env bash
# Recall benchmark of the built-in detector set (issue 9): prints recall, bare-token recall and the
# share of hard negatives flagged, and writes the per-provider table and the misses to
# ${RECALL_REPORT:-recall-report.txt}. Fails when a figure drops below the floors in
# internal/recall/recall_test.go. The corpus: every rule's credential in its own example, bare and in
# four foreign contexts (generated from the rules' templates), testdata/recall/cases.yaml (realistic
# files) and testdata/recall/negatives.yaml (hard negatives).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${RECALL_REPORT:-recall-report.txt}"
RECALL_REPORT="$(pwd)/$out" go test -count=1 -run '^TestRecall$' -v ./internal/recall | grep -E 'recall_test|^(ok|FAIL|---)'
echo "per-provider table and misses: $out"
