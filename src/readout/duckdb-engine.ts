/// <reference types="node" />
/**
 * The embedded engine: DuckDB (`@duckdb/node-api`, an optional peer dependency) over the files the
 * collector writes. Offline by construction: extension auto-install and auto-load are off, and the
 * JSON reader must be statically linked (checked before every readout).
 *
 * @module
 */
import type * as DuckDbModule from '@duckdb/node-api';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeRow } from './rows.js';
import { DUCKDB_DIALECT, readoutSql, type SourceSql } from './sql-core.js';
import { goffFilesSource, otlpFilesSource } from './sql-sources.js';
import { ReadoutError } from './errors.js';
import type { ReadoutSpec, VariantRow } from './types.js';

/**
 * Which files to read in a directory.
 *
 * @example
 * ```ts
 * const format: FileFormat = 'goff'; // read the GOFF files even when raw-otlp.json is there
 * ```
 */
export type FileFormat = 'auto' | 'goff' | 'otlp';

/**
 * The collector's output files found in a directory (rotated files included: the file exporter
 * names them `<name>-<timestamp>.<ext>`).
 *
 * @example
 * ```ts
 * const files = findCollectorFiles('./out'); // { feature: [...], tracking: [...], otlp: [...] }
 * ```
 */
export function findCollectorFiles(dir: string): { feature: string[]; tracking: string[]; otlp: string[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).sort();
  } catch {
    throw new ReadoutError('no-source', `no such directory: ${dir}`);
  }
  const pick = (re: RegExp) => names.filter((n) => re.test(n)).map((n) => resolve(join(dir, n)));
  return {
    feature: pick(/^feature-events(-.+)?\.ndjson$/),
    tracking: pick(/^tracking-events(-.+)?\.ndjson$/),
    otlp: pick(/^raw-otlp(-.+)?\.json$/),
  };
}

/**
 * Options of {@link readFiles}.
 *
 * @example
 * ```ts
 * const options: FileReadOptions = { format: 'otlp', memoryLimit: '512MB' };
 * ```
 */
export interface FileReadOptions {
  /** `auto` (default): the raw OTLP copy when present (record ids, reasons, ns timestamps), else the GOFF files. */
  format?: FileFormat;
  /** DuckDB memory limit, e.g. `'1GB'` (default 75% of RAM, DuckDB's own default); it spills to disk beyond. */
  memoryLimit?: string;
  threads?: number;
}

/**
 * Picks the source relations for a directory.
 *
 * @example
 * ```ts
 * const { source, format } = fileSource('./out', spec, 'auto');
 * ```
 */
export function fileSource(dir: string, spec: ReadoutSpec, format: FileFormat = 'auto'): { source: SourceSql; format: 'goff' | 'otlp'; files: string[] } {
  const files = findCollectorFiles(dir);
  const useOtlp = format === 'otlp' || (format === 'auto' && files.otlp.length > 0);
  if (useOtlp) {
    if (files.otlp.length === 0) throw new ReadoutError('no-source', `no raw-otlp*.json in ${dir}`);
    return { source: otlpFilesSource(files.otlp, spec), format: 'otlp', files: files.otlp };
  }
  if (files.feature.length === 0) throw new ReadoutError('no-source', `no feature-events*.ndjson or raw-otlp*.json in ${dir}`);
  if (spec.reasons?.length) {
    throw new ReadoutError('usage', 'GOFF feature events carry no evaluation reason: filter by reason on raw-otlp.json (--format otlp) or ClickHouse');
  }
  return { source: goffFilesSource(files.feature, files.tracking, spec), format: 'goff', files: [...files.feature, ...files.tracking] };
}

type DuckDb = typeof DuckDbModule;

async function loadDuckDb(): Promise<DuckDb> {
  try {
    return await import('@duckdb/node-api');
  } catch {
    throw new ReadoutError('missing-engine', 'the file readout needs DuckDB: npm install @duckdb/node-api@1.5.6-r.1');
  }
}

/**
 * Runs the readout SQL over the files in `dir` and returns per-variant sufficient statistics.
 *
 * @example
 * ```ts
 * const { rows } = await readFiles('./out', { flag: 'checkout-button', metrics: [{ event: 'checkout-completed', kind: 'conversion' }] });
 * ```
 */
export async function readFiles(dir: string, spec: ReadoutSpec, options: FileReadOptions = {}): Promise<{ rows: VariantRow[]; format: 'goff' | 'otlp'; files: string[]; sql: string }> {
  const { source, format, files } = fileSource(dir, spec, options.format);
  const sql = readoutSql(spec, source, DUCKDB_DIALECT);
  const duckdb = await loadDuckDb();
  // Spill files go to the OS temp dir (DuckDB's default is ./.tmp in the user's working directory).
  const spill = mkdtempSync(join(tmpdir(), 'offt-readout-duckdb-'));
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    preserve_insertion_order: 'false',
    temp_directory: spill,
  };
  if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
  if (options.threads) config['threads'] = String(options.threads);
  try {
    const instance = await duckdb.DuckDBInstance.create(':memory:', config).catch((error: unknown) => {
      throw new ReadoutError('engine', `DuckDB: ${error instanceof Error ? error.message : String(error)}`);
    });
    const connection = await instance.connect();
    try {
      const json = await connection.runAndReadAll(`SELECT install_mode FROM duckdb_extensions() WHERE extension_name = 'json'`);
      const mode = json.getRowObjectsJS()[0]?.['install_mode'];
      if (mode !== 'STATICALLY_LINKED') {
        throw new ReadoutError('missing-engine', `this DuckDB build has no built-in JSON reader (json extension: ${JSON.stringify(mode)}); it would need a download`);
      }
      const result = await connection.runAndReadAll(sql).catch((error: unknown) => {
        throw new ReadoutError('engine', `DuckDB: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      });
      return { rows: result.getRowObjectsJS().map((row) => decodeRow(row, spec)), format, files, sql };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    rmSync(spill, { recursive: true, force: true });
  }
}
