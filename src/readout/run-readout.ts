/**
 * One call from a data source to a {@link Readout}: the engine aggregates, the stats core infers.
 *
 * @module
 */
import { type AnalysisOptions, analyze, type Readout } from './analyze.js';
import { readClickHouse } from './clickhouse-engine.js';
import { type FileFormat, readFiles } from './duckdb-engine.js';
import type { ReadoutSpec } from './types.js';

/**
 * Where the records are: the collector's output directory, or a ClickHouse `otel_logs` table.
 *
 * @example
 * ```ts
 * const source: ReadoutSource = { kind: 'clickhouse', url: 'http://localhost:8123/otel', table: 'otel_logs' };
 * ```
 */
export type ReadoutSource =
  | { kind: 'files'; dir: string; format?: FileFormat; memoryLimit?: string }
  | { kind: 'clickhouse'; url: string; table?: string };

/**
 * Reads the experiment from the source and compares the variants.
 *
 * @example
 * ```ts
 * const { readout } = await runReadout(
 *   { kind: 'files', dir: './out' },
 *   { flag: 'checkout-button', metrics: [{ event: 'checkout-completed', kind: 'conversion' }] },
 *   { control: 'blue' },
 * );
 * console.log(readout.metrics[0].variants[1].comparison?.pValue);
 * ```
 */
export async function runReadout(source: ReadoutSource, spec: ReadoutSpec, options: AnalysisOptions = {}): Promise<{ readout: Readout; sourceLabel: string }> {
  if (source.kind === 'clickhouse') {
    const { rows } = await readClickHouse({ url: source.url, ...(source.table ? { table: source.table } : {}) }, spec);
    const host = (() => {
      try {
        return new URL(source.url).host;
      } catch {
        return source.url;
      }
    })();
    return { readout: analyze(rows, spec, options), sourceLabel: `ClickHouse ${host}, table ${source.table ?? 'otel_logs'}` };
  }
  const { rows, format, files } = await readFiles(source.dir, spec, { ...(source.format ? { format: source.format } : {}), ...(source.memoryLimit ? { memoryLimit: source.memoryLimit } : {}) });
  const label = `${files.length} file${files.length === 1 ? '' : 's'} in ${source.dir} (${format === 'goff' ? 'GOFF feature and tracking events' : 'raw OTLP/JSON'})`;
  return { readout: analyze(rows, spec, options), sourceLabel: label };
}
