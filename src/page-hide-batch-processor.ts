/**
 * A batching log record processor for web pages that rides out collector outages and sends every
 * queued record the moment the page is hidden (tab closed or switched, navigation, app
 * backgrounded), without waiting for an export still in flight.
 *
 * Why not the SDK's BatchLogRecordProcessor: its browser build flushes on `visibilitychange` only
 * (not `pagehide`), and, like every batch processor that runs one export at a time, its flush first
 * awaits the export in flight and only then sends the queue. When the page goes away during that
 * round trip, the queued records (say, the click that closed the tab) are lost; the browser test
 * `test/e2e/browser.test.ts` shows it. Here the hide flush hands the queue to the exporter in the
 * same task as the event; the OTLP/HTTP exporter sends with `fetch(..., { keepalive: true })`,
 * which outlives the page.
 *
 * Outages: the OTLP exporter retries a request for about 10 s and then gives up. Here a batch that
 * failed for a reason that may pass (network error, timeout, 429, 502, 503, 504) goes back to the
 * front of the queue, and one batch is retried after a backoff (1 s doubling to
 * `maxRetryDelayMillis`, with jitter) until the collector answers; then the queue drains. So
 * nothing is lost while the page stays open, however long the outage, as long as the queue holds:
 * queued and in-flight records together never exceed `maxQueueSize`, and records beyond it are
 * dropped and counted. A batch the collector refuses (another 4xx) is dropped and counted.
 *
 * A page hidden during an outage: the hide flush still sends everything (the collector may be
 * back; it is the last chance), and counts what was queued or in flight in `atRiskOnHide`. If the page
 * stays (a tab switch), the failed requests come back and are retried. If the page is unloaded,
 * requests to a dead collector fail after the page is gone: those records are lost and no code can
 * count them any more; the counter says how many were at risk. Records are not written to storage
 * for a later page: they carry user identifiers, and storage outlives the session.
 *
 * Batches stay small (default 32 records, about 10 to 20 KB of OTLP/JSON): browsers allow at most
 * 64 KiB of keepalive request bodies in flight per page, and a request over that budget is sent
 * without keepalive, so it dies with the page.
 *
 * @module
 */
import { report } from './diag-reporter.js';
import { numberOption, warnOption } from './option-normalizer.js';
import { EXPORT_FAILED, EXPORT_SUCCESS, type ExportResultLike, type LogRecordExporterLike } from './otel-types.js';
import { isRetryable } from './retrying-exporter.js';

/**
 * Options of {@link PageHideBatchProcessor}.
 *
 * @example
 * ```ts
 * new PageHideBatchProcessor({ exporter, scheduledDelayMillis: 2_000, maxQueueSize: 5_000 });
 * ```
 */
export interface PageHideBatchProcessorOptions {
  /** Where batches go, e.g. the OTLP/HTTP `OTLPLogExporter`. */
  exporter: LogRecordExporterLike;
  /** Longest wait before a partial batch is sent, in ms. Default 1000, range 0 to 3600000. */
  scheduledDelayMillis?: number;
  /** Records per export request; keep it small for keepalive requests. Default 32, range 1 to 1000. */
  maxExportBatchSize?: number;
  /**
   * Records held in memory, queued or being sent; beyond it new records are dropped and counted.
   * Default 20000 (about 8 MB), range 1 to 1000000.
   */
  maxQueueSize?: number;
  /** Longest wait between two retries while the collector is unreachable, in ms. Default 10000, range 1000 to 600000. */
  maxRetryDelayMillis?: number;
}

/**
 * Delivery counters of a {@link PageHideBatchProcessor}, live: every record emitted is exported,
 * dropped or pending.
 *
 * @example
 * ```ts
 * const { exported, droppedQueueFull, droppedExportFailed, pending }: PageHideBatchStats = processor.stats;
 * ```
 */
export interface PageHideBatchStats {
  /** Records the exporter confirmed. */
  exported: number;
  /** Records dropped because queued and in-flight records already filled `maxQueueSize`. */
  droppedQueueFull: number;
  /** Records dropped because the collector refused them (4xx), the exporter threw, or an export failed during shutdown. */
  droppedExportFailed: number;
  /** Records whose export failed and that went back to the queue (a record retried twice counts twice). */
  retried: number;
  /**
   * Records queued or in flight when the page was hidden while exports were failing (each hide
   * counts): lost if the page was unloaded before the collector answered, retried if it stayed.
   */
  atRiskOnHide: number;
  /** Records queued or being sent. */
  readonly pending: number;
}

