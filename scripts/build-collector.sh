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
# The builder only generates the sources (--skip-get-modules --skip-compilation); this script
# then runs `go build -mod=mod -trimpath -ldflags="-s -w"` with CGO_ENABLED=0 (the same flags OCB
# uses). Why not let OCB resolve modules itself: its `go mod tidy` also resolves the *test-only*
# dependencies of every component (e.g. service/telemetry/telemetrytest, zpagesextension), and the
# Go module proxy reachable here refuses some of those versions; `go build -mod=mod` needs only
# what is actually compiled in.
# Module hashes: every manifest has a pinned go.sum beside it (manifest.yaml -> manifest.go.sum),
# copied into the generated sources, so `go build` verifies every module it downloads against the
# hashes committed in this repository, like a lock file. The checksum database reachable here has
# no entry for some contrib modules (clickhouseexporter, extension/encoding/*, googlecloud* ...), so
# only when (re)creating a pinned go.sum (OFFT_UPDATE_GO_SUM=1, after changing a manifest) are
# contrib modules taken from the proxy without the checksum database (OFFT_GONOSUMDB); review
# the diff of the new go.sum before committing it.
# All progress goes to stderr. Environment: OFFT_CACHE_DIR, OFFT_UPDATE_GO_SUM, OFFT_GONOSUMDB, GOPROXY.
set -euo pipefail

# Must match the component versions in collector-config/manifest*.yaml
# (core beta + contrib v0.152.0, stable confmap providers v1.58.0).
BUILDER_VERSION="v0.152.0"
MIN_GO_MAJOR=1
# 1.26: the local GOFF components (collector-components/) need GO Feature Flag v1.55.2, which asks for go 1.26.6.
MIN_GO_MINOR=26
# Bump when the way the binary is built changes, so old cached binaries are not reused.
BUILD_RECIPE="ocb-generate+go-build-mod-mod/1"
OFFT_GONOSUMDB="${OFFT_GONOSUMDB-github.com/open-telemetry/opentelemetry-collector-contrib}"

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

PINNED_SUM="${MANIFEST%.yaml}.go.sum"
UPDATE_SUM="${OFFT_UPDATE_GO_SUM:-}"
if [[ ! -f "$PINNED_SUM" && -z "$UPDATE_SUM" ]]; then
  die "no pinned module hashes at $PINNED_SUM; create them with OFFT_UPDATE_GO_SUM=1 $0 $MANIFEST and review them"
