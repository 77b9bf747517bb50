/**
 * The package as a consumer sees it: the packed tarball installed into scratch apps under
 * test/fixtures/ by scripts/prepare-fixtures.mjs (npm test runs it first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENTRY_EXPORTS, bundleForBrowser } from '../../scripts/browser-bundle.mjs';
import { SCOPE_VERSION } from '../../src/version.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => join(root, 'test', 'fixtures', name);

function requirePrepared(name: string): string {
  const dir = fixture(name);
  if (!existsSync(join(dir, 'node_modules', 'openfeature-otel-tracking', 'package.json'))) {
    throw new Error(`test/fixtures/${name} has no packed library installed: run \`npm test\` or \`node scripts/prepare-fixtures.mjs\` first`);
  }
  return dir;
}

const runNode = (cwd: string, file: string) => execFileSync(process.execPath, [file], { cwd, encoding: 'utf8' });

/** `log.record.uid`: a ULID, 26 Crockford base32 characters (src/record-id.ts). */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const EXPECTED_MAIN_EXPORTS = ['EvaluationEventHook', 'withTracking', 'EVENT_FEATURE_FLAG_EVALUATION', 'EVENT_OPENFEATURE_TRACKING', 'ATTR_FEATURE_FLAG_KEY'];
const EXPECTED_READOUT_EXPORTS = ['runReadout', 'analyze', 'readFiles', 'readClickHouse', 'formatText', 'formatHtml', 'ReadoutError', 'EXIT_CODES', 'compareVariants'];

describe('the packed package', () => {
  it('loads from ESM and CJS with the same named exports, including the setup and readout subpaths', () => {
    const cwd = requirePrepared('consumer');
    const esm = JSON.parse(runNode(cwd, 'esm.mjs'));
    const cjs = JSON.parse(runNode(cwd, 'cjs.cjs'));
    expect(esm).toEqual(cjs);
    expect(esm.main).toEqual(expect.arrayContaining(EXPECTED_MAIN_EXPORTS));
    expect(esm.setup).toEqual(['SETUP_BATCH_DEFAULTS', 'SETUP_EXPORT_CONCURRENCY', 'SETUP_RETRY_MAX_ELAPSED_MILLIS', 'setupFlagTelemetry']);
    expect(esm.readout).toEqual(expect.arrayContaining(EXPECTED_READOUT_EXPORTS));
    expect(esm.hookType).toBe('function');
  });

  it('installs the `openfeature-otel-tracking` bin, which prints its usage with --help', () => {
    const cwd = requirePrepared('consumer');
    // Through the link npm made in node_modules/.bin: needs the shebang, the executable bit and every chunk cli.js imports.
    const out = execFileSync(join(cwd, 'node_modules', '.bin', 'openfeature-otel-tracking'), ['--help'], { cwd, encoding: 'utf8' });
    expect(out).toMatch(/^Usage: openfeature-otel-tracking readout /);
    expect(out).toContain('--source <dir>');
  });

  it('type-checks in a strict Node16 TypeScript app against both SDKs', () => {
    const cwd = requirePrepared('consumer');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('ships only dist, README, SECURITY.md and the manifest, with types listed first in exports and every target present', () => {
    const installed = join(requirePrepared('consumer'), 'node_modules', 'openfeature-otel-tracking');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'SECURITY.md', 'dist', 'package.json']);
    expect(pkg.sideEffects).toBe(false);
    const subpaths = Object.keys(pkg.exports).filter((entry) => entry !== './package.json');
    expect(subpaths).toEqual(['.', './setup', './readout']);
    for (const entry of subpaths) {
      for (const condition of ['import', 'require']) {
        expect(Object.keys(pkg.exports[entry][condition])[0]).toBe('types');
        for (const target of Object.values<string>(pkg.exports[entry][condition])) expect(existsSync(join(installed, target)), target).toBe(true);
      }
    }
    for (const target of Object.values<string>(pkg.bin)) expect(existsSync(join(installed, target)), target).toBe(true);
    expect(pkg.version).toBe(SCOPE_VERSION);
  });

  it('bundles no OpenTelemetry or OpenFeature code: the app\'s own copies and transports are used', () => {
    const dist = join(requirePrepared('consumer'), 'node_modules', 'openfeature-otel-tracking', 'dist');
    for (const file of ['setup.js', 'setup.cjs']) {
      const code = readFileSync(join(dist, file), 'utf8');
      expect(code).toMatch(/['"]@opentelemetry\/sdk-logs['"]/);
      expect(code).toMatch(/['"]@opentelemetry\/exporter-logs-otlp-proto['"]/);
      expect(code).not.toMatch(/FetchTransport|OTLPExporterBase|class LoggerProvider/);
    }
  });

  it('emits on the old OTel line (api 1.9, api-logs and sdk-logs 0.205) through the api-logs global', () => {
    const result = JSON.parse(runNode(requirePrepared('legacy-otel'), 'run.mjs'));
    expect(result.apiVersion).toBe('1.9.0');
    expect(result.sdkLogsVersion).toBe('0.205.0');
    expect(result.apiHasLogs).toBe(false);
    expect(result.records).toEqual([
      {
        eventName: 'feature_flag.evaluation',
        severityNumber: 9,
        attributes: {
          'log.record.uid': expect.stringMatching(ULID),
          'feature_flag.key': 'new-checkout',
          'feature_flag.result.variant': 'on',
          'feature_flag.result.reason': 'static',
          'feature_flag.provider.name': 'in-memory',
          'feature_flag.context.id': 'legacy-user',
        },
      },
      {
        eventName: 'openfeature.tracking',
        severityNumber: 9,
        attributes: {
          'log.record.uid': expect.stringMatching(ULID),
          'openfeature.tracking.name': 'converted',
          'openfeature.tracking.value': 3,
          'openfeature.tracking.details': { plan: { tier: 'pro' } },
          'feature_flag.context.id': 'legacy-user',
          'feature_flag.provider.name': 'in-memory',
        },
      },
    ]);
  });

  it('has a browser-safe main entry: it bundles for the browser with no Node built-in reachable', async () => {
    requirePrepared('consumer');
    const result = await bundleForBrowser(`export { ${BROWSER_ENTRY_EXPORTS} } from 'openfeature-otel-tracking';`, fixture('consumer'));
    expect(result.inputs.filter((path) => path.startsWith('node:') || /\b(fs|net|http|crypto|events)\b/.test(path))).toEqual([]);
    const gzipped = result.gzipBytes;
    expect(gzipped).toBeLessThanOrEqual(8 * 1024);
  });
});
