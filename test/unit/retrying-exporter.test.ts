/**
 * RetryingExporter keeps a batch through an outage: retryable failures are retried with capped
 * exponential backoff until the retry window closes, refusals fail at once, a flush does not wait
 * out a backoff, and shutdown never hangs on a dead collector. Fake timers, a scripted exporter.
 */
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PermanentExportError, RetryingExporter, isRetryable } from '../../src/retrying-exporter.js';

type Result = Parameters<Parameters<LogRecordExporter['export']>[1]>[0];

/** An exporter that answers each attempt with the next scripted result (the last one repeats). */
function scripted(results: Result[]) {
  const attempts: number[] = [];
  let shutdowns = 0;
  const exporter: LogRecordExporter = {
    export(_records, done) {
      attempts.push(Date.now());
      const result = results[Math.min(attempts.length - 1, results.length - 1)]!;
      queueMicrotask(() => done(result));
    },
    forceFlush: async () => {},
    shutdown: () => {
      shutdowns++;
      return Promise.resolve();
    },
  };
  return { exporter, attempts, shutdowns: () => shutdowns };
}

const OK: Result = { code: 0 };
const UNAVAILABLE: Result = { code: 1, error: Object.assign(new Error('Service Unavailable'), { code: 503 }) };
const NETWORK: Result = { code: 1, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') };
const BAD_REQUEST: Result = { code: 1, error: Object.assign(new Error('Bad Request'), { code: 400 }) };
const RECORDS = [{} as ReadableLogRecord];

function exportOnce(exporter: RetryingExporter): { result: () => Result | undefined } {
  let result: Result | undefined;
  exporter.export(RECORDS, (r) => {
    result = r;
  });
  return { result: () => result };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RetryingExporter', () => {
  it('passes a success through after one attempt', async () => {
    const inner = scripted([OK]);
    const call = exportOnce(new RetryingExporter(inner.exporter));
    await vi.advanceTimersByTimeAsync(0);
    expect(call.result()).toEqual(OK);
    expect(inner.attempts).toEqual([0]);
  });

  it('retries network errors and 503 with backoff doubling from 1 s to the 5 s cap, then delivers', async () => {
    const inner = scripted([NETWORK, UNAVAILABLE, NETWORK, UNAVAILABLE, NETWORK, OK]);
    const retries: number[] = [];
    const call = exportOnce(new RetryingExporter(inner.exporter, {}, (attempt) => retries.push(attempt)));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(inner.attempts).toEqual([0, 1_000, 3_000, 7_000, 12_000, 17_000]);
    expect(retries).toEqual([1, 2, 3, 4, 5]);
    expect(call.result()).toEqual(OK);
  });

  it('gives up with the last failure once the next retry would end after maxElapsedMillis', async () => {
    const inner = scripted([UNAVAILABLE]);
    const call = exportOnce(new RetryingExporter(inner.exporter, { maxElapsedMillis: 10_000 }));
    await vi.advanceTimersByTimeAsync(60_000);
    // 0, 1 s, 3 s, 7 s; the next would be at 12 s > 10 s.
    expect(inner.attempts).toEqual([0, 1_000, 3_000, 7_000]);
    expect(call.result()).toEqual(UNAVAILABLE);
  });

  it('fails refusals (400) and permanent errors at once: retrying cannot help', async () => {
    for (const refusal of [BAD_REQUEST, { code: 1, error: new PermanentExportError('exporter package missing') }]) {
      const inner = scripted([refusal, OK]);
      const call = exportOnce(new RetryingExporter(inner.exporter));
      await vi.advanceTimersByTimeAsync(10_000);
      expect(inner.attempts).toHaveLength(1);
      expect(call.result()).toBe(refusal);
    }
    expect(isRetryable(undefined)).toBe(true);
    expect(isRetryable({ code: 429 })).toBe(true);
    expect(isRetryable({ code: 401 })).toBe(false);
  });

  it('a retry whose exporter throws synchronously fails the batch instead of throwing from a timer (an uncaught exception)', async () => {
    let calls = 0;
    const inner: LogRecordExporter = {
      export(_records, done) {
        calls++;
        if (calls === 1) queueMicrotask(() => done(NETWORK));
        else throw new Error('exporter broke');
      },
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    };
    const call = exportOnce(new RetryingExporter(inner));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    expect(call.result()).toMatchObject({ code: 1, error: { message: 'exporter broke' } });
  });

  it('maxElapsedMillis 0 disables retrying', async () => {
    const inner = scripted([NETWORK, OK]);
    const call = exportOnce(new RetryingExporter(inner.exporter, { maxElapsedMillis: 0 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(inner.attempts).toEqual([0]);
    expect(call.result()).toEqual(NETWORK);
  });

  it('forceFlush retries a waiting batch at once instead of waiting out the backoff', async () => {
    const inner = scripted([NETWORK, OK]);
    const exporter = new RetryingExporter(inner.exporter, { initialDelayMillis: 60_000, maxDelayMillis: 60_000 });
    const call = exportOnce(exporter);
    await vi.advanceTimersByTimeAsync(10);
    expect(call.result()).toBeUndefined();
    await exporter.forceFlush();
    await vi.advanceTimersByTimeAsync(0);
    expect(inner.attempts).toEqual([0, 10]);
    expect(call.result()).toEqual(OK);
  });

  it('shutdown gives a waiting batch one last attempt and never retries after it', async () => {
    const inner = scripted([NETWORK]);
    const exporter = new RetryingExporter(inner.exporter);
    const call = exportOnce(exporter);
    await vi.advanceTimersByTimeAsync(10);
    await exporter.shutdown();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(inner.attempts).toEqual([0, 10]);
    expect(call.result()).toEqual(NETWORK);
    expect(inner.shutdowns()).toBe(1);
  });

  it('checks its options with the one normaliser: the largest delay is never below the first', () => {
    const exporter = new RetryingExporter(scripted([OK]).exporter, { initialDelayMillis: 8_000, maxDelayMillis: 2_000 });
    expect(exporter.options).toEqual({ maxElapsedMillis: 60_000, initialDelayMillis: 8_000, maxDelayMillis: 8_000 });
    expect(() => new RetryingExporter(scripted([OK]).exporter, { maxElapsedMillis: Number.NaN })).toThrow(/RetryingExporter\.maxElapsedMillis must be a number of ms/);
  });
});