fi
GOOS_ARCH="$(go env GOOS)/$(go env GOARCH)"
# Local Go modules (collector-components/*, named in a manifest with `path:`) are part of the
# build: their sources go into the hash, so editing a component rebuilds the collector.
LOCAL_MODULES_DIR="$REPO_ROOT/collector-components"
local_sources() {
  if grep -q '^[[:space:]]*path:' "$MANIFEST" && [[ -d "$LOCAL_MODULES_DIR" ]]; then
    (cd "$LOCAL_MODULES_DIR" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' ! -path '*/testdata/*' | LC_ALL=C sort | xargs sha256sum)
  fi
}
HASH="$( { printf 'builder=%s\nrecipe=%s\nplatform=%s\n' "$BUILDER_VERSION" "$BUILD_RECIPE" "$GOOS_ARCH"; cat "$MANIFEST"; if [[ -f "$PINNED_SUM" ]]; then cat "$PINNED_SUM"; fi; local_sources; } |
  sha256sum | cut -c1-64)"
OUT_DIR="$CACHE_DIR/collector/$HASH"
BIN="$OUT_DIR/$DIST_NAME"

is_usable() { [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

if is_usable "$BIN" && [[ -z "$UPDATE_SUM" ]]; then
  log "cached: $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

mkdir -p "$CACHE_DIR/collector"
# Serialise concurrent builds of the same manifest (if flock is available).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/collector/$HASH.lock"
  flock 9
  if is_usable "$BIN" && [[ -z "$UPDATE_SUM" ]]; then # another process finished it while we waited
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
CHILD=""
cleanup() {
  if [[ -n "$CHILD" ]]; then kill -TERM "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
  rm -rf "$TMP_DIR"
}
trap cleanup EXIT
trap 'log "interrupted; removing $TMP_DIR"; exit 130' INT TERM

log "building $DIST_NAME from $MANIFEST (Go $GO_VERSION, builder $BUILDER_VERSION)"
log "output: $OUT_DIR (this takes several minutes on a cold cache)"
start=$(date +%s)
# From the manifest's directory: OCB resolves a component's local `path:` against the working dir.
(cd "$(dirname "$MANIFEST")" && "$BUILDER" --config="$MANIFEST" --output-path="$TMP_DIR/src" --skip-get-modules --skip-compilation) >&2 ||
  die "OCB failed to generate the collector sources (manifest: $MANIFEST)"
# A local component's own local dependencies (e.g. goffencodingextension -> goffevent) need a
# replace in the generated go.mod too (a dependency's replace directives do not apply to the
# main module); every module under collector-components/ that is not replaced yet gets one.
if grep -q '^[[:space:]]*path:' "$MANIFEST"; then
  for mod_file in "$LOCAL_MODULES_DIR"/*/go.mod; do
    [[ -f "$mod_file" ]] || continue
    mod_path="$(awk '$1=="module"{print $2; exit}' "$mod_file")"
    if ! grep -q "^replace $mod_path " "$TMP_DIR/src/go.mod"; then
      (cd "$TMP_DIR/src" && go mod edit -replace="$mod_path=$(dirname "$mod_file")")
    fi
  done
fi
log "compiling (go build; module downloads and compile progress below)"
nosumdb="${GONOSUMDB:-}"
if [[ -n "$UPDATE_SUM" ]]; then
  log "OFFT_UPDATE_GO_SUM set: resolving module hashes afresh (contrib without the checksum database)"
  if [[ -n "$OFFT_GONOSUMDB" ]]; then nosumdb="${nosumdb:+$nosumdb,}$OFFT_GONOSUMDB"; fi
else
  cp "$PINNED_SUM" "$TMP_DIR/src/go.sum"
fi
# Run in the background and `wait`, so that a TERM/INT sent to this script is handled at once
# (the trap stops `go build` and removes the temp dir) instead of after the compile finishes.
(
  cd "$TMP_DIR/src"
  GONOSUMDB="$nosumdb" CGO_ENABLED=0 exec go build -mod=mod -buildvcs=false -trimpath \
    -ldflags="-s -w" -o "$DIST_NAME" . >&2
) &
CHILD=$!
rc=0
wait "$CHILD" || rc=$?
if ((rc != 0)); then
  if ((rc > 128)); then
    die "go build was killed by signal $((rc - 128)) (manifest: $MANIFEST); re-run to retry"
  fi
  die "collector build failed with exit code $rc (manifest: $MANIFEST)"
fi
CHILD=""
[[ -x "$TMP_DIR/src/$DIST_NAME" ]] || die "go build finished but $TMP_DIR/src/$DIST_NAME is missing"
is_usable "$TMP_DIR/src/$DIST_NAME" || die "built binary does not run: $TMP_DIR/src/$DIST_NAME --version"

if [[ -n "$UPDATE_SUM" ]]; then
  cp "$TMP_DIR/src/go.sum" "$PINNED_SUM"
  log "wrote $PINNED_SUM; review and commit it"
elif ! cmp -s "$PINNED_SUM" "$TMP_DIR/src/go.sum"; then
  log "warning: the build recorded module hashes that are not in $PINNED_SUM (verified against the checksum database); refresh it with OFFT_UPDATE_GO_SUM=1"
fi

mkdir -p "$OUT_DIR"
cp "$MANIFEST" "$OUT_DIR/manifest.yaml"
# Same filesystem -> rename(2) is atomic: the final path is either absent or complete.
mv -f "$TMP_DIR/src/$DIST_NAME" "$BIN"
log "built in $(($(date +%s) - start))s: $BIN"
printf '%s\n' "$BIN"
