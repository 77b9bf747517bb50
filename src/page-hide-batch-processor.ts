/**
 * A batching log record processor for web pages that sends every queued record the moment the
 * page is hidden (tab closed or switched, navigation, app backgrounded), without waiting for an
 * export still in flight.
 *
 * Why not the SDK's BatchLogRecordProcessor: its browser build flushes on `visibilitychange` only
 * (not `pagehide`), and, like every batch processor that runs one export at a time, its flush first
 * awaits the export in flight and only then sends the queue. When the page goes away during that
 * round trip, the queued records (say, the click that closed the tab) are lost; the browser test
 * `test/e2e/browser.test.ts` shows it. Here the hide flush hands the queue to the exporter in the
 * same task as the event; the OTLP/HTTP exporter sends with `fetch(..., { keepalive: true })`,
 * which outlives the page.
 *
 * Batches stay small (default 32 records, about 10 to 20 KB of OTLP/JSON): browsers allow at most
 * 64 KiB of keepalive request bodies in flight per page, and a request over that budget is sent
 * without keepalive, so it dies with the page. Memory is bounded by `maxQueueSize`; records beyond
 * it are dropped and counted, as are records whose export failed.
 *
 * @module
 */
import { report } from './diag-reporter.js';
import type { LogRecordExporterLike } from './otel-types.js';

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
  /** Longest wait before a partial batch is sent, in ms. Default 1000. */
  scheduledDelayMillis?: number;
  /** Records per export request; keep it small for keepalive requests. Default 32. */
  maxExportBatchSize?: number;
  /** Records held in memory; beyond it new records are dropped and counted. Default 20000. */
  maxQueueSize?: number;
}

/**
 * Delivery counters of a {@link PageHideBatchProcessor}.
 *
 * @example
 * ```ts
 * const { exported, droppedQueueFull, droppedExportFailed }: PageHideBatchStats = processor.stats;
 * ```
 */
export interface PageHideBatchStats {
  exported: number;
  droppedQueueFull: number;
  droppedExportFailed: number;
}

const SUCCESS = 0; // ExportResultCode.SUCCESS

/**
 * A batching LogRecordProcessor for browsers that flushes on page hide without waiting for an
 * export in flight, so a tab closed right after a click still delivers the click.
 *
 * @example
 * ```ts
 * import { LoggerProvider } from '@opentelemetry/sdk-logs';
 * import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
 * import { EvaluationEventHook, PageHideBatchProcessor } from 'openfeature-otel-tracking';
 *
 * const loggerProvider = new LoggerProvider({
 *   processors: [new PageHideBatchProcessor({ exporter: new OTLPLogExporter({ url: 'https://otel.example.com/v1/logs' }) })],
 * });
 * OpenFeature.addHooks(new EvaluationEventHook({ loggerProvider }));
 * ```
 */
export class PageHideBatchProcessor {
  /** Records exported, and records dropped (queue full, export failed). */
  readonly stats: PageHideBatchStats = { exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
  private readonly exporter: LogRecordExporterLike;
  private readonly delay: number;
  private readonly batchSize: number;
  private readonly queueSize: number;
  private queue: unknown[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly onVisibilityChange = (): void => {
    if ((globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden') this.sendQueued();
  };
  private readonly onPageHide = (): void => this.sendQueued();

  constructor(options: PageHideBatchProcessorOptions) {
    if (options === null || typeof options !== 'object' || typeof options.exporter?.export !== 'function') {
      throw new TypeError('openfeature-otel-tracking: PageHideBatchProcessor needs { exporter }, a LogRecordExporter');
    }
    this.exporter = options.exporter;
    this.delay = options.scheduledDelayMillis ?? 1_000;
    this.batchSize = Math.max(1, Math.floor(options.maxExportBatchSize ?? 32));
    this.queueSize = Math.max(this.batchSize, Math.floor(options.maxQueueSize ?? 20_000));
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
    if (this.stopped) return;
    if (this.queue.length >= this.queueSize) {
      this.stats.droppedQueueFull++;
      report('warn', 'page-queue-full', `flag telemetry dropped records: the page's queue (${this.queueSize}) is full; ${this.stats.droppedQueueFull} dropped so far`);
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.batchSize) {
      this.sendQueued();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sendQueued();
      }, this.delay);
    }
  }

  /** Hands every queued record to the exporter now, in batches, whatever is in flight. */
  private sendQueued(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      const done = new Promise<void>((resolve) => {
        try {
          this.exporter.export(batch, (result) => {
            if (result.code === SUCCESS) {
              this.stats.exported += batch.length;
            } else {
              this.stats.droppedExportFailed += batch.length;
              report('warn', 'page-export-failed', `flag telemetry could not deliver ${batch.length} records; ${this.stats.droppedExportFailed} dropped so far`);
            }
            resolve();
          });
        } catch {
          this.stats.droppedExportFailed += batch.length;
          resolve();
        }
      });
      this.inFlight.add(done);
      void done.then(() => this.inFlight.delete(done));
    }
  }

  /** Sends everything queued and waits for every export in flight. */
  async forceFlush(): Promise<void> {
    this.sendQueued();
    await Promise.all([...this.inFlight]);
    await this.exporter.forceFlush?.();
  }

  /** Flushes, stops listening to page events, and shuts the exporter down. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    const doc = (globalThis as { document?: EventTarget }).document;
    if (doc !== undefined) {
      doc.removeEventListener('visibilitychange', this.onVisibilityChange);
      (globalThis as { removeEventListener?: EventTarget['removeEventListener'] }).removeEventListener?.('pagehide', this.onPageHide);
    }
    await this.forceFlush();
    this.stopped = true;
    await this.exporter.shutdown();
  }
}
