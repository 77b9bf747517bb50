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
 * ClickHouse and Grafana. The Grafana provisioning has its own file (grafana-provisioning.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, collectorBinary } from '../fixtures/collector.js';
import {
  type Report,
  type Service,
  service as composeService,
  env,
  hostPath,
  loadComposeReport,
  manifestVersion,
  removeVolumeDirs,
  run,
} from '../fixtures/compose.js';

const EXCEPTION_KEY = 'x-healthcheck-exception';

let report: Report;
let composeCheckSeconds = 0;
const service = (name: string): Service => composeService(report, name);

beforeAll(async () => {
  ({ report, seconds: composeCheckSeconds } = await loadComposeReport());
});

afterAll(removeVolumeDirs);

/** The container port of each published port ("host_ip:published->target/proto"). */
function containerPorts(svc: Service): number[] {
  return svc.ports.map((p) => Number(/->(\d+)\//.exec(p)?.[1]));
}

function portOf(endpoint: string): number {
  return Number(/:(\d+)(?:[/?].*)?$/.exec(endpoint)?.[1]);
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
    expect(configs).toEqual(['/etc/otelcol/otelcol-contrib.yaml', '/etc/otelcol/exporters/clickhouse.yaml']);
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
