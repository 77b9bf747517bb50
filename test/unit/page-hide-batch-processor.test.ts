/**
 * PageHideBatchProcessor without a browser: fake timers, a scripted exporter, and a stand-in
 * `document`/`window` for the page events. What it protects: memory bounded by maxQueueSize
 * (queued and in-flight), every record exported, dropped and counted, or pending; batches split;
 * the queue sent on page hide; failed batches retried with backoff until the collector answers;
 * no numeric option can hang the loop or disable the bound.
 */
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetReports } from '../../src/diag-reporter.js';
import { PageHideBatchProcessor } from '../../src/page-hide-batch-processor.js';
import { PermanentExportError, isRetryable } from '../../src/retrying-exporter.js';
import type { ExportResultLike, LogRecordExporterLike } from '../../src/otel-types.js';

type Answer = (result: ExportResultLike) => void;

/** An exporter that holds every call until the test answers it. */
function scriptedExporter() {
  const calls: { records: number[]; answer: Answer }[] = [];
  const exporter: LogRecordExporterLike & { shutdownCalls: number } = {
    shutdownCalls: 0,
    export(records, resultCallback) {
      calls.push({ records: records as number[], answer: resultCallback });
    },
    shutdown() {
      exporter.shutdownCalls++;
      return Promise.resolve();
    },
  };
  const ok = (i: number) => calls[i]!.answer({ code: 0 });
  const networkError = (i: number) => calls[i]!.answer({ code: 1, error: new Error('Fetch request encountered a network error') });
  return { exporter, calls, ok, networkError };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function emit(processor: PageHideBatchProcessor, records: number[]): void {
  for (const record of records) processor.onEmit(record);
}

/** emitted = exported + dropped + pending, always. */
function expectAccounted(processor: PageHideBatchProcessor, emitted: number): void {
  const s = processor.stats;
  expect(s.exported + s.droppedQueueFull + s.droppedExportFailed + s.pending).toBe(emitted);
}

const warnings: string[] = [];
beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: backoff delays are exactly 1, 2, 4, 8, 10 s
  resetReports();
  warnings.length = 0;
  diag.setLogger(
    { error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  diag.disable();
});

describe('PageHideBatchProcessor options go through the shared normaliser', () => {
  it('throws a TypeError naming the option for NaN or a wrong type, instead of looping forever (maxExportBatchSize: NaN) or dropping the bound (maxQueueSize: NaN)', () => {
    const { exporter } = scriptedExporter();
    for (const name of ['maxExportBatchSize', 'maxQueueSize', 'scheduledDelayMillis', 'maxRetryDelayMillis']) {
      for (const bad of [Number.NaN, '32', null, {}]) {
        expect(() => new PageHideBatchProcessor({ exporter, [name]: bad }), `${name}: ${JSON.stringify(bad)}`).toThrow(
          new RegExp(`PageHideBatchProcessor\\.${name} must be a number`),
        );
      }
    }
    expect(() => new PageHideBatchProcessor({} as never)).toThrow(TypeError);
  });

  it.each([Number.POSITIVE_INFINITY, -1, 0, 1e12, 0.5])('corrects %s with a warning; no option value hangs the loop or lifts the bound', (value) => {
    for (const name of ['maxExportBatchSize', 'maxQueueSize', 'scheduledDelayMillis', 'maxRetryDelayMillis']) {
      const { exporter, calls } = scriptedExporter();
      const processor = new PageHideBatchProcessor({ exporter, [name]: value });
      emit(processor, range(0, 30_000)); // more than the default bound (20,000); the exporter never answers
      vi.advanceTimersByTime(3_600_000);
      expect(processor.stats.pending, name).toBeLessThanOrEqual(name === 'maxQueueSize' ? 1_000_000 : 20_000);
      expect(processor.stats.pending, name).toBeGreaterThan(0);
      expect(calls.every((call) => call.records.length >= 1 && call.records.length <= 1_000), name).toBe(true);
      expectAccounted(processor, 30_000);
    }
    expect(warnings.some((w) => /outside \[/.test(w))).toBe(true);
  });

  it('caps maxExportBatchSize at maxQueueSize with a warning', () => {
    const { exporter, calls } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxQueueSize: 5, maxExportBatchSize: 32 });
    emit(processor, range(0, 5));
    expect(calls.map((c) => c.records)).toEqual([[0, 1, 2, 3, 4]]);
    expect(warnings.join('\n')).toMatch(/maxExportBatchSize \(32\) exceeds maxQueueSize; using 5/);
  });
});

