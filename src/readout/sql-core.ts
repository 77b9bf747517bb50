/**
 * The readout's SQL, one text for every engine: from exposure and outcome records to per-variant
 * sufficient statistics. A {@link SqlDialect} supplies the few spellings that differ (string
 * literals, the percentile used for capping); a source supplies two relations:
 *
 * - `exposures_raw(unit, variant, ts, reason)`: evaluations of the flag, `ts` in Unix nanoseconds;
 *   `unit` is NULL for a record without `feature_flag.context.id`, {@link UNREADABLE_UNIT} for a
 *   line that could not be read;
 * - `outcomes_raw(unit, event, value, ts, uid)`: tracking records of the metrics' events; `event` is
 *   NULL for a line that could not be read; `uid` is `log.record.uid` or NULL.
 *
 * Semantics (docs/readout.md): per unit, the first exposure time and the variant; units served
 * more than one variant are kept apart (`__multiple__`); outcomes count at or after first exposure
 * plus the delay, up to the window; units without outcomes count as zero; per unit first, then
 * per variant; outcomes with the same `log.record.uid` count once.
 *
 * @module
 */
import { PSEUDO_VARIANT, type ReadoutSpec, UNREADABLE_UNIT } from './types.js';

/**
 * The spellings that differ between DuckDB and ClickHouse.
 *
 * @example
 * ```ts
 * const sql = readoutSql(spec, { exposures: '...', outcomes: '...' }, CLICKHOUSE_DIALECT);
 * ```
 */
export interface SqlDialect {
  name: 'duckdb' | 'clickhouse';
  /** A string literal. */
  str: (value: string) => string;
  /**
   * Aggregate: the nearest-rank percentile p of expr, the ceil(p*n)-th smallest value. Spelled
   * out (sort, index) in both engines, because their built-in quantiles pick different ranks.
   */
  percentile: (expr: string, p: number) => string;
}

/**
 * DuckDB: standard SQL strings (quotes doubled, backslashes literal).
 *
 * @example
 * ```ts
 * DUCKDB_DIALECT.str("it's"); // 'it''s'
 * ```
 */
export const DUCKDB_DIALECT: SqlDialect = {
  name: 'duckdb',
  str: (value) => `'${value.replaceAll("'", "''")}'`,
  percentile: (expr, p) => `list_sort(list(${expr}))[CAST(greatest(ceil(${num(p)} * count(*)), 1) AS BIGINT)]`,
};

/**
 * ClickHouse (server through @clickhouse/client, or chDB): backslash escapes in strings.
 *
 * @example
 * ```ts
 * CLICKHOUSE_DIALECT.str("it's"); // 'it\\'s'
 * ```
 */
export const CLICKHOUSE_DIALECT: SqlDialect = {
  name: 'clickhouse',
  str: (value) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
  percentile: (expr, p) => `arrayElement(arraySort(groupArray(${expr})), toUInt64(greatest(ceil(${num(p)} * count()), 1)))`,
};

/**
 * A finite number as SQL text; anything else is a programming error.
 *
 * @example
 * ```ts
 * num(0.99); // '0.99'
 * ```
 */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`readout SQL: ${value} is not a finite number`);
  // The shortest text that reads back as the same double (both engines accept 1e-7 as well).
  return String(value);
}

/**
 * The two source relations, as SELECT statements.
 *
 * @example
 * ```ts
 * const source: SourceSql = otelLogsSource('otel.otel_logs', spec);
 * ```
 */
export interface SourceSql {
  exposures: string;
  outcomes: string;
}

/**
 * Names of the result columns, in order (shared by the engines' row decoders).
 *
 * @example
 * ```ts
 * resultColumns({ flag: 'f', metrics: [{ event: 'buy', kind: 'conversion' }] }); // ['variant', 'bucket', ..., 'm0_vc']
 * ```
 */
export function resultColumns(spec: ReadoutSpec): string[] {
  const columns = ['variant', 'bucket', 'units', 'exposures', 'first_min', 'first_max'];
  spec.metrics.forEach((_, i) => {
    columns.push(`m${i}_conv`, `m${i}_vsum`, `m${i}_vss`, `m${i}_csum`, `m${i}_css`, `m${i}_vc`);
    if (spec.cupedLookbackSeconds !== undefined) {
      columns.push(`m${i}_pconv`, `m${i}_pvsum`, `m${i}_pvss`, `m${i}_pcsum`, `m${i}_pcss`, `m${i}_pconvp`, `m${i}_pvp`, `m${i}_pcp`);
    }
  });
  return columns;
}

