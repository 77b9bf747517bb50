/**
 * The library → OTLP → the real collector with the shipped config → GOFF-compatible files.
 * N evaluations and M track calls of varied shapes must come out as exactly N feature events
 * (JSON and CSV) and M tracking events, each equal field by field to what GO Feature Flag would
 * have written, with nothing lost, duplicated or routed to the wrong stream.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryProvider, MultiProvider, OpenFeature } from '@openfeature/server-sdk';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, otlpAttributes, readLines, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';
import {
  type EvaluationCall,
  FEATURE_EVENT_KEYS,
  TRACKING_EVENT_KEYS,
  type TrackCall,
  goJsonLine,
  goffCsvLine,
  goffFeatureEvent,
  goffTrackingEvent,
} from '../fixtures/goff.js';
import { IN_MEMORY_FLAGS, ScriptedProvider } from '../fixtures/providers.js';

const N_PER_SHAPE = 6;
const EXPORTED_CONTEXT = ['anonymous', 'plan'];
/**
 * Strings that break naive JSON building: the "," the transforms split on, quotes, backslashes,
 * HTML characters Go escapes, U+2028 and non-ASCII. No newline, so that each CSV record stays on
 * one line (GOFF's CSV does not quote either).
 */
const HOSTILE = 'a","b\\"c\\","<&>\u2028\té🙂';

let collector: Collector;
const evaluations: EvaluationCall[] = [];
const tracks: TrackCall[] = [];
let spanIds: { traceId: string; spanId: string };

beforeAll(async () => {
  collector = await startCollector();
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
    [`hostile-flag${HOSTILE}`]: { value: `value${HOSTILE}`, variant: `variant${HOSTILE}`, reason: 'TARGETING_MATCH' },
  });
  await OpenFeature.setProviderAndWait(
    telemetry.withTracking(new MultiProvider([{ provider: new InMemoryProvider(IN_MEMORY_FLAGS) }, { provider: scripted }])),
  );
  OpenFeature.addHooks(telemetry.hook);
  const client = OpenFeature.getClient();

  for (let i = 0; i < N_PER_SHAPE; i++) {
    const known = { targetingKey: `user-${i}`, plan: 'pro' };
    const anonymous = { targetingKey: `anon-${i}`, anonymous: true };
    const b = await client.getBooleanValue('new-checkout', false, i === 1 ? { targetingKey: 'user-1', plan: 'pro' } : known);
    evaluations.push({ flagKey: 'new-checkout', context: known, value: b, variant: b ? 'on' : 'off', error: false });
    const s = await client.getStringValue('button-color', 'none', anonymous);
    evaluations.push({ flagKey: 'button-color', context: anonymous, value: s, variant: 'blue', error: false });
    const o = await client.getObjectValue('checkout-config', {}, known);
    evaluations.push({ flagKey: 'checkout-config', context: known, value: o, variant: 'v1', error: false });
    const v = await client.getStringValue('versioned-flag', 'd', known);
    evaluations.push({ flagKey: 'versioned-flag', context: known, value: v, variant: 'second', error: false, version: '2.0.1', metadata: { version: '2.0.1', team: 'growth' } });
    const missing = await client.getNumberValue('missing-flag', 7, known);
    evaluations.push({ flagKey: 'missing-flag', context: known, value: missing, error: true });
    const exploded = await client.getBooleanValue('exploding-flag', true, anonymous);
    evaluations.push({ flagKey: 'exploding-flag', context: anonymous, value: exploded, error: true });

    const withValue = { value: 10 + i, currencyCode: 'EUR', cart: { items: [{ sku: `sku-${i}`, qty: i }], coupon: null } };
    client.track('clicked-checkout', known, withValue);
    tracks.push({ name: 'clicked-checkout', context: known, details: withValue, exported: EXPORTED_CONTEXT });
    client.track('visited-promo-page', anonymous);
    tracks.push({ name: 'visited-promo-page', context: anonymous, exported: EXPORTED_CONTEXT });
    const valueOnly = { value: 0.5 };
    client.track('scrolled', known, valueOnly);
    tracks.push({ name: 'scrolled', context: known, details: valueOnly, exported: EXPORTED_CONTEXT });
  }

  const hostile = { targetingKey: `user${HOSTILE}`, plan: HOSTILE };
  const h = await client.getStringValue(`hostile-flag${HOSTILE}`, 'd', hostile);
  evaluations.push({ flagKey: `hostile-flag${HOSTILE}`, context: hostile, value: h, variant: `variant${HOSTILE}`, error: false });
  const hostileDetails = { value: 1.5, [`key${HOSTILE}`]: HOSTILE, nested: { list: [HOSTILE, 2.5] } };
  client.track(`bought${HOSTILE}`, hostile, hostileDetails);
  tracks.push({ name: `bought${HOSTILE}`, context: hostile, details: hostileDetails, exported: EXPORTED_CONTEXT });

  // One evaluation inside a span, for trace correlation through the collector.
  const tracer = new TracerProvider().getTracer('e2e');
  spanIds = await tracer.startActiveSpan('request', async (span) => {
    await client.getStringValue('button-color', 'none', { targetingKey: 'traced-user' });
    span.end();
    return span.spanContext();
  });
  evaluations.push({ flagKey: 'button-color', context: { targetingKey: 'traced-user' }, value: 'blue', variant: 'blue', error: false });

  // An OTLP log that is neither an evaluation nor a tracking event.
  telemetry.loggerProvider.getLogger('app').emit({ eventName: 'app.started', body: 'hello' });

  await telemetry.shutdown();
  expect(telemetry.stats()).toMatchObject({ dropped: 0, pending: 0 });
  await OpenFeature.close();
  contextManager.disable();
  expect(await collector.stop()).toBe(0);
});

