/**
 * The ClickHouse SQL we ship besides the readout's own (which test/e2e/readout.test.ts runs):
 * the Grafana dashboard's queries and the GrowthBook queries of docs/growthbook.md, executed by
 * the ClickHouse engine (chDB) on the contrib exporter's v0.152.0 otel_logs, filled from a real
 * collector run. The significance panel must agree with the readout's stats core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/readout/analyze.js';
import { otelLogsReadoutSql } from '../../src/readout/clickhouse-engine.js';
import { decodeRow } from '../../src/readout/rows.js';
import { compareVariants, normalCdf } from '../../src/readout/stats/index.js';
import type { ReadoutSpec } from '../../src/readout/types.js';
import { OtelLogsDb } from '../fixtures/chdb.js';
import { ROOT, killAndRemove } from '../fixtures/collector.js';
import { EVENT, type Experiment, FLAG, runExperiment } from '../fixtures/experiment.js';

let experiment: Experiment;
let db: OtelLogsDb;

beforeAll(async () => {
  experiment = await runExperiment(200);
  db = new OtelLogsDb();
  db.load(join(experiment.outDir, 'raw-otlp.json'));
});
afterAll(async () => {
  db?.close();
  await killAndRemove(experiment?.collector);
});

interface Panel {
  title: string;
  targets: { rawSql: string }[];
}
const dashboard = () =>
  JSON.parse(readFileSync(join(ROOT, 'examples', 'grafana', 'provisioning', 'dashboards', 'flag-experiments.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; query?: string }[] };
  };

/** Grafana's ClickHouse macros and variables, expanded as the plugin would for "the last day". */
function grafana(sql: string): string {
  return sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, '$1 >= now64(9) - INTERVAL 1 DAY AND $1 <= now64(9)')
    .replace(/\$__timeInterval\(([^)]+)\)/g, 'toStartOfInterval($1, INTERVAL 10 second)')
    .replaceAll('${flag:sqlstring}', `'${FLAG}'`)
    .replaceAll('${event:sqlstring}', `'${EVENT}'`)
    .replace(/FROM otel_logs\b/g, 'FROM otel.otel_logs');
}

describe('Grafana dashboard SQL on the ClickHouse engine (chDB)', () => {
  it('every panel query and variable query runs on the exporter table and returns rows', () => {
    const board = dashboard();
    for (const panel of board.panels) {
      for (const target of panel.targets) expect(db.query(grafana(target.rawSql)).length, panel.title).toBeGreaterThan(0);
    }
    for (const variable of board.templating.list) {
      if (variable.query) expect(db.query(grafana(variable.query)).length, variable.name).toBeGreaterThan(0);
    }
  });

  it('the significance panel: per-variant CI and a p-value that agree with the readout stats core', () => {
    const panel = dashboard().panels.find((p) => p.title.startsWith('Significance'));
    expect(panel).toBeDefined();
    const rows = db.query<Record<string, number | string | null>>(grafana(panel!.targets[0]!.rawSql));
    expect(rows.map((r) => r['variant'])).toEqual(['blue', 'green']);
    const [blue, green] = rows as [Record<string, number | null>, Record<string, number | null>];
    expect(blue['units']).toBe(experiment.expected.blue.units);
    expect(green['units']).toBe(experiment.expected.green.units);
    expect(blue['conversion_p_value']).toBeNull();

    const arm = (a: 'blue' | 'green') => ({ type: 'proportion' as const, n: experiment.expected[a].units, conversions: experiment.expected[a].converted });
    const core = compareVariants(arm('blue'), arm('green'), { difference: 'absolute' });
    const z = core.estimate / core.standardError;
    // proportionsZTest (unpooled) has the readout's standard error; its p-value is the normal one.
    expect(green['conversion_p_value']).toBeCloseTo(2 * (1 - normalCdf(Math.abs(z))), 9);
    expect(green['lift_ci_low_pp']).toBeCloseTo(Math.round(100 * 100 * (core.estimate - 1.959963984540054 * core.standardError)) / 100, 6);
    expect(green['conversion_p_value']!).toBeLessThan(0.01);
    const p = experiment.expected.green.converted / experiment.expected.green.units;
    expect(green['conversion_ci_low_pct']).toBeCloseTo(Math.round(10000 * (p - 1.959963984540054 * Math.sqrt((p * (1 - p)) / experiment.expected.green.units))) / 100, 6);

    const mean = (a: 'blue' | 'green') => ({ type: 'mean' as const, n: experiment.expected[a].units, sum: experiment.expected[a].valueSum, sumSquares: experiment.expected[a].valueSumSquares });
    const value = compareVariants(mean('blue'), mean('green'), { difference: 'absolute' });
    expect(green['value_p_value']).toBeCloseTo(2 * (1 - normalCdf(Math.abs(value.estimate / value.standardError))), 9);
  });

  it('the readout SQL over otel_logs feeds the same significance as the dashboard shows', () => {
    const spec: ReadoutSpec = { flag: FLAG, metrics: [{ event: EVENT, kind: 'conversion' }] };
    const readout = analyze(db.query(otelLogsReadoutSql(spec, 'otel.otel_logs')).map((r) => decodeRow(r, spec)), spec, { difference: 'absolute' });
    const green = readout.metrics[0]!.variants.find((v) => v.variant === 'green')!;
    expect(green.stats).toEqual({ type: 'proportion', n: experiment.expected.green.units, conversions: experiment.expected.green.converted });
  });
});

