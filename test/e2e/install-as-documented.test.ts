/**
 * Install as documented (issue 12 item 5): each `npm install` line of docs/setup.md, run in an
 * EMPTY app with the packed library in place of its name and nothing else, on Node 20 and on
 * Node 22, resolves, and a small ESM and CJS app then delivers an evaluation and a `track()` record
 * to a local OTLP endpoint. The lines are read from docs/setup.md, so the docs and this test
 * cannot drift.
 *
 * The packed library is the one scripts/prepare-fixtures.mjs installed into test/fixtures/consumer
 * (npm test runs it first), packed again from there. npm runs with --prefer-offline: a warm cache
 * makes this a minute; a cold one needs the registry.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtinModules } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpSink, startHttpSink } from '../fixtures/http-sink.js';
import { packInstalledLibrary } from '../fixtures/packed-library.js';

const execFileAsync = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scripts = join(root, 'test', 'fixtures', 'install-as-documented');

type CaseName = 'node-sdk' | 'setup-protobuf' | 'setup-json';
const CASES: Record<CaseName, { script: string; protocol: string; contentType: string; mustLack?: string }> = {
  'node-sdk': { script: 'node-sdk', protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
  // The app must not have the other protocol's exporter, or a top-level import of it would pass unnoticed.
  'setup-protobuf': { script: 'setup', protocol: 'http/protobuf', contentType: 'application/x-protobuf', mustLack: '@opentelemetry/exporter-logs-otlp-http' },
  'setup-json': { script: 'setup', protocol: 'http/json', contentType: 'application/json', mustLack: '@opentelemetry/exporter-logs-otlp-proto' },
};

/** The `npm install` line under each `<!-- install-case: name -->` marker of docs/setup.md. */
function installLines(markdown: string): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (const match of markdown.matchAll(/<!-- install-case: ([\w-]+) -->\s*```sh\n(npm install [^\n]+)\n```/g)) {
    lines.set(match[1]!, match[2]!.trim().split(/\s+/).slice(2));
  }
  return lines;
}

/**
 * The packages an ESM entry of the installed library imports statically (following its chunks):
 * the app must name each of them, not get it by luck through another package's hoisted dependency.
 */
