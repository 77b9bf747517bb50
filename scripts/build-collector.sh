#!/usr/bin/env bash
# build-collector.sh - build (or reuse) the "otelcol-offt" OpenTelemetry Collector binary
# with the OpenTelemetry Collector Builder (OCB), and print its absolute path.
#
# Usage:
#   scripts/build-collector.sh [manifest]      # default: collector-config/manifest.yaml
#   BIN=$(scripts/build-collector.sh)          # stdout carries ONLY the binary path (last line)
#   scripts/build-collector.sh collector-config/manifest-cloud.yaml   # cloud variant, on demand
#
# What it does:
#   * checks that Go >= 1.25 is installed (OCB needs it);
#   * installs the builder (go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION) into a
#     cache dir outside the repo: ${OFFT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/openfeature-otel-tracking};
#   * builds into <cache>/collector/<sha256 of manifest + builder version + GOOS/GOARCH>/, and
#     skips the build when that binary already exists and runs (`--version`);
#   * builds in a temp dir inside the cache and renames the finished binary into place, so an
#     interrupted build never leaves a half-written binary that would be taken as cached.
# The builder already compiles with -trimpath and -ldflags="-s -w"; CGO is disabled here.
# All progress goes to stderr. Environment: OFFT_CACHE_DIR, GOPROXY etc. are honoured.
set -euo pipefail

# Must match the component versions in collector-config/manifest*.yaml
# (core beta + contrib v0.152.0, stable confmap providers v1.58.0).
BUILDER_VERSION="v0.152.0"
MIN_GO_MAJOR=1
MIN_GO_MINOR=25

log() { printf '[build-collector] %s\n' "$*" >&2; }
die() { printf '[build-collector] ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

MANIFEST="${1:-$REPO_ROOT/collector-config/manifest.yaml}"
[[ -f "$MANIFEST" ]] || die "manifest not found: $MANIFEST"
MANIFEST="$(cd "$(dirname "$MANIFEST")" && pwd)/$(basename "$MANIFEST")"

# --- Go toolchain check -------------------------------------------------------------------
command -v go >/dev/null 2>&1 ||
  die "Go is not installed (or not on PATH). The OpenTelemetry Collector Builder needs Go >= ${MIN_GO_MAJOR}.${MIN_GO_MINOR}: https://go.dev/dl/"
GO_VERSION="$(go env GOVERSION 2>/dev/null || true)"
if [[ "$GO_VERSION" =~ ^go([0-9]+)\.([0-9]+) ]]; then
  go_major="${BASH_REMATCH[1]}"
  go_minor="${BASH_REMATCH[2]}"
  if ((go_major < MIN_GO_MAJOR || (go_major == MIN_GO_MAJOR && go_minor < MIN_GO_MINOR))); then
    die "Go ${MIN_GO_MAJOR}.${MIN_GO_MINOR}+ is required by the OpenTelemetry Collector Builder, found ${GO_VERSION}. Install a newer Go: https://go.dev/dl/"
  fi
else
  log "warning: cannot parse Go version '${GO_VERSION}', continuing"
fi

# --- cache layout -------------------------------------------------------------------------
CACHE_DIR="${OFFT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/openfeature-otel-tracking}"
mkdir -p "$CACHE_DIR"
CACHE_DIR="$(cd "$CACHE_DIR" && pwd)"

DIST_NAME="$(awk '/^dist:/{d=1;next} d&&/^[^[:space:]#]/{d=0} d&&$1=="name:"{print $2; exit}' "$MANIFEST")"
[[ -n "$DIST_NAME" ]] || die "could not read dist.name from $MANIFEST"

GOOS_ARCH="$(go env GOOS)/$(go env GOARCH)"
HASH="$( { printf 'builder=%s\nplatform=%s\n' "$BUILDER_VERSION" "$GOOS_ARCH"; cat "$MANIFEST"; } |
  sha256sum | cut -c1-64)"
OUT_DIR="$CACHE_DIR/collector/$HASH"
BIN="$OUT_DIR/$DIST_NAME"

is_usable() { [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

if is_usable "$BIN"; then
  log "cached: $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

mkdir -p "$CACHE_DIR/collector"
# Serialise concurrent builds of the same manifest (if flock is available).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/collector/$HASH.lock"
  flock 9
  if is_usable "$BIN"; then # another process finished it while we waited
    log "cached: $BIN"
    printf '%s\n' "$BIN"
    exit 0
  fi
fi

# --- builder ------------------------------------------------------------------------------
BUILDER_BIN_DIR="$CACHE_DIR/bin/builder-$BUILDER_VERSION"
BUILDER="$BUILDER_BIN_DIR/builder"
if [[ ! -x "$BUILDER" ]]; then
  log "installing OpenTelemetry Collector Builder $BUILDER_VERSION into $BUILDER_BIN_DIR"
  mkdir -p "$BUILDER_BIN_DIR"
  GOBIN="$BUILDER_BIN_DIR" CGO_ENABLED=0 go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2 ||
    die "go install go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION failed"
fi

# --- build (atomic) -----------------------------------------------------------------------
TMP_DIR="$(mktemp -d "$CACHE_DIR/collector/.build-$HASH.XXXXXX")"
cleanup() { rm -rf "$TMP_DIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building $DIST_NAME from $MANIFEST (Go $GO_VERSION, builder $BUILDER_VERSION)"
log "output: $OUT_DIR (this takes several minutes on a cold cache)"
start=$(date +%s)
CGO_ENABLED=0 "$BUILDER" --config="$MANIFEST" --output-path="$TMP_DIR/src" >&2 ||
  die "collector build failed (manifest: $MANIFEST)"
[[ -x "$TMP_DIR/src/$DIST_NAME" ]] || die "builder finished but $TMP_DIR/src/$DIST_NAME is missing"
is_usable "$TMP_DIR/src/$DIST_NAME" || die "built binary does not run: $TMP_DIR/src/$DIST_NAME --version"

mkdir -p "$OUT_DIR"
cp "$MANIFEST" "$OUT_DIR/manifest.yaml"
# Same filesystem -> rename(2) is atomic: the final path is either absent or complete.
mv -f "$TMP_DIR/src/$DIST_NAME" "$BIN"
log "built in $(($(date +%s) - start))s: $BIN"
printf '%s\n' "$BIN"
