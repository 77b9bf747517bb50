/**
 * The Grafana provisioning of the compose stack (examples/grafana/provisioning), checked without
 * Grafana: mounted where Grafana reads it, one ClickHouse datasource whose uid every panel, query
 * and variable uses, its variables set by the grafana service, and dashboard SQL that reads only
 * columns of the clickhouse exporter's own otel_logs DDL and attributes of the wire contract
 * (src/semconv.ts). Running that SQL on the ClickHouse engine itself is test/e2e/readout*.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import * as semconv from '../../src/semconv.js';
import { GRAFANA_DIR, type Report, service as composeService, env, hostPath, loadComposeReport, manifestVersion, removeVolumeDirs, run } from '../fixtures/compose.js';

let report: Report;
const service = (name: string) => composeService(report, name);

beforeAll(async () => {
  ({ report } = await loadComposeReport());
});

afterAll(removeVolumeDirs);

describe('Grafana provisioning (examples/grafana/provisioning)', () => {
  interface Datasource {
    name: string;
    uid: string;
    type: string;
    jsonData: Record<string, unknown>;
    secureJsonData?: Record<string, unknown>;
  }
  interface Target {
    datasource?: { uid?: string; type?: string };
    rawSql?: string;
    refId?: string;
  }
  interface Dashboard {
    uid: string;
    title: string;
    panels: { id: number; title: string; datasource?: { uid?: string }; targets?: Target[] }[];
    templating: { list: { name: string; type: string; query?: string; datasource?: { uid?: string } }[] };
  }

  const readYaml = <T>(path: string): T => parseYaml(readFileSync(path, 'utf8')) as T;
  const datasourceFile = join(GRAFANA_DIR, 'datasources', 'clickhouse.yaml');
  const providerFile = join(GRAFANA_DIR, 'dashboards', 'dashboards.yaml');
  const dashboardFile = join(GRAFANA_DIR, 'dashboards', 'flag-experiments.json');

  function clickhouseDatasource(): Datasource {
    const { apiVersion, datasources } = readYaml<{ apiVersion: number; datasources: Datasource[] }>(datasourceFile);
    expect(apiVersion).toBe(1);
    const ds = datasources.filter((d) => d.type === 'grafana-clickhouse-datasource');
    expect(ds).toHaveLength(1);
    return ds[0] as Datasource;
  }

  function dashboard(): Dashboard {
    return JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
  }

  function allSql(board: Dashboard): { where: string; sql: string }[] {
    return [
      ...board.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel '${p.title}' ${t.refId ?? ''}`, sql: t.rawSql ?? '' }))),
      ...board.templating.list.filter((v) => v.type === 'query').map((v) => ({ where: `variable $${v.name}`, sql: v.query ?? '' })),
    ];
  }

  it('parses (YAML and JSON) and is mounted where Grafana reads provisioning', () => {
    const grafana = service('grafana');
    const mount = grafana.bindMounts.find((m) => m.target === '/etc/grafana/provisioning');
    expect(mount?.source).toBe(GRAFANA_DIR);
    const { providers } = readYaml<{ providers: { type: string; options: { path: string } }[] }>(providerFile);
    expect(providers).toHaveLength(1);
    // The provider's container path, mapped back through the mount, holds the dashboard.
    const providerDir = hostPath(grafana, providers[0]?.options.path ?? '', new Map());
    expect(providerDir).toBe(join(GRAFANA_DIR, 'dashboards'));
    expect(existsSync(join(providerDir ?? '', 'flag-experiments.json'))).toBe(true);
    expect(dashboard().uid).toBe('offt-flag-experiments');
  });

  it("uses the provisioned ClickHouse datasource uid in every panel, query and variable", () => {
    const { uid } = clickhouseDatasource();
    const board = dashboard();
    expect(board.panels.length).toBeGreaterThanOrEqual(3);
    for (const panel of board.panels) {
      expect(panel.datasource?.uid, `panel '${panel.title}'`).toBe(uid);
      expect(panel.targets?.length, `panel '${panel.title}' has no query`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, `panel '${panel.title}' query`).toBe(uid);
    }
    const variables = board.templating.list.map((v) => v.name);
    expect(variables).toEqual(expect.arrayContaining(['flag', 'event']));
    for (const variable of board.templating.list) expect(variable.datasource?.uid, `$${variable.name}`).toBe(uid);
  });

  it('gets every ${VAR} of the datasource from the grafana service environment, and the plugin from GF_PLUGINS_PREINSTALL_SYNC', () => {
    const grafana = service('grafana');
    const text = readFileSync(datasourceFile, 'utf8').replace(/^\s*#.*$/gm, '');
    const referenced = [...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map((m) => m[1] ?? '');
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(grafana.environment[name], `${name} for the datasource`).toBeTruthy();
    expect(env(grafana, 'OFFT_CLICKHOUSE_HOST')).toBe('clickhouse');
    const plugins = env(grafana, 'GF_PLUGINS_PREINSTALL_SYNC').split(',');
    // Pinned with @version, so every run provisions against the same plugin.
    expect(plugins.some((p) => /^grafana-clickhouse-datasource@\d+\.\d+\.\d+$/.test(p.trim()))).toBe(true);
    expect(clickhouseDatasource().type).toBe('grafana-clickhouse-datasource');
  });

  it("queries only columns of the clickhouse exporter's otel_logs DDL and attributes of the wire contract", async () => {
    // The exporter's own CREATE TABLE template, at the manifest's version, from the Go module proxy.
    const module = `github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter@${manifestVersion()}`;
    const { stdout } = await run('go', ['mod', 'download', '-json', module], {
      cwd: tmpdir(),
      // As scripts/build-collector.sh does: the checksum database has no entry for some contrib
      // modules (clickhouseexporter among them); their hashes still come from the proxy over TLS.
      env: { ...process.env, GONOSUMDB: [process.env['GONOSUMDB'], process.env['OFFT_GONOSUMDB'] ?? 'github.com/open-telemetry/opentelemetry-collector-contrib'].filter(Boolean).join(',') },
      maxBuffer: 16 * 1024 * 1024,
    });
    const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
    const ddl = readFileSync(join(dir, 'internal', 'sqltemplates', 'logs_table.sql'), 'utf8');
    const columns = new Set([...ddl.matchAll(/^\s*`([A-Za-z]+)`\s+\S/gm)].map((m) => m[1]));
    expect([...columns]).toEqual(expect.arrayContaining(['Timestamp', 'EventName', 'LogAttributes', 'ServiceName']));

    // Every attribute the library writes, from the one source of truth.
    const contract = new Set(Object.entries(semconv).filter(([name]) => name.startsWith('ATTR_')).map(([, key]) => key as string));
    const queries = allSql(dashboard());
    for (const { where, sql } of queries) {
      expect(sql, where).toMatch(/\bFROM otel_logs\b/);
      // CamelCase words are otel_logs columns (SQL keywords are upper case, functions camelCase).
      const used = [...sql.replace(/--.*$/gm, '').replace(/'[^']*'/g, "''").matchAll(/\b[A-Z][a-z]+[A-Za-z]*\b/g)].map((m) => m[0]);
      for (const column of used) expect(columns.has(column), `${where}: column ${column}`).toBe(true);
      for (const [, key] of sql.matchAll(/LogAttributes\['([^']+)'\]/g)) expect(contract.has(key ?? ''), `${where}: attribute ${key}`).toBe(true);
      for (const [, name] of sql.matchAll(/EventName = '([^']+)'/g)) expect(['feature_flag.evaluation', 'openfeature.tracking']).toContain(name);
    }
    // (b) and (c) join tracking events to the exposure of the same subject.
    const joins = queries.filter(({ sql }) => /JOIN exposures/.test(sql) || /JOIN conversions/.test(sql));
    expect(joins.length).toBeGreaterThanOrEqual(2);
    for (const { sql } of joins) expect(sql).toContain("LogAttributes['feature_flag.context.id']");
  });
});