const NS = 1_000_000_000;

/**
 * The whole readout query: one row per (variant, first-exposure bucket), plus pseudo-variant rows
 * for health (see {@link PSEUDO_VARIANT}).
 *
 * @example
 * ```ts
 * const sql = readoutSql({ flag: 'f', metrics: [{ event: 'buy', kind: 'conversion' }] }, source, DUCKDB_DIALECT);
 * ```
 */
export function readoutSql(spec: ReadoutSpec, source: SourceSql, d: SqlDialect): string {
  const events = spec.metrics.map((m) => d.str(m.event));
  const delay = Math.round((spec.delaySeconds ?? 0) * NS);
  const windowEnd = spec.windowSeconds === undefined ? '' : ` AND o.ts <= u.first_ts + ${num(delay + Math.round(spec.windowSeconds * NS))}`;
  const lookback = spec.cupedLookbackSeconds === undefined ? undefined : Math.round(spec.cupedLookbackSeconds * NS);
  const buckets = spec.buckets ?? 24;
  const exposureFilters = [
    spec.variants?.length ? `variant IN (${spec.variants.map(d.str).join(', ')})` : '',
    spec.reasons?.length ? `reason IN (${spec.reasons.map(d.str).join(', ')})` : '',
  ].filter(Boolean);
  const counted = (i: number, expr: string) =>
    `CAST(sum(CASE WHEN o.event = ${events[i]} AND o.ts >= u.first_ts + ${num(delay)}${windowEnd} THEN ${expr} ELSE 0 END) AS DOUBLE)`;
  const before = (i: number, expr: string) =>
    `CAST(sum(CASE WHEN o.event = ${events[i]} AND o.ts < u.first_ts AND o.ts >= u.first_ts - ${num(lookback ?? 0)} THEN ${expr} ELSE 0 END) AS DOUBLE)`;
  const perUnitMetrics = spec.metrics.flatMap((_, i) => [
    `${counted(i, '1')} AS c${i}`,
    `${counted(i, 'coalesce(o.value, 0)')} AS v${i}`,
    ...(lookback === undefined ? [] : [`${before(i, '1')} AS pc${i}`, `${before(i, 'coalesce(o.value, 0)')} AS pv${i}`]),
  ]);
  const metricColumns = spec.metrics.flatMap((_, i) => [`c${i}`, `v${i}`, ...(lookback === undefined ? [] : [`pc${i}`, `pv${i}`])]);
  const capped = spec.metrics.map((m) => m.capPercentile !== undefined && m.capPercentile > 0 && m.capPercentile < 1);
  const caps = spec.metrics.flatMap((m, i) =>
    capped[i] ? [`${d.percentile(`v${i}`, m.capPercentile!)} AS cap_v${i}`, `${d.percentile(`c${i}`, m.capPercentile!)} AS cap_c${i}`] : [],
  );
  const pseudo = Object.values(PSEUDO_VARIANT).map(d.str).join(', ');
  const analysed = `p.variant NOT IN (${pseudo})`;

  // One entry per result column: [expression over per_unit p, expression for the outcome-count row].
  const columns: [string, string][] = [
    ['p.variant', d.str(PSEUDO_VARIANT.outcomes)],
    [`CASE WHEN ${analysed} THEN CAST(floor((p.first_ts - b.mn) * ${num(buckets)}.0 / (b.mx - b.mn + 1)) AS BIGINT) ELSE -1 END`, '-1'],
    ['CAST(count(*) AS DOUBLE)', 'CAST(0 AS DOUBLE)'],
    ['CAST(sum(p.exposure_rows) AS DOUBLE)', 'CAST(0 AS DOUBLE)'],
    ['CAST(min(b.mn) AS DOUBLE)', 'CAST(0 AS DOUBLE)'],
    ['CAST(min(b.mx) AS DOUBLE)', 'CAST(0 AS DOUBLE)'],
  ];
  spec.metrics.forEach((_, i) => {
    const v = capped[i] ? `least(p.v${i}, k.cap_v${i})` : `p.v${i}`;
    const c = capped[i] ? `least(p.c${i}, k.cap_c${i})` : `p.c${i}`;
    const conv = `CASE WHEN p.c${i} > 0 THEN 1 ELSE 0 END`;
    const zero = 'CAST(0 AS DOUBLE)';
    const allOfEvent = `CAST(sum(CASE WHEN event = ${events[i]} THEN 1 ELSE 0 END) AS DOUBLE)`;
    columns.push(
      [`CAST(sum(${conv}) AS DOUBLE)`, zero],
      [`CAST(sum(${v}) AS DOUBLE)`, zero],
      [`CAST(sum(${v} * ${v}) AS DOUBLE)`, zero],
      [`CAST(sum(${c}) AS DOUBLE)`, allOfEvent],
      [`CAST(sum(${c} * ${c}) AS DOUBLE)`, zero],
      [`CAST(sum(${v} * ${c}) AS DOUBLE)`, zero],
    );
    if (lookback !== undefined) {
      const pconv = `CASE WHEN p.pc${i} > 0 THEN 1 ELSE 0 END`;
      columns.push(
        [`CAST(sum(${pconv}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pv${i}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pv${i} * p.pv${i}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pc${i}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pc${i} * p.pc${i}) AS DOUBLE)`, zero],
        [`CAST(sum(${pconv} * ${conv}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pv${i} * ${v}) AS DOUBLE)`, zero],
        [`CAST(sum(p.pc${i} * ${c}) AS DOUBLE)`, zero],
      );
    }
  });
  const names = resultColumns(spec);
  // `override`: by column name, an expression in place of the entry's (the unreadable-outcomes row).
  const select = (part: 0 | 1, override: Record<string, string> = {}) => columns.map((col, i) => `  ${override[names[i]!] ?? col[part]} AS ${names[i]}`).join(',\n');

  return `WITH
exposures_raw AS (
${source.exposures}
),
exposures AS (
  SELECT unit, variant, ts FROM exposures_raw
  WHERE unit IS NULL OR unit = ${d.str(UNREADABLE_UNIT)}${exposureFilters.length ? ` OR (${exposureFilters.join(' AND ')})` : ' OR 1 = 1'}
),
outcomes_raw AS (
${source.outcomes}
),
-- A record delivered twice (same log.record.uid) counts once; records without an id all count.
outcomes AS (
  SELECT unit, event, value, ts FROM outcomes_raw WHERE event IS NOT NULL AND unit IS NOT NULL AND uid IS NULL
  UNION ALL
  SELECT min(unit), min(event), min(value), min(ts) FROM outcomes_raw
  WHERE event IS NOT NULL AND unit IS NOT NULL AND uid IS NOT NULL GROUP BY uid
),
-- Per unit: first exposure time, its variant, and whether it was served more than one variant.
exp_units AS (
  SELECT unit, min(ts) AS first_ts, min(variant) AS first_variant, max(variant) AS last_variant, count(*) AS exposure_rows
  FROM exposures GROUP BY unit
),
-- Per unit with outcomes: what counts (at/after first exposure + delay, within the window).
unit_outcomes AS (
  SELECT o.unit AS unit,
${perUnitMetrics.map((m) => `    ${m}`).join(',\n')}
  FROM outcomes AS o INNER JOIN exp_units AS u ON o.unit = u.unit
  GROUP BY o.unit
),
-- Every exposed unit; no outcome counts as zero.
per_unit AS (
  SELECT
    CASE WHEN u.unit = ${d.str(UNREADABLE_UNIT)} THEN ${d.str(PSEUDO_VARIANT.unreadable)} WHEN u.unit IS NULL THEN ${d.str(PSEUDO_VARIANT.skipped)} WHEN u.first_variant <> u.last_variant THEN ${d.str(PSEUDO_VARIANT.multiple)} ELSE u.first_variant END AS variant,
    u.first_ts AS first_ts,
    u.exposure_rows AS exposure_rows,
${metricColumns.map((m) => `    coalesce(x.${m}, 0) AS ${m}`).join(',\n')}
  FROM exp_units AS u LEFT JOIN unit_outcomes AS x ON x.unit = u.unit
),
bounds AS (
  SELECT min(p.first_ts) AS mn, max(p.first_ts) AS mx FROM per_unit AS p WHERE ${analysed}
)${caps.length ? `,\ncaps AS (\n  SELECT ${caps.join(', ')} FROM per_unit AS p WHERE ${analysed}\n)` : ''}
SELECT
${select(0)}
FROM per_unit AS p CROSS JOIN bounds AS b${caps.length ? ' CROSS JOIN caps AS k' : ''}
GROUP BY variant, bucket
UNION ALL
SELECT
${select(1)}
FROM outcomes_raw
UNION ALL
SELECT
${select(1, { variant: d.str(PSEUDO_VARIANT.skippedOutcomes), units: 'CAST(count(*) AS DOUBLE)' })}
FROM outcomes_raw WHERE event IS NULL`;
}
