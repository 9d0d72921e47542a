#!/usr/bin/env bash
# Measures tokenscope end to end on a directory tree:
#   scripts/bench.sh [DIR] [RUNS]
# DIR defaults to Go's own source tree, $(go env GOROOT)/src; RUNS to 3.
# Prints, per run, MB/s (bytes scanned, from the JSON summary, over wall
# time), CPU seconds (user + system) and peak RSS, then start-up time, and,
# when ripgrep is installed, rg over the same tree with the same literals
# as a speed reference. Set TOKENSCOPE_BENCH_FLAGS to pass extra scan flags
# (e.g. "--no-history" or "-j 1").
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-$(go env GOROOT)/src}
runs=${2:-3}
[ -d "$dir" ] || { echo "bench: $dir is not a directory" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is needed for peak RSS (apt-get install -y time)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$work/tokenscope
go build -trimpath -o "$bin" ./cmd/tokenscope
flags=${TOKENSCOPE_BENCH_FLAGS:-}

echo "tree:  $dir"
echo "host:  $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'), $(go version | cut -d' ' -f3)"
echo

# field extracts a number from the JSON summary without needing jq.
field() { grep -o "\"$1\": *[0-9]*" "$2" | head -1 | grep -o '[0-9]*$'; }

echo "scan (each run: tokenscope scan --format json --fail-on none $flags DIR)"
for i in $(seq 1 "$runs"); do
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    "$bin" scan --format json --fail-on none --no-progress $flags -o "$work/report.json" "$dir"
  read -r wall user sys rss <"$work/time"
  bytes=$(field bytes "$work/report.json")
  items=$(field items "$work/report.json")
  findings=$(field findings "$work/report.json")
  awk -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v n="$items" -v f="$findings" -v i="$i" 'BEGIN {
    printf "  run %d: %d files, %.1f MB in %.2f s wall = %.0f MB/s; cpu %.2f s (%.0f MB per cpu-s); peak RSS %.1f MB; %d findings\n",
      i, n, b/1e6, w, (w > 0 ? b/1e6/w : 0), u+s, (u+s > 0 ? b/1e6/(u+s) : 0), r/1024, f }'
done

echo
echo "start-up (version: the bare process; rules list and a scan of an empty dir: every rule compiled)"
mkdir -p "$work/empty"
for c in "version" "rules list" "scan $work/empty"; do
  best=""
  for i in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" $c >/dev/null 2>&1 || true
    read -r wall user sys rss <"$work/time"
    best=$(awk -v a="${best:-999}" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
  done
  awk -v w="$best" -v c="$c" -v r="$rss" 'BEGIN { printf "  tokenscope %-12s best of 5: %4.0f ms wall, peak RSS %.1f MB\n", c, w*1000, r/1024 }' \
    | sed "s|$work/empty|EMPTY|"
done

if command -v rg >/dev/null; then
  echo
  echo "reference: ripgrep with the same literals (rg -c -F -i -f literals.txt DIR)"
  "$bin" rules list --literals | grep -v "^$" >"$work/literals.txt"
  echo "  $(wc -l <"$work/literals.txt") literals"
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" rg -c -F -i -f "$work/literals.txt" --no-ignore --hidden -j "$(nproc)" "$dir" >/dev/null || true
    read -r wall user sys rss <"$work/time"
    awk -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v i="$i" 'BEGIN {
      printf "  run %d: %.2f s wall = %.0f MB/s; cpu %.2f s; peak RSS %.1f MB\n", i, w, (w > 0 ? b/1e6/w : 0), u+s, r/1024 }'
  done
fi