describe('PageHideBatchProcessor batching and its bound', () => {
  it('splits the queue into batches: full ones at once, the rest after scheduledDelayMillis', () => {
    const { exporter, calls, ok } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 32, scheduledDelayMillis: 1_000 });
    emit(processor, range(0, 70));
    expect(calls.map((c) => c.records.length)).toEqual([32, 32]);
    vi.advanceTimersByTime(999);
    expect(calls).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(calls.map((c) => c.records)).toEqual([range(0, 32), range(32, 64), range(64, 70)]);
    for (let i = 0; i < 3; i++) ok(i);
    expect(processor.stats).toMatchObject({ exported: 70, pending: 0, droppedQueueFull: 0, droppedExportFailed: 0 });
  });

  it('keeps at most 4 exports in flight and sends the next batch when one finishes', () => {
    const { exporter, calls, ok } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 10 });
    emit(processor, range(0, 100));
    expect(calls).toHaveLength(4);
    ok(0);
    expect(calls).toHaveLength(5);
    expect(calls[4]!.records).toEqual(range(40, 50));
    expectAccounted(processor, 100);
  });

  it('holds at most maxQueueSize records, queued and in flight together; the rest is dropped, counted and reported', () => {
    const { exporter, calls } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxQueueSize: 10, maxExportBatchSize: 4 });
    emit(processor, range(0, 25));
    expect(calls.map((c) => c.records)).toEqual([range(0, 4), range(4, 8)]); // two full batches in flight
    expect(processor.stats).toMatchObject({ pending: 10, droppedQueueFull: 15 });
    expect(warnings.join('\n')).toMatch(/queue \(10\) is full/);
    expectAccounted(processor, 25);
  });

  it('counts a batch as dropped when the exporter throws, and goes on with the next', () => {
    let first = true;
    const exported: unknown[] = [];
    const exporter: LogRecordExporterLike = {
      export(records, cb) {
        if (first) {
          first = false;
          throw new Error('boom');
        }
        exported.push(...records);
        cb({ code: 0 });
      },
      shutdown: async () => {},
    };
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 2 });
    emit(processor, range(0, 4));
    expect(processor.stats).toMatchObject({ droppedExportFailed: 2, exported: 2, pending: 0 });
    expect(exported).toEqual([2, 3]);
  });
});

describe('PageHideBatchProcessor flushes on page hide', () => {
  function fakePage() {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const win = new EventTarget();
    vi.stubGlobal('document', doc);
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    return {
      hide(event: 'visibilitychange' | 'pagehide') {
        if (event === 'visibilitychange') {
          doc.visibilityState = 'hidden';
          doc.dispatchEvent(new Event('visibilitychange'));
          doc.visibilityState = 'visible';
        } else {
          win.dispatchEvent(new Event('pagehide'));
        }
      },
    };
  }

  it.each(['visibilitychange', 'pagehide'] as const)('sends the whole queue on %s in the same task, while an earlier export is still in flight', (event) => {
    const page = fakePage();
    const { exporter, calls } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 4, scheduledDelayMillis: 600_000 });
    emit(processor, range(0, 4)); // a full batch: in flight, never answered
    emit(processor, range(4, 11));
    expect(calls).toHaveLength(2); // 0-3 and 4-7; 8-10 wait for the delay
    page.hide(event);
    expect(calls.map((c) => c.records)).toEqual([range(0, 4), range(4, 8), range(8, 11)]);
    expect(processor.stats.atRiskOnHide).toBe(0);
  });

  it('stops listening after shutdown', async () => {
    const page = fakePage();
    const { exporter, calls } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, scheduledDelayMillis: 600_000 });
    await processor.shutdown();
    processor.onEmit(1);
    page.hide('pagehide');
    expect(calls).toHaveLength(0);
    expect(exporter.shutdownCalls).toBe(1);
  });

  it('during an outage, still sends everything on hide and counts it as at risk; if the page stays, the failed records are retried and delivered', () => {
    const page = fakePage();
    const { exporter, calls, ok, networkError } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 4, scheduledDelayMillis: 100 });
    emit(processor, range(0, 3));
    vi.advanceTimersByTime(100);
    networkError(0); // the collector is down: back off
    emit(processor, range(3, 6));
    page.hide('visibilitychange'); // a tab switch in the outage
    expect(calls.map((c) => c.records)).toEqual([range(0, 3), range(0, 4), range(4, 6)]);
    expect(processor.stats.atRiskOnHide).toBe(6);
    networkError(1);
    networkError(2);
    expect(processor.stats).toMatchObject({ pending: 6, droppedExportFailed: 0 });
    vi.advanceTimersByTime(1_000); // the retry
    ok(3); // the collector is back
    for (let i = 4; i < calls.length; i++) ok(i);
    vi.advanceTimersByTime(100);
    for (let i = 4; i < calls.length; i++) ok(i);
    const delivered = calls.filter((_, i) => i >= 3).flatMap((c) => c.records);
    expect(delivered.sort((a, b) => a - b)).toEqual(range(0, 6));
    expect(processor.stats).toMatchObject({ exported: 6, pending: 0, droppedExportFailed: 0 });
  });
});

