/**
 * Finds the logger to emit to, at emit time, on either OpenTelemetry API line.
 *
 * Order: an injected provider; else the global registered through `@opentelemetry/api` `logs`
 * (api >= 1.10, what NodeSDK 0.3xx registers); else the global registered through
 * `@opentelemetry/api-logs` (0.2xx line). The two lines keep the global in different slots and a
 * logger from one never sees a provider registered on the other, so both are looked at.
 *
 * Resolution is lazy: a provider registered after the hook was built is used from the next
 * evaluation on. The logger is cached per provider instance, so the steady state costs one global
 * lookup and one identity check.
 *
 * `@opentelemetry/api-logs` is never imported (it is an optional peer): its global slot is read
 * through the versioned getter that api-logs itself installs under
 * `Symbol.for('io.opentelemetry.js.api.logs')`, compatibility version 1.
 *
 * @module
 */
import * as otelApi from '@opentelemetry/api';
import type { LoggerLike, LoggerProviderLike } from './otel-types.js';
import { SCOPE_NAME, SCOPE_VERSION } from './version.js';

interface LogsApiLike {
  getLoggerProvider(): LoggerProviderLike;
}

const LEGACY_LOGS_KEY = /* @__PURE__ */ Symbol.for('io.opentelemetry.js.api.logs');
const LEGACY_COMPAT_VERSION = 1;

const NOOP_LOGGER: LoggerLike = Object.freeze({
  emit(): void {},
  enabled(): boolean {
    return false;
  },
});

function legacyProvider(): LoggerProviderLike | undefined {
  const getter = (globalThis as Record<symbol, unknown>)[LEGACY_LOGS_KEY];
  if (typeof getter !== 'function') return undefined;
  const provider = (getter as (version: number) => unknown)(LEGACY_COMPAT_VERSION);
  return provider !== null && typeof provider === 'object' && typeof (provider as LoggerProviderLike).getLogger === 'function'
    ? (provider as LoggerProviderLike)
    : undefined;
}

/** Resolves and caches the logger for one hook or provider. */
export class LoggerResolver {
  private readonly injected: LoggerLike | undefined;
  private readonly logsApi: LogsApiLike | undefined;
  private apiProvider: LoggerProviderLike | undefined = undefined;
  private apiLogger: LoggerLike = NOOP_LOGGER;
  private legacySource: LoggerProviderLike | undefined = undefined;
  private legacyLogger: LoggerLike = NOOP_LOGGER;

  constructor(injected?: LoggerProviderLike) {
    if (injected !== undefined) {
      if (injected === null || typeof injected.getLogger !== 'function') {
        throw new TypeError('openfeature-otel-tracking: loggerProvider must be an OpenTelemetry LoggerProvider (an object with getLogger())');
      }
      this.injected = injected.getLogger(SCOPE_NAME, SCOPE_VERSION);
    }
    const logs = (otelApi as { logs?: unknown }).logs;
    this.logsApi =
      logs !== undefined && typeof (logs as LogsApiLike).getLoggerProvider === 'function' ? (logs as LogsApiLike) : undefined;
  }

  /**
   * The logger to emit this event to, or `undefined` when no logger wants it (no SDK registered,
   * or the SDK's `enabled()` says no): then the caller builds nothing. `enabledOptions` should be
   * a preallocated object.
   */
  enabledLogger(enabledOptions: { eventName: string; severityNumber: number }): LoggerLike | undefined {
    const injected = this.injected;
    if (injected !== undefined) return isEnabled(injected, enabledOptions) ? injected : undefined;
    const api = this.logsApi;
    if (api !== undefined) {
      const provider = api.getLoggerProvider();
      if (provider !== this.apiProvider) {
        this.apiProvider = provider;
        this.apiLogger = provider.getLogger(SCOPE_NAME, SCOPE_VERSION);
      }
      if (isEnabled(this.apiLogger, enabledOptions)) return this.apiLogger;
    }
    const legacy = legacyProvider();
    if (legacy === undefined) return undefined;
    if (legacy !== this.legacySource) {
      this.legacySource = legacy;
      this.legacyLogger = legacy.getLogger(SCOPE_NAME, SCOPE_VERSION);
    }
    return isEnabled(this.legacyLogger, enabledOptions) ? this.legacyLogger : undefined;
  }
}

/** `logger.enabled(options)`, true for loggers that predate `enabled()`. */
export function isEnabled(logger: LoggerLike, options: { eventName: string; severityNumber: number }): boolean {
  return typeof logger.enabled === 'function' ? logger.enabled(options) : true;
}
