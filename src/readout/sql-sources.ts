/**
 * Where the records come from: the two source relations of {@link readoutSql} for each kind of
 * data the collector writes.
 *
 * - GOFF files (`feature-events*.ndjson`, `tracking-events*.ndjson`, rotated files included):
 *   Unix-second timestamps, no record id, no reason. GOFF marks an evaluation that failed with
 *   `default: true` and one without a variant with `SdkDefault`; neither is an exposure.
 * - The raw OTLP/JSON copy (`raw-otlp*.json`, one ExportLogsServiceRequest a line).
 * - ClickHouse's `otel_logs`, the contrib clickhouse exporter's table: attributes are
 *   `LogAttributes Map(String, String)` (pcommon `AsString` of each value), `EventName` a column.
 *
 * @module
 */
import { CLICKHOUSE_DIALECT, DUCKDB_DIALECT, type SourceSql } from './sql-core.js';
import { type ReadoutSpec, UNREADABLE_UNIT } from './types.js';

const NS = '1000000000';
const duck = DUCKDB_DIALECT.str;
const ch = CLICKHOUSE_DIALECT.str;
const list = (files: string[]) => `[${files.map(duck).join(', ')}]`;
const events = (spec: ReadoutSpec, quote: (s: string) => string) => [...new Set(spec.metrics.map((m) => quote(m.event)))].join(', ');

const EMPTY_OUTCOMES = 'SELECT CAST(NULL AS VARCHAR) AS unit, CAST(NULL AS VARCHAR) AS event, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS BIGINT) AS ts, CAST(NULL AS VARCHAR) AS uid WHERE 1 = 0';

/**
 * DuckDB over GOFF NDJSON files. A line that is not JSON, or lacks a field the readout needs,
 * comes out with a NULL unit (exposures) or event (outcomes): counted, never fatal.
 *
 * @example
 * ```ts
 * const source = goffFilesSource(['/out/feature-events.ndjson'], ['/out/tracking-events.ndjson'], spec);
 * ```
 */
export function goffFilesSource(featureFiles: string[], trackingFiles: string[], spec: ReadoutSpec): SourceSql {
  const exposures = `  SELECT CASE WHEN key IS NULL OR creationDate IS NULL THEN ${duck(UNREADABLE_UNIT)} WHEN userKey = '' THEN NULL ELSE userKey END AS unit,
    variation AS variant, creationDate * ${NS} AS ts, CAST(NULL AS VARCHAR) AS reason
  FROM read_ndjson(${list(featureFiles)}, columns = {key: 'VARCHAR', userKey: 'VARCHAR', creationDate: 'BIGINT', variation: 'VARCHAR', "default": 'BOOLEAN'},
    format = 'newline_delimited', ignore_errors = true)
  WHERE key IS NULL OR (key = ${duck(spec.flag)} AND NOT coalesce("default", false) AND variation IS NOT NULL AND variation <> 'SdkDefault')`;
  const outcomes =
    trackingFiles.length === 0
      ? EMPTY_OUTCOMES
      : `  SELECT userKey AS unit, CASE WHEN userKey IS NULL OR userKey = '' OR creationDate IS NULL THEN NULL ELSE key END AS event,
    TRY_CAST(json_extract_string(trackingEventDetails, '$.value') AS DOUBLE) AS value, creationDate * ${NS} AS ts, CAST(NULL AS VARCHAR) AS uid
  FROM read_ndjson(${list(trackingFiles)}, columns = {key: 'VARCHAR', userKey: 'VARCHAR', creationDate: 'BIGINT', trackingEventDetails: 'JSON'},
    format = 'newline_delimited', ignore_errors = true)
  WHERE key IS NULL OR userKey IS NULL OR creationDate IS NULL OR key IN (${events(spec, duck)})`;
  return { exposures, outcomes };
}

const OTLP_STRUCT =
  `'STRUCT(scopeLogs STRUCT(logRecords STRUCT(timeUnixNano VARCHAR, observedTimeUnixNano VARCHAR, eventName VARCHAR, ` +
  `attributes STRUCT("key" VARCHAR, "value" JSON)[])[])[])[]'`;

/** A string attribute of record r (OTLP/JSON AnyValue), as the exporter's AsString would give it for scalars. */
const attr = (name: string) => {
  const value = `list_extract(list_filter(r.attributes, a -> a."key" = ${duck(name)}), 1)."value"`;
  return `coalesce(json_extract_string(${value}, '$.stringValue'), json_extract_string(${value}, '$.intValue'), json_extract_string(${value}, '$.doubleValue'), json_extract_string(${value}, '$.boolValue'))`;
};

