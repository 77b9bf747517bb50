/**
 * `openfeature-otel-tracking/readout` (Node only): experiment readouts from the records the
 * collector wrote, in files (DuckDB, embedded) or in ClickHouse's `otel_logs`. The engines return
 * per-variant sufficient statistics; the stats core (Welch t, delta-method lift, sequential
 * confidence sequences, Bayesian chance to win, SRM, Holm/BH, CUPED) turns them into a decision.
 *
 * `@duckdb/node-api` (files) and `@clickhouse/client` (ClickHouse) are optional peer
 * dependencies, loaded only when a readout runs.
 *
 * @example
 * ```ts
 * import { runReadout, formatText } from 'openfeature-otel-tracking/readout';
 * const { readout, sourceLabel } = await runReadout(
 *   { kind: 'files', dir: './out' },
 *   { flag: 'checkout-button', metrics: [{ event: 'checkout-completed', kind: 'conversion' }] },
 * );
 * console.log(formatText(readout, sourceLabel));
 * ```
 *
 * @module
 */
export * from './stats/index.js';
export { analyze, sampleStats, type AnalysisOptions, type MetricResult, type Readout, type ReadoutHealth, type TimelinePoint, type VariantResult } from './analyze.js';
export { otelLogsReadoutSql, readClickHouse, type ClickHouseReadOptions } from './clickhouse-engine.js';
export { fileSource, findCollectorFiles, readFiles, type FileFormat, type FileReadOptions } from './duckdb-engine.js';
export { EXIT_CODES, ReadoutError, type ReadoutErrorCode } from './errors.js';
export { formatHtml } from './report-html.js';
export { formatText } from './report-text.js';
export { runReadout, type ReadoutSource } from './run-readout.js';
export { CLICKHOUSE_DIALECT, DUCKDB_DIALECT, readoutSql, type SourceSql, type SqlDialect } from './sql-core.js';
export { goffFilesSource, otelLogsSource, otlpFilesSource } from './sql-sources.js';
export { PSEUDO_VARIANT, type MetricKind, type MetricSpec, type MetricSums, type ReadoutSpec, type VariantRow } from './types.js';
