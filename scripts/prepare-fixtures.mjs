#!/usr/bin/env node
// Builds the library, packs it the way npm publishes it, and installs the tarball into each
// fixture app under test/fixtures/ (each with its own node_modules), so tests load the package
// exactly as a user would: through its `exports` map, on the OTel line the fixture pins.
// Usage: node scripts/prepare-fixtures.mjs   (npm test runs it)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args, cwd) => execFileSync(npm, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

run(['run', 'build', '--silent'], root);
const packDir = mkdtempSync(join(tmpdir(), 'offt-pack-'));
try {
  const packed = JSON.parse(run(['pack', '--json', '--pack-destination', packDir], root));
  const tarball = join(packDir, packed[0].filename);
  for (const fixture of ['legacy-otel', 'consumer']) {
    const cwd = join(root, 'test', 'fixtures', fixture);
    rmSync(join(cwd, 'node_modules', 'openfeature-otel-tracking'), { recursive: true, force: true });
    run(['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', tarball], cwd);
    process.stderr.write(`prepare-fixtures: installed ${packed[0].filename} into test/fixtures/${fixture}\n`);
  }
  process.stderr.write(`prepare-fixtures: package files: ${packed[0].files.map((f) => f.path).join(', ')}\n`);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