/** The option rules (see src/option-normalizer.ts); documented in docs/browser.md. */
const RULES = {
  scheduledDelayMillis: { default: 1_000, min: 0, max: 3_600_000, unit: 'ms' },
  maxExportBatchSize: { default: 32, min: 1, max: 1_000, unit: 'records' },
  maxQueueSize: { default: 20_000, min: 1, max: 1_000_000, unit: 'records' },
  maxRetryDelayMillis: { default: 10_000, min: 1_000, max: 600_000, unit: 'ms' },
} as const;
const OWNER = 'PageHideBatchProcessor';
/** First backoff delay after a failure; it doubles per failed retry up to maxRetryDelayMillis. */
const FIRST_RETRY_DELAY_MS = 1_000;
/** Batches the processor keeps in flight in normal operation (a hide flush sends everything). */
const MAX_CONCURRENT_EXPORTS = 4;

/**
 * A batching LogRecordProcessor for browsers: flushes on page hide without waiting for an export
 * in flight, so a tab closed right after a click still delivers the click, and retries failed
 * batches with backoff, so a collector outage loses nothing while the page stays open.
 *
 * @example
 * ```ts
 * import { LoggerProvider } from '@opentelemetry/sdk-logs';
 * import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
 * import { EvaluationEventHook, PageHideBatchProcessor } from 'openfeature-otel-tracking';
 *
 * const processor = new PageHideBatchProcessor({ exporter: new OTLPLogExporter({ url: 'https://otel.example.com/v1/logs' }) });
 * const loggerProvider = new LoggerProvider({ processors: [processor] });
 * OpenFeature.addHooks(new EvaluationEventHook({ loggerProvider }));
 * // later: processor.stats.droppedQueueFull, processor.stats.pending, ...
 * ```
 */
