/**
 * The lazily loaded OTLP exporter (src/setup/otlp-exporter.ts) must never hurt the host app: an
 * exporter that cannot be built (a bad URL in the options or the pass-through exporterOptions)
 * throws at construction when it is a programmer error we can see, and otherwise fails every
 * batch (counted as dropped) instead of leaving a rejected promise that crashes Node.
 */
import { DiagLogLevel, diag as otelDiag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { resetReports } from '../../src/diag-reporter.js';
import { EXPORT_FAILED } from '../../src/otel-types.js';
import { createOtlpExporter } from '../../src/setup/otlp-exporter.js';
import { setupFlagTelemetry } from '../../src/setup.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  otelDiag.disable();
  resetReports();
});

describe('OTLP exporter construction', () => {
  it('throws a TypeError at setup for a url that is not a URL, without echoing it', () => {
    expect(() => setupFlagTelemetry({ url: 'http://user:s3cret@[bad' })).toThrow(TypeError);
    expect(() => setupFlagTelemetry({ url: 'http://user:s3cret@[bad' })).not.toThrow(/s3cret/);
  });

  it('fails every batch (no unhandled rejection, no hang) when the exporter constructor throws, and keeps URL credentials out of diag', async () => {
    process.on('unhandledRejection', onUnhandled);
    const messages: string[] = [];
    resetReports();
    otelDiag.disable();
    otelDiag.setLogger({ error: (m) => messages.push(m), warn: (m) => messages.push(m), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    const exporter = createOtlpExporter({ exporterOptions: { url: 'http://user:s3cret@[bad' } });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([], resolve));
    expect(result.code).toBe(EXPORT_FAILED);
    await exporter.forceFlush();
    await exporter.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    expect(messages.join('\n')).toMatch(/could not be built/);
    expect(messages.join('\n')).not.toMatch(/s3cret/);
  });
});
