/**
 * The scale-out engine: ClickHouse through `@clickhouse/client` (an optional peer dependency),
 * over the contrib clickhouse exporter's `otel_logs` table. The SQL text is
 * {@link otelLogsReadoutSql}, the same the tests run in chDB (the ClickHouse engine as a library).
 *
 * @module
 */
import type * as ClickHouseModule from '@clickhouse/client';
import { ReadoutError } from './errors.js';
import { decodeRow } from './rows.js';
import { CLICKHOUSE_DIALECT, readoutSql } from './sql-core.js';
import { otelLogsSource } from './sql-sources.js';
import type { ReadoutSpec, VariantRow } from './types.js';

/**
 * The readout query over an `otel_logs` table, as shipped to ClickHouse.
 *
 * @example
 * ```ts
 * const sql = otelLogsReadoutSql(spec, 'otel.otel_logs');
 * ```
 */
export function otelLogsReadoutSql(spec: ReadoutSpec, table = 'otel_logs'): string {
  return readoutSql(spec, otelLogsSource(table, spec), CLICKHOUSE_DIALECT);
}

/**
 * Options of {@link readClickHouse}.
 *
 * @example
 * ```ts
 * const options: ClickHouseReadOptions = { url: 'http://reader:secret@localhost:8123/otel', table: 'otel_logs' };
 * ```
 */
export interface ClickHouseReadOptions {
  /** `http(s)://user:password@host:8123/database` (the HTTP interface). */
  url: string;
  /** `otel_logs` (default) or `database.otel_logs`. */
  table?: string;
  /** Per-query timeout (default 300 s). */
  timeoutMs?: number;
}

/**
 * Without the password, for messages.
 *
 * @example
 * ```ts
 * redactUrl('http://u:secret@host:8123/otel'); // 'http://u:***@host:8123/otel'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Runs the readout in ClickHouse and returns per-variant sufficient statistics.
 *
 * @example
 * ```ts
 * const { rows } = await readClickHouse({ url: 'http://otel:secret@localhost:8123/otel' }, spec);
 * ```
 */
export async function readClickHouse(options: ClickHouseReadOptions, spec: ReadoutSpec): Promise<{ rows: VariantRow[]; sql: string }> {
  let clickhouse: typeof ClickHouseModule;
  try {
    clickhouse = await import('@clickhouse/client');
  } catch {
    throw new ReadoutError('missing-engine', 'the ClickHouse readout needs its client: npm install @clickhouse/client@1.23.1');
  }
  const sql = otelLogsReadoutSql(spec, options.table);
  // The client's own logger would print the connection error (and the URL) a second time.
  const client = clickhouse.createClient({ url: options.url, request_timeout: options.timeoutMs ?? 300_000, log: { level: clickhouse.ClickHouseLogLevel.OFF } });
  try {
    const result = await client.query({ query: sql, format: 'JSONEachRow' });
    const objects = await result.json<Record<string, unknown>>();
    return { rows: objects.map((row) => decodeRow(row, spec)), sql };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/UNKNOWN_TABLE|UNKNOWN_DATABASE|doesn't exist|does not exist/i.test(message)) {
      throw new ReadoutError('no-source', `no table ${options.table ?? 'otel_logs'} at ${redactUrl(options.url)}: ${message.split('\n')[0]}`);
    }
    throw new ReadoutError('engine', `ClickHouse at ${redactUrl(options.url)}: ${message.split('\n')[0]}`);
  } finally {
    await client.close();
  }
}
