/**
 * The web SDK path end to end, in a real headless Chromium (Debian's, driven by playwright-core):
 * examples/web built for production by Vite, served on 127.0.0.1, posting OTLP/HTTP to the real
 * slim collector, whose CORS allows only the page's origin.
 *
 * Proves: the page renders the variant the flag chose (screenshot in test-results/browser/);
 * exposures and tracking events reach the collector's files with the targeting key and the static
 * context; closing the tab right after a click still delivers the click (flush on page hide), even
 * while an earlier export is still held by a slow network; a context change re-evaluates and the new exposures carry the new context id; a page on an origin
 * the collector does not allow is refused and nothing is written; a 30 s collector outage loses
 * nothing while the page stays open (evaluations, clicks and a tab switch during it all arrive once
 * the collector is back on the same port).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT_FLAG, variantFor } from '../../examples/web/flags.js';
import {
  type Collector,
  type OtlpLogRecord,
  ROOT,
  otlpAttributes,
  readLines,
  readOtlpJsonRecords,
  startCollector,
} from '../fixtures/collector.js';
import { type SlowProxy, type StaticServer, buildExample, launchChromium, removeDir, serveStatic, slowProxy, waitFor } from '../fixtures/browser.js';

const ARTIFACTS = join(ROOT, 'test-results', 'browser');
const OUTPUT_FILES = ['raw-otlp.json', 'feature-events.ndjson', 'feature-events.csv', 'tracking-events.ndjson', 'other.ndjson'];

// Two shoppers the experiment puts in different variants (checked in the first test).
const SHOPPER_A = 'shopper-7';
const SHOPPER_B = 'shopper-9';

let distDir: string | undefined;
let allowed: StaticServer;
let disallowed: StaticServer;
let browser: Browser;
let collector: Collector | undefined;
let context: BrowserContext | undefined;
let proxy: SlowProxy | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  distDir = await buildExample();
  allowed = await serveStatic(distDir);
  disallowed = await serveStatic(distDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await allowed?.close();
  await disallowed?.close();
  removeDir(distDir);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await proxy?.close();
  proxy = undefined;
  await collector?.stop();
  if (collector !== undefined) removeDir(collector.outDir);
  collector = undefined;
});

/** A collector whose OTLP/HTTP receiver allows exactly one browser origin. */
async function collectorAllowing(origin: string): Promise<Collector> {
  collector = await startCollector({ env: { OTLP_CORS_ORIGINS: `[${origin}]` } });
  return collector;
}

interface Shop {
  page: Page;
  /** Every console message and page error, for diagnostics and the CORS test. */
  console: string[];
  /** OTLP requests the page started, and those that failed. */
  exports: { started: number; failed: string[]; grants: (string | null)[] };
}

