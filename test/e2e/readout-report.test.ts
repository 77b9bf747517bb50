/**
 * The `--html` readout report in the real Chromium: one self-contained page (no request leaves
 * it), per-variant lift with CI bars, the cumulative lift over first-exposure time, the table with
 * p-values and the health section. A screenshot is kept in test-results/readout/report.png
 * (test-results/ is not committed).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/readout/cli-main.js';
import { launchChromium } from '../fixtures/browser.js';
import { ROOT, killAndRemove } from '../fixtures/collector.js';
import { EVENT, type Experiment, FLAG, runExperiment } from '../fixtures/experiment.js';

const ARTIFACTS = join(ROOT, 'test-results', 'readout');
let experiment: Experiment;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  experiment = await runExperiment(240);
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'offt-readout-html-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await killAndRemove(experiment?.collector);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('readout --html in Chromium', () => {
  it('is one self-contained page with CI bars, the cumulative lift and the p-values', async () => {
    const file = join(dir, 'readout.html');
    let out = '';
    const code = await main(['readout', '--source', experiment.outDir, '--flag', FLAG, '--metric', EVENT, '--html', file], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    expect(code, out).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);

    const page = await browser.newPage({ viewport: { width: 960, height: 1200 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(requests).toEqual([pathToFileURL(file).href]);

    expect(await page.locator('h1').innerText()).toContain(FLAG);
    expect(await page.locator('section h2').allInnerTexts()).toEqual([`${EVENT}: conversion rate`, `${EVENT}: value per unit`, 'Health']);
    // One CI bar per treatment per metric, drawn with a width, and a cumulative line with its band.
    const bars = page.locator('svg.ci-bars line.ci');
    expect(await bars.count()).toBe(2);
    for (const box of await Promise.all((await bars.all()).map((b) => b.boundingBox()))) expect(box!.width).toBeGreaterThan(5);
    expect(await page.locator('svg.cumulative polyline').count()).toBe(2);
    expect(await page.locator('svg.cumulative polygon').count()).toBe(2);
    const table = await page.locator('table').first().innerText();
    expect(table).toMatch(/green\s+\d+\s+[\d.]+%\s+\+[\d.]+% \[\+[\d.]+%, \+[\d.]+%\]\s+[\d.e-]+\s+[\d.]+%/);
    expect(await page.locator('.health').innerText()).toContain('Units served more than one variant: 1');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.close();
  });
});