/** The SQL block after a `<!-- growthbook:NAME -->` marker in docs/growthbook.md. */
function growthbookSql(name: string): string {
  const doc = readFileSync(join(ROOT, 'docs', 'growthbook.md'), 'utf8');
  const match = new RegExp(`<!-- growthbook:${name} -->\\s*\`\`\`sql\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/growthbook.md has no growthbook:${name} SQL block`);
  return match[1]!
    .replaceAll('{{startDate}}', '2000-01-01 00:00:00')
    .replaceAll('{{endDate}}', '2100-01-01 00:00:00')
    .replace(/FROM otel_logs\b/g, 'FROM otel.otel_logs');
}

function columnTypes(sql: string): Record<string, string> {
  return Object.fromEntries(db.query<{ name: string; type: string }>(`DESCRIBE (${sql})`).map((c) => [c.name, c.type]));
}

describe('GrowthBook queries of docs/growthbook.md on the exporter table (chDB)', () => {
  it('Experiment Assignment Query: exactly user_id, timestamp, experiment_id, variation_id; one row per exposure', () => {
    const sql = growthbookSql('assignment');
    expect(columnTypes(sql)).toEqual({ user_id: 'String', timestamp: 'DateTime64(9)', experiment_id: 'String', variation_id: 'String' });
    const rows = db.query<{ user_id: string; experiment_id: string; variation_id: string }>(sql).filter((r) => r.experiment_id === FLAG);
    // Two evaluations per user, one for early-bird, two for the switcher.
    const units = experiment.expected.blue.units + experiment.expected.green.units;
    expect(rows).toHaveLength(2 * (units - 1) + 1 + 2);
    expect(new Set(rows.map((r) => r.variation_id))).toEqual(new Set(['blue', 'green']));
  });

  it('Fact table: timestamp, user_id, numeric value, event filter column; the dedupe wrapper counts a record once', () => {
    const sql = growthbookSql('fact-table');
    expect(columnTypes(sql)).toEqual({ timestamp: 'DateTime64(9)', user_id: 'String', event_name: 'String', value: 'Nullable(Float64)', record_id: 'String' });
    const purchases = db.query<{ user_id: string; value: number }>(`SELECT * FROM (${sql}) WHERE event_name = '${EVENT}'`);
    const sent = purchases.filter((r) => r.user_id.startsWith('user-'));
    expect(sent.reduce((s, r) => s + r.value, 0)).toBeCloseTo(experiment.expected.blue.valueSum + experiment.expected.green.valueSum, 9);
    expect(purchases.every((r) => r.user_id !== '')).toBe(true);
    const doc = readFileSync(join(ROOT, 'docs', 'growthbook.md'), 'utf8');
    const wrapper = /`(SELECT any\(timestamp\)[^`]*GROUP BY record_id)`/.exec(doc.replace(/\n/g, ' '))?.[1];
    expect(wrapper).toBeDefined();
    const once = db.query(wrapper!.replace('<query above>', sql));
    db.load(join(experiment.outDir, 'raw-otlp.json')); // every record delivered a second time
    expect(db.query(sql).length).toBe(2 * once.length);
    expect(db.query(wrapper!.replace('<query above>', sql))).toHaveLength(once.length);
  });
});
