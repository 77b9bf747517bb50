/**
 * One rule set for every numeric option (issue 12 item 4): a programmer error (not a number, NaN)
 * throws at construction with a message naming the option; bad tuning (±Infinity, -1, 0, 1e12) is
 * clamped into the option's range with a diag warning, so no value hangs a component or switches
 * a bound off.
 *
 * Each row runs in a worker thread (test/fixtures/option-table-worker.mjs) on an esbuild bundle
 * of src/: a value that makes a component loop forever fails its row at the deadline instead of
 * hanging the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberOption } from '../../src/option-normalizer.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = join(root, 'test', 'fixtures', 'option-table-worker.mjs');
/** Generous: a row normally takes well under a second; only a hang reaches this. */
const ROW_DEADLINE_MS = 20_000;

const VALUES: [string, unknown][] = [
  ['NaN', Number.NaN],
  ['a string', '100'],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-1', -1],
  ['0', 0],
  ['1e12', 1e12],
];

interface Row {
  component: 'hookLimits' | 'trackingLimits' | 'dedupe' | 'setup' | 'retryingExporter' | 'pageHide';
  title: string;
  option: string;
  /** How messages name the option. */
  label: string;
  browser?: boolean;
}

const LIMITS = ['maxStringLength', 'maxDepth', 'maxCollectionSize', 'maxRecordBytes'];
const SETUP = ['batch.maxQueueSize', 'batch.maxExportBatchSize', 'batch.scheduledDelayMillis', 'batch.exportTimeoutMillis', 'exportConcurrency', 'retryMaxElapsedMillis'];
const ROWS: Row[] = [
  ...LIMITS.map((o): Row => ({ component: 'hookLimits', title: 'EvaluationEventHook', option: o, label: `limits.${o}` })),
  ...LIMITS.map((o): Row => ({ component: 'trackingLimits', title: 'withTracking', option: o, label: `limits.${o}` })),
  ...['ttlMs', 'maxEntries'].map((o): Row => ({ component: 'dedupe', title: 'EvaluationEventHook', option: o, label: `dedupe.${o}` })),
  ...SETUP.map((o): Row => ({ component: 'setup', title: 'setupFlagTelemetry (Node)', option: o, label: o })),
  ...SETUP.map((o): Row => ({ component: 'setup', title: 'setupFlagTelemetry (browser)', option: o, label: o, browser: true })),
  ...['maxElapsedMillis', 'initialDelayMillis', 'maxDelayMillis'].map((o): Row => ({ component: 'retryingExporter', title: 'RetryingExporter', option: o, label: `RetryingExporter.${o}` })),
  ...['scheduledDelayMillis', 'maxExportBatchSize', 'maxQueueSize', 'maxRetryDelayMillis'].map(
    (o): Row => ({ component: 'pageHide', title: 'PageHideBatchProcessor', option: o, label: `PageHideBatchProcessor.${o}` }),
  ),
];

