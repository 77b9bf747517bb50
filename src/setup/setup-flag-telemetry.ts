/**
 * The factory: options in (checked once by ./options.ts), a LoggerProvider with a hook and
 * `withTracking` bound to it out. Exporter selection, batching and delivery counting live in their
 * own modules beside this one.
 *
 * @module
 */
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { report } from '../diag-reporter.js';
import { EvaluationEventHook } from '../evaluation-event-hook.js';
import { PageHideBatchProcessor } from '../page-hide-batch-processor.js';
import { RetryingExporter } from '../retrying-exporter.js';
import { withTracking } from '../with-tracking.js';
import { CountingProcessor, countingMeterProvider, deliveryStats, newDeliveryCounters } from './delivery-counter.js';
import { type FlagTelemetry, type FlagTelemetryStats, IN_BROWSER, resolveSetupOptions, type SetupFlagTelemetryOptions } from './options.js';
import { createOtlpExporter } from './otlp-exporter.js';
import { createRoundRobinProcessor } from './round-robin-processor.js';

/**
 * Builds a logs pipeline for flag telemetry: a LoggerProvider with a `service.name` resource, a
 * batch processor and an OTLP/HTTP exporter that honours the `OTEL_EXPORTER_OTLP_*` variables.
 * Registers nothing globally. Dropped records are counted (see `stats()`) and reported through
 * diag. Only the exporter package of the chosen protocol is loaded.
 *
 * @example
 * ```ts
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { setupFlagTelemetry } from 'openfeature-otel-tracking/setup';
 *
 * const telemetry = setupFlagTelemetry({ serviceName: 'checkout' });
 * OpenFeature.addHooks(telemetry.hook);
 * await OpenFeature.setProviderAndWait(telemetry.withTracking(myProvider));
 * process.once('SIGTERM', () => void telemetry.shutdown());
 * ```
 */
export function setupFlagTelemetry(options: SetupFlagTelemetryOptions = {}): FlagTelemetry {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('openfeature-otel-tracking: setupFlagTelemetry options must be an object');
  }
  // Every check runs before anything is built, so a bad option throws with nothing started.
  const settings = resolveSetupOptions(options, IN_BROWSER);
  const counters = newDeliveryCounters();
  const baseExporter = options.exporter ?? createOtlpExporter(options);
  // In browsers the page-hide processor retries failed batches itself and sends everything on page
  // hide; a batch held in a RetryingExporter's backoff would miss that last send.
  const exporter =
    IN_BROWSER || settings.retry.maxElapsedMillis === 0
      ? baseExporter
      : new RetryingExporter(baseExporter, settings.retry, (attempt) =>
          report('warn', 'export-retry', `flag telemetry export failed; retrying (attempt ${attempt}); records stay queued`),
        );
  // In browsers, a processor that flushes on page hide without waiting for an export in flight;
  // in Node, the SDK's batch processor, whose self-observability metric counts its drops.
  const pageHide = IN_BROWSER
    ? new PageHideBatchProcessor({
        exporter,
        maxQueueSize: settings.batch.maxQueueSize,
        maxExportBatchSize: settings.batch.maxExportBatchSize,
        scheduledDelayMillis: settings.batch.scheduledDelayMillis,
      })
    : undefined;
  const batchProcessor: LogRecordProcessor =
    pageHide ??
    createRoundRobinProcessor(exporter, settings.batch, settings.exportConcurrency, countingMeterProvider(counters, settings.batch.maxQueueSize));
  const loggerProvider = new LoggerProvider({
    // SDK defaults, then OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME, then the explicit options.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(
        resourceFromAttributes({
          ...options.resourceAttributes,
          ...(options.serviceName !== undefined ? { 'service.name': options.serviceName } : {}),
        }),
      ),
    processors: [new CountingProcessor(batchProcessor, counters)],
  });
  const hook = new EvaluationEventHook({ ...options.hook, loggerProvider });
  const trackingDefaults = options.tracking ?? {};
  let shutdownPromise: Promise<void> | undefined;

  const stats = (): FlagTelemetryStats => deliveryStats(counters.emitted, pageHide?.stats ?? counters);
  return {
    hook,
    withTracking: (provider, trackingOptions) => withTracking(provider, { ...trackingDefaults, ...trackingOptions, loggerProvider }),
    loggerProvider,
    forceFlush: () => loggerProvider.forceFlush(),
    shutdown: () => {
      shutdownPromise ??= loggerProvider.shutdown().then(() => {
        const final = stats();
        if (final.dropped > 0) {
          report(
            'warn',
            'shutdown-dropped',
            `flag telemetry shut down: ${final.exported} records exported, ${final.dropped} dropped (${final.droppedQueueFull} queue full, ${final.droppedExportFailed} export failed)`,
          );
        }
      });
      return shutdownPromise;
    },
    stats,
  };
}
