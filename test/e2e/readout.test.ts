/**
 * Issue 10, end to end: app -> real collector -> files -> readout gives the known answer, from
 * the GOFF files and the raw OTLP copy (DuckDB), and from the exporter's otel_logs table (chDB,
 * the ClickHouse engine, running the very SQL the @clickhouse/client engine ships); a record
 * delivered twice counts once where it has a log.record.uid; the CLI's exit statuses.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/readout/analyze.js';
import { main } from '../../src/readout/cli-main.js';
import { otelLogsReadoutSql } from '../../src/readout/clickhouse-engine.js';
import { readFiles } from '../../src/readout/duckdb-engine.js';
import { EXIT_CODES } from '../../src/readout/errors.js';
import { decodeRow, sortRows } from '../../src/readout/rows.js';
import type { ReadoutSpec, VariantRow } from '../../src/readout/types.js';
import { OtelLogsDb } from '../fixtures/chdb.js';
import { ROOT, killAndRemove } from '../fixtures/collector.js';
import { EVENT, type Experiment, FLAG, runExperiment } from '../fixtures/experiment.js';

let experiment: Experiment;
let db: OtelLogsDb;
const temp: string[] = [];
const SPEC: ReadoutSpec = { flag: FLAG, metrics: [{ event: EVENT, kind: 'conversion' }, { event: EVENT, kind: 'mean' }, { event: EVENT, kind: 'ratio' }] };

beforeAll(async () => {
  experiment = await runExperiment();
  db = new OtelLogsDb();
  db.load(join(experiment.outDir, 'raw-otlp.json'));
});
afterAll(async () => {
  db?.close();
  await killAndRemove(experiment?.collector);
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

function copyOut(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offt-readout-'));
  temp.push(dir);
  for (const f of ['feature-events.ndjson', 'tracking-events.ndjson', 'raw-otlp.json']) copyFileSync(join(experiment.outDir, f), join(dir, f));
  return dir;
}

/** Per-variant totals over the time buckets. */
function totals(rows: VariantRow[]): Record<string, { units: number; metrics: VariantRow['metrics'] }> {
  const out: Record<string, { units: number; metrics: VariantRow['metrics'] }> = {};
  for (const r of rows.filter((x) => x.bucket >= 0)) {
    const t = (out[r.variant] ??= { units: 0, metrics: r.metrics.map(() => ({ converted: 0, valueSum: 0, valueSumSquares: 0, countSum: 0, countSumSquares: 0, valueCountProduct: 0 })) });
    t.units += r.units;
    r.metrics.forEach((m, i) => {
      const s = t.metrics[i]!;
      s.converted += m.converted; s.valueSum += m.valueSum; s.valueSumSquares += m.valueSumSquares;
      s.countSum += m.countSum; s.countSumSquares += m.countSumSquares; s.valueCountProduct += m.valueCountProduct;
    });
  }
  return out;
}

function chdbRows(spec: ReadoutSpec): VariantRow[] {
  return db.query(otelLogsReadoutSql(spec, 'otel.otel_logs')).map((row) => decodeRow(row, spec));
}

