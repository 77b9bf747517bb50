/**
 * `openfeature-otel-tracking/setup`: `setupFlagTelemetry()`, a complete logs pipeline for apps
 * that have no OpenTelemetry SDK. It needs `@opentelemetry/sdk-logs` and
 * `@opentelemetry/resources`, plus the exporter of the protocol in use:
 * `@opentelemetry/exporter-logs-otlp-proto` (the default, http/protobuf) or
 * `@opentelemetry/exporter-logs-otlp-http` (`protocol: 'http/json'`). docs/setup.md has the
 * install line of each case.
 *
 * One home per job, under src/setup/: options.ts (types, the defaults, the option checks),
 * setup-flag-telemetry.ts (the factory), otlp-exporter.ts (exporter selection and the env reader),
 * round-robin-processor.ts (exports in flight), delivery-counter.ts (stats).
 *
 * @module
 */
export { setupFlagTelemetry } from './setup/setup-flag-telemetry.js';
export { SETUP_BATCH_DEFAULTS, SETUP_EXPORT_CONCURRENCY, SETUP_RETRY_MAX_ELAPSED_MILLIS } from './setup/options.js';
export type { BatchOptions, FlagTelemetry, FlagTelemetryStats, OtlpProtocol, SetupFlagTelemetryOptions } from './setup/options.js';