describe('PageHideBatchProcessor retries through an outage', () => {
  it('puts a failed batch back at the queue front and retries one batch after 1, 2, 4, 8, 10, 10 s of backoff; nothing is sent in between', () => {
    const { exporter, calls, networkError } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 4, scheduledDelayMillis: 100 });
    emit(processor, range(0, 3));
    vi.advanceTimersByTime(100);
    networkError(0);
    emit(processor, range(3, 20)); // would be 4 full batches at once without the outage
    expect(calls).toHaveLength(1);
    const times: number[] = [];
    let now = 0;
    for (let attempt = 1; attempt <= 6; attempt++) {
      const before = calls.length;
      while (calls.length === before) {
        vi.advanceTimersByTime(100);
        now += 100;
      }
      times.push(now);
      expect(calls.at(-1)!.records).toEqual(range(0, 4)); // the oldest records first
      networkError(calls.length - 1);
      now = 0;
    }
    expect(times).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(processor.stats).toMatchObject({ pending: 20, exported: 0, droppedExportFailed: 0 });
    expect(warnings.join('\n')).toMatch(/retrying in 1000 ms/);
  });

  it('rides out a 30 s outage with records emitted throughout: each is delivered once, in order, nothing dropped', () => {
    const { exporter, calls } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 8, scheduledDelayMillis: 200 });
    let collectorUp = true;
    const delivered: number[] = [];
    let answered = 0;
    const answerAll = () => {
      for (; answered < calls.length; answered++) {
        const call = calls[answered]!;
        if (collectorUp) {
          delivered.push(...call.records);
          call.answer({ code: 0 });
        } else {
          call.answer({ code: 1, error: new Error('Fetch request encountered a network error') });
        }
      }
    };
    let next = 0;
    for (let t = 0; t < 60_000; t += 100) {
      if (t === 10_000) collectorUp = false;
      if (t === 40_000) collectorUp = true;
      processor.onEmit(next++); // 10 records/s
      vi.advanceTimersByTime(100);
      answerAll();
    }
    vi.advanceTimersByTime(30_000);
    answerAll();
    vi.advanceTimersByTime(1_000);
    answerAll();
    expect(delivered).toEqual(range(0, next));
    expect(processor.stats).toMatchObject({ exported: next, pending: 0, droppedQueueFull: 0, droppedExportFailed: 0 });
    expect(processor.stats.retried).toBeGreaterThan(0);
  });

  it('drops and counts a batch the collector refuses (400), and treats that answer as the collector being back', () => {
    const { exporter, calls, networkError, ok } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 2, scheduledDelayMillis: 100 });
    emit(processor, range(0, 1));
    vi.advanceTimersByTime(100);
    networkError(0);
    emit(processor, range(1, 6));
    vi.advanceTimersByTime(1_000);
    calls[1]!.answer({ code: 1, error: new Error('Fetch request failed with non-retryable status 400') });
    expect(calls.slice(2).map((c) => c.records)).toEqual([range(2, 4), range(4, 6)]); // draining at once
    ok(2);
    ok(3);
    expect(processor.stats).toMatchObject({ droppedExportFailed: 2, exported: 4, pending: 0 });
    expectAccounted(processor, 6);
  });

  it('forceFlush makes one attempt for everything, even while backing off; what fails stays queued', async () => {
    const { exporter, calls, networkError } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 2, scheduledDelayMillis: 100 });
    emit(processor, range(0, 1));
    vi.advanceTimersByTime(100);
    networkError(0);
    emit(processor, range(1, 4));
    const flushed = processor.forceFlush();
    expect(calls.slice(1).map((c) => c.records)).toEqual([range(0, 2), range(2, 4)]);
    networkError(1);
    networkError(2);
    await flushed;
    expect(processor.stats).toMatchObject({ pending: 4, droppedExportFailed: 0 });
  });

  it('shutdown during an outage stops retrying: one last attempt, failures dropped and counted, never hangs', async () => {
    const { exporter, calls, networkError } = scriptedExporter();
    const processor = new PageHideBatchProcessor({ exporter, maxExportBatchSize: 2, scheduledDelayMillis: 100 });
    emit(processor, range(0, 1));
    vi.advanceTimersByTime(100);
    networkError(0);
    emit(processor, range(1, 3));
    const done = processor.shutdown();
    expect(calls).toHaveLength(3);
    networkError(1);
    networkError(2);
    await done;
    expect(processor.stats).toMatchObject({ droppedExportFailed: 3, pending: 0, exported: 0 });
    vi.advanceTimersByTime(600_000);
    expect(calls).toHaveLength(3);
    expect(processor.shutdown()).toBe(done);
  });
});

describe('isRetryable, as the page-hide processor uses it: which failures are refusals, not worth retrying', () => {
  it.each([
    [new Error('Fetch request failed with non-retryable status 400'), true],
    [Object.assign(new Error('Bad Request'), { code: 400 }), true],
    [Object.assign(new Error('Unauthorized'), { code: 401 }), true],
    [Object.assign(new Error('x'), { code: 503 }), false],
    [Object.assign(new Error('x'), { code: 429 }), false],
    [new Error('Fetch request encountered a network error'), false],
    [new Error('Fetch request errored'), false], // e.g. the request timed out (AbortError)
    [new Error('Export failed with retryable status'), false],
    [new Error('Concurrent export limit reached'), false],
    [undefined, false],
    [new PermanentExportError('@opentelemetry/exporter-logs-otlp-http could not be loaded'), true],
  ])('%s -> %s', (error, refused) => {
    expect(isRetryable(error)).toBe(!refused);
  });
});
