#!/usr/bin/env bash
# install-test-deps.sh - installs what the end-to-end tests need besides npm packages, from the
# package registries only, and prints where it put them. Idempotent: a second run is instant.
#   * moto (PyPI): a local S3-compatible server for the S3 route test, in a venv in the cache.
# npm test runs it first; the collector itself is built by scripts/build-collector.sh.
# Environment: OFFT_CACHE_DIR (default ~/.cache/openfeature-otel-tracking).
set -euo pipefail

MOTO_VERSION="5.2.5"
CACHE_DIR="${OFFT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/openfeature-otel-tracking}"
log() { printf '[install-test-deps] %s\n' "$*" >&2; }
die() { printf '[install-test-deps] ERROR: %s\n' "$*" >&2; exit 1; }

# --- moto (S3-compatible server) -------------------------------------------------------------
VENV="$CACHE_DIR/venv-moto-$MOTO_VERSION"
# The marker is written last, so an interrupted install is redone, never half-used.
if [[ ! -f "$VENV/.complete" ]]; then
  command -v python3 >/dev/null || die "python3 is needed to install moto (the S3 test server)"
  log "installing moto[server]==$MOTO_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  touch "$VENV/.complete"
fi
"$VENV/bin/python" -c "import moto.server" || die "moto in $VENV is broken; delete the folder and run again"
echo "OFFT_MOTO_SERVER=$VENV/bin/moto_server"
