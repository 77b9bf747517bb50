/**
 * The library → OTLP → the real collector with the shipped config → GOFF files. N evaluations
 * and M track calls, a hostile corpus among them, must come out as exactly N feature events (JSON
 * and CSV) and M tracking events, byte for byte what GO Feature Flag's own Go code writes for the
 * same calls (test/fixtures/goff.ts runs GOFF's NewFeatureEvent and formatters over the calls),
 * with nothing lost, duplicated or routed to the wrong stream.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { type EvaluationContext, InMemoryProvider, MultiProvider, OpenFeature } from '@openfeature/server-sdk';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { CONFIG_DIR, type Collector, MAIN_CONFIG, killAndRemove, otlpAttributes, readLines, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';
import { type EvaluationCall, FEATURE_EVENT_KEYS, TRACKING_EVENT_KEYS, type TrackCall, runGoffOracle, writeGoffCorpus } from '../fixtures/goff.js';
import { IN_MEMORY_FLAGS, ScriptedProvider } from '../fixtures/providers.js';

const N_PER_SHAPE = 6;
const EXPORTED_CONTEXT = ['anonymous', 'plan'];
/**
 * Strings that break naive JSON building: the "," the OTTL config splits on, quotes, backslashes,
 * HTML characters Go escapes, U+2028, \b and \f (Go writes \b, the collector's encoder \u0008),
 * non-ASCII. No newline, so that each CSV record stays on one line (GOFF's CSV does not quote).
 */
const HOSTILE = 'a","b\\"c\\","<&>\u2028\té🙂\b\f';
/** Map keys whose JSON escapes sort differently from the raw keys (Go sorts raw keys). */
const ESCAPED_KEYS = { 'a\u0001': 1, 'a!': 2, 'a"': 3, 'a<': 4, 'a\\': 5, é: 6, '🙂': 7, '\b': 8, '\f': 9 };

type Getter = 'boolean' | 'string' | 'number' | 'object';
/**
 * Flag values of every class where the collector's own encoders differ from Go: escaped keys,
 * \b \f, doubles with exponent -7..-9 nested, integer-valued numbers >= 1e6 (GOFF's CSV prints
 * 1e+06), an empty variant (GOFF: SdkDefault), unicode, nested maps and arrays.
 */
const HOSTILE_FLAGS: [key: string, getter: Getter, value: unknown, variant: string | undefined][] = [
  ['h-nested', 'object', { z: [1e-9, 1000000, { 'k\b': '\f' }], a: { '<': '>', é: '\u2029' }, none: null, list: [] }, 'nested'],
  ['h-keys', 'object', ESCAPED_KEYS, 'keys'],
  ['h-array', 'object', [1, 'two', [3.25e-7], { x: true }], 'array'],
  ['h-empty-map', 'object', {}, 'empty'],
  ['h-csv-map', 'object', { b: 1000000, a: 'x y', tiny: 1e-8 }, 'csv-map'],
  ['h-million', 'number', 1000000, 'million'],
  ['h-big', 'number', 12345678, 'big'],
  ['h-huge', 'number', 1e21, 'huge'],
  ['h-tiny', 'number', 1e-7, 'tiny'],
  ['h-tiny-8', 'number', 2.5e-8, 'tiny-8'],
  ['h-negative', 'number', -42.5, 'negative'],
  [`h-hostile${HOSTILE}`, 'string', `value${HOSTILE}`, `variant${HOSTILE}`],
  ['h-empty-variant', 'string', 'x', ''],
  ['h-no-variant', 'boolean', true, undefined],
  ['h-unicode-é中😀', 'string', 'é中😀\u2029', '中'],
];
const HOSTILE_METADATA = { version: '3.0', team: `g${HOSTILE}`, tiny: 1e-8, big: 1000000 };

