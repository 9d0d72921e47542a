#!/usr/bin/env bash
# Runs tokenscope for the GitHub Action (action.yml) over the checkout:
# on pull_request events only what the pull request's commits add
# (--git-range BASE..HEAD), otherwise the working tree and its full git
# history. Writes SARIF for code scanning, and the exit code as the step
# output exit-code; the step itself succeeds, so that the SARIF is
# uploaded before the action fails.
#
# Environment (the action sets it from its inputs and the event):
#   TS_BIN          the tokenscope binary (default: tokenscope on PATH)
#   TS_FAIL_ON      --fail-on level (default broad)
#   TS_PATHS        paths to scan, separated by spaces or newlines (default .)
#   TS_ARGS         further arguments, split on spaces (no globbing)
#   TS_SARIF        the SARIF file (default tokenscope.sarif)
#   TS_CATEGORY     --sarif-category (default tokenscope)
#   TS_SCAN         auto (range on pull_request, full otherwise), full, range
#   TS_BASE_SHA, TS_HEAD_SHA  the pull request's base and head commits
#   GITHUB_EVENT_NAME, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: from the runner
set -uo pipefail

bin="${TS_BIN:-tokenscope}"
fail_on="${TS_FAIL_ON:-broad}"
sarif="${TS_SARIF:-tokenscope.sarif}"
category="${TS_CATEGORY:-tokenscope}"
mode="${TS_SCAN:-auto}"

out() { [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1" >> "$GITHUB_OUTPUT"; return 0; }

case "$mode" in auto|full|range) ;; *) echo "::error::scan: '$mode' is not one of auto, full, range"; out "exit-code=2"; exit 2 ;; esac
if [ "$mode" = auto ]; then
  mode=full
  case "${GITHUB_EVENT_NAME:-}" in pull_request|pull_request_target) mode=range ;; esac
fi

args=(scan --format sarif --output "$sarif" --fail-on "$fail_on" --sarif-category "$category" --no-progress)

# have COMMIT: the commit is in the clone, fetched from origin if need be
have() {
  git cat-file -e "$1^{commit}" 2>/dev/null && return 0
  git fetch -q --no-tags origin "$1" 2>/dev/null && git cat-file -e "$1^{commit}" 2>/dev/null
}

if [ "$mode" = range ]; then
  base="${TS_BASE_SHA:-}" head="${TS_HEAD_SHA:-}"
  if [ -z "$base" ] || [ -z "$head" ]; then
    echo "::error::scan: range: no pull request base and head commit (TS_BASE_SHA, TS_HEAD_SHA)"
    out "exit-code=2"; exit 2
  fi
  if ! have "$base" || ! have "$head"; then
    echo "::error::scan: range: $base or $head is not in the clone (use actions/checkout with fetch-depth: 0)"
    out "exit-code=2"; exit 2
  fi
  args+=(--git-range "$base..$head")
  echo "tokenscope: scanning the pull request's commits ($base..$head)"
else
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "::warning::tokenscope: the clone is shallow, so only part of the git history is scanned; use actions/checkout with fetch-depth: 0"
  fi
  echo "tokenscope: scanning the working tree and its git history"
fi

extra=()
[ -n "${TS_ARGS:-}" ] && { set -f; read -r -a extra <<< "${TS_ARGS}"; set +f; }
paths=()
set -f
for p in ${TS_PATHS:-.}; do paths+=("$p"); done
set +f
[ "${#paths[@]}" -eq 0 ] && paths=(.)

{ printf '+ %s' "$bin"; printf ' %s' "${args[@]}" ${extra[@]+"${extra[@]}"} "${paths[@]}"; echo; }
"$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} "${paths[@]}"
code=$?
out "exit-code=$code"
out "sarif-file=$sarif"
if [ -f "$sarif" ]; then
  out "sarif-written=true"
else
  out "sarif-written=false"
fi

results=$(grep -c '"ruleId":' "$sarif" 2>/dev/null)
failing=$(sed -n 's/^ *"failing": \([0-9][0-9]*\).*/\1/p' "$sarif" 2>/dev/null | head -n 1)
case "$code" in
  0) msg="no credential at or above --fail-on $fail_on (${results:-0} findings in all)" ;;
  1) msg="${failing:-some} credentials at or above --fail-on $fail_on (${results:-0} findings in all): see code scanning or $sarif" ;;
  130) msg="the scan was interrupted" ;;
  *) msg="tokenscope could not scan (exit $code): see the log" ;;
esac
echo "tokenscope: $msg"
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && echo "**tokenscope**: $msg" >> "$GITHUB_STEP_SUMMARY"
exit 0