afterAll(async () => {
  await collector?.kill();
});

/** Unix seconds of every raw record, keyed by event name + key + subject. */
function creationDates(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const record of readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'))) {
    const attributes = otlpAttributes(record);
    const key = `${record.eventName}|${attributes['feature_flag.key'] ?? attributes['openfeature.tracking.name']}|${attributes['feature_flag.context.id']}`;
    const list = map.get(key) ?? [];
    list.push(Math.floor(Number(BigInt(record.timeUnixNano ?? '0') / 1_000_000_000n)));
    map.set(key, list);
  }
  return map;
}

describe('GOFF file pipelines through the real collector', () => {
  it('writes exactly one GOFF feature event per evaluation, byte for byte what Go would write, hostile strings included', () => {
    const lines = readLines(join(collector.outDir, 'feature-events.ndjson'));
    expect(lines).toHaveLength(evaluations.length);
    const dates = creationDates();
    const expected = evaluations.map((call) => {
      const date = dates.get(`feature_flag.evaluation|${call.flagKey}|${call.context.targetingKey}`)?.[0];
      expect(date).toBeTypeOf('number');
      return goJsonLine(goffFeatureEvent(call, date!));
    });
    expect([...lines].sort()).toEqual(expected.sort());
    expect(lines.some((line) => line.includes('\\u003c\\u0026\\u003e'))).toBe(true);
    for (const line of lines) {
      const event = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(event)).toEqual(FEATURE_EVENT_KEYS.filter((key) => key in event));
    }
  });

  it('writes GOFF default CSV lines for the same feature events', () => {
    const csv = readLines(join(collector.outDir, 'feature-events.csv')).sort();
    const json = readLines(join(collector.outDir, 'feature-events.ndjson')).map((line) => goffCsvLine(JSON.parse(line))).sort();
    expect(csv).toHaveLength(evaluations.length);
    expect(csv).toEqual(json);
    expect(csv.find((line) => line.includes(';missing-flag;'))).toMatch(/^feature;user;user-0;\d+;missing-flag;SdkDefault;7;true;SERVER$/);
  });

  it('writes exactly one GOFF tracking event per track() call, byte for byte what Go would write, with evaluationContext and trackingEventDetails', () => {
    const lines = readLines(join(collector.outDir, 'tracking-events.ndjson'));
    expect(lines).toHaveLength(tracks.length);
    const dates = creationDates();
    const expected = tracks.map((call) =>
      goJsonLine(goffTrackingEvent(call, dates.get(`openfeature.tracking|${call.name}|${call.context.targetingKey}`)![0]!)),
    );
    expect([...lines].sort()).toEqual(expected.sort());
    for (const line of lines) expect(Object.keys(JSON.parse(line))).toEqual(TRACKING_EVENT_KEYS);
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
    await other?.kill();
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
    const response = await fetch(`${other.otlpHttpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] }),
    });
    expect(response.status).toBe(200);
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