export class PageHideBatchProcessor {
  /** Delivery counters, updated live. */
  readonly stats: PageHideBatchStats;
  private readonly exporter: LogRecordExporterLike;
  private readonly delay: number;
  private readonly batchSize: number;
  private readonly queueSize: number;
  private readonly maxRetryDelay: number;
  private queue: unknown[] = [];
  private inFlightRecords = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Retries scheduled since the last success; above 0, the collector is failing and only the retry timer sends. */
  private failures = 0;
  private pumping = false;
  private stopping = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly onVisibilityChange = (): void => {
    if ((globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden') this.onPageHide();
  };
  private readonly onPageHide = (): void => {
    // While the collector is failing, what is queued or in flight may not arrive before the page is gone.
    if (this.failures > 0) this.stats.atRiskOnHide += this.queue.length + this.inFlightRecords;
    this.sendAll();
  };

  constructor(options: PageHideBatchProcessorOptions) {
    if (options === null || typeof options !== 'object' || typeof options.exporter?.export !== 'function') {
      throw new TypeError('openfeature-otel-tracking: PageHideBatchProcessor needs { exporter }, a LogRecordExporter');
    }
    this.exporter = options.exporter;
    this.delay = numberOption(OWNER, 'scheduledDelayMillis', options.scheduledDelayMillis, RULES.scheduledDelayMillis);
    this.queueSize = numberOption(OWNER, 'maxQueueSize', options.maxQueueSize, RULES.maxQueueSize);
    const batchSize = numberOption(OWNER, 'maxExportBatchSize', options.maxExportBatchSize, RULES.maxExportBatchSize);
    if (batchSize > this.queueSize) warnOption(`${OWNER}.maxExportBatchSize (${batchSize}) exceeds maxQueueSize; using ${this.queueSize}`);
    this.batchSize = Math.min(batchSize, this.queueSize);
    this.maxRetryDelay = numberOption(OWNER, 'maxRetryDelayMillis', options.maxRetryDelayMillis, RULES.maxRetryDelayMillis);
    this.stats = { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0, retried: 0, atRiskOnHide: 0, pending: 0 };
    Object.defineProperty(this.stats, 'pending', { enumerable: true, get: () => this.queue.length + this.inFlightRecords });
    const doc = (globalThis as { document?: EventTarget }).document;
    if (doc !== undefined) {
      // visibilitychange covers tab switches and mobile backgrounding; pagehide covers browsers that
      // fire no visibilitychange on unload. The second call finds the queue empty.
      doc.addEventListener('visibilitychange', this.onVisibilityChange);
      (globalThis as { addEventListener?: EventTarget['addEventListener'] }).addEventListener?.('pagehide', this.onPageHide);
    }
  }

  /** Queues a record; a full batch is sent at once, a partial one after the delay. */
  onEmit(record: unknown): void {
    if (this.stopping) return;
    if (this.queue.length + this.inFlightRecords >= this.queueSize) {
      this.stats.droppedQueueFull++;
      report('warn', 'page-queue-full', `flag telemetry dropped records: the page's queue (${this.queueSize}) is full; ${this.stats.droppedQueueFull} dropped so far`);
      return;
    }
    this.queue.push(record);
    this.pump(false);
  }

  /**
   * Normal operation: sends full batches (and a partial one when `partial`), at most
   * MAX_CONCURRENT_EXPORTS at a time, nothing while the collector is failing (the retry timer
   * sends then), and arms the batch timer for a partial batch left.
   */
  private pump(partial: boolean): void {
    if (this.pumping) return; // an exporter that answers synchronously re-enters here
    this.pumping = true;
    try {
      while (
        this.failures === 0 &&
        this.inFlight.size < MAX_CONCURRENT_EXPORTS &&
        (this.queue.length >= this.batchSize || (partial && this.queue.length > 0))
      ) {
        this.sendBatch();
      }
    } finally {
      this.pumping = false;
    }
    // At the in-flight limit, the next answer pumps again (a timer would spin while exports stall).
    const blocked = this.failures > 0 || this.inFlight.size >= MAX_CONCURRENT_EXPORTS;
    if (!blocked && this.queue.length > 0 && this.batchTimer === undefined && !this.stopping) {
      this.batchTimer = setTimeout(() => {
        this.batchTimer = undefined;
        this.pump(true);
      }, this.delay);
    }
  }

  /** Hands every queued record to the exporter now, whatever is in flight or backing off; returns how many. */
  private sendAll(): number {
    if (this.batchTimer !== undefined) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    // Bounded by what is queued now: a batch that fails synchronously goes back to the queue.
    let remaining = this.queue.length;
    const total = remaining;
    while (remaining > 0 && this.queue.length > 0) remaining -= this.sendBatch();
    return total - remaining;
  }

  private sendBatch(): number {
    const batch = this.queue.splice(0, this.batchSize);
    this.inFlightRecords += batch.length;
    let settle = (): void => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.inFlight.add(done);
    let finished = false;
    const finish = (result: ExportResultLike, threw: boolean): void => {
      if (finished) return;
      finished = true;
      this.inFlightRecords -= batch.length;
      this.inFlight.delete(done);
      settle();
      this.settled(batch, result, threw);
    };
    try {
      this.exporter.export(batch, (result) => finish(result, false));
    } catch {
      finish({ code: EXPORT_FAILED }, true);
    }
    return batch.length;
  }

  private settled(batch: unknown[], result: ExportResultLike, threw: boolean): void {
    if (result?.code === EXPORT_SUCCESS) {
      this.stats.exported += batch.length;
      this.recovered();
      return;
    }
    if (threw || this.stopping || !isRetryable(result?.error)) {
      this.stats.droppedExportFailed += batch.length;
      report('warn', 'page-export-failed', `flag telemetry could not deliver ${batch.length} records; ${this.stats.droppedExportFailed} dropped so far`);
      // A refusal is an answer: the collector is reachable again.
      if (!threw && !this.stopping) this.recovered();
      return;
    }
    // Worth retrying: back to the front of the queue, in order; the bound already counted them.
    this.queue.unshift(...batch);
    this.stats.retried += batch.length;
    if (this.retryTimer === undefined) this.scheduleRetry();
  }

  /** Backs off, then sends one batch; its answer decides whether the queue drains or waits longer. */
  private scheduleRetry(): void {
    if (this.batchTimer !== undefined) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    const backoff = Math.min(this.maxRetryDelay, FIRST_RETRY_DELAY_MS * 2 ** Math.min(this.failures, 20));
    const delay = Math.round(backoff * (0.5 + Math.random() / 2)); // jitter: pages do not retry in step
    this.failures++;
    report('warn', 'page-export-retry', `flag telemetry export failed; ${this.queue.length} records queued, retrying in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.queue.length > 0) this.sendBatch();
      else this.failures = 0; // nothing waits; whatever is in flight settles on its own
    }, delay);
  }

  private recovered(): void {
    if (this.failures > 0) {
      this.failures = 0;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    if (!this.stopping) this.pump(false);
  }

  /** Sends everything queued (one attempt, backoff or not) and waits for every export in flight; failed batches stay queued. */
  async forceFlush(): Promise<void> {
    this.sendAll();
    await Promise.all([...this.inFlight]);
    await this.exporter.forceFlush?.();
  }

  /** Stops retrying, sends everything (failures are dropped and counted), stops listening to page events, shuts the exporter down. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.stopping = true;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      const doc = (globalThis as { document?: EventTarget }).document;
      if (doc !== undefined) {
        doc.removeEventListener('visibilitychange', this.onVisibilityChange);
        (globalThis as { removeEventListener?: EventTarget['removeEventListener'] }).removeEventListener?.('pagehide', this.onPageHide);
      }
      this.sendAll();
      await Promise.all([...this.inFlight]);
      await this.exporter.forceFlush?.();
      await this.exporter.shutdown();
    })();
    return this.shutdownPromise;
  }
}
