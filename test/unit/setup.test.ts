import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type HttpSink, startHttpSink } from '../fixtures/http-sink.js';
import { IN_MEMORY_FLAGS } from '../fixtures/providers.js';

let sink: HttpSink | undefined;
afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
  await sink?.close();
  sink = undefined;
});

interface OtlpJson {
  resourceLogs: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeLogs: { logRecords: { eventName?: string; attributes: { key: string }[] }[] }[] }[];
}

function jsonRecords(sinkRef: HttpSink) {
  return sinkRef.requests.flatMap((request) => {
    const body = JSON.parse(request.body.toString('utf8')) as OtlpJson;
    return body.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((lr) => ({ resource: rl.resource, record: lr }))));
  });
}

describe('setupFlagTelemetry', () => {
  it('builds an OTLP/HTTP pipeline: records, resource service.name and headers reach the endpoint; nothing is registered globally', async () => {
    sink = await startHttpSink();
    const telemetry = setupFlagTelemetry({
      serviceName: 'checkout',
      protocol: 'http/json',
      url: `${sink.url}/v1/logs`,
      headers: { authorization: 'Bearer test-token' },
    });
    expect(logs.getLoggerProvider()).not.toBe(telemetry.loggerProvider);
    await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(IN_MEMORY_FLAGS)));
    OpenFeature.addHooks(telemetry.hook);
    const client = OpenFeature.getClient();
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' });
    client.track('converted', { targetingKey: 'user-1' }, { value: 5 });
    await telemetry.shutdown();
    expect(sink.requests.length).toBeGreaterThan(0);
    expect(sink.requests[0]!.url).toBe('/v1/logs');
    expect(sink.requests[0]!.headers['authorization']).toBe('Bearer test-token');
    const records = jsonRecords(sink);
    expect(records.map((r) => r.record.eventName).sort()).toEqual(['feature_flag.evaluation', 'openfeature.tracking']);
    const serviceName = records[0]!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    expect(serviceName).toBe('checkout');
    expect(telemetry.stats()).toMatchObject({ emitted: 2, exported: 2, dropped: 0, pending: 0 });
  });

  it('sends protobuf by default', async () => {
    sink = await startHttpSink();
    const telemetry = setupFlagTelemetry({ url: `${sink.url}/v1/logs` });
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    OpenFeature.addHooks(telemetry.hook);
    await OpenFeature.getClient().getBooleanValue('new-checkout', false);
    await telemetry.shutdown();
    expect(sink.requests[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(sink.requests[0]!.body.includes(Buffer.from('feature_flag.evaluation'))).toBe(true);
  });

  it('counts records dropped on a full queue: emitted = exported + dropped, none unaccounted', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const telemetry = setupFlagTelemetry({ exporter, batch: { maxQueueSize: 50, maxExportBatchSize: 10 } });
    await OpenFeature.setProviderAndWait(new InMemoryProvider(IN_MEMORY_FLAGS));
    const hook = telemetry.hook;
    // A synchronous burst: the batch processor cannot export until the loop yields.
    for (let i = 0; i < 1000; i++) {
      hook.finally({ flagKey: 'burst', context: { targetingKey: `u${i}` }, providerMetadata: { name: 'p' } } as never, { flagKey: 'burst', value: true, variant: 'on', flagMetadata: {} });
    }
    await telemetry.forceFlush();
    const stats = telemetry.stats();
    const delivered = exporter.getFinishedLogRecords().length;
    await telemetry.shutdown();
    expect(stats.emitted).toBe(1000);
    expect(stats.droppedQueueFull).toBeGreaterThan(0);
    expect(stats.exported).toBe(delivered);
    expect(stats.exported + stats.dropped).toBe(stats.emitted);
    expect(stats.pending).toBe(0);
  });

  it('counts records whose export failed after retries as dropped', async () => {
    sink = await startHttpSink();
    sink.respond(400);
    const telemetry = setupFlagTelemetry({ protocol: 'http/json', url: `${sink.url}/v1/logs`, exporterOptions: { timeoutMillis: 2000 } });
    const hook = telemetry.hook;
    for (let i = 0; i < 5; i++) hook.finally({ flagKey: 'f', context: {} } as never, { flagKey: 'f', value: 1, flagMetadata: {} });
    await telemetry.shutdown();
    expect(telemetry.stats()).toMatchObject({ emitted: 5, exported: 0, droppedExportFailed: 5, dropped: 5, pending: 0 });
  });

  it('reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, lets explicit options win, and validates its options', async () => {
    process.env['OTEL_SERVICE_NAME'] = 'from-env';
    process.env['OTEL_RESOURCE_ATTRIBUTES'] = 'deployment.environment.name=staging,team=growth';
    try {
      const resourceOf = async (options: Parameters<typeof setupFlagTelemetry>[0]) => {
        const exporter = new InMemoryLogRecordExporter();
        const telemetry = setupFlagTelemetry({ ...options, exporter });
        telemetry.hook.finally({ flagKey: 'f', context: {} } as never, { flagKey: 'f', value: 1, flagMetadata: {} });
        await telemetry.forceFlush();
        const attributes = exporter.getFinishedLogRecords()[0]!.resource.attributes;
        await telemetry.shutdown();
        await telemetry.shutdown();
        return attributes;
      };
      expect(await resourceOf({})).toMatchObject({ 'service.name': 'from-env', 'deployment.environment.name': 'staging', team: 'growth' });
      expect(await resourceOf({ resourceAttributes: { 'service.name': 'from-attrs', team: 'core' } })).toMatchObject({ 'service.name': 'from-attrs', team: 'core' });
      expect(await resourceOf({ serviceName: 'explicit', resourceAttributes: { 'service.name': 'from-attrs' } })).toMatchObject({ 'service.name': 'explicit' });
    } finally {
      delete process.env['OTEL_SERVICE_NAME'];
      delete process.env['OTEL_RESOURCE_ATTRIBUTES'];
    }
    expect(() => setupFlagTelemetry({ protocol: 'grpc' as never })).toThrow(/protocol must be/);
    expect(() => setupFlagTelemetry({ batch: { maxQueueSize: 'big' as never } })).toThrow(/batch\.maxQueueSize must be a number of records/);
  });
});
