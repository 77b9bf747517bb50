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
  goffCsvLine,
  goffFeatureEvent,
  goffTrackingEvent,
} from '../fixtures/goff.js';
import { IN_MEMORY_FLAGS, ScriptedProvider } from '../fixtures/providers.js';

const N_PER_SHAPE = 6;
const EXPORTED_CONTEXT = ['anonymous', 'plan'];

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
  it('writes exactly one GOFF feature event per evaluation, field by field and in GOFF key order', () => {
    const lines = readLines(join(collector.outDir, 'feature-events.ndjson'));
    expect(lines).toHaveLength(evaluations.length);
    const dates = creationDates();
    const actual = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = evaluations.map((call) => {
      const date = dates.get(`feature_flag.evaluation|${call.flagKey}|${call.context.targetingKey}`)?.[0];
      expect(date).toBeTypeOf('number');
      return goffFeatureEvent(call, date!);
    });
    const sortKey = (e: Record<string, unknown>) => `${e['key']}|${e['userKey']}`;
    const byKey = (list: Record<string, unknown>[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(byKey(actual)).toEqual(byKey(expected));
    for (const event of actual) {
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

  it('writes exactly one GOFF tracking event per track() call with evaluationContext and trackingEventDetails', () => {
    const lines = readLines(join(collector.outDir, 'tracking-events.ndjson'));
    expect(lines).toHaveLength(tracks.length);
    const dates = creationDates();
    const actual = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = tracks.map((call) =>
      goffTrackingEvent(call, dates.get(`openfeature.tracking|${call.name}|${call.context.targetingKey}`)![0]!),
    );
    const sortKey = (e: Record<string, unknown>) => `${e['key']}|${e['userKey']}`;
    const byKey = (list: Record<string, unknown>[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(byKey(actual)).toEqual(byKey(expected));
    for (const event of actual) expect(Object.keys(event)).toEqual(TRACKING_EVENT_KEYS);
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
