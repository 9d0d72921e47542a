#!/usr/bin/env bash
# Installs tokenscope for the GitHub Action (action.yml): the released
# binary for the runner's OS and architecture, checked against the
# release's checksums.txt; or, when no release can be had (mode auto) or
# when asked (mode source), built with the Go toolchain from the action's
# own checkout (the same commit as the action), else go install.
#
# Environment (the action sets it from its inputs):
#   TS_VERSION      "", "latest", "0.2.0" or "v0.2.0"; "" is the action's
#                   ref when it is a version tag (uses: ...@v0.2.0), else latest
#   TS_INSTALL      auto (release, then source), release, source
#   TS_INSTALL_DIR  where the binary goes (default $RUNNER_TEMP/tokenscope-bin)
#   TS_BASE_URL     the releases page (default https://github.com/tokenscope/tokenscope/releases)
#   TS_ACTION_REF   the action's ref (github.action_ref)
#   GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH, GITHUB_PATH, GITHUB_OUTPUT: from the runner
set -euo pipefail

base_url="${TS_BASE_URL:-https://github.com/tokenscope/tokenscope/releases}"
mode="${TS_INSTALL:-auto}"
dest="${TS_INSTALL_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenscope-bin}"
src="${GITHUB_ACTION_PATH:-}"
version="${TS_VERSION:-}"

log() { echo "tokenscope install: $*" >&2; }
die() { echo "::error::tokenscope install: $*" >&2; exit 1; }

case "$mode" in auto|release|source) ;; *) die "install: '$mode' is not one of auto, release, source" ;; esac

if [ -z "$version" ]; then
  case "${TS_ACTION_REF:-}" in
    v[0-9]*.*) version="${TS_ACTION_REF}" ;;
    *) version=latest ;;
  esac
fi

os="${RUNNER_OS:-$(uname -s)}"
case "$os" in
  Linux|linux) os=linux ;;
  macOS|Darwin|darwin) os=darwin ;;
  Windows|MINGW*|MSYS*|CYGWIN*|windows) os=windows ;;
  *) die "unsupported OS $os" ;;
esac
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$arch" in
  X64|x86_64|amd64) arch=amd64 ;;
  ARM64|aarch64|arm64) arch=arm64 ;;
  *) die "unsupported architecture $arch" ;;
esac
exe=tokenscope
[ "$os" = windows ] && exe=tokenscope.exe

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# install_release prints nothing on success; returns 1 when no release
# could be downloaded (the caller may fall back); a checksum mismatch is
# fatal, never a reason to fall back.
install_release() {
  local tag="$version"
  if [ "$tag" = latest ]; then
    # the latest release's page redirects to .../tag/vX.Y.Z
    local url
    url=$(curl -fsSL -o /dev/null -w '%{url_effective}' "$base_url/latest") || return 1
    tag="${url##*/}"
    case "$tag" in v[0-9]*) ;; *) log "no release found at $base_url/latest"; return 1 ;; esac
  fi
  case "$tag" in v*) ;; *) tag="v$tag" ;; esac
  local ver="${tag#v}" ext=tar.gz
  [ "$os" = windows ] && ext=zip
  local archive="tokenscope_${ver}_${os}_${arch}.${ext}"
  local tmp
  tmp=$(mktemp -d)
  log "downloading $archive ($tag)"
  if ! curl -fsSL -o "$tmp/$archive" "$base_url/download/$tag/$archive" ||
     ! curl -fsSL -o "$tmp/checksums.txt" "$base_url/download/$tag/checksums.txt"; then
    rm -rf "$tmp"
    log "no release asset $archive for $tag"
    return 1
  fi
  local want got
  want=$(awk -v f="$archive" '$2 == f || $2 == "*"f { print $1 }' "$tmp/checksums.txt")
  got=$(sha256 "$tmp/$archive")
  if [ -z "$want" ]; then rm -rf "$tmp"; die "checksums.txt of $tag does not list $archive"; fi
  if [ "$want" != "$got" ]; then rm -rf "$tmp"; die "checksum mismatch for $archive: want $want, got $got"; fi
  mkdir -p "$tmp/x" "$dest"
  if [ "$ext" = zip ]; then unzip -q "$tmp/$archive" -d "$tmp/x"; else tar -xzf "$tmp/$archive" -C "$tmp/x"; fi
  [ -f "$tmp/x/$exe" ] || { rm -rf "$tmp"; die "$archive holds no $exe"; }
  mv -f "$tmp/x/$exe" "$dest/$exe"
  chmod +x "$dest/$exe"
  rm -rf "$tmp"
}

install_source() {
  command -v go >/dev/null 2>&1 || die "no release could be installed and Go is not on PATH (add actions/setup-go, or install: source)"
  mkdir -p "$dest"
  if [ -n "$src" ] && [ -f "$src/go.mod" ] && grep -q '^module github.com/tokenscope/tokenscope$' "$src/go.mod"; then
    log "building from the action's source ($src)"
    local ld=""
    [ "$version" != latest ] && ld="-X main.version=${version#v}"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$dest/$exe" ./cmd/tokenscope)
  else
    local at="$version"
    [ "$at" != latest ] && case "$at" in v*) ;; *) at="v$at" ;; esac
    log "go install github.com/tokenscope/tokenscope/cmd/tokenscope@$at"
    GOBIN="$dest" CGO_ENABLED=0 go install "github.com/tokenscope/tokenscope/cmd/tokenscope@$at"
  fi
}

case "$mode" in
  release) install_release || die "no release $version for $os/$arch at $base_url" ;;
  source) install_source ;;
  auto) install_release || { log "falling back to a build from source"; install_source; } ;;
esac

installed=$("$dest/$exe" version)
log "installed $installed in $dest"
[ -n "${GITHUB_PATH:-}" ] && echo "$dest" >> "$GITHUB_PATH"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "version=${installed#tokenscope }" >> "$GITHUB_OUTPUT"
  echo "bin=$dest/$exe" >> "$GITHUB_OUTPUT"
fi
