/**
 * The browser quick start as documented (issue 12 item 6): for each case of docs/browser.md (the
 * web SDK, React), an EMPTY app gets exactly the packages of its `npm install` line (the packed
 * library in place of its name) plus Vite, its code block is built with Vite as the app's
 * main module, and the page runs in headless Chromium against the real collector: the exposure
 * and the clicks arrive. The React case also runs without `dedupe` to show why the docs ask for
 * it (the React SDK evaluates a flag more than once per render). The lines and the code are read
 * from docs/browser.md, so the docs and this test cannot drift.
 *
 * Only two things in the code are replaced: the collector URL, and the targeting key (one per
 * case, to tell the cases apart in the collector's output). `@openfeature/react-sdk` is pinned to
 * the version the docs were checked with. npm runs with --prefer-offline (a warm cache makes the
 * installs seconds; a cold one needs the registry).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, launchChromium, serveStatic, waitFor } from '../fixtures/browser.js';
import { type Collector, ROOT, otlpAttributes, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';
import { packInstalledLibrary } from '../fixtures/packed-library.js';

const execFileAsync = promisify(execFile);
/** The React SDK version docs/browser.md was checked with (`npm view @openfeature/react-sdk versions`). */
const REACT_SDK = '@openfeature/react-sdk@1.4.1';
/** The build tool, not part of the documented line: the repository's own Vite. */
const VITE = `vite@${(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'vite', 'package.json'), 'utf8')) as { version: string }).version}`;
const DOC_URL = 'https://otel.example.com/v1/logs';
const DOC_KEY = "'shopper-7'";

type CaseName = 'web' | 'react';
interface Case {
  packages: string[];
  code: string;
  ext: 'ts' | 'tsx';
}

/** The install line and the code block under each case's markers in docs/browser.md. */
function documentedCases(markdown: string): Map<string, Case> {
  const cases = new Map<string, Case>();
  for (const m of markdown.matchAll(/<!-- browser-install-case: ([\w-]+) -->\s*```sh\n(npm install [^\n]+)\n```/g)) {
    const code = new RegExp(`<!-- browser-code: ${m[1]} -->\\s*\`\`\`(tsx?)\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown);
    if (code === null) throw new Error(`docs/browser.md: no code block for case ${m[1]}`);
    cases.set(m[1]!, { packages: m[2]!.trim().split(/\s+/).slice(2), code: code[2]!, ext: code[1] as 'ts' | 'tsx' });
  }
  return cases;
}

interface App {
  name: CaseName;
  dir: string;
  install: { ok: boolean; output: string; seconds: number };
  named: string[];
}

let work: string;
let sites: string;
let server: StaticServer;
let collector: Collector;
let browser: Browser;
let context: BrowserContext | undefined;
let cases: Map<string, Case>;
const apps = new Map<CaseName, App>();

beforeAll(async () => {
  cases = documentedCases(readFileSync(join(ROOT, 'docs', 'browser.md'), 'utf8'));
  expect([...cases.keys()].sort()).toEqual(['react', 'web']);
  work = mkdtempSync(join(tmpdir(), 'offt-browser-install-'));
  const tarball = packInstalledLibrary(work);
  sites = join(work, 'sites');
  mkdirSync(sites);
  server = await serveStatic(sites);
  collector = await startCollector({ env: { OTLP_CORS_ORIGINS: `[${server.origin}]` } });

  await Promise.all(
    (['web', 'react'] as const).map(async (name) => {
      const dir = join(work, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `browser-install-${name}`, private: true, type: 'module' }));
      const named = cases.get(name)!.packages;
      const args = named.map((p) => (p === 'openfeature-otel-tracking' ? tarball : p === '@openfeature/react-sdk' ? REACT_SDK : p));
      const started = Date.now();
      try {
        const { stdout, stderr } = await execFileAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args, VITE], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 240_000,
        });
        apps.set(name, { name, dir, named, install: { ok: true, output: stdout + stderr, seconds: (Date.now() - started) / 1000 } });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        apps.set(name, { name, dir, named, install: { ok: false, output: `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, seconds: (Date.now() - started) / 1000 } });
      }
    }),
  );
  browser = await launchChromium();
}, 600_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  await server?.close();
  if (collector !== undefined) rmSync(collector.outDir, { recursive: true, force: true });
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Builds the case's documented code (optionally changed by `edit`) with Vite into sites/<site>/. */
async function build(name: CaseName, site: string, edit: (code: string) => string = (c) => c): Promise<string> {
  const app = apps.get(name)!;
  const doc = cases.get(name)!;
  let code = doc.code.replace(DOC_URL, `${collector.otlpHttpUrl}/v1/logs`).replace(DOC_KEY, `'${site}'`);
  expect(code).toContain(collector.otlpHttpUrl);
  expect(code).toContain(`'${site}'`);
  code = edit(code);
  writeFileSync(join(app.dir, `main.${doc.ext}`), code);
  const body = name === 'web' ? '<button id="checkout">…</button>' : '<div id="root"></div>';
  writeFileSync(join(app.dir, 'index.html'), `<!doctype html>\n<html><body>${body}<script type="module" src="./main.${doc.ext}"></script></body></html>\n`);
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    [join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--base', './', '--outDir', join(sites, site), '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: app.dir, encoding: 'utf8', timeout: 120_000 },
  );
  expect(existsSync(join(sites, site, 'index.html')), `${stdout}${stderr}`).toBe(true);
  return stdout + stderr;
}

