/**
 * `withTracking(provider)`: a provider wrapper that turns every `track()` call into an
 * `openfeature.tracking` log record, then forwards it to the wrapped provider.
 *
 * No hook stage runs for `track`, so only a provider can see tracking calls. The wrapper forwards
 * everything else untouched, so the wrapped provider's name, hooks, events, lifecycle and status
 * keep working.
 *
 * @module
 */
import type { EvaluationContext, TrackingEventDetails } from '@openfeature/core';
import { type ContextExportOptions, createContextPolicy } from './context-policy.js';
import { describeError, report } from './diag-reporter.js';
import { type EmitSettings, emitRecord } from './emit-record.js';
import { LoggerResolver } from './logger-resolver.js';
import type { MapRecord } from './map-record.js';
import { Budget, type Limits, resolveLimits } from './normalize.js';
import { warnOption } from './option-normalizer.js';
import type { LoggerProviderLike } from './otel-types.js';
import { EVENT_OPENFEATURE_TRACKING, SEVERITY_INFO } from './semconv.js';
import { type TrackingRecordConfig, buildTrackingRecord, trackingNameProblem } from './tracking-record.js';

/**
 * Options of {@link withTracking}.
 *
 * @example
 * ```ts
 * const provider = withTracking(new InMemoryProvider(flags), { forwardTrack: false, contextAttributes: ['plan'] });
 * ```
 */
export interface WithTrackingOptions extends ContextExportOptions {
  /** Also call the wrapped provider's own `track`, when it has one. Default `true`. */
  forwardTrack?: boolean;
  /**
   * Change the record before it is emitted. Return the record (or a new one), or `undefined` to
   * drop it. If it throws, the record is dropped and diag reports it.
   */
  mapRecord?: MapRecord<TrackingEventDetails | undefined>;
  /** Emit to this LoggerProvider instead of the global one. */
  loggerProvider?: LoggerProviderLike;
  /** Size bounds for each record. */
  limits?: Partial<Limits>;
}

/** The members every OpenFeature provider (server or web) has. */
interface AnyProvider {
  [key: symbol]: unknown;
  readonly metadata: { readonly name: string };
  track?(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void;
  [key: string]: unknown;
}

const ENABLED = Object.freeze({ eventName: EVENT_OPENFEATURE_TRACKING, severityNumber: SEVERITY_INFO });

const WRAPPED = Symbol.for('openfeature-otel-tracking.wrapped');

/**
 * Copies the shape of `inner` onto `wrapper`: every method, own or inherited, as a method bound
 * to `inner`, and every other property as an accessor that reads and writes `inner`. So the
 * wrapper is the provider in every respect (custom methods, private fields, getters such as
 * MultiProvider's `hooks`, later state changes), members it lacks stay absent (the SDK changes
 * behaviour on the mere presence of `initialize` or `onContextChange`), and no Proxy trap sits on
 * the evaluation path.
 */
function forwardMembers(inner: AnyProvider, wrapper: Record<PropertyKey, unknown>): void {
  const seen = new Set<PropertyKey>(['constructor', 'track', WRAPPED]);
  for (let proto: object | null = inner; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Reflect.ownKeys(proto)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor !== undefined && typeof descriptor.value === 'function') {
        Object.defineProperty(wrapper, name, {
          value: (descriptor.value as (...args: unknown[]) => unknown).bind(inner),
          writable: true,
          configurable: true,
        });
      } else {
        Object.defineProperty(wrapper, name, {
          get: () => (inner as Record<PropertyKey, unknown>)[name],
          set: (value: unknown) => {
            (inner as Record<PropertyKey, unknown>)[name] = value;
          },
          enumerable: descriptor?.enumerable ?? true,
          configurable: true,
        });
      }
    }
  }
}

/**
 * Wraps an OpenFeature provider (server or web) so that each `client.track(...)` call emits one
 * OpenTelemetry log record, `openfeature.tracking`, and is then forwarded to the provider's own
 * `track` (unless `forwardTrack: false`). Flag resolution, metadata, hooks, events and lifecycle
 * are the wrapped provider's. Works as a child of the SDK's MultiProvider and around one.
 *
 * `track` never throws; an invalid event name gets a diag error and no record.
 *
 * @example
 * ```ts
 * import { OpenFeature, InMemoryProvider } from '@openfeature/server-sdk';
 * import { withTracking } from 'openfeature-otel-tracking';
 *
 * await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(flags)));
 * OpenFeature.getClient().track('clicked-checkout', { targetingKey: 'user-42' }, { value: 99.77, currencyCode: 'USD' });
 * ```
 */
export function withTracking<P extends object>(provider: P, options: WithTrackingOptions = {}): P {
  const inner = provider as unknown as AnyProvider;
  if (inner === null || typeof inner !== 'object' || typeof inner.metadata !== 'object' || inner.metadata === null) {
    throw new TypeError('openfeature-otel-tracking: withTracking(provider) needs an OpenFeature provider (an object with metadata)');
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('openfeature-otel-tracking: withTracking options must be an object');
  }
  if (options.mapRecord !== undefined && typeof options.mapRecord !== 'function') {
    throw new TypeError('openfeature-otel-tracking: mapRecord must be a function (record, details, context) => record | undefined');
  }
  if ((inner as Record<symbol, unknown>)[WRAPPED] === true) {
    warnOption('withTracking() was applied to a provider that is already wrapped; each track() call will be recorded twice');
  }
  const limits = resolveLimits(options.limits, warnOption);
  const config: TrackingRecordConfig = { context: createContextPolicy(options, warnOption), limits };
  const emitSettings: EmitSettings<TrackingEventDetails | undefined> = {
    limits,
    mapRecord: options.mapRecord,
    problemKind: 'tracking-input',
    describe: describeTrack,
  };
  const resolver = new LoggerResolver(options.loggerProvider);
  const forward = options.forwardTrack !== false;

  const wrapper = Object.create(Object.getPrototypeOf(inner) as object) as Record<PropertyKey, unknown>;
  forwardMembers(inner, wrapper);
  Object.defineProperty(wrapper, WRAPPED, { value: true });

  wrapper['track'] = function track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    try {
      emitTracking(resolver, config, emitSettings, inner, trackingEventName, context, details);
    } catch (err) {
      report('error', 'track-failed', `track() skipped a record: ${describeError(err)}`);
    }
    if (forward && typeof inner.track === 'function') {
      try {
        inner.track(trackingEventName, context, details);
      } catch (err) {
        report('error', 'inner-track-threw', `the wrapped provider's track() threw: ${describeError(err)}`);
      }
    }
  };
  return wrapper as unknown as P;
}

function emitTracking(
  resolver: LoggerResolver,
  config: TrackingRecordConfig,
  emitSettings: EmitSettings<TrackingEventDetails | undefined>,
  inner: AnyProvider,
  name: unknown,
  context: EvaluationContext | null | undefined,
  details: TrackingEventDetails | undefined,
): void {
  const problem = trackingNameProblem(name);
  if (problem !== undefined) {
    report('error', 'track-name', `track() recorded nothing: ${problem}`);
    return;
  }
  const logger = resolver.enabledLogger(ENABLED);
  if (logger === undefined) return;
  const budget = new Budget(config.limits.maxRecordBytes);
  const safeContext = context !== null && typeof context === 'object' ? context : undefined;
  const record = buildTrackingRecord(config, name as string, safeContext, details, inner.metadata?.name, budget);
  emitRecord(emitSettings, logger, record, budget, name as string, details, safeContext);
}

function describeTrack(name: string): string {
  return `track('${name.slice(0, 100)}')`;
}
