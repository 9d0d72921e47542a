#!/bin/sh
# Writes what the release archives ship beside the binary: man pages
# (tokenscope man) and shell completion scripts (tokenscope completion),
# both generated from the commands. Run by GoReleaser's before hooks.
#
#   scripts/release-extras.sh [OUTDIR]     (default: build)
#
# $TOKENSCOPE names a tokenscope binary to use; by default one is built.
set -eu
out="${1:-build}"
rm -rf "$out/man" "$out/completions"
mkdir -p "$out/man" "$out/completions"
bin="${TOKENSCOPE:-}"
if [ -z "$bin" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  go build -o "$tmp/tokenscope" ./cmd/tokenscope
  bin="$tmp/tokenscope"
fi
"$bin" man "$out/man" >/dev/null
"$bin" completion bash > "$out/completions/tokenscope.bash"
"$bin" completion zsh > "$out/completions/_tokenscope"
"$bin" completion fish > "$out/completions/tokenscope.fish"
"$bin" completion powershell > "$out/completions/tokenscope.ps1"
echo "release extras written to $out"
