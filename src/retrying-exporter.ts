/**
 * A LogRecordExporter wrapper that keeps retrying a failed batch through an outage.
 *
 * The OTLP exporters retry 429/502/503/504 and network errors only within their own
 * `timeoutMillis` (about 13 s of backoff at most), then give up and the batch is lost. Flag
 * telemetry should ride out a collector restart or a short outage, so this wrapper retries a
 * retryable failure with capped exponential backoff until `maxElapsedMillis` has passed. While it
 * retries, the batch processor keeps queueing (one export at a time), so the outage is absorbed
 * by the queue, bounded by `maxQueueSize`, and whatever does not fit is dropped and counted.
 *
 * Non-retryable failures (a 4xx other than 429: bad auth, bad request) fail at once. After
 * `shutdown()` starts, a failure is not retried again, so shutdown never hangs on a dead collector.
 *
 * @module
 */
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';

type ResultCallback = Parameters<LogRecordExporter['export']>[1];

/** Retry settings of {@link RetryingExporter}. */
export interface RetryOptions {
  /** How long one batch is retried, from its first attempt. 0 disables retrying. */
  maxElapsedMillis: number;
  /** First backoff delay. */
  initialDelayMillis: number;
  /** Largest backoff delay. */
  maxDelayMillis: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const SUCCESS = 0;

/** True when a failed export may succeed later: network errors and 429/502/503/504. */
export function isRetryable(error: unknown): boolean {
  if (error === undefined || error === null) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return RETRYABLE_STATUS.has(code);
  const message = (error as { message?: unknown }).message;
  return message !== 'Nothing to send';
}

/** Retries failed batches of the wrapped exporter; see the module comment. */
export class RetryingExporter implements LogRecordExporter {
  private stopping = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly inner: LogRecordExporter,
    private readonly options: RetryOptions,
    private readonly onRetry: (attempt: number, error: unknown) => void = () => {},
  ) {}

  export(records: ReadableLogRecord[], resultCallback: ResultCallback): void {
    const started = Date.now();
    let attempt = 0;
    const run = (): void => {
      attempt++;
      this.inner.export(records, (result) => {
        if (result.code === SUCCESS || this.stopping || !isRetryable(result.error)) {
          resultCallback(result);
          return;
        }
        const delay = Math.min(this.options.maxDelayMillis, this.options.initialDelayMillis * 2 ** (attempt - 1));
        if (Date.now() - started + delay > this.options.maxElapsedMillis) {
          resultCallback(result);
          return;
        }
        this.onRetry(attempt, result.error);
        const wake = (): void => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          run();
        };
        const timer = setTimeout(wake, delay);
        this.wakers.add(wake);
      });
    };
    run();
  }

  /**
   * Retries waiting batches at once (a flush should not wait out a backoff delay), then flushes
   * the wrapped exporter.
   */
  async forceFlush(): Promise<void> {
    for (const wake of [...this.wakers]) wake();
    await this.inner.forceFlush?.();
  }

  /** Stops retrying: batches waiting for a retry get one last attempt now. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await this.inner.shutdown();
  }
}
