/**
 * docker-compose.yml, checked without a Docker engine (none runs on the build machines).
 *
 * The Compose file is loaded by scripts/compose-check, a small Go program on
 * compose-spec/compose-go (the loader `docker compose` is built on): schema validation,
 * ${VAR:-default} interpolation, path resolution and consistency checks, exactly as `docker
 * compose up` would do them. Its JSON report is then checked for what would otherwise only fail
 * at `docker compose up` time, or silently: bind mounts of missing paths (docker creates an empty
 * directory), services that start before their dependencies are healthy, a collector config
 * the container's collector would reject, credentials that differ between the collector,
 * ClickHouse and Grafana, and a dashboard whose queries or datasource uid do not match what is
 * provisioned or what the clickhouse exporter writes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_DIR, ROOT, collectorBinary } from '../fixtures/collector.js';

const run = promisify(execFile);
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const GRAFANA_DIR = join(ROOT, 'examples', 'grafana', 'provisioning');
const EXCEPTION_KEY = 'x-healthcheck-exception';

interface Mount {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
}
interface Service {
  image: string;
  build: { context: string; dockerfile: string } | null;
  command: string[];
  environment: Record<string, string | null>;
  bindMounts: Mount[];
  mounts: Mount[];
  ports: string[];
  healthcheck: { test: string[]; disabled: boolean } | null;
  dependsOn: Record<string, string>;
  extensions: Record<string, unknown>;
}
interface Report {
  name: string;
  workingDir: string;
  services: Record<string, Service>;
  volumes: string[];
}

let report: Report;
let composeCheckSeconds = 0;
const tempDirs: string[] = [];

beforeAll(async () => {
  // The Go module is scripts/compose-check (the repository root has no go.mod), hence -C. The
  // first run downloads compose-go from the module proxy and compiles it (~30 s cold).
  const started = Date.now();
  const { stdout } = await run('go', ['-C', join(ROOT, 'scripts', 'compose-check'), 'run', '.', COMPOSE_FILE], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  composeCheckSeconds = (Date.now() - started) / 1000;
  report = JSON.parse(stdout) as Report;
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function service(name: string): Service {
  const svc = report.services[name];
  if (svc === undefined) throw new Error(`docker-compose.yml has no service '${name}'`);
  return svc;
}

function env(svc: Service, key: string): string {
  const value = svc.environment[key];
  if (value === undefined || value === null) throw new Error(`${key} is not set in the service's environment`);
  return value;
}

/** Maps a path inside a service's container to the host through its mounts (the longest match). */
function hostPath(svc: Service, containerPath: string, volumeDirs: Map<string, string>): string | undefined {
  const mount = [...svc.mounts]
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (mount === undefined) return undefined;
  const rest = posix.relative(mount.target, containerPath);
  if (mount.type === 'bind') return join(mount.source, rest);
  if (mount.type === 'volume') {
    // A named volume has no host path: stand in a fresh temp dir per volume.
    let dir = volumeDirs.get(mount.source);
    if (dir === undefined) {
      dir = mkdtempSync(join(tmpdir(), `offt-volume-${mount.source}-`));
      tempDirs.push(dir);
      volumeDirs.set(mount.source, dir);
    }
    return join(dir, rest);
  }
  return undefined;
}

