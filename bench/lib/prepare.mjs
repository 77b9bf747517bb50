/**
 * What a bench run needs before it measures: an up-to-date dist/, the reference fixture's own
 * node_modules, and the provenance (git commit, dist hash) recorded in results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FORCE_BUILD, NO_BUILD, log } from './options.mjs';
import { BENCH_DIR, ROOT } from './orchestrate.mjs';

/** `git <args>` in the repository, or null when git is unavailable. */
export function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Hash of the built JavaScript, so a figure names the exact code it measured. */
export function distHash() {
  const dir = join(ROOT, 'dist');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** True when dist/ is missing or older than a file under src/ (then `npm run build` runs). */
function distStale() {
  const dist = join(ROOT, 'dist', 'index.js');
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  return readdirSync(join(ROOT, 'src'), { recursive: true }).some((f) => statSync(join(ROOT, 'src', String(f))).mtimeMs > built);
}

/** Builds dist/ when needed; returns what it did, for results.json. */
export function build() {
  if (NO_BUILD && existsSync(join(ROOT, 'dist', 'index.js'))) return 'skipped (--no-build)';
  if (!FORCE_BUILD && !distStale()) return 'dist/ up to date with src/ (not rebuilt; --build forces it)';
  log('npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
    log('npm run build failed; measuring the existing dist/');
    return 'failed; existing dist/ measured';
  }
  return 'ok';
}

/** bench/reference has its own node_modules (the 0.205 OTel line); installed when missing or stale. */
export function ensureReference() {
  const dir = join(BENCH_DIR, 'reference');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const stale = Object.entries(pkg.dependencies).some(([name, version]) => {
    const file = join(dir, 'node_modules', name, 'package.json');
    return !existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== version;
  });
  if (stale) {
    log('installing bench/reference (npm install --no-package-lock)');
    execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return Object.fromEntries(
    Object.keys(pkg.dependencies).map((name) => [name, JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version]),
  );
}
