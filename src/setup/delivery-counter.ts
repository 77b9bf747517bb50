/**
 * Delivery counting for `setupFlagTelemetry`: every record that enters the pipeline is counted,
 * and every record leaves it exported or dropped (queue full, export failed), so
 * `emitted = exported + dropped + pending` always holds.
 *
 * @module
 */
import { type Counter, type MeterProvider, createNoopMeter } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { report } from '../diag-reporter.js';
import type { FlagTelemetryStats } from './options.js';

/** What leaves the pipeline; a page-hide processor keeps its own. */
export interface DeliveryCounts {
  exported: number;
  droppedQueueFull: number;
  droppedExportFailed: number;
}

/** Counters of one pipeline. */
export interface DeliveryCounters extends DeliveryCounts {
  emitted: number;
}

/** Fresh counters. */
export function newDeliveryCounters(): DeliveryCounters {
  return { emitted: 0, exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
}

/** The stats view: `emitted` from the pipeline's entry, the rest from whoever delivers. */
export function deliveryStats(emitted: number, delivery: DeliveryCounts): FlagTelemetryStats {
  const dropped = delivery.droppedQueueFull + delivery.droppedExportFailed;
  return {
    emitted,
    exported: delivery.exported,
    droppedQueueFull: delivery.droppedQueueFull,
    droppedExportFailed: delivery.droppedExportFailed,
    dropped,
    pending: emitted - delivery.exported - dropped,
  };
}

/** Counts records entering the pipeline; everything else is the batch processor's. */
export class CountingProcessor implements LogRecordProcessor {
  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly counters: { emitted: number },
  ) {}
  onEmit(record: ReadWriteLogRecord, context?: Parameters<LogRecordProcessor['onEmit']>[1]): void {
    this.counters.emitted++;
    this.inner.onEmit(record, context);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

const PROCESSED_METRIC = 'otel.sdk.processor.log.processed';

/**
 * A MeterProvider for the batch processor's own self-observability metric
 * `otel.sdk.processor.log.processed`, which it increments with `error.type = queue_full` for every
 * record it drops and with the export error's name for every record whose export failed. This is
 * the SDK's supported hook for drop accounting; everything else is a no-op.
 */
export function countingMeterProvider(counters: DeliveryCounts, maxQueueSize: number): MeterProvider {
  const noop = createNoopMeter();
  const processed: Counter = {
    add(value: number, attributes?: Record<string, unknown>): void {
      const errorType = attributes?.['error.type'];
      if (errorType === undefined) {
        counters.exported += value;
      } else if (errorType === 'queue_full') {
        counters.droppedQueueFull += value;
        report(
          'warn',
          'queue-full',
          `flag telemetry dropped records: the export queue (maxQueueSize ${maxQueueSize}) is full; ${counters.droppedQueueFull} dropped so far. Raise batch.maxQueueSize or check the collector`,
        );
      } else {
        counters.droppedExportFailed += value;
        report(
          'warn',
          'export-failed',
          `flag telemetry could not deliver records (${typeof errorType === 'string' ? errorType.slice(0, 60) : 'export error'}); ${counters.droppedExportFailed} dropped so far`,
        );
      }
    },
  };
  const meter = Object.create(noop) as typeof noop;
  meter.createCounter = (name: string, metricOptions?: Parameters<typeof noop.createCounter>[1]) =>
    name === PROCESSED_METRIC ? processed : noop.createCounter(name, metricOptions);
  return { getMeter: () => meter };
}