describe('readout of a real run: app -> collector -> files -> readout', () => {
  it('GOFF files (DuckDB) give the known per-variant sufficient statistics; the early purchase and the switcher do not count', async () => {
    const { rows, format } = await readFiles(experiment.outDir, SPEC, { format: 'goff' });
    expect(format).toBe('goff');
    const t = totals(rows);
    for (const arm of ['blue', 'green'] as const) {
      const e = experiment.expected[arm];
      expect(t[arm]?.units, arm).toBe(e.units);
      expect(t[arm]?.metrics[0]?.converted, arm).toBe(e.converted);
      expect(t[arm]?.metrics[1]?.valueSum, arm).toBeCloseTo(e.valueSum, 9);
      expect(t[arm]?.metrics[1]?.valueSumSquares, arm).toBeCloseTo(e.valueSumSquares, 9);
    }
    expect(rows.find((r) => r.variant === '__multiple__')?.units).toBe(experiment.multipleExposureUnits);
  });

  it('the raw OTLP copy (DuckDB) and the GOFF files give the same per-variant statistics', async () => {
    const goff = totals((await readFiles(experiment.outDir, SPEC, { format: 'goff' })).rows);
    const otlp = totals((await readFiles(experiment.outDir, SPEC, { format: 'otlp' })).rows);
    expect(otlp).toEqual(goff);
  });

  it("otel_logs in chDB (the exporter's v0.152.0 DDL, filled from this run) gives the same rows as DuckDB over raw-otlp.json, bucket by bucket", async () => {
    const spec: ReadoutSpec = { ...SPEC, metrics: [...SPEC.metrics, { event: EVENT, kind: 'count', capPercentile: 0.9 }], cupedLookbackSeconds: 3600 };
    const duck = sortRows((await readFiles(experiment.outDir, spec, { format: 'otlp' })).rows);
    const ch = sortRows(chdbRows(spec));
    expect(ch.map((r) => [r.variant, r.bucket, r.units, r.exposures])).toEqual(duck.map((r) => [r.variant, r.bucket, r.units, r.exposures]));
    // Integer sums are exact; sums of decimal values may differ in the last bits (summation order).
    ch.forEach((r, k) => r.metrics.forEach((m, i) => {
      for (const [key, value] of Object.entries(m)) {
        if (typeof value === 'number') expect(value, `${r.variant}/${r.bucket}/m${i}.${key}`).toBeCloseTo((duck[k]!.metrics[i] as unknown as Record<string, number>)[key]!, 9);
      }
    }));
    const readout = analyze(ch, spec, {});
    expect(readout.metrics[0]?.variants.find((v) => v.variant === 'green')?.comparison?.pValue).toBeLessThan(0.01);
  });

  it('an outcome delivered twice counts once where it carries log.record.uid (raw OTLP, otel_logs), twice in GOFF files (no id)', async () => {
    const dir = copyOut();
    const raw = readFileSync(join(dir, 'raw-otlp.json'), 'utf8').split('\n').filter(Boolean);
    const withPurchase = raw.filter((l) => l.includes('"openfeature.tracking"') && l.includes(`"${EVENT}"`));
    expect(withPurchase.length).toBeGreaterThan(0);
    expect(withPurchase[0]).toContain('log.record.uid');
    appendFileSync(join(dir, 'raw-otlp.json'), `${withPurchase.join('\n')}\n`);
    const tracking = readFileSync(join(dir, 'tracking-events.ndjson'), 'utf8').split('\n').filter((l) => l.includes(`"key":"${EVENT}"`) && !l.includes('early-bird') && !l.includes('switcher'));
    appendFileSync(join(dir, 'tracking-events.ndjson'), `${tracking[0]}\n`);

    const before = totals((await readFiles(experiment.outDir, SPEC, { format: 'otlp' })).rows);
    expect(totals((await readFiles(dir, SPEC, { format: 'otlp' })).rows)).toEqual(before);
    db.load(join(dir, 'raw-otlp.json')); // every row a second time
    const ch = totals(chdbRows(SPEC));
    for (const arm of ['blue', 'green']) expect(ch[arm]?.metrics[2]?.countSum).toBe(before[arm]?.metrics[2]?.countSum);
    const goffBefore = totals((await readFiles(experiment.outDir, SPEC, { format: 'goff' })).rows);
    const goffAfter = totals((await readFiles(dir, SPEC, { format: 'goff' })).rows);
    const countOf = (t: typeof goffBefore) => (t['blue']?.metrics[2]?.countSum ?? 0) + (t['green']?.metrics[2]?.countSum ?? 0);
    expect(countOf(goffAfter)).toBe(countOf(goffBefore) + 1);
  });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('readout CLI', () => {
  it('--json: one document whose per-variant results carry pValue; green beats blue significantly', async () => {
    const { code, out } = await cli(['readout', '--source', experiment.outDir, '--flag', FLAG, '--metric', EVENT, '--json', '--control', 'blue']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { metrics: { kind: string; variants: { variant: string; units: number; comparison?: { pValue: number; ci: [number, number] } }[] }[]; health: { multipleExposureUnits: number } };
    expect(doc.metrics.map((m) => m.kind)).toEqual(['conversion', 'mean']);
    const green = doc.metrics[0]!.variants.find((v) => v.variant === 'green')!;
    expect(green.units).toBe(experiment.expected.green.units);
    expect(green.comparison!.pValue).toBeLessThan(0.01);
    expect(green.comparison!.ci[0]).toBeGreaterThan(0);
    expect(doc.health.multipleExposureUnits).toBe(1);
  });

  it('terminal table: units, value, lift with CI, p-value, chance to win, SRM and multiple-exposure health lines', async () => {
    const { code, out } = await cli(['readout', '--source', experiment.outDir, '--flag', FLAG, '--metric', `${EVENT}:conversion`, '--sequential', '1000']);
    expect(code).toBe(0);
    expect(out).toMatch(/variant\s+units\s+value\s+lift \(CI\)\s+p-value\s+chance to win/);
    expect(out).toMatch(/green\s+\d+\s+[\d.]+%\s+\+[\d.]+% \[[+-][\d.]+%, \+[\d.]+%\]\s+[\d.]+\s+[\d.]+%/);
    expect(out).toContain('sequential (N* = 1000)');
    expect(out).toMatch(/health: sample ratio blue \d+ \/ green \d+: p = [\d.]+ ok/);
    expect(out).toContain('health: 1 of');
  });

  it('clear errors and exit statuses: no directory, flag or event not found, no exposures, one variant, usage', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--source', '/nonexistent/dir', '--flag', FLAG, '--metric', EVENT], EXIT_CODES['no-source'], /no such directory/],
      [['--source', experiment.outDir, '--flag', 'no-such-flag', '--metric', EVENT], EXIT_CODES['flag-not-found'], /no evaluations of flag 'no-such-flag'/],
      [['--source', experiment.outDir, '--flag', FLAG, '--metric', 'no-such-event'], EXIT_CODES['event-not-found'], /no tracking events named 'no-such-event'/],
      [['--source', experiment.outDir, '--format', 'otlp', '--flag', FLAG, '--metric', EVENT, '--reason', 'split'], EXIT_CODES['no-exposures'], /no exposures .* reason\/variant filter/],
      [['--source', experiment.outDir, '--flag', FLAG, '--metric', EVENT, '--variants', 'blue'], EXIT_CODES['one-variant'], /only one variant \('blue'\)/],
      [['--source', experiment.outDir, '--format', 'goff', '--flag', FLAG, '--metric', EVENT, '--reason', 'split'], EXIT_CODES.usage, /GOFF feature events carry no evaluation reason/],
      [['--flag', FLAG, '--metric', EVENT], EXIT_CODES.usage, /exactly one of --source/],
      [['--source', experiment.outDir, '--flag', FLAG, '--metric', EVENT, '--window', 'soon'], EXIT_CODES.usage, /not a duration/],
    ];
    for (const [args, status, message] of cases) {
      const { code, err } = await cli(['readout', ...args]);
      expect({ args, code }).toEqual({ args, code: status });
      expect(err).toMatch(message);
    }
    // No ClickHouse server runs here: a refused connection is an engine error that never prints the password.
    const down = await cli(['readout', '--clickhouse', 'http://reader:s3cret@127.0.0.1:9/otel', '--flag', FLAG, '--metric', EVENT]);
    expect(down.code).toBe(EXIT_CODES.engine);
    expect(down.err).toMatch(/ClickHouse at http:\/\/reader:\*\*\*@127\.0\.0\.1:9\/otel/);
    expect(down.err).not.toContain('s3cret');
  });

  it('the built bin (package.json bin -> dist/cli.js) runs the readout; the main entry never loads an engine', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, { import: Record<string, string> }> };
    const bin = join(ROOT, pkg.bin['openfeature-otel-tracking']!);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(Object.keys(pkg.exports['./readout']!.import)[0]).toBe('types');
    const run = spawnSync(process.execPath, [bin, 'readout', '--source', experiment.outDir, '--flag', FLAG, '--metric', EVENT, '--json'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { control: string }).control).toBe('blue');
    // The main entry, with every chunk it imports, names no engine.
    const seen = new Set<string>();
    const visit = (file: string): string => {
      if (seen.has(file)) return '';
      seen.add(file);
      const code = readFileSync(join(ROOT, 'dist', file), 'utf8');
      return code + [...code.matchAll(/from ['"]\.\/([^'"]+)['"]/g)].map((m) => visit(m[1]!)).join('');
    };
    expect(visit('index.js')).not.toMatch(/duckdb|clickhouse|chdb/i);
  });

  it('malformed lines are skipped and counted, never fatal; the statistics are unchanged', async () => {
    const dir = copyOut();
    rmSync(join(dir, 'raw-otlp.json'));
    appendFileSync(join(dir, 'feature-events.ndjson'), 'not json\n{"kind":"feature","key":\n{"creationDate":"yesterday"}\n');
    appendFileSync(join(dir, 'tracking-events.ndjson'), '\u0000\u0001garbage\n[1,2\n');
    writeFileSync(join(dir, 'feature-events-2026-12-01T00-00-00.000.ndjson'), 'rotated but broken\n');
    const clean = await cli(['readout', '--source', experiment.outDir, '--format', 'goff', '--flag', FLAG, '--metric', EVENT, '--json']);
    const dirty = await cli(['readout', '--source', dir, '--flag', FLAG, '--metric', EVENT, '--json']);
    expect(dirty.code).toBe(0);
    const a = JSON.parse(clean.out) as { metrics: unknown; health: { unreadableExposureLines: number; skippedOutcomeLines: number } };
    const b = JSON.parse(dirty.out) as typeof a;
    expect(b.metrics).toEqual(a.metrics);
    expect(b.health.unreadableExposureLines).toBe(a.health.unreadableExposureLines + 4);
    expect(b.health.skippedOutcomeLines).toBe(a.health.skippedOutcomeLines + 2);
  });
});