async function openShop(origin: string, query: Record<string, string>): Promise<Shop> {
  context = await browser.newContext({ viewport: { width: 720, height: 480 } });
  const page = await context.newPage();
  const shop: Shop = { page, console: [], exports: { started: 0, failed: [], grants: [] } };
  page.on('console', (message) => shop.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => shop.console.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/logs') && request.method() === 'POST') shop.exports.started++;
  });
  page.on('requestfailed', (request) => {
    if (request.url().endsWith('/v1/logs')) shop.exports.failed.push(request.failure()?.errorText ?? 'failed');
  });
  page.on('response', (response) => {
    if (response.url().endsWith('/v1/logs') && response.request().method() === 'POST') {
      shop.exports.grants.push(response.headers()['access-control-allow-origin'] ?? null);
    }
  });
  await page.goto(`${origin}/?${new URLSearchParams(query).toString()}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 }).catch((error: unknown) => {
    throw new Error(`the page did not get ready: ${String(error)}\nconsole:\n${shop.console.join('\n')}`);
  });
  return shop;
}

/** The shopper switches to another tab and back: a visibilitychange to hidden (the hide flush), then to visible. */
async function switchTabAndBack(page: Page): Promise<void> {
  await page.evaluate(() => {
    const flip = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    flip('hidden');
    flip('visible');
    delete (document as { visibilityState?: unknown }).visibilityState;
  });
}

function records(event: string): OtlpLogRecord[] {
  if (collector === undefined) return [];
  return readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json')).filter((record) => record.eventName === event);
}

/** Waits until at least `count` records of `event` match `where`, and returns all of them. */
function waitForRecords(event: string, count: number, where: (attributes: Record<string, unknown>) => boolean = () => true, timeoutMs = 15_000) {
  return waitFor(
    `${count} ${event} record(s) in the collector output`,
    () => {
      const found = records(event).filter((record) => where(otlpAttributes(record)));
      return found.length >= count ? found : undefined;
    },
    timeoutMs,
  );
}

const STATIC_CONTEXT = { anonymous: false, plan: 'pro' };
/** Every record carries a unique id (`log.record.uid`, a ULID) for at-least-once dedupe. */
const ULID = expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);

describe('the example web app in headless Chromium against the real collector', () => {
  it('renders the variant the flag chose, and its exposure and click reach the collector with the targeting key and static context', async () => {
    expect(variantFor(SHOPPER_A)).not.toBe(variantFor(SHOPPER_B)); // the shoppers are in different arms
    const col = await collectorAllowing(allowed.origin);
    const shop = await openShop(allowed.origin, { collector: col.otlpHttpUrl, shopper: SHOPPER_A, plan: 'pro', batchDelay: '200' });
    const expected = variantFor(SHOPPER_A);

    const button = shop.page.locator('#checkout');
    expect(await button.getAttribute('data-variant')).toBe(expected);
    expect(await button.getAttribute('class')).toContain(expected);
    expect(await shop.page.locator('#variant').textContent()).toBe(expected);
    await shop.page.screenshot({ path: join(ARTIFACTS, 'variant.png') });

    const [exposure] = await waitForRecords('feature_flag.evaluation', 1);
    expect(otlpAttributes(exposure!)).toEqual({
      'feature_flag.key': CHECKOUT_FLAG,
      'feature_flag.result.variant': expected,
      'feature_flag.result.reason': 'targeting_match',
      'feature_flag.provider.name': 'in-memory',
      'feature_flag.context.id': SHOPPER_A,
      'openfeature.context': STATIC_CONTEXT,
      'log.record.uid': ULID,
    });
    expect(exposure!.severityNumber).toBe(9);

    await button.click();
    await shop.page.waitForSelector('#status:has-text("Thanks")');
    const [click] = await waitForRecords('openfeature.tracking', 1);
    expect(otlpAttributes(click!)).toEqual({
      'openfeature.tracking.name': 'clicked-checkout',
      'openfeature.tracking.value': 42.5,
      'openfeature.tracking.details': { currencyCode: 'EUR' },
      'feature_flag.context.id': SHOPPER_A,
      'feature_flag.provider.name': 'in-memory',
      'openfeature.context': STATIC_CONTEXT,
      'log.record.uid': ULID,
    });

    // The GOFF-shaped files join outcome to exposure on the same userKey.
    const goffFeature = await waitFor('the GOFF feature event', () => {
      const lines = readLines(join(col.outDir, 'feature-events.ndjson'));
      return lines.length > 0 ? lines.map((line) => JSON.parse(line) as Record<string, unknown>) : undefined;
    });
    expect(goffFeature[0]).toMatchObject({ kind: 'feature', contextKind: 'user', userKey: SHOPPER_A, key: CHECKOUT_FLAG, variation: expected });
    const goffTracking = await waitFor('the GOFF tracking event', () => {
      const lines = readLines(join(col.outDir, 'tracking-events.ndjson'));
      return lines.length > 0 ? lines.map((line) => JSON.parse(line) as Record<string, unknown>) : undefined;
    });
    expect(goffTracking[0]).toMatchObject({
      kind: 'tracking',
      userKey: SHOPPER_A,
      key: 'clicked-checkout',
      evaluationContext: { ...STATIC_CONTEXT, targetingKey: SHOPPER_A },
      trackingEventDetails: { currencyCode: 'EUR', value: 42.5 },
    });

    // Every export was a cross-origin request that the collector granted to exactly this origin.
    expect(shop.exports.failed).toEqual([]);
    expect(shop.exports.grants.length).toBeGreaterThan(0);
    expect(new Set(shop.exports.grants)).toEqual(new Set([allowed.origin]));
    expect(records('feature_flag.evaluation')).toHaveLength(1);
    expect(records('openfeature.tracking')).toHaveLength(1);
  });

  const LEAVE: [string, (page: Page) => Promise<unknown>][] = [
    ['the tab is closed', (page) => page.close({ runBeforeUnload: true })],
    ['the tab is closed without beforeunload', (page) => page.close()],
    ['the page navigates away', (page) => page.goto('about:blank')],
    ['the window is closed', (page) => page.context().close()],
  ];
  it.each(LEAVE)('delivers a click made right before %s: the batch is flushed on page hide', async (_how, leave) => {
    const col = await collectorAllowing(allowed.origin);
    // A batch delay far beyond the test: nothing is exported unless the page-hide flush sends it.
    const shop = await openShop(allowed.origin, { collector: col.otlpHttpUrl, shopper: SHOPPER_B, plan: 'pro', batchDelay: '600000' });
    await shop.page.waitForTimeout(300);
    expect(shop.exports.started).toBe(0);

    await shop.page.locator('#checkout').click();
    await leave(shop.page);

    const [click] = await waitForRecords('openfeature.tracking', 1, (a) => a['feature_flag.context.id'] === SHOPPER_B);
    expect(otlpAttributes(click!)).toMatchObject({ 'openfeature.tracking.name': 'clicked-checkout', 'feature_flag.context.id': SHOPPER_B });
    const [exposure] = await waitForRecords('feature_flag.evaluation', 1);
    expect(otlpAttributes(exposure!)['feature_flag.context.id']).toBe(SHOPPER_B);
    expect(records('openfeature.tracking')).toHaveLength(1);
  });

  it('delivers a click made right before the tab closes while an earlier export is still in flight (slow network)', async () => {
    const col = await collectorAllowing(allowed.origin);
    proxy = await slowProxy(col.otlpHttpUrl, 2_000);
    // A batch delay far beyond the test, so only page-hide flushes send anything. The shopper
    // switches to another tab and back: that hide flush sends the exposure, which the slow network
    // still holds...
    const shop = await openShop(allowed.origin, { collector: proxy.url, shopper: SHOPPER_B, plan: 'pro', batchDelay: '600000' });
    await switchTabAndBack(shop.page);
    await waitFor('the exposure export to be on the wire', () => (proxy!.posts >= 1 ? true : undefined));
    expect(records('feature_flag.evaluation')).toHaveLength(0);
    // ...when the shopper clicks and closes the tab.
    await shop.page.locator('#checkout').click();
    await shop.page.close({ runBeforeUnload: true });

    const [click] = await waitForRecords('openfeature.tracking', 1);
    expect(otlpAttributes(click!)).toMatchObject({ 'openfeature.tracking.name': 'clicked-checkout', 'feature_flag.context.id': SHOPPER_B });
    expect(await waitForRecords('feature_flag.evaluation', 1)).toHaveLength(1);
    expect(proxy.posts).toBe(2);
  });

  it('re-evaluates on a context change, and the new exposures and clicks carry the new context id', async () => {
    const col = await collectorAllowing(allowed.origin);
    const shop = await openShop(allowed.origin, { collector: col.otlpHttpUrl, shopper: SHOPPER_A, plan: 'pro', batchDelay: '200' });
    expect(await shop.page.locator('#checkout').getAttribute('data-variant')).toBe(variantFor(SHOPPER_A));
    await waitForRecords('feature_flag.evaluation', 1, (a) => a['feature_flag.context.id'] === SHOPPER_A);

    await shop.page.fill('#next-shopper', SHOPPER_B);
    await shop.page.click('#switch button[type="submit"]');
    await shop.page.waitForSelector(`body[data-rendered-for="${SHOPPER_B}"]`);
    expect(await shop.page.locator('#checkout').getAttribute('data-variant')).toBe(variantFor(SHOPPER_B));
    await shop.page.locator('#checkout').click();

    const [exposureB] = await waitForRecords('feature_flag.evaluation', 1, (a) => a['feature_flag.context.id'] === SHOPPER_B);
    expect(otlpAttributes(exposureB!)).toMatchObject({
      'feature_flag.key': CHECKOUT_FLAG,
      'feature_flag.result.variant': variantFor(SHOPPER_B),
      'feature_flag.context.id': SHOPPER_B,
      'openfeature.context': STATIC_CONTEXT,
    });
    const [click] = await waitForRecords('openfeature.tracking', 1);
    expect(otlpAttributes(click!)['feature_flag.context.id']).toBe(SHOPPER_B);

    // Exactly one exposure per context: A before the change, B after it.
    const ids = records('feature_flag.evaluation').map((record) => otlpAttributes(record)['feature_flag.context.id']);
    expect(ids).toEqual([SHOPPER_A, SHOPPER_B]);
  });

  // The guarantee is "a 30 s outage loses nothing while the page stays open", so the outage lasts
  // 30 s: three times the OTLP exporter's own retry window, after which the old pipeline dropped.
  const OUTAGE_MS = 30_000;
  it('rides out a 30 s collector outage: evaluations, clicks and a tab switch made during it all arrive once the collector is back on the same port', async () => {
    const first = await collectorAllowing(allowed.origin);
    const shop = await openShop(allowed.origin, { collector: first.otlpHttpUrl, shopper: SHOPPER_A, plan: 'pro', batchDelay: '200' });
    await waitForRecords('feature_flag.evaluation', 1, (a) => a['feature_flag.context.id'] === SHOPPER_A);
    const telemetry = async () => {
      const data = await shop.page.locator('#telemetry').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Number(v)]));
    };

    await first.stop(); // the outage starts: connections to the port are refused
    const outageStarted = Date.now();
    collector = undefined;
    const click = async () => {
      await shop.page.locator('#checkout').click();
      await shop.page.waitForSelector('#status:has-text("Thanks")');
    };
    await click();
    await click();
    // The OTLP exporter gives up on a request after about 10 s; the processor puts it back.
    await waitFor('the failed batch to be put back in the queue', async () => ((await telemetry())['retried']! > 0 ? true : undefined), 25_000);
    await shop.page.fill('#next-shopper', SHOPPER_B); // a context change: a new evaluation
    await shop.page.click('#switch button[type="submit"]');
    await shop.page.waitForSelector(`body[data-rendered-for="${SHOPPER_B}"]`);
    await click();
    // A tab switch during the outage: the hide flush sends everything, the requests fail, the page stays.
    await switchTabAndBack(shop.page);
    await waitFor('the hide flush to count the records it sent during the outage', async () =>
      (await telemetry())['atRiskOnHide']! > 0 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    const during = await telemetry();
    expect(during).toMatchObject({ pending: 4, dropped: 0 }); // 3 clicks + 1 evaluation, none lost
    expect(shop.page.isClosed()).toBe(false);

    // The collector comes back on the same address (a new output directory: only what was held).
    collector = await startCollector({ ports: first.ports, env: { OTLP_CORS_ORIGINS: `[${allowed.origin}]` } });
    removeDir(first.outDir);
    const clicks = await waitForRecords('openfeature.tracking', 3, () => true, 60_000);
    const exposures = await waitForRecords('feature_flag.evaluation', 1, () => true, 30_000);
    await waitFor('the page to count everything as delivered', async () => ((await telemetry())['pending'] === 0 ? true : undefined));
    expect(clicks.map((r) => otlpAttributes(r)['feature_flag.context.id']).sort()).toEqual([SHOPPER_A, SHOPPER_A, SHOPPER_B].sort());
    expect(otlpAttributes(exposures[0]!)).toMatchObject({ 'feature_flag.context.id': SHOPPER_B, 'feature_flag.result.variant': variantFor(SHOPPER_B) });
    expect(records('openfeature.tracking')).toHaveLength(3); // each once
    expect(records('feature_flag.evaluation')).toHaveLength(1);
    const uids = [...clicks, ...exposures].map((r) => otlpAttributes(r)['log.record.uid']);
    expect(new Set(uids).size).toBe(4);
    expect(await telemetry()).toMatchObject({ exported: 5, pending: 0, dropped: 0 });
  });

  it('refuses a page on an origin the collector does not allow, and writes nothing', async () => {
    const col = await collectorAllowing(allowed.origin);
    // The preflight grants the allowed origin and not the other one.
    const preflight = async (origin: string) =>
      fetch(`${col.otlpHttpUrl}/v1/logs`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
    expect((await preflight(allowed.origin)).headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect((await preflight(disallowed.origin)).headers.get('access-control-allow-origin')).toBeNull();

    const shop = await openShop(disallowed.origin, { collector: col.otlpHttpUrl, shopper: SHOPPER_A, plan: 'pro', batchDelay: '200' });
    expect(await shop.page.locator('#checkout').getAttribute('data-variant')).toBe(variantFor(SHOPPER_A));
    await shop.page.locator('#checkout').click();
    await waitFor('the browser to block the export for CORS', () =>
      shop.console.some((line) => /CORS policy/.test(line) && line.includes(disallowed.origin)) ? true : undefined,
    );
    expect(shop.exports.failed.length).toBeGreaterThan(0);
    await shop.page.close({ runBeforeUnload: true }); // the page-hide flush is refused too
    await new Promise((r) => setTimeout(r, 1_500)); // several of the collector's 200 ms file flushes

    for (const file of OUTPUT_FILES) expect(readLines(join(col.outDir, file)), file).toEqual([]);
    await col.stop(); // the file exporters flush on shutdown: still nothing
    for (const file of OUTPUT_FILES) expect(readLines(join(col.outDir, file)), file).toEqual([]);
  });
});