/** Sends hand-made OTLP/JSON log records straight to a collector's OTLP/HTTP receiver. */
function postLogRecords(target: Collector, logRecords: unknown[]): Promise<Response> {
  return fetch(`${target.otlpHttpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] }),
  });
}

let collector: Collector;
const evaluations: EvaluationCall[] = [];
const tracks: TrackCall[] = [];
let spanIds: { traceId: string; spanId: string };

/** GOFF's own file exporter (goff_file, Parquet) next to the base config's line files. */
const GOFF_FILE_OVERLAY = join(CONFIG_DIR, 'exporters', 'goffFile.yaml');

beforeAll(async () => {
  collector = await startCollector({ configs: [MAIN_CONFIG, GOFF_FILE_OVERLAY], env: { OFFT_GOFF_FLUSH_INTERVAL: '500ms' } });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const telemetry = setupFlagTelemetry({
    serviceName: 'goff-e2e',
    protocol: 'http/json',
    url: `${collector.otlpHttpUrl}/v1/logs`,
    hook: { includeValue: 'always', includeFlagMetadata: true, contextAttributes: EXPORTED_CONTEXT },
    tracking: { contextAttributes: EXPORTED_CONTEXT },
  });
  const scripted = new ScriptedProvider({
    'versioned-flag': { value: 'v2-text', variant: 'second', reason: 'TARGETING_MATCH', flagMetadata: { version: '2.0.1', team: 'growth' } },
    'exploding-flag': { throws: new Error('backend down') },
    ...Object.fromEntries(
      HOSTILE_FLAGS.map(([key, , value, variant], i) => [
        key,
        { value, variant, reason: 'TARGETING_MATCH', ...(i === 0 ? { flagMetadata: HOSTILE_METADATA } : {}) },
      ]),
    ),
  });
  await OpenFeature.setProviderAndWait(
    telemetry.withTracking(new MultiProvider([{ provider: new InMemoryProvider(IN_MEMORY_FLAGS) }, { provider: scripted }])),
  );
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();
  const exported = EXPORTED_CONTEXT;

  for (let i = 0; i < N_PER_SHAPE; i++) {
    const known = { targetingKey: `user-${i}`, plan: 'pro' };
    const anonymous = { targetingKey: `anon-${i}`, anonymous: true };
    const b = await client.getBooleanValue('new-checkout', false, known);
    evaluations.push({ flagKey: 'new-checkout', context: known, exported, value: b, variant: b ? 'on' : 'off', error: false });
    const s = await client.getStringValue('button-color', 'none', anonymous);
    evaluations.push({ flagKey: 'button-color', context: anonymous, exported, value: s, variant: 'blue', error: false });
    const o = await client.getObjectValue('checkout-config', {}, known);
    evaluations.push({ flagKey: 'checkout-config', context: known, exported, value: o, variant: 'v1', error: false });
    const v = await client.getStringValue('versioned-flag', 'd', known);
    evaluations.push({ flagKey: 'versioned-flag', context: known, exported, value: v, variant: 'second', error: false, version: '2.0.1', metadata: { version: '2.0.1', team: 'growth' } });
    const missing = await client.getNumberValue('missing-flag', 7, known);
    evaluations.push({ flagKey: 'missing-flag', context: known, exported, value: missing, error: true });
    const exploded = await client.getBooleanValue('exploding-flag', true, anonymous);
    evaluations.push({ flagKey: 'exploding-flag', context: anonymous, exported, value: exploded, error: true });

    const withValue = { value: 10 + i, currencyCode: 'EUR', cart: { items: [{ sku: `sku-${i}`, qty: i }], coupon: null } };
    client.track('clicked-checkout', known, withValue);
    tracks.push({ name: 'clicked-checkout', context: known, details: withValue, exported });
    client.track('visited-promo-page', anonymous);
    tracks.push({ name: 'visited-promo-page', context: anonymous, exported });
    const valueOnly = { value: 0.5 };
    client.track('scrolled', known, valueOnly);
    tracks.push({ name: 'scrolled', context: known, details: valueOnly, exported });
  }

  // The hostile corpus: known and anonymous subjects with hostile and nested context attributes.
  const subjects: EvaluationContext[] = [
    { targetingKey: `user${HOSTILE}`, plan: HOSTILE },
    { targetingKey: `anon${HOSTILE}`, anonymous: true, plan: { 'tier\f': 'gold', n: 1e-7, big: 1000000 } },
    { targetingKey: 'not-anonymous', anonymous: 'true' },
  ];
  for (const [j, ctx] of subjects.entries()) {
    for (const [key, getter, value, variant] of HOSTILE_FLAGS) {
      const got =
        getter === 'boolean'
          ? await client.getBooleanValue(key, false, ctx)
          : getter === 'number'
            ? await client.getNumberValue(key, 0, ctx)
            : getter === 'string'
              ? await client.getStringValue(key, '', ctx)
              : await client.getObjectValue(key, {}, ctx);
      expect(got).toEqual(value);
      const metadata = key === HOSTILE_FLAGS[0]![0] ? HOSTILE_METADATA : undefined;
      evaluations.push({ flagKey: key, context: ctx, exported, value: got, variant, error: false, version: metadata?.version, metadata });
    }
    const missing = await client.getObjectValue(`h-missing-${j}`, { fallback: [1e-8, ESCAPED_KEYS] }, ctx);
    evaluations.push({ flagKey: `h-missing-${j}`, context: ctx, exported, value: missing, error: true });
    const details: Record<string, unknown>[] = [
      { value: 1.5, [`key${HOSTILE}`]: HOSTILE, nested: { list: [HOSTILE, 2.5, 1e-8] } },
      { ...ESCAPED_KEYS, big: 1000000, tiny: 1e-7, deep: { a: [{ b: [1e-9] }] } },
      { value: 1e21 },
    ];
    for (const [k, d] of details.entries()) {
      const name = `bought${HOSTILE}-${j}-${k}`;
      client.track(name, ctx, d as never);
      tracks.push({ name, context: ctx, details: d, exported });
    }
  }

  // One evaluation inside a span, for trace correlation through the collector.
  const tracer = new TracerProvider().getTracer('e2e');
  spanIds = await tracer.startActiveSpan('request', async (span) => {
    await client.getStringValue('button-color', 'none', { targetingKey: 'traced-user' });
    span.end();
    return span.spanContext();
  });
  evaluations.push({ flagKey: 'button-color', context: { targetingKey: 'traced-user' }, exported, value: 'blue', variant: 'blue', error: false });

  // An OTLP log that is neither an evaluation nor a tracking event.
  telemetry.loggerProvider.getLogger('app').emit({ eventName: 'app.started', body: 'hello' });

  await telemetry.shutdown();
  expect(telemetry.stats()).toMatchObject({ dropped: 0, pending: 0 });
  await OpenFeature.close();
  contextManager.disable();
  // goff_file's queue is persistent: let its 500 ms batch flush before stopping.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(await collector.stop()).toBe(0);
}, 120_000);

afterAll(async () => {
  await killAndRemove(collector);
});

/** Unix seconds of each raw record, keyed by event name + key + subject (each key is used once). */
function creationDates(): Map<string, number> {
  const map = new Map<string, number>();
  for (const record of readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'))) {
    const attributes = otlpAttributes(record);
    const key = `${record.eventName}|${String(attributes['feature_flag.key'] ?? attributes['openfeature.tracking.name'])}|${String(attributes['feature_flag.context.id'])}`;
    expect(map.has(key), `one record per key: ${key}`).toBe(false);
    map.set(key, Math.floor(Number(BigInt(record.timeUnixNano ?? '0') / 1_000_000_000n)));
  }
  return map;
}

describe('GOFF file pipelines through the real collector', () => {
  it("writes feature JSON, feature CSV and tracking JSON byte for byte as GOFF's own Go code does for the same calls, hostile corpus included", () => {
    const dates = creationDates();
    const corpus = join(collector.outDir, 'corpus.json');
    writeGoffCorpus(corpus, evaluations, tracks, (event, key, subject) => {
      const date = dates.get(`${event}|${key}|${subject}`);
      expect(date, `${event} ${key} ${subject}`).toBeTypeOf('number');
      return date!;
    });
    const files = {
      featureJson: join(collector.outDir, 'feature-events.ndjson'),
      featureCsv: join(collector.outDir, 'feature-events.csv'),
      trackingJson: join(collector.outDir, 'tracking-events.ndjson'),
    };
    const oracle = runGoffOracle({
      corpus,
      ...files,
      featureParquetDir: join(collector.outDir, 'goff'),
      trackingParquetDir: join(collector.outDir, 'goff', 'tracking'),
    });
    expect(oracle.output).toContain(`feature json: ${evaluations.length} of ${evaluations.length} GOFF lines identical`);
    expect(oracle.output).toMatch(new RegExp(`feature parquet rows \\(\\d+ files\\): ${evaluations.length} of ${evaluations.length} `));
    expect(oracle.status, oracle.output).toBe(0);
    // The corpus does reach the classes where the collector's own encoders differ from Go.
    const json = readLines(files.featureJson).join('\n');
    const csv = readLines(files.featureCsv).join('\n');
    const tracking = readLines(files.trackingJson).join('\n');
    for (const text of [json, tracking]) {
      expect(text).toContain('\\b');
      expect(text).toContain('\\f');
      expect(text).toContain('1e-7');
      expect(text).toContain('"a\\u0001":1,"a!":2,"a\\"":3,"a\\u003c":4,"a\\\\":5');
    }
    expect(csv).toContain(';1e+06;');
    expect(csv).toContain(';map[a:x y b:1e+06 tiny:1e-08];');
    expect(json).toContain('"key":"h-empty-variant","variation":"SdkDefault"');
  }, 330_000); // a cold Go cache compiles GOFF's packages for the oracle first

  it('writes GOFF struct fields in GOFF order, one line per call', () => {
    const lines = readLines(join(collector.outDir, 'feature-events.ndjson'));
    expect(lines).toHaveLength(evaluations.length);
    for (const line of lines) {
      const event = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(event)).toEqual(FEATURE_EVENT_KEYS.filter((key) => key in event));
    }
    expect(readLines(join(collector.outDir, 'feature-events.csv'))).toHaveLength(evaluations.length);
    const tracking = readLines(join(collector.outDir, 'tracking-events.ndjson'));
    expect(tracking).toHaveLength(tracks.length);
    for (const line of tracking) expect(Object.keys(JSON.parse(line))).toEqual(TRACKING_EVENT_KEYS);
  });

  it('routes nothing to the wrong stream and loses nothing: other events land in the other stream only', () => {
    const other = readOtlpJsonRecords(join(collector.outDir, 'other.ndjson'));
    expect(other.map((r) => r.eventName)).toEqual(['app.started']);
    const raw = readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'));
    expect(raw).toHaveLength(evaluations.length + tracks.length + 1);
    for (const line of readLines(join(collector.outDir, 'feature-events.ndjson'))) expect(JSON.parse(line).kind).toBe('feature');
    for (const line of readLines(join(collector.outDir, 'tracking-events.ndjson'))) expect(JSON.parse(line).kind).toBe('tracking');
  });

  it('keeps trace and span ids through the collector (raw OTLP output)', () => {
    const raw = readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'));
    const traced = raw.filter((r) => otlpAttributes(r)['feature_flag.context.id'] === 'traced-user');
    expect(traced).toHaveLength(1);
    expect(traced[0]!.traceId).toBe(spanIds.traceId);
    expect(traced[0]!.spanId).toBe(spanIds.spanId);
    const untraced = raw.filter((r) => otlpAttributes(r)['feature_flag.context.id'] === 'user-0');
    expect(untraced.every((r) => r.traceId === undefined || r.traceId === '')).toBe(true);
  });
});

/**
 * Records from other OTLP producers reach the same pipelines: the GOFF lines must still be what Go
 * writes for each value type the transforms treat apart (bytes, tiny doubles, ints, empty
 * collections, non-string subjects, missing fields, no record time).
 */
describe('GOFF feature events from any OTLP producer', () => {
  let other: Collector;
  afterAll(async () => {
    await killAndRemove(other);
  });

  it('encodes every OTLP value type the way Go encodes the GOFF field', async () => {
    other = await startCollector();
    const time = '1795300000123456789';
    const cases: [attributes: Record<string, unknown>[], expected: string][] = [
      [[{ key: 'feature_flag.result.value', value: { bytesValue: 'AQID' } }], '"value":"AQID"'],
      [[{ key: 'feature_flag.result.value', value: { doubleValue: 1e-7 } }], '"value":1e-7'],
      [[{ key: 'feature_flag.result.value', value: { doubleValue: 1e21 } }], '"value":1e+21'],
      [[{ key: 'feature_flag.result.value', value: { intValue: '-42' } }], '"value":-42'],
      [[{ key: 'feature_flag.result.value', value: { boolValue: false } }], '"value":false'],
      [[{ key: 'feature_flag.result.value', value: { arrayValue: {} } }], '"value":[]'],
      [[{ key: 'feature_flag.result.value', value: { kvlistValue: { values: [{ key: 'z', value: { stringValue: '<' } }, { key: 'a', value: { doubleValue: 0.5 } }] } } }], '"value":{"a":0.5,"z":"\\u003c"}'],
      [[{ key: 'feature_flag.result.value', value: { stringValue: '","' } }], '"value":"\\",\\""'],
      [[], '"value":null'],
    ];
    const logRecords = cases.map(([attributes], i) => ({
      timeUnixNano: i === 0 ? '0' : time,
      observedTimeUnixNano: time,
      eventName: 'feature_flag.evaluation',
      attributes: [{ key: 'feature_flag.context.id', value: { intValue: String(i) } }, ...attributes],
    }));
    expect((await postLogRecords(other, logRecords)).status).toBe(200);
    expect(await other.stop()).toBe(0);
    const lines = readLines(join(other.outDir, 'feature-events.ndjson'));
    expect(lines).toEqual(
      cases.map(
        ([, value], i) =>
          `{"kind":"feature","contextKind":"user","userKey":"${i}","creationDate":1795300000,"key":"","variation":"SdkDefault",${value},"default":false,"version":"","source":"SERVER"}`,
      ),
    );
  });
});

/**
 * The OTTL config for the official contrib image keeps its cheap fixes: GOFF's SdkDefault for an
 * empty or failed variant, and CSV numbers printed as GOFF's float64 (1e+06).
 */
describe('the contrib-image config (otelcol-contrib.yaml)', () => {
  let contrib: Collector;
  afterAll(async () => {
    await killAndRemove(contrib);
  });

  it('writes SdkDefault for an empty or failed variant and CSV integers as GOFF prints its float64', async () => {
    contrib = await startCollector({ configs: [join(CONFIG_DIR, 'otelcol-contrib.yaml')] });
    const time = '1795300000123456789';
    const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const cases = [
      [str('feature_flag.result.variant', ''), { key: 'feature_flag.result.value', value: { intValue: '1000000' } }],
      [str('feature_flag.result.variant', 'on'), str('error.type', 'general'), { key: 'feature_flag.result.value', value: { boolValue: true } }],
      [str('feature_flag.result.variant', 'on'), { key: 'feature_flag.result.value', value: { intValue: '12345678' } }],
    ];
    const logRecords = cases.map((attributes, i) => ({
      timeUnixNano: time,
      eventName: 'feature_flag.evaluation',
      attributes: [str('feature_flag.key', `f${i}`), str('feature_flag.context.id', 'u'), ...attributes],
    }));
    expect((await postLogRecords(contrib, logRecords)).status).toBe(200);
    expect(await contrib.stop()).toBe(0);
    expect(readLines(join(contrib.outDir, 'feature-events.ndjson')).map((line) => JSON.parse(line).variation)).toEqual(['SdkDefault', 'SdkDefault', 'on']);
    expect(readLines(join(contrib.outDir, 'feature-events.csv'))).toEqual([
      'feature;user;u;1795300000;f0;SdkDefault;1e+06;false;SERVER',
      'feature;user;u;1795300000;f1;SdkDefault;true;true;SERVER',
      'feature;user;u;1795300000;f2;on;1.2345678e+07;false;SERVER',
    ]);
  });
});
