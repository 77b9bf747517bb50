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
import { type NumberRule, numberOption } from './option-normalizer.js';
import { EXPORT_FAILED, EXPORT_SUCCESS } from './otel-types.js';

type ResultCallback = Parameters<LogRecordExporter['export']>[1];

/**
 * Retry settings of {@link RetryingExporter}; each is checked by the one option normaliser
 * (ranges in {@link RETRY_RULES}).
 */
export interface RetryOptions {
  /** How long one batch is retried, from its first attempt. 0 disables retrying. Default 60000. */
  maxElapsedMillis?: number;
  /** First backoff delay. Default 1000. */
  initialDelayMillis?: number;
  /** Largest backoff delay. Default 5000. */
  maxDelayMillis?: number;
}

/** Defaults and ranges of {@link RetryOptions}, in ms. Delays stay under setTimeout's 2^31-1 ms limit. */
export const RETRY_RULES: Readonly<Record<keyof RetryOptions, NumberRule>> = Object.freeze({
  maxElapsedMillis: { default: 60_000, min: 0, max: 86_400_000, unit: 'ms' },
  initialDelayMillis: { default: 1_000, min: 1, max: 600_000, unit: 'ms' },
  maxDelayMillis: { default: 5_000, min: 1, max: 600_000, unit: 'ms' },
});

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/**
 * An error that no retry can cure (e.g. the exporter package is not installed). {@link isRetryable}
 * is false for it.
 */
export class PermanentExportError extends Error {
  override readonly name = 'PermanentExportError';
}

/**
 * True when a failed export may succeed later: network errors, timeouts, 429/502/503/504 and
 * anything unknown. False when the collector answered and refused the batch (any other HTTP
 * status: the Node OTLP exporter sets `code`, the browser one says so only in its message,
 * "... non-retryable status 400"), and for a {@link PermanentExportError}. Shared by
 * {@link RetryingExporter} and the browser's PageHideBatchProcessor.
 */
export function isRetryable(error: unknown): boolean {
  if (error === undefined || error === null) return true;
  if (error instanceof PermanentExportError) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return RETRYABLE_STATUS.has(code);
  const message = (error as { message?: unknown }).message;
  return message !== 'Nothing to send' && !/non-retryable status \d/.test(String(message));
}

/** Retries failed batches of the wrapped exporter; see the module comment. */
export class RetryingExporter implements LogRecordExporter {
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  /** The checked options in effect. */
  readonly options: Readonly<Required<RetryOptions>>;

  constructor(
    private readonly inner: LogRecordExporter,
    options: RetryOptions = {},
    private readonly onRetry: (attempt: number, error: unknown) => void = () => {},
  ) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('openfeature-otel-tracking: RetryingExporter options must be an object { maxElapsedMillis, initialDelayMillis, maxDelayMillis }');
    }
    const initialDelayMillis = numberOption('RetryingExporter', 'initialDelayMillis', options.initialDelayMillis, RETRY_RULES.initialDelayMillis);
    this.options = Object.freeze({
      maxElapsedMillis: numberOption('RetryingExporter', 'maxElapsedMillis', options.maxElapsedMillis, RETRY_RULES.maxElapsedMillis),
      initialDelayMillis,
      // The largest delay is never below the first one.
      maxDelayMillis: numberOption('RetryingExporter', 'maxDelayMillis', options.maxDelayMillis, {
        ...RETRY_RULES.maxDelayMillis,
        min: initialDelayMillis,
        default: Math.max(initialDelayMillis, RETRY_RULES.maxDelayMillis.default),
      }),
    });
  }

  export(records: ReadableLogRecord[], resultCallback: ResultCallback): void {
    const started = Date.now();
    let attempt = 0;
    const run = (): void => {
      attempt++;
      let answered = false;
      const onResult = (result: Parameters<ResultCallback>[0]): void => {
        if (answered) return;
        answered = true;
        const code: number = result.code;
        if (code === EXPORT_SUCCESS || this.stopping || !isRetryable(result.error)) {
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
      };
      try {
        this.inner.export(records, onResult);
      } catch (err) {
        // A retry runs from a timer, where a synchronous throw would be an uncaught exception. A
        // throwing exporter is broken, not unreachable: the batch fails without more retries.
        if (answered) return;
        answered = true;
        resultCallback({ code: EXPORT_FAILED, error: err instanceof Error ? err : new Error(typeof err) });
      }
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
