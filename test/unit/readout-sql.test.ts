/**
 * The readout's pure parts: SQL text generation (quoting that user input cannot break out of,
 * table names, numbers), argument parsing, and the analysis of engine rows (error codes, health
 * warnings, optional metrics, p-value adjustment, the cumulative view). The engines themselves
 * run in test/e2e/readout*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/readout/analyze.js';
import { parseDuration } from '../../src/readout/cli-main.js';
import { ReadoutError } from '../../src/readout/errors.js';
import { CLICKHOUSE_DIALECT, DUCKDB_DIALECT, num, readoutSql, resultColumns } from '../../src/readout/sql-core.js';
import { clickhouseTable, goffFilesSource, otelLogsSource } from '../../src/readout/sql-sources.js';
import { PSEUDO_VARIANT, type MetricSums, type ReadoutSpec, type VariantRow } from '../../src/readout/types.js';

const HOSTILE = "x'; DROP TABLE otel_logs; --\\' \\";

describe('readout SQL text', () => {
  it('quotes string literals so that no input ends them (ClickHouse backslash escapes, DuckDB doubled quotes)', () => {
    expect(CLICKHOUSE_DIALECT.str(HOSTILE)).toBe("'x\\'; DROP TABLE otel_logs; --\\\\\\' \\\\'");
    expect(DUCKDB_DIALECT.str(HOSTILE)).toBe("'x''; DROP TABLE otel_logs; --\\'' \\'");
    const spec: ReadoutSpec = { flag: HOSTILE, metrics: [{ event: HOSTILE, kind: 'conversion' }], reasons: [HOSTILE], variants: [HOSTILE] };
    const ch = readoutSql(spec, otelLogsSource('otel.otel_logs', spec), CLICKHOUSE_DIALECT);
    // Outside quoted literals, the hostile text never appears.
    expect(ch.replace(/'(?:[^'\\]|\\.)*'/g, "''")).not.toContain('DROP');
    const duck = readoutSql(spec, goffFilesSource(["/tmp/it's.ndjson"], [], spec), DUCKDB_DIALECT);
    expect(duck.replace(/'(?:[^']|'')*'/g, "''")).not.toContain('DROP');
  });

  it('accepts only table or database.table names, back-quoted', () => {
    expect(clickhouseTable('otel.otel_logs')).toBe('`otel`.`otel_logs`');
    for (const bad of ['otel_logs; DROP', 'a.b.c', '`x`', '', 'x y']) expect(() => clickhouseTable(bad)).toThrow(/invalid ClickHouse table name/);
  });

  it('writes finite numbers only, integers without a fraction', () => {
    expect(num(3)).toBe('3');
    expect(num(0.99)).toBe('0.99');
    expect(() => num(Number.NaN)).toThrow();
    expect(() => num(Number.POSITIVE_INFINITY)).toThrow();
  });

  it('returns the columns the row decoder reads, CUPED columns only when asked', () => {
    const spec: ReadoutSpec = { flag: 'f', metrics: [{ event: 'e', kind: 'mean' }] };
    expect(resultColumns(spec)).toHaveLength(12);
    expect(resultColumns({ ...spec, cupedLookbackSeconds: 86400 })).toHaveLength(20);
    const sql = readoutSql(spec, otelLogsSource('otel_logs', spec), CLICKHOUSE_DIALECT);
    for (const column of resultColumns(spec)) expect(sql).toContain(` AS ${column}`);
  });
});

describe('readout CLI arguments', () => {
  it('parses durations in ms, s, m, h, d and plain seconds; refuses anything else', () => {
    expect(parseDuration('90', '--delay')).toBe(90);
    expect(parseDuration('30m', '--delay')).toBe(1800);
    expect(parseDuration('7d', '--window')).toBe(604800);
    expect(parseDuration('1.5h', '--window')).toBe(5400);
    expect(() => parseDuration('soon', '--window')).toThrow(ReadoutError);
    expect(() => parseDuration('-1h', '--window')).toThrow(/not a duration/);
  });
});

const sums = (converted: number, value = 0): MetricSums => ({ converted, valueSum: value, valueSumSquares: value * value, countSum: converted, countSumSquares: converted, valueCountProduct: value });
const row = (variant: string, bucket: number, units: number, metrics: MetricSums[], exposures = units): VariantRow => ({ variant, bucket, units, exposures, metrics, firstExposureMin: 1e18, firstExposureMax: 1e18 + 1e12 });
const SPEC: ReadoutSpec = { flag: 'f', metrics: [{ event: 'buy', kind: 'conversion' }, { event: 'buy', kind: 'mean', optional: true }] };
const outcomes = (n: number) => row(PSEUDO_VARIANT.outcomes, -1, 0, [{ ...sums(0), countSum: n }, { ...sums(0), countSum: n }]);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof ReadoutError ? error.code : 'other';
  }
  return 'none';
}

describe('analysis of engine rows', () => {
  it('tells flag not found, no exposures, one variant and event not found apart', () => {
    expect(code(() => analyze([outcomes(5)], SPEC))).toBe('flag-not-found');
    expect(code(() => analyze([outcomes(5), row(PSEUDO_VARIANT.skipped, -1, 1, [sums(0), sums(0)], 4)], SPEC))).toBe('no-exposures');
    expect(code(() => analyze([outcomes(5)], { ...SPEC, reasons: ['split'] }))).toBe('no-exposures');
    expect(code(() => analyze([outcomes(5), row('a', 0, 10, [sums(1), sums(1)])], SPEC))).toBe('one-variant');
    expect(code(() => analyze([outcomes(0), row('a', 0, 10, [sums(0), sums(0)]), row('b', 0, 10, [sums(0), sums(0)])], SPEC))).toBe('event-not-found');
    expect(code(() => analyze([outcomes(2), row('a', 0, 10, [sums(1), sums(0)]), row('b', 0, 10, [sums(1), sums(0)])], SPEC, { control: 'z' }))).toBe('usage');
  });

  it('warns at >= 1% units served several variants, and on a sample ratio mismatch', () => {
    const rows = [outcomes(50), row('a', 0, 1000, [sums(100), sums(100)]), row('b', 0, 1000, [sums(130), sums(130)])];
    expect(analyze([...rows, row(PSEUDO_VARIANT.multiple, -1, 19, [sums(0), sums(0)])], SPEC).health.warnings).toEqual([]);
    const unhealthy = analyze([...rows, row(PSEUDO_VARIANT.multiple, -1, 21, [sums(0), sums(0)])], SPEC);
    expect(unhealthy.health.warnings.join()).toMatch(/1\.0% of units were served more than one variant/);
    const skewed = analyze([outcomes(50), row('a', 0, 1000, [sums(100), sums(100)]), row('b', 0, 1200, [sums(130), sums(130)])], SPEC);
    expect(skewed.health.srm.status).toBe('mismatch');
    expect(skewed.health.warnings.join()).toMatch(/sample ratio mismatch/);
  });

  it('leaves out the optional mean when no unit has a value, and adjusts p-values over metrics x variants', () => {
    const rows = [outcomes(50), row('a', 0, 1000, [sums(100), sums(0)]), row('b', 0, 1000, [sums(130), sums(0)]), row('c', 0, 1000, [sums(110), sums(0)])];
    const plain = analyze(rows, SPEC);
    expect(plain.metrics.map((m) => m.kind)).toEqual(['conversion']);
    const holm = analyze(rows, SPEC, { correction: 'holm' });
    const [b, c] = [holm.metrics[0]!.variants[1]!.comparison!, holm.metrics[0]!.variants[2]!.comparison!];
    expect(b.adjustedPValue).toBeGreaterThanOrEqual(b.pValue);
    expect(c.adjustedPValue).toBeGreaterThanOrEqual(c.pValue);
    expect(Math.min(b.adjustedPValue!, c.adjustedPValue!)).toBeCloseTo(2 * Math.min(b.pValue, c.pValue), 12);
  });

  it('accumulates the cumulative view bucket by bucket up to the totals', () => {
    const rows = [outcomes(50), row('a', 0, 500, [sums(50), sums(0)]), row('b', 0, 500, [sums(70), sums(0)]), row('a', 3, 500, [sums(50), sums(0)]), row('b', 3, 500, [sums(60), sums(0)])];
    const readout = analyze(rows, SPEC);
    const timeline = readout.metrics[0]!.timeline;
    expect(timeline.map((p) => p.variants[0]!.units)).toEqual([500, 1000]);
    expect(timeline.at(-1)!.variants[0]!.estimate).toBeCloseTo(readout.metrics[0]!.variants[1]!.comparison!.estimate, 12);
    expect(timeline[0]!.at).toBeLessThan(timeline[1]!.at);
  });
});