/** The container port of each published port ("host_ip:published->target/proto"). */
function containerPorts(svc: Service): number[] {
  return svc.ports.map((p) => Number(/->(\d+)\//.exec(p)?.[1]));
}

function portOf(endpoint: string): number {
  return Number(/:(\d+)(?:[/?].*)?$/.exec(endpoint)?.[1]);
}

/** The contrib component version the slim collector is built from (collector-config/manifest.yaml). */
function manifestVersion(): string {
  const manifest = parseYaml(readFileSync(join(CONFIG_DIR, 'manifest.yaml'), 'utf8')) as { exporters: { gomod: string }[] };
  const clickhouse = manifest.exporters.find((e) => e.gomod.includes('/exporter/clickhouseexporter '));
  if (clickhouse === undefined) throw new Error('manifest.yaml has no clickhouseexporter');
  return clickhouse.gomod.split(' ')[1] ?? '';
}

describe('docker-compose.yml, loaded by compose-go (the docker compose loader)', () => {
  it('parses, interpolates and passes compose-go consistency checks (scripts/compose-check)', () => {
    process.stderr.write(`compose-check: ${composeCheckSeconds.toFixed(1)} s\n`);
    expect(report.name).toBe('openfeature-otel-tracking');
    expect(Object.keys(report.services).sort()).toEqual(['clickhouse', 'collector', 'collector-health', 'collector-init', 'demo', 'grafana', 'loadgen']);
    // Every ${VAR:-default} resolved: nothing left to interpolate.
    for (const [name, svc] of Object.entries(report.services)) {
      for (const [key, value] of Object.entries(svc.environment)) {
        expect(value, `${name}.environment.${key}`).not.toBeNull();
        expect(value, `${name}.environment.${key}`).not.toMatch(/\$\{/);
      }
    }
  });

  it('pins every pulled image to a version, and the collector image to the manifest component version', () => {
    const version = manifestVersion();
    expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(service('collector').image).toBe(`otel/opentelemetry-collector-contrib:${version.slice(1)}`);
    for (const [name, svc] of Object.entries(report.services)) {
      if (svc.build !== null) continue; // built here from the repository's sources
      const tag = /:([^/:@]+)$/.exec(svc.image)?.[1];
      expect(tag, `${name}: ${svc.image} has no tag`).toBeDefined();
      expect(tag, `${name}: ${svc.image}`).toMatch(/^\d+(\.\d+)+/);
    }
  });

  it('binds only host paths that exist (docker would create an empty directory instead)', () => {
    const binds = Object.entries(report.services).flatMap(([name, svc]) => svc.bindMounts.map((m) => ({ name, ...m })));
    expect(binds.length).toBeGreaterThan(0);
    for (const bind of binds) {
      expect(existsSync(bind.source), `${bind.name}: ${relative(ROOT, bind.source)} -> ${bind.target}`).toBe(true);
      // Configuration is mounted read-only: the containers must not edit the checkout.
      expect(bind.readOnly, `${bind.name}: ${bind.target} should be :ro`).toBe(true);
    }
  });

  it("builds the demo image from sources that exist in the build context and runs the demo's entry script", () => {
    const demo = service('demo');
    const context = demo.build?.context ?? '';
    const dockerfile = join(context, demo.build?.dockerfile ?? '');
    expect(existsSync(dockerfile), dockerfile).toBe(true);
    const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n').map((line) => line.trim());
    // BuildKit filters the context with <Dockerfile>.dockerignore: no COPY source may be excluded.
    const ignoreFile = `${dockerfile}.dockerignore`;
    const ignored = existsSync(ignoreFile)
      ? readFileSync(ignoreFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
      : [];
    const copies = lines.filter((line) => /^COPY\s/i.test(line) && !/--from=/.test(line));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const args = line.split(/\s+/).slice(1).filter((a) => !a.startsWith('--'));
      for (const source of args.slice(0, -1)) {
        expect(existsSync(join(context, source)), `${line}: ${source} is not in the build context`).toBe(true);
        expect(ignored, `${source} is excluded by ${relative(ROOT, ignoreFile)}`).not.toContain(source);
      }
    }
    // The CMD runs a script the image copied in (examples/demo/service.mjs).
    const cmd = lines.find((line) => /^CMD\s/.test(line)) ?? '';
    const script = (JSON.parse(cmd.slice(3).trim()) as string[]).find((a) => a.endsWith('.mjs')) ?? '';
    expect(existsSync(join(context, script)), `CMD script ${script}`).toBe(true);
    // The loadgen reuses the demo image, built the same way.
    expect(service('loadgen').build).toEqual(demo.build);
    expect(service('loadgen').image).toBe(demo.image);
  });

  it('gives every service a healthcheck or a documented x-healthcheck-exception, and waits for health in depends_on', () => {
    for (const [name, svc] of Object.entries(report.services)) {
      const exception = svc.extensions[EXCEPTION_KEY];
      if (svc.healthcheck === null || svc.healthcheck.disabled) {
        expect(typeof exception === 'string' && exception.length > 20, `${name} has no healthcheck and no ${EXCEPTION_KEY}`).toBe(true);
      } else {
        expect(svc.healthcheck.test.length, `${name}: empty healthcheck test`).toBeGreaterThan(1);
        expect(['CMD', 'CMD-SHELL']).toContain(svc.healthcheck.test[0]);
        expect(exception, `${name}: has a healthcheck AND an exception`).toBeUndefined();
      }
    }
    for (const [name, svc] of Object.entries(report.services)) {
      for (const [dependency, condition] of Object.entries(svc.dependsOn)) {
        const target = service(dependency);
        const hasHealthcheck = target.healthcheck !== null && !target.healthcheck.disabled;
        if (hasHealthcheck) {
          // A dependency that can report health is waited for until healthy.
          expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        } else {
          expect(['service_started', 'service_completed_successfully'], `${name} -> ${dependency}`).toContain(condition);
        }
      }
    }
    // The demo must not start sending before the collector really accepts data: it waits for the
    // sidecar that probes the (distroless) collector's health_check extension.
    expect(service('demo').dependsOn['collector-health']).toBe('service_healthy');
    const probe = service('collector-health').healthcheck?.test.join(' ') ?? '';
    expect(probe).toContain(`http://collector:${portOf(env(service('collector'), 'HEALTH_ENDPOINT'))}/`);
  });

  it('wires endpoints and ClickHouse credentials consistently across services', () => {
    const collector = service('collector');
    const ports = containerPorts(collector);
    for (const key of ['OTLP_GRPC_ENDPOINT', 'OTLP_HTTP_ENDPOINT', 'HEALTH_ENDPOINT']) {
      const endpoint = env(collector, key);
      expect(endpoint, key).toMatch(/^0\.0\.0\.0:/); // reachable from other containers and the host
      expect(ports, `${key} port is published`).toContain(portOf(endpoint));
    }
    expect(env(service('demo'), 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe(`http://collector:${portOf(env(collector, 'OTLP_HTTP_ENDPOINT'))}`);
    expect(env(collector, 'OFFT_CLICKHOUSE_ENDPOINT')).toMatch(/^tcp:\/\/clickhouse:9000\b/);

    const clickhouse = service('clickhouse');
    const grafana = service('grafana');
    expect(env(clickhouse, 'CLICKHOUSE_USER')).toBe(env(collector, 'OFFT_CLICKHOUSE_USERNAME'));
    expect(env(clickhouse, 'CLICKHOUSE_PASSWORD')).toBe(env(collector, 'OFFT_CLICKHOUSE_PASSWORD'));
    expect(env(clickhouse, 'CLICKHOUSE_DB')).toBe(env(collector, 'OFFT_CLICKHOUSE_DATABASE'));
    for (const key of ['OFFT_CLICKHOUSE_USERNAME', 'OFFT_CLICKHOUSE_PASSWORD', 'OFFT_CLICKHOUSE_DATABASE']) {
      expect(env(grafana, key), key).toBe(env(collector, key));
    }
    expect(env(clickhouse, 'CLICKHOUSE_PASSWORD')).not.toBe(''); // the image refuses remote logins without one
  });

  it("passes the collector's own `validate` for the config files and environment of the collector service", async () => {
    const collector = service('collector');
    const volumeDirs = new Map<string, string>();
    const configs = collector.command.filter((arg) => arg.startsWith('--config=')).map((arg) => arg.slice('--config='.length));
    expect(configs).toEqual(['/etc/otelcol/otelcol.yaml', '/etc/otelcol/exporters/clickhouse.yaml']);
    const hostConfigs = configs.map((path) => {
      const host = hostPath(collector, path, volumeDirs);
      expect(host, `${path} is not under a mount of the collector service`).toBeDefined();
      expect(collector.bindMounts.some((m) => host?.startsWith(m.source)), `${path} comes from a bind mount`).toBe(true);
      expect(existsSync(host ?? ''), `${path} -> ${host}`).toBe(true);
      return host ?? '';
    });
    // Only the service's environment (paths into its mounts mapped to the host), plus PATH: a
    // variable the compose file forgot must not be supplied by the test runner's environment.
    const composeEnv: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    for (const [key, value] of Object.entries(collector.environment)) {
      const mapped = value !== null && value.startsWith('/') ? hostPath(collector, value, volumeDirs) : undefined;
      composeEnv[key] = mapped ?? value ?? '';
    }
    expect(composeEnv['OFFT_OUT_DIR']).not.toBe(env(collector, 'OFFT_OUT_DIR')); // mapped into the volume stand-in
    const bin = collectorBinary();
    const args = ['validate', ...hostConfigs.map((path) => `--config=${path}`)];
    const result = await run(bin, args, { env: composeEnv, cwd: tmpdir() }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${bin} ${args.join(' ')} failed:\n${error.stderr ?? ''}${error.stdout ?? ''}${error.message}`);
    });
    expect(result.stderr).not.toMatch(/error/i);
  });
});

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

    const contract = new Set([
      'feature_flag.key',
      'feature_flag.result.variant',
      'feature_flag.result.value',
      'feature_flag.result.reason',
      'feature_flag.provider.name',
      'feature_flag.context.id',
      'feature_flag.version',
      'feature_flag.set.id',
      'error.type',
      'feature_flag.error.message',
      'openfeature.context',
      'openfeature.flag.metadata',
      'openfeature.tracking.name',
      'openfeature.tracking.value',
      'openfeature.tracking.details',
    ]);
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