interface Result {
  label: string;
  warnings: string[];
  threw?: string;
  outcome?: Record<string, number>;
}

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offt-options-'));
  bundle = join(dir, 'library.mjs');
  await build({
    stdin: {
      contents: [
        `export * from './src/index.ts';`,
        `export * from './src/setup.ts';`,
        `export { RetryingExporter } from './src/retrying-exporter.ts';`,
        `export { resetReports } from './src/diag-reporter.ts';`,
        `export { diag, DiagLogLevel } from '@opentelemetry/api';`,
        `export { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    // Never loaded: every row passes its own exporter.
    external: ['@opentelemetry/exporter-logs-otlp-*'],
    logLevel: 'error',
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one row; values the worker did not answer before the deadline come back as hung. */
function runRow(row: Row): Promise<Map<string, Result | 'hung' | 'not run'>> {
  return new Promise((resolvePromise) => {
    const results = new Map<string, Result | 'hung' | 'not run'>();
    const worker = new Worker(WORKER, {
      workerData: { bundle: pathToFileURL(bundle).href, component: row.component, option: row.option, values: VALUES, browser: row.browser === true },
    });
    const finish = () => {
      clearTimeout(deadline);
      // Values run in order: the first one unanswered hung, the ones after it never ran.
      let hung = false;
      for (const [label] of VALUES) {
        if (results.has(label)) continue;
        results.set(label, hung ? 'not run' : 'hung');
        hung = true;
      }
      void worker.terminate();
      resolvePromise(results);
    };
    const deadline = setTimeout(finish, ROW_DEADLINE_MS);
    worker.on('message', (message: Result | { done: true }) => {
      if ('done' in message) finish();
      else results.set(message.label, message);
    });
    worker.on('error', finish);
  });
}

/** The clamped value and range a correction warning states: "<label> = <v> is outside [<min>, <max>] ...; using <n>". */
function correction(result: Result, label: string): { min: number; max: number; using: number } | undefined {
  const escaped = label.replace(/\./g, '\\.');
  for (const warning of result.warnings) {
    const match = new RegExp(`${escaped} = \\S+ is outside \\[(-?[\\d.e+]+), (-?[\\d.e+]+)\\][^;]*; using (-?[\\d.e+]+)`).exec(warning);
    if (match !== null) return { min: Number(match[1]), max: Number(match[2]), using: Number(match[3]) };
  }
  return undefined;
}

describe('numberOption, the one rule set', () => {
  const rule = { default: 10, min: 1, max: 100, unit: 'records' };
  it('gives the default for undefined, floors integers, and keeps in-range values without a warning', () => {
    const warnings: string[] = [];
    expect(numberOption('o', 'n', undefined, rule, (m) => warnings.push(m))).toBe(10);
    expect(numberOption('o', 'n', 42.9, rule, (m) => warnings.push(m))).toBe(42);
    expect(numberOption('o', 'n', 2.5, { ...rule, integer: false }, (m) => warnings.push(m))).toBe(2.5);
    expect(warnings).toEqual([]);
  });

  it('throws an actionable TypeError for NaN and non-numbers', () => {
    expect(() => numberOption('o', 'n', Number.NaN, rule)).toThrow(new TypeError('openfeature-otel-tracking: o.n must be a number of records, got NaN'));
    expect(() => numberOption('o', 'n', '5', rule)).toThrow(/o\.n must be a number of records, got the string "5"/);
    expect(() => numberOption('o', 'n', null, rule)).toThrow(/got null/);
    expect(() => numberOption('o', 'n', 5n, rule)).toThrow(/got a bigint/);
  });

  it('clamps out-of-range values, Infinity included, to the nearest bound with one warning each', () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(numberOption('o', 'n', Number.POSITIVE_INFINITY, rule, warn)).toBe(100);
    expect(numberOption('o', 'n', Number.NEGATIVE_INFINITY, rule, warn)).toBe(1);
    expect(numberOption('o', 'n', 0, rule, warn)).toBe(1);
    expect(numberOption('o', 'n', 1e12, rule, warn)).toBe(100);
    expect(warnings).toEqual([
      'o.n = Infinity is outside [1, 100] records; using 100',
      'o.n = -Infinity is outside [1, 100] records; using 1',
      'o.n = 0 is outside [1, 100] records; using 1',
      'o.n = 1000000000000 is outside [1, 100] records; using 100',
    ]);
  });
});

describe('every numeric option of every component: none hangs, none disables a bound', () => {
  it.each(ROWS.map((row) => [`${row.title} ${row.label}`, row] as const))(
    '%s',
    async (_name, row) => {
      const results = await runRow(row);
      const problems: string[] = [];
      for (const [label, value] of VALUES) {
        const result = results.get(label)!;
        if (result === 'hung' || result === 'not run') {
          problems.push(result === 'hung' ? `${label}: did not finish within ${ROW_DEADLINE_MS} ms (hangs)` : `${label}: not run, an earlier value hung`);
          continue;
        }
        if (label === 'NaN' || label === 'a string') {
          // A programmer error: thrown at construction, naming the option.
          if (result.threw === undefined || !result.threw.startsWith('TypeError') || !result.threw.includes(`${row.label} must be a number`)) {
            problems.push(`${label}: expected a TypeError naming ${row.label}, got ${result.threw ?? 'no error'}`);
          }
          continue;
        }
        if (result.threw !== undefined) {
          problems.push(`${label}: bad tuning must not throw, got ${result.threw}`);
          continue;
        }
        const fix = correction(result, row.label);
        const mustCorrect = label !== '0'; // 0 is in range for some options (a retry window of 0 disables retrying)
        if (fix === undefined) {
          if (mustCorrect) problems.push(`${label}: no correction warning for ${row.label}; warnings: ${JSON.stringify(result.warnings)}`);
        } else if (!Number.isFinite(fix.using) || fix.using < fix.min || fix.using > fix.max || !Number.isFinite(fix.max)) {
          problems.push(`${label}: correction ${JSON.stringify(fix)} leaves the option unbounded or out of its range`);
        } else if ((value as number) > fix.max ? fix.using !== fix.max : (value as number) < fix.min ? fix.using !== fix.min : false) {
          problems.push(`${label}: expected the nearest bound, got ${JSON.stringify(fix)}`);
        }
        const outcome = result.outcome ?? {};
        // Nothing unaccounted: every record emitted was delivered or counted as dropped.
        if ('emitted' in outcome && outcome['pending'] !== undefined && outcome['pending'] !== 0) {
          problems.push(`${label}: ${outcome['pending']} records neither delivered nor counted as dropped`);
        }
        if ('delivered' in outcome && 'exported' in outcome && outcome['delivered'] !== outcome['exported']) {
          problems.push(`${label}: delivered ${outcome['delivered']} but counted ${outcome['exported']} as exported`);
        }
        if ('emitted' in outcome && outcome['exported']! + (outcome['dropped'] ?? 0) !== outcome['emitted']) {
          problems.push(`${label}: exported + dropped != emitted in ${JSON.stringify(outcome)}`);
        }
      }
      expect(problems).toEqual([]);
    },
    ROW_DEADLINE_MS + 10_000,
  );
});
