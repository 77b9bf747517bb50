/**
 * setupFlagTelemetry's option checks (src/setup/options.ts), pure: one defaults object, the
 * cross-option corrections, and the browser path getting checked options with a warning for the
 * ones it cannot apply instead of silence.
 */
import { DiagLogLevel, diag as otelDiag } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resetReports } from '../../src/diag-reporter.js';
import { resolveSetupOptions, SETUP_BATCH_DEFAULTS, SETUP_EXPORT_CONCURRENCY, SETUP_RETRY_MAX_ELAPSED_MILLIS } from '../../src/setup/options.js';

/** Captures this library's diag messages until `restore()`. */
function diagCapture(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const push = (m: string) => {
    if (m.startsWith('openfeature-otel-tracking: ')) messages.push(m);
  };
  resetReports();
  otelDiag.disable();
  otelDiag.setLogger({ error: push, warn: push, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  return {
    messages,
    restore: () => {
      otelDiag.disable();
      resetReports();
    },
  };
}

describe('resolveSetupOptions', () => {
  it('gives the documented Node defaults, the same values the public constants show', () => {
    expect(resolveSetupOptions({}, false)).toEqual({
      batch: { maxQueueSize: 200_000, maxExportBatchSize: 1_024, scheduledDelayMillis: 500, exportTimeoutMillis: 90_000 },
      exportConcurrency: 2,
      retry: { maxElapsedMillis: 60_000, initialDelayMillis: 1_000, maxDelayMillis: 5_000 },
    });
    expect(SETUP_BATCH_DEFAULTS).toEqual(resolveSetupOptions({}, false).batch);
    expect(SETUP_EXPORT_CONCURRENCY).toBe(2);
    expect(SETUP_RETRY_MAX_ELAPSED_MILLIS).toBe(60_000);
  });

  it('keeps the batch within the queue and the export timeout beyond the retry window, with a warning each', () => {
    const diag = diagCapture();
    try {
      const settings = resolveSetupOptions({ batch: { maxQueueSize: 100, maxExportBatchSize: 500, exportTimeoutMillis: 20_000 }, retryMaxElapsedMillis: 30_000 }, false);
      expect(settings.batch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100, exportTimeoutMillis: 60_000 });
      expect(diag.messages.join('\n')).toMatch(/batch\.maxExportBatchSize \(500\) exceeds batch\.maxQueueSize; using 100/);
      expect(diag.messages.join('\n')).toMatch(/batch\.exportTimeoutMillis \(20000\) must exceed retryMaxElapsedMillis \(30000\) by 30000; using 60000/);
      // A longer retry window raises the default timeout with it, silently.
      diag.messages.length = 0;
      expect(resolveSetupOptions({ retryMaxElapsedMillis: 300_000 }, false).batch.exportTimeoutMillis).toBe(330_000);
      expect(diag.messages).toEqual([]);
    } finally {
      diag.restore();
    }
  });

  it('gives the browser path checked options (batches of 32 by default) and warns about the ones it cannot apply', () => {
    const diag = diagCapture();
    try {
      expect(resolveSetupOptions({}, true).batch).toMatchObject({ maxQueueSize: 20_000, maxExportBatchSize: 32 });
      expect(diag.messages).toEqual([]);
      const settings = resolveSetupOptions(
        { batch: { maxExportBatchSize: Number.POSITIVE_INFINITY, exportTimeoutMillis: 5_000 }, exportConcurrency: 4, retryMaxElapsedMillis: 1_000 },
        true,
      );
      expect(settings.batch.maxExportBatchSize).toBe(20_000);
      const text = diag.messages.join('\n');
      expect(text).toMatch(/exportConcurrency is ignored in browsers/);
      expect(text).toMatch(/batch\.exportTimeoutMillis is ignored in browsers/);
      expect(text).toMatch(/retryMaxElapsedMillis is ignored in browsers/);
    } finally {
      diag.restore();
    }
  });

  it('throws for a batch that is not an object and for NaN, before anything is built', () => {
    expect(() => resolveSetupOptions({ batch: 5 as never }, false)).toThrow(/batch must be an object/);
    expect(() => resolveSetupOptions({ exportConcurrency: Number.NaN }, false)).toThrow(/exportConcurrency must be a number of exports, got NaN/);
    expect(() => resolveSetupOptions({ exporter: {} as never }, false)).toThrow(/exporter must be a LogRecordExporter/);
    expect(() => resolveSetupOptions({ exporter: null as never }, false)).toThrow(/exporter must be a LogRecordExporter/);
  });
});
