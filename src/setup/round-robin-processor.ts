/**
 * Several SDK batch processors fed round-robin, so that several exports can be in flight: the
 * SDK's BatchLogRecordProcessor sends one request at a time, and the collector then works on one
 * request at a time.
 *
 * @module
 */
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { MeterProvider } from '@opentelemetry/api';
import type { BatchOptions } from './options.js';

/**
 * `concurrency` SDK batch processors fed round-robin. Each holds its share of the queue, so memory
 * stays bounded by `maxQueueSize`; every one counts its drops through the same self-observability
 * meter. With `concurrency` 1 it is the SDK processor itself.
 */
export function createRoundRobinProcessor(
  exporter: LogRecordExporter,
  batch: Readonly<Required<BatchOptions>>,
  concurrency: number,
  selfObsMeterProvider: MeterProvider,
): LogRecordProcessor {
  const share = Math.max(1, Math.floor(batch.maxQueueSize / concurrency));
  const processors = Array.from(
    { length: concurrency },
    () =>
      new BatchLogRecordProcessor({
        exporter,
        ...batch,
        maxQueueSize: share,
        maxExportBatchSize: Math.min(batch.maxExportBatchSize, share),
        selfObsMeterProvider,
      }),
  );
  if (concurrency === 1) return processors[0]!;
  let next = 0;
  return {
    onEmit(record) {
      processors[next]!.onEmit(record);
      next = next + 1 === concurrency ? 0 : next + 1;
    },
    forceFlush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}