/**
 * DuckDB over the collector's raw OTLP/JSON copy (`file` exporter, `format: json`). A line that is
 * not an OTLP request counts once as a skipped exposure and once as a skipped outcome.
 *
 * @example
 * ```ts
 * const source = otlpFilesSource(['/out/raw-otlp.json'], spec);
 * ```
 */
export function otlpFilesSource(files: string[], spec: ReadoutSpec): SourceSql {
  const records = `WITH lines AS (
    SELECT resourceLogs FROM read_ndjson(${list(files)}, columns = {resourceLogs: ${OTLP_STRUCT}}, format = 'newline_delimited', ignore_errors = true)
  ), records AS (
    SELECT unnest(flatten(flatten(list_transform(resourceLogs, rl -> list_transform(rl.scopeLogs, sl -> sl.logRecords))))) AS r
    FROM lines WHERE resourceLogs IS NOT NULL
  )`;
  const ts = `coalesce(nullif(TRY_CAST(r.timeUnixNano AS BIGINT), 0), TRY_CAST(r.observedTimeUnixNano AS BIGINT))`;
  const exposures = `  ${records}
  SELECT ${attr('feature_flag.context.id')} AS unit, ${attr('feature_flag.result.variant')} AS variant, ${ts} AS ts,
    ${attr('feature_flag.result.reason')} AS reason
  FROM records
  WHERE r.eventName = 'feature_flag.evaluation' AND ${attr('feature_flag.key')} = ${duck(spec.flag)}
    AND ${attr('error.type')} IS NULL AND ${attr('feature_flag.result.variant')} IS NOT NULL
  UNION ALL
  SELECT ${duck(UNREADABLE_UNIT)}, NULL, NULL, NULL FROM lines WHERE resourceLogs IS NULL`;
  const outcomes = `  ${records}
  SELECT ${attr('feature_flag.context.id')} AS unit, ${attr('openfeature.tracking.name')} AS event,
    TRY_CAST(${attr('openfeature.tracking.value')} AS DOUBLE) AS value, ${ts} AS ts, ${attr('log.record.uid')} AS uid
  FROM records
  WHERE r.eventName = 'openfeature.tracking' AND ${attr('openfeature.tracking.name')} IN (${events(spec, duck)})
  UNION ALL
  SELECT NULL, NULL, NULL, NULL, NULL FROM lines WHERE resourceLogs IS NULL`;
  return { exposures, outcomes };
}

/** A ClickHouse table name, `table` or `database.table`, back-quoted; anything else is refused. Internal: not exported by the readout entry. */
export function clickhouseTable(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw new Error(`invalid ClickHouse table name '${name}' (expected table or database.table)`);
  }
  return name.split('.').map((part) => `\`${part}\``).join('.');
}

/**
 * ClickHouse over the contrib exporter's `otel_logs` table. The same SQL runs on a server through
 * `@clickhouse/client` and in chDB in the tests.
 *
 * @example
 * ```ts
 * const source = otelLogsSource('otel.otel_logs', spec);
 * ```
 */
export function otelLogsSource(table: string, spec: ReadoutSpec): SourceSql {
  const t = clickhouseTable(table);
  const a = (name: string) => `LogAttributes[${ch(name)}]`;
  const exposures = `  SELECT nullIf(${a('feature_flag.context.id')}, '') AS unit, ${a('feature_flag.result.variant')} AS variant,
    toUnixTimestamp64Nano(Timestamp) AS ts, ${a('feature_flag.result.reason')} AS reason
  FROM ${t}
  WHERE EventName = 'feature_flag.evaluation' AND ${a('feature_flag.key')} = ${ch(spec.flag)}
    AND ${a('error.type')} = '' AND ${a('feature_flag.result.variant')} <> ''`;
  const outcomes = `  SELECT nullIf(${a('feature_flag.context.id')}, '') AS unit, ${a('openfeature.tracking.name')} AS event,
    toFloat64OrNull(${a('openfeature.tracking.value')}) AS value, toUnixTimestamp64Nano(Timestamp) AS ts,
    nullIf(${a('log.record.uid')}, '') AS uid
  FROM ${t}
  WHERE EventName = 'openfeature.tracking' AND ${a('openfeature.tracking.name')} IN (${events(spec, ch)})`;
  return { exposures, outcomes };
}
