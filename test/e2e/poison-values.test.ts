/**
 * No value can poison a batch (issue 12 item 3), through the real collector with the shipped
 * config, over OTLP/JSON and OTLP/protobuf with the SDK's own exporters.
 *
 * The OTel JS SDK's OTLP/JSON serializer writes every integer-valued number as `intValue` with no
 * range check: one 1e21 made the collector answer 400 for the whole request, so every neighbour in
 * the batch was lost. Here poison records (integers beyond int64 and beyond 2^53, -0, huge and tiny
 * exponents, lone UTF-16 surrogates in values, keys, the flag key and the targeting key) travel in
 * ONE request between ordinary records. The guarantees: the request is accepted, every record
 * arrives (matched by `log.record.uid`), and each arrives exactly as the library emitted it
 * (the documented representation, not something the encoder or the collector changed on the way).
 */
import { OTLPLogExporter as OtlpJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { OpenFeature } from '@openfeature/server-sdk';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvaluationEventHook, withTracking } from '../../src/index.js';
import { type OtlpAnyValue, killAndRemove, otlpAttributes, readLines, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';
import { useCleanups } from '../fixtures/cleanup.js';
import { ScriptedProvider } from '../fixtures/providers.js';

const defer = useCleanups();

const NEIGHBOURS = 100;

/** A flag value and tracking details full of numbers and strings one OTLP encoding cannot carry as is. */
const POISON_OBJECT = {
  big: 1e21,
  nested: { n: 1e20, neg: -(2 ** 63), mid: 2 ** 60, safe: 2 ** 53 - 1 },
  negZero: -0,
  tiny: 5e-324,
  huge: Number.MAX_VALUE,
  ['key\uD800']: 'lone\uDC00',
  list: [1e21, 1.5, -1e300],
};

const PROTOCOLS = [
  ['http/json', (url: string) => new OtlpJsonExporter({ url })],
  ['http/protobuf', (url: string) => new OtlpProtobufExporter({ url })],
] as const;

describe.each(PROTOCOLS)('no value can poison a batch over OTLP %s (real collector)', (protocol, makeExporter) => {
  it('poison records and their neighbours travel in one request, all arrive, each exactly as emitted', async () => {
    const collector = await startCollector();
    defer(() => killAndRemove(collector));

    // Every export result is recorded: a 400 from the collector is an export failure (code 1).
    const otlp = makeExporter(`${collector.otlpHttpUrl}/v1/logs`);
    const exportCodes: number[] = [];
    const counting: LogRecordExporter = {
      export: (records, done) =>
        otlp.export(records, (result) => {
          exportCodes.push(result.code);
          done(result);
        }),
      shutdown: () => otlp.shutdown(),
      forceFlush: () => otlp.forceFlush(),
    };
    const emitted = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({
      processors: [
        new SimpleLogRecordProcessor({ exporter: emitted }),
        // One batch for everything: the poison shares its request with every neighbour.
        new BatchLogRecordProcessor({ exporter: counting, maxExportBatchSize: 1_000, maxQueueSize: 2_048, scheduledDelayMillis: 60_000 }),
      ],
    });
    defer(() => loggerProvider.shutdown());

    const domain = `poison-${protocol}`;
    const provider = new ScriptedProvider(
      {
        'ok-flag': { value: 'fine', variant: 'a', reason: 'STATIC' },
        'poison-object': { value: POISON_OBJECT as never, variant: 'poison', reason: 'TARGETING_MATCH' },
        'poison-number': { value: 1e21, reason: 'STATIC' },
        ['poison-key\uD83D']: { value: true, variant: 'on', reason: 'STATIC' },
      },
      'scripted',
    );
    await OpenFeature.setProviderAndWait(domain, withTracking(provider, { loggerProvider, contextAttributes: '*' }));
    const client = OpenFeature.getClient(domain);
    client.addHooks(new EvaluationEventHook({ loggerProvider, includeValue: 'always', contextAttributes: '*' }));

    const neighbours = async (prefix: string) => {
      for (let i = 0; i < NEIGHBOURS / 2; i++) {
        await client.getStringValue('ok-flag', 'x', { targetingKey: `${prefix}-${i}` });
        client.track('purchase', { targetingKey: `${prefix}-${i}` }, { value: i % 2 === 0 ? i : i + 0.25, currency: 'EUR' });
      }
    };
    await neighbours('before');
    await client.getObjectValue('poison-object', {}, { targetingKey: 'poison-user\uD800', huge: 1e21, ['ctx\uDC00']: -(2 ** 63) });
    await client.getNumberValue('poison-number', 0, { targetingKey: 'poison-user' });
    await client.getBooleanValue('poison-key\uD83D', false, { targetingKey: 'poison-user' });
    client.track('poison-purchase', { targetingKey: 'poison-user' }, { value: 1e21, ...POISON_OBJECT });
    client.track('poison-refund', { targetingKey: 'poison-user' }, { value: -(2 ** 63), note: 'x\uDBFF' });
    await neighbours('after');

    await loggerProvider.forceFlush();
    expect(exportCodes).toEqual([0]); // one request, accepted
    expect(await collector.stop()).toBe(0);

    // Every emitted record arrived once, with the attributes it was emitted with.
    const sent = emitted.getFinishedLogRecords();
    expect(sent).toHaveLength(2 * NEIGHBOURS + 5);
    const arrived = readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json'));
    const arrivedByUid = new Map(arrived.map((record) => [otlpAttributes(record)['log.record.uid'], record]));
    expect(arrived).toHaveLength(sent.length);
    expect(arrivedByUid.size).toBe(sent.length);
    for (const record of sent) {
      const uid = record.attributes['log.record.uid'];
      const received = arrivedByUid.get(uid);
      expect(received, `record ${String(uid)} (${record.eventName}) arrived`).toBeDefined();
      expect(otlpAttributes(received!)).toEqual(plainAttributes(record));
    }

    // The documented representation of each poison value (docs/wire-contract.md).
    const byName = (event: string, key: string, value: string) =>
      sent.find((r) => r.eventName === event && r.attributes[key] === value)!.attributes;
    const poisonEval = byName('feature_flag.evaluation', 'feature_flag.result.variant', 'poison');
    expect(poisonEval['feature_flag.result.value']).toEqual({
      big: '1e+21',
      nested: { n: '100000000000000000000', neg: '-9223372036854776000', mid: '1152921504606847000', safe: 2 ** 53 - 1 },
      negZero: 0,
      tiny: 5e-324,
      huge: '1.7976931348623157e+308',
      ['key\uFFFD']: 'lone\uFFFD',
      list: ['1e+21', 1.5, '-1e+300'],
    });
    expect(poisonEval['feature_flag.context.id']).toBe('poison-user\uFFFD');
    expect(poisonEval['openfeature.context']).toEqual({ huge: '1e+21', ['ctx\uFFFD']: '-9223372036854776000' });
    const purchase = byName('openfeature.tracking', 'openfeature.tracking.name', 'poison-purchase');
    expect(purchase['openfeature.tracking.value']).toBe('1e+21');
    expect(byName('openfeature.tracking', 'openfeature.tracking.name', 'poison-refund')['openfeature.tracking.value']).toBe('-9223372036854776000');
    expect(sent.some((r) => r.attributes['feature_flag.key'] === 'poison-key\uFFFD')).toBe(true);

    // The wire type of openfeature.tracking.value: int for integers, double otherwise, string past 2^53.
    const tracks = sent.filter((r) => r.eventName === 'openfeature.tracking');
    const intTrack = tracks.find((r) => r.attributes['openfeature.tracking.value'] === 2)!;
    const doubleTrack = tracks.find((r) => r.attributes['openfeature.tracking.value'] === 1.25)!;
    const poisonTrack = tracks.find((r) => r.attributes['openfeature.tracking.name'] === 'poison-purchase')!;
    const rawOf = (record: ReadableLogRecord): OtlpAnyValue | undefined =>
      arrivedByUid.get(record.attributes['log.record.uid'])!.attributes!.find((kv) => kv.key === 'openfeature.tracking.value')?.value;
    expect(rawOf(intTrack)).toEqual({ intValue: '2' });
    expect(rawOf(doubleTrack)).toEqual({ doubleValue: 1.25 });
    expect(rawOf(poisonTrack)).toEqual({ stringValue: '1e+21' });

    // The GOFF-format streams got every record too, poison included.
    const evaluations = sent.filter((r) => r.eventName === 'feature_flag.evaluation').length;
    expect(readLines(join(collector.outDir, 'feature-events.ndjson'))).toHaveLength(evaluations);
    expect(readLines(join(collector.outDir, 'tracking-events.ndjson'))).toHaveLength(tracks.length);
  });
});

/** The attributes of an emitted record as a plain value (what otlpAttributes decodes on arrival). */
function plainAttributes(record: ReadableLogRecord): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record.attributes)) as Record<string, unknown>;
}
