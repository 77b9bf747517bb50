/// <reference types="node" />
/**
 * `openfeature-otel-tracking readout ...`: argument parsing, the run, the three outputs (terminal
 * table, `--json`, `--html`) and one exit status per kind of failure (see {@link EXIT_CODES}).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT_CODES, ReadoutError } from './errors.js';
import { formatHtml } from './report-html.js';
import { formatText } from './report-text.js';
import { runReadout, type ReadoutSource } from './run-readout.js';
import type { MetricKind, MetricSpec, ReadoutSpec } from './types.js';

/**
 * The CLI's help text.
 *
 * @example
 * ```ts
 * process.stdout.write(USAGE);
 * ```
 */
export const USAGE = `Usage: openfeature-otel-tracking readout (--source <dir> | --clickhouse <url>) --flag <key> --metric <event>[:kind] [options]

Source
  --source <dir>          the collector's output directory (GOFF files and/or raw-otlp.json; rotated files too)
  --format auto|goff|otlp files to read (default auto: raw-otlp*.json when present, else GOFF files)
  --clickhouse <url>      ClickHouse HTTP URL, e.g. http://user:password@localhost:8123/otel
  --table <name>          ClickHouse table (default otel_logs)
  --memory <size>         DuckDB memory limit, e.g. 512MB (default: DuckDB's, 80% of RAM); it spills to disk beyond
Experiment
  --flag <key>            feature_flag.key of the experiment
  --metric <event>[:kind] tracking event name; kind conversion|mean|count|ratio (repeatable). A plain
                          name gives conversion and, when the events carry a value, mean value per unit
  --control <variant>     baseline variant (default: first in alphabetical order)
  --delay <duration>      outcomes count from first exposure + delay (e.g. 0, 30m, 1h)
  --window <duration>     ...up to first exposure + delay + window (e.g. 7d); default no end
  --reason <list>         only evaluations with these reasons are exposures (comma list; not in GOFF files)
  --variants <list>       only evaluations served these variants are exposures
  --cap <p>               cap per-unit values at percentile p (0 < p < 1) for mean, count and ratio metrics
  --weights <list>        expected split for the SRM check, per variant in alphabetical order (default equal)
Statistics
  --alpha <a>             significance level (default 0.05)
  --sequential [N*]       always-valid confidence sequence, tuning N* (default 5000): safe to peek
  --cuped [days]          CUPED with the same metric over <days> before first exposure (default 14)
  --difference relative|absolute   (default relative)
  --correction none|holm|bh        adjust p-values over metrics x variants (default none)
Output
  --json                  one JSON document on stdout
  --html <file>           a self-contained HTML report
`;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `30m`, `1h`, `7d`, `90` (seconds) → seconds.
 *
 * @example
 * ```ts
 * parseDuration('7d', '--window'); // 604800
 * ```
 */
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new ReadoutError('usage', `${option}: '${text}' is not a duration (e.g. 30m, 1h, 7d)`);
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']!;
}

function number(text: string, option: string, check: (x: number) => boolean, what: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new ReadoutError('usage', `${option}: '${text}' must be ${what}`);
  return x;
}

