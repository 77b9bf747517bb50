#!/usr/bin/env bash
# install-test-deps.sh - installs what the end-to-end tests need besides npm packages, from the
# package registries only, and prints where it put them. Idempotent: a second run is instant.
#   * moto (PyPI): a local S3-compatible server for the S3 route test, in a venv in the cache.
#   * Apache Kafka (Maven Central): broker jars for the Kafka route test.
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

# --- readout statistics oracle (PyPI: gbstats, scipy, statsmodels) ----------------------------
# scripts/readout-oracle.py re-computes test/fixtures/readout-oracle.json; npm test checks that the
# committed file matches. The venv name carries a hash of the pins, so a pin change reinstalls.
# gbstats 0.8.0 needs pandas < 2, whose wheels stop at Python 3.11.
ORACLE_REQS="$(dirname "$0")/readout-oracle-requirements.txt"
ORACLE_VENV="$CACHE_DIR/venv-readout-oracle-$(sha256sum "$ORACLE_REQS" | cut -c1-12)"
# Runs at the same time (several test runs on one machine) wait here instead of deleting each other's venv.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.readout-oracle.lock"
flock 9
if [[ ! -f "$ORACLE_VENV/.complete" || ! -x "$ORACLE_VENV/bin/python" ]]; then
  log "installing the readout oracle (gbstats, scipy, statsmodels) into $ORACLE_VENV"
  started=$SECONDS
  rm -rf "$ORACLE_VENV"
  python3 -m venv "$ORACLE_VENV"
  "$ORACLE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ORACLE_REQS" >&2 \
    || die "pip could not install $ORACLE_REQS (it needs Python <= 3.11 for pandas 1.5 wheels; python3 is $(python3 --version 2>&1))"
  touch "$ORACLE_VENV/.complete"
  log "readout oracle installed in $((SECONDS - started)) s"
fi
"$ORACLE_VENV/bin/python" -c "import gbstats, scipy, statsmodels" || die "the readout oracle in $ORACLE_VENV is broken; delete the folder and run again"
flock -u 9
echo "OFFT_READOUT_ORACLE_PYTHON=$ORACLE_VENV/bin/python"

# --- chDB (npm): the ClickHouse engine as a library, for the ClickHouse SQL tests ---------------
# Not a devDependency: chdb lists four platform builds as optional dependencies and the npm registry
# reachable here serves only the Linux x64 one, so `npm ci` refuses a lock file that records chdb
# ("Missing: @chdb/lib-darwin-arm64 from lock file"). A plain `npm install` in a folder of its own
# skips the missing optional builds. test/fixtures/chdb.ts loads it from OFFT_CHDB_MODULE.
CHDB_VERSION="3.4.0"
CHDB_DIR="$CACHE_DIR/chdb-$CHDB_VERSION"
if [[ ! -f "$CHDB_DIR/.complete" ]]; then
  log "installing chdb@$CHDB_VERSION (npm, about 550 MB) into $CHDB_DIR"
  started=$SECONDS
  rm -rf "$CHDB_DIR"
  mkdir -p "$CHDB_DIR"
  printf '{ "name": "offt-test-chdb", "private": true }\n' >"$CHDB_DIR/package.json"
  (cd "$CHDB_DIR" && npm install --no-audit --no-fund --no-package-lock --loglevel=error "chdb@$CHDB_VERSION" >&2) \
    || die "npm could not install chdb@$CHDB_VERSION"
  touch "$CHDB_DIR/.complete"
  log "chdb installed in $((SECONDS - started)) s"
fi
node -e "new (require(process.argv[1]).Session)().cleanup()" "$CHDB_DIR/node_modules/chdb" >&2 \
  || die "chdb in $CHDB_DIR does not load; delete the folder and run again"
echo "OFFT_CHDB_MODULE=$CHDB_DIR/node_modules/chdb"

# --- Apache Kafka broker (Maven Central) for the Kafka route test ------------------------------
# The broker's jars (org.apache.kafka:kafka_2.13 and its runtime dependencies, plus a log binding)
# resolved by Maven into one libs folder; test/fixtures/kafka.ts runs a single-node KRaft broker
# from it on the JDK (java 17+). Maven's own downloads go to a temporary local repository.
KAFKA_VERSION="3.9.1"
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
if [[ ! -f "$KAFKA_LIBS/.complete" ]]; then
  command -v java >/dev/null || die "java (a JDK, 17 or newer) is needed to run the Kafka broker of the Kafka route test"
  command -v mvn >/dev/null || die "mvn (Apache Maven) is needed to fetch the Kafka broker from Maven Central: apt-get install maven"
  log "fetching Apache Kafka $KAFKA_VERSION (broker jars) from Maven Central into $KAFKA_LIBS"
  started=$SECONDS
  kafka_tmp="$(mktemp -d "$CACHE_DIR/.kafka-$KAFKA_VERSION.XXXXXX")"
  cat >"$kafka_tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>offt</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$KAFKA_LIBS"
  mvn -B -q -Dstyle.color=never -f "$kafka_tmp/pom.xml" -Dmaven.repo.local="$kafka_tmp/repository" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >&2 || { rm -rf "$kafka_tmp"; die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION"; }
  rm -rf "$kafka_tmp"
  touch "$KAFKA_LIBS/.complete"
  log "Kafka broker jars fetched in $((SECONDS - started)) s"
fi
[[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "the Kafka jars in $KAFKA_LIBS are incomplete; delete the folder and run again"
echo "OFFT_KAFKA_LIBS=$KAFKA_LIBS"

# --- Chromium (Debian package) for the browser end-to-end tests ---------------------------------
# Driven by playwright-core with executablePath; `npx playwright install` downloads a browser build
# from outside the package registries, which CI cannot reach. A missing browser is a failure.
CHROMIUM_BIN="/usr/bin/chromium"
if [[ ! -x "$CHROMIUM_BIN" ]]; then
  [[ "$(id -u)" -eq 0 ]] || die "Chromium is missing ($CHROMIUM_BIN) and installing it needs root: run 'apt-get install chromium' as root, then run this script again"
  command -v apt-get >/dev/null || die "Chromium is missing ($CHROMIUM_BIN) and apt-get is not available to install it"
  log "installing Debian's chromium (first run only)"
  started=$SECONDS
  apt-get update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 \
    || die "apt-get install chromium failed"
  log "chromium installed in $((SECONDS - started)) s"
fi
"$CHROMIUM_BIN" --version >&2 || die "$CHROMIUM_BIN does not run"
echo "OFFT_CHROMIUM=$CHROMIUM_BIN"