function staticImports(dist: string, file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const match of readFileSync(join(dist, file), 'utf8').matchAll(/^(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
    const specifier = match[1]!;
    if (specifier.startsWith('./')) for (const p of staticImports(dist, specifier.slice(2), seen)) packages.add(p);
    else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
  }
  return packages;
}

interface App {
  dir: string;
  node: string;
  nodeName: string;
  caseName: CaseName;
  packages: string[];
  install?: { ok: boolean; output: string; seconds: number };
}

let work: string;
let tarball: string;
let npmCli: string;
const apps: App[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'offt-install-'));
  tarball = packInstalledLibrary(work);
  npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  // This machine's Node when it is 20, else Node 20 from the registry; Node 22 from the registry.
  const nodeBinary = (major: number) =>
    process.versions.node.startsWith(`${major}.`)
      ? process.execPath
      : execFileSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
  const nodes: [string, string][] = [
    ['Node 20', nodeBinary(20)],
    ['Node 22', nodeBinary(22)],
  ];

  const lines = installLines(readFileSync(join(root, 'docs', 'setup.md'), 'utf8'));
  expect([...lines.keys()].sort()).toEqual(Object.keys(CASES).sort());
  for (const [nodeName, node] of nodes) {
    for (const caseName of Object.keys(CASES) as CaseName[]) {
      const dir = join(work, `${nodeName.replace(' ', '')}-${caseName}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'install-check', private: true }));
      const packages = lines.get(caseName)!.map((name) => (name === 'openfeature-otel-tracking' ? tarball : name));
      apps.push({ dir, node, nodeName, caseName, packages });
    }
  }
  // Installs run three at a time: npm spends most of its time waiting on the cache and the disk.
  const queue = [...apps];
  const worker = async () => {
    for (let app = queue.shift(); app !== undefined; app = queue.shift()) {
      const started = Date.now();
      try {
        // npm runs on the app's Node: engines decide which SDK line it picks.
        const { stdout, stderr } = await execFileAsync(app.node, [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...app.packages], {
          cwd: app.dir,
          encoding: 'utf8',
          timeout: 240_000,
        });
        app.install = { ok: true, output: stdout + stderr, seconds: (Date.now() - started) / 1000 };
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        app.install = { ok: false, output: `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, seconds: (Date.now() - started) / 1000 };
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const version = (dir: string, name: string): string | undefined => {
  const file = join(dir, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
};

describe('each install line of docs/setup.md, in an empty app, on Node 20 and Node 22', () => {
  for (const nodeName of ['Node 20', 'Node 22']) {
    for (const caseName of Object.keys(CASES) as CaseName[]) {
      it(`${nodeName}, ${caseName}: one npm install resolves with exactly the named packages, and ESM and CJS apps deliver both records over OTLP`, async () => {
        const app = apps.find((a) => a.nodeName === nodeName && a.caseName === caseName);
        expect(app, `no app for ${nodeName}`).toBeDefined();
        expect(app!.install?.ok, app!.install?.output).toBe(true);
        const spec = CASES[caseName];
        const pkg = JSON.parse(readFileSync(join(app!.dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
        const named = app!.packages.map((p) => (p === tarball ? 'openfeature-otel-tracking' : p)).sort();
        expect(Object.keys(pkg.dependencies).sort()).toEqual(named);
        if (spec.mustLack !== undefined) expect(version(app!.dir, spec.mustLack), `${spec.mustLack} must not be installed`).toBeUndefined();
        const entry = spec.script === 'setup' ? 'setup.js' : 'index.js';
        const imported = [...staticImports(join(app!.dir, 'node_modules', 'openfeature-otel-tracking', 'dist'), entry)];
        expect(imported.length).toBeGreaterThan(0);
        expect(named, `packages dist/${entry} imports`).toEqual(expect.arrayContaining(imported));
        const resolved = { api: version(app!.dir, '@opentelemetry/api'), sdkLogs: version(app!.dir, '@opentelemetry/sdk-logs') };

        for (const ext of ['mjs', 'cjs']) {
          const file = `${spec.script}.${ext}`;
          copyFileSync(join(scripts, file), join(app!.dir, file));
          const sink: HttpSink = await startHttpSink();
          try {
            const { stdout } = await execFileAsync(app!.node, [file], {
              cwd: app!.dir,
              encoding: 'utf8',
              timeout: 60_000,
              env: {
                PATH: process.env['PATH'],
                HOME: process.env['HOME'],
                SINK_URL: sink.url,
                PROTOCOL: spec.protocol,
                // NodeSDK: logs over OTLP to the sink, nothing else.
                OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
                OTEL_TRACES_EXPORTER: 'none',
                OTEL_METRICS_EXPORTER: 'none',
              },
            });
            const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { value: boolean; stats?: Record<string, number> };
            expect(out.value, `${file}: flag value`).toBe(true);
            if (out.stats !== undefined) expect(out.stats, `${file}: stats`).toMatchObject({ emitted: 2, exported: 2, dropped: 0, pending: 0 });
            const logs = sink.requests.filter((r) => r.url === '/v1/logs');
            expect(logs.length, `${file}: OTLP log requests (api ${resolved.api}, sdk-logs ${resolved.sdkLogs})`).toBeGreaterThan(0);
            for (const request of logs) expect(request.headers['content-type']).toBe(spec.contentType);
            const body = Buffer.concat(logs.map((r) => r.body));
            expect(body.includes('feature_flag.evaluation'), `${file}: evaluation record`).toBe(true);
            expect(body.includes('openfeature.tracking'), `${file}: tracking record`).toBe(true);
            expect(body.includes('user-42'), `${file}: targeting key`).toBe(true);
          } finally {
            await sink.close();
          }
        }
      }, 180_000);
    }
  }

  it('Node 20: the same packages in two steps (library first, SDK second) fail with ERESOLVE, as docs/setup.md warns', async () => {
    const app = apps.find((a) => a.nodeName === 'Node 20' && a.caseName === 'setup-protobuf')!;
    const dir = join(work, 'Node20-two-steps');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'install-check', private: true }));
    const sdkFirst = app.packages.findIndex((p) => p === '@opentelemetry/sdk-logs');
    const npm = (packages: string[]) =>
      execFileAsync(app.node, [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packages], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    await npm(app.packages.slice(0, sdkFirst));
    const second = await npm(app.packages.slice(sdkFirst)).then(
      () => 'resolved',
      (err: { stderr?: string }) => err.stderr ?? '',
    );
    expect(second).toMatch(/ERESOLVE/);
  }, 600_000);

  it('Node 20, setup-protobuf app asked for http/json: the missing exporter package is a diag error and counted drops, never a crash', async () => {
    const app = apps.find((a) => a.nodeName === 'Node 20' && a.caseName === 'setup-protobuf');
    expect(app?.install?.ok, app?.install?.output).toBe(true);
    for (const ext of ['mjs', 'cjs']) {
      const file = `setup.${ext}`;
      copyFileSync(join(scripts, file), join(app!.dir, file));
      const sink = await startHttpSink();
      try {
        const { stdout, stderr } = await execFileAsync(app!.node, [file], {
          cwd: app!.dir,
          encoding: 'utf8',
          timeout: 60_000,
          env: { PATH: process.env['PATH'], HOME: process.env['HOME'], SINK_URL: sink.url, PROTOCOL: 'http/json', DIAG: '1' },
        });
        const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { value: boolean; stats: Record<string, number> };
        expect(out.value).toBe(true);
        expect(out.stats).toMatchObject({ emitted: 2, exported: 0, droppedExportFailed: 2, pending: 0 });
        expect(stderr).toMatch(/protocol 'http\/json' needs @opentelemetry\/exporter-logs-otlp-http; install it/);
        expect(sink.requests).toEqual([]);
      } finally {
        await sink.close();
      }
    }
  }, 180_000);
});
