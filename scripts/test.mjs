#!/usr/bin/env node
// The test command (`npm test`), the same locally and in CI:
//   1. build, pack and install the package into the fixture apps (scripts/prepare-fixtures.mjs);
//   2. type-check src and tests, lint (eslint.config.mjs);
//   3. the unit project on this machine's Node, then on Node 22 and 24 from the npm registry
//      (`npx -y node@22`), the versions users run;
//   4. the e2e project: the real collector binary (built or reused by scripts/build-collector.sh)
//      and a real Chromium.
// Every step must pass; nothing is skipped. Extra arguments go to every vitest run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const results = [];
// Each vitest run also writes a JSON report, so the summary can end with one total line.
const reports = mkdtempSync(join(tmpdir(), 'offt-test-reports-'));
let reportCount = 0;
const vitestArgs = (project) => ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${reportCount++}.json`)}`, ...extra];

function step(name, command, args, options = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const ok = result.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  if (!ok) {
    summary();
    process.stderr.write(`\n${name} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status || 1);
  }
}

function summary() {
  process.stdout.write('\n=== summary\n');
  for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)\n`);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (let i = 0; i < reportCount; i++) {
    try {
      const report = JSON.parse(readFileSync(join(reports, `${i}.json`), 'utf8'));
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    } catch {
      // a run that died before writing its report is already a failed step
    }
  }
  rmSync(reports, { recursive: true, force: true });
  process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
}

// Non-npm test dependencies (moto for the S3 route), installed from the registries into the
// cache; the script prints KEY=VALUE lines that the e2e tests read from the environment.
{
  process.stdout.write('\n=== install test dependencies (scripts/install-test-deps.sh)\n');
  const started = Date.now();
  const out = spawnSync('bash', [join(root, 'scripts', 'install-test-deps.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  results.push({ name: 'install test dependencies', ok: out.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
  if (out.status !== 0) {
    summary();
    process.exit(out.status || 1);
  }
  for (const line of out.stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = match[2];
  }
}
step('prepare fixtures (build, pack, install into test/fixtures)', process.execPath, [join(root, 'scripts', 'prepare-fixtures.mjs')]);
step('typecheck', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json']);
step('typecheck tests', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'test/tsconfig.json']);
step('typecheck the web example', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'examples/web/tsconfig.json']);
step('lint (ESLint, type-aware typescript-eslint rules)', process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
// The readout statistics tests compare to test/fixtures/readout-oracle.json; re-compute it with
// scipy/statsmodels/gbstats (venv from install-test-deps.sh) and fail if the committed file is stale.
step('readout statistics oracle is current (scripts/readout-oracle.py --check)', process.env.OFFT_READOUT_ORACLE_PYTHON ?? 'python3', [join(root, 'scripts', 'readout-oracle.py'), '--check', join(root, 'test', 'fixtures', 'readout-oracle.json')]);
// The Go collector components (collector-components/*, each its own module): vet and unit tests,
// one step for every module, so that a new module is covered without editing this file.
step('Go components: go vet and go test (collector-components/*)', 'bash', [
  '-c',
  'set -e; for mod in collector-components/*/go.mod; do dir=$(dirname "$mod"); echo "--- $dir"; (cd "$dir" && go vet ./... && go test -count=1 ./...); done',
]);
step(`unit tests on Node ${process.versions.node}`, process.execPath, [vitest, ...vitestArgs('unit')]);
for (const major of ['22', '24']) {
  step(`unit tests on Node ${major}`, npx, ['-y', `node@${major}`, vitest, ...vitestArgs('unit')]);
}
step('e2e tests (real collector, real Chromium)', process.execPath, [vitest, ...vitestArgs('e2e')]);
summary();