const KINDS: MetricKind[] = ['conversion', 'mean', 'count', 'ratio'];
const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/** Options that take an optional value: `--sequential` alone means `--sequential=<default>`. */
function withOptionalValues(argv: string[]): string[] {
  const defaults: Record<string, string> = { '--sequential': '5000', '--cuped': '14' };
  return argv.flatMap((arg, i) => {
    if (!(arg in defaults)) return [arg];
    const next = argv[i + 1];
    return next !== undefined && /^\d+(\.\d+)?$/.test(next) ? [arg] : [`${arg}=${defaults[arg]}`];
  });
}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Runs the CLI with these arguments (without `node` and the script) and returns the exit status.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['readout', '--source', './out', '--flag', 'checkout-button', '--metric', 'checkout-completed']);
 * ```
 */
export async function main(argv: string[], io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? EXIT_CODES.usage : 0;
    }
    if (command !== 'readout') throw new ReadoutError('usage', `unknown command '${command}' (expected: readout)`);
    const { values } = parseArgs({
      args: withOptionalValues(rest),
      strict: true,
      options: {
        source: { type: 'string' }, format: { type: 'string' }, memory: { type: 'string' }, clickhouse: { type: 'string' }, table: { type: 'string' },
        flag: { type: 'string' }, metric: { type: 'string', multiple: true }, control: { type: 'string' },
        delay: { type: 'string' }, window: { type: 'string' }, reason: { type: 'string', multiple: true }, variants: { type: 'string', multiple: true },
        cap: { type: 'string' }, weights: { type: 'string' }, alpha: { type: 'string' }, sequential: { type: 'string' }, cuped: { type: 'string' },
        difference: { type: 'string' }, correction: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (!values.flag) throw new ReadoutError('usage', '--flag <key> is required');
    if (!values.metric?.length) throw new ReadoutError('usage', '--metric <event> is required');
    if (Boolean(values.source) === Boolean(values.clickhouse)) throw new ReadoutError('usage', 'give exactly one of --source <dir> or --clickhouse <url>');
    const cap = values.cap === undefined ? undefined : number(values.cap, '--cap', (x) => x > 0 && x < 1, 'between 0 and 1');
    const metrics: MetricSpec[] = values.metric.flatMap((m): MetricSpec[] => {
      const at = m.lastIndexOf(':');
      const kind = at > 0 ? m.slice(at + 1) : '';
      if (at > 0 && KINDS.includes(kind as MetricKind)) return [{ event: m.slice(0, at), kind: kind as MetricKind, ...(cap && kind !== 'conversion' ? { capPercentile: cap } : {}) }];
      return [{ event: m, kind: 'conversion' }, { event: m, kind: 'mean', optional: true, ...(cap ? { capPercentile: cap } : {}) }];
    });
    const spec: ReadoutSpec = {
      flag: values.flag,
      metrics,
      ...(values.delay ? { delaySeconds: parseDuration(values.delay, '--delay') } : {}),
      ...(values.window ? { windowSeconds: parseDuration(values.window, '--window') } : {}),
      ...(values.reason ? { reasons: list(values.reason) } : {}),
      ...(values.variants ? { variants: list(values.variants) } : {}),
      ...(values.cuped ? { cupedLookbackSeconds: number(values.cuped, '--cuped', (x) => x > 0, 'a positive number of days') * 86400 } : {}),
    };
    if (values.memory && !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(values.memory)) throw new ReadoutError('usage', `--memory: '${values.memory}' must be a size such as 512MB or 2GB`);
    const format = values.format ?? 'auto';
    if (!['auto', 'goff', 'otlp'].includes(format)) throw new ReadoutError('usage', `--format: '${format}' must be auto, goff or otlp`);
    const source: ReadoutSource = values.clickhouse
      ? { kind: 'clickhouse', url: values.clickhouse, ...(values.table ? { table: values.table } : {}) }
      : { kind: 'files', dir: values.source!, format: format as 'auto' | 'goff' | 'otlp', ...(values.memory ? { memoryLimit: values.memory } : {}) };
    const difference = values.difference ?? 'relative';
    if (difference !== 'relative' && difference !== 'absolute') throw new ReadoutError('usage', `--difference: '${difference}' must be relative or absolute`);
    const correction = values.correction ?? 'none';
    if (!['none', 'holm', 'bh'].includes(correction)) throw new ReadoutError('usage', `--correction: '${correction}' must be none, holm or bh`);
    const { readout, sourceLabel } = await runReadout(source, spec, {
      ...(values.control ? { control: values.control } : {}),
      alpha: values.alpha === undefined ? 0.05 : number(values.alpha, '--alpha', (x) => x > 0 && x < 0.5, 'between 0 and 0.5'),
      sequential: values.sequential ? { tuning: number(values.sequential, '--sequential', (x) => x >= 1, 'a positive sample size') } : false,
      difference,
      correction: correction as 'none' | 'holm' | 'bh',
      ...(values.weights ? { weights: list([values.weights]).map((w) => number(w, '--weights', (x) => x > 0, 'positive')) } : {}),
    });
    if (values.html) writeFileSync(values.html, formatHtml(readout, sourceLabel));
    io.stdout(values.json ? `${JSON.stringify({ source: sourceLabel, ...readout }, null, 2)}\n` : formatText(readout, sourceLabel));
    if (values.html && !values.json) io.stdout(`HTML report: ${values.html}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ReadoutError) {
      io.stderr(`readout: ${error.message}\n${error.code === 'usage' ? `\n${USAGE}` : ''}`);
      return EXIT_CODES[error.code];
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/ERR_PARSE_ARGS/.test((error as { code?: string })?.code ?? '')) {
      io.stderr(`readout: ${message}\n\n${USAGE}`);
      return EXIT_CODES.usage;
    }
    io.stderr(`readout: unexpected error: ${message}\n`);
    return 1;
  }
}