/** Opens sites/<site>/, clicks the checkout button twice, and returns the records for that subject. */
async function runPage(site: string) {
  context = await browser.newContext();
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  await page.goto(`${server.origin}/${site}/index.html`);
  const button = page.locator('#checkout');
  await waitFor('the checkout button to show the variant', async () => ((await button.textContent()) === 'express' ? true : undefined)).catch((error: unknown) => {
    throw new Error(`${String(error)}\nconsole:\n${logs.join('\n')}`);
  });
  await button.click();
  await button.click();
  const mine = (event: string) =>
    readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json')).filter(
      (r) => r.eventName === event && otlpAttributes(r)['feature_flag.context.id'] === site,
    );
  const clicks = await waitFor('both clicks in the collector output', () => (mine('openfeature.tracking').length >= 2 ? mine('openfeature.tracking') : undefined), 30_000);
  // The exposures were emitted before the clicks; give a later batch (1 s) time to land too.
  await new Promise((r) => setTimeout(r, 2_500));
  return { clicks, exposures: mine('feature_flag.evaluation'), logs };
}

describe('the browser quick start of docs/browser.md, as documented', () => {
  for (const name of ['web', 'react'] as const) {
    it(`${name}: one npm install of exactly the named packages, a Vite build of the documented code, and in Chromium its exposure and clicks reach the collector`, async () => {
      const app = apps.get(name)!;
      expect(app.install.ok, app.install.output).toBe(true);
      const pkg = JSON.parse(readFileSync(join(app.dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(Object.keys(pkg.dependencies).sort()).toEqual([...app.named, 'vite'].sort());
      await build(name, `docs-${name}`);
      const { clicks, exposures } = await runPage(`docs-${name}`);
      expect(clicks.map((r) => otlpAttributes(r)['openfeature.tracking.name'])).toEqual(['clicked-checkout', 'clicked-checkout']);
      expect(otlpAttributes(clicks[0]!)['openfeature.tracking.value']).toBe(42.5);
      // web: one evaluation; React with dedupe: one exposure however often it renders.
      expect(exposures).toHaveLength(1);
      expect(otlpAttributes(exposures[0]!)).toMatchObject({ 'feature_flag.key': 'checkout-button', 'feature_flag.result.variant': 'express' });
    });
  }

  it('react without dedupe: the React SDK evaluates the flag more than once per page load, each an exposure record (why the docs ask for dedupe)', async () => {
    expect(apps.get('react')!.install.ok).toBe(true);
    const withoutDedupe = (code: string) => {
      expect(code).toContain('dedupe: true');
      return code.replace('dedupe: true', 'dedupe: false');
    };
    await build('react', 'react-no-dedupe', withoutDedupe);
    const { clicks, exposures } = await runPage('react-no-dedupe');
    expect(clicks).toHaveLength(2);
    process.stderr.write(`browser-install: React SDK 1.4.1, one page load and two clicks without dedupe: ${exposures.length} exposure records\n`);
    expect(exposures.length).toBeGreaterThan(1);
  });
});
