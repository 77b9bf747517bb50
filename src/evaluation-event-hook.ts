/**
 * The OpenFeature hook: one `feature_flag.evaluation` log record per evaluation.
 *
 * @module
 */
import type { BaseHook, EvaluationDetails, FlagValue, HookContext } from '@openfeature/core';
import { type ContextExportOptions, createContextPolicy } from './context-policy.js';
import type { DedupeCache, DedupeOptions } from './dedupe.js';
import { compactOutcome, resolveDedupe } from './dedupe.js';
import { describeError, report } from './diag-reporter.js';
import { type EmitSettings, emitRecord } from './emit-record.js';
import {
  type EvaluationRecordConfig,
  type IncludeValue,
  buildEvaluationRecord,
  rawSubjectId,
} from './evaluation-record.js';
import { LoggerResolver } from './logger-resolver.js';
import type { MapRecord } from './map-record.js';
import { Budget, type Limits, resolveLimits } from './normalize.js';
import { warnOption } from './option-normalizer.js';
import type { LoggerProviderLike } from './otel-types.js';
import { EVENT_FEATURE_FLAG_EVALUATION, SEVERITY_INFO, SEVERITY_WARN } from './semconv.js';

/**
 * Decides per evaluation whether a record is emitted. Return `false` to skip it.
 *
 * @example
 * ```ts
 * const onlyCheckoutFlags: EvaluationFilter = (hookContext) => hookContext.flagKey.startsWith('checkout-');
 * new EvaluationEventHook({ filter: onlyCheckoutFlags });
 * ```
 */
export type EvaluationFilter = (hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>) => boolean;

/**
 * Options of {@link EvaluationEventHook}.
 *
 * @example
 * ```ts
 * const options: EvaluationEventHookOptions = {
 *   includeValue: 'always',
 *   contextAttributes: ['anonymous', 'plan'],
 *   dedupe: { ttlMs: 60_000, maxEntries: 10_000 },
 * };
 * OpenFeature.addHooks(new EvaluationEventHook(options));
 * ```
 */
export interface EvaluationEventHookOptions extends ContextExportOptions {
  /** When to write `feature_flag.result.value`. Default `'semconv'` (only when there is no variant). */
  includeValue?: IncludeValue;
  /** Export the flag metadata as the map `openfeature.flag.metadata`. Default `false`. */
  includeFlagMetadata?: boolean;
  /**
   * Skip evaluations: return `false` to emit nothing. Runs after the `trackEvents: false` check.
   * If it throws, the record is skipped (fail closed) and diag reports it.
   */
  filter?: EvaluationFilter;
  /**
   * Record each (flag, variant, subject) once per `ttlMs`. `true` uses the defaults
   * (60 s, 10000 entries). Off by default.
   */
  dedupe?: boolean | DedupeOptions;
  /**
   * Change the record before it is emitted: add attributes, rename, redact. Return the record
   * (or a new one), or `undefined` to drop it. If it throws, the record is dropped (fail closed,
   * since it may have been meant to redact) and diag reports it.
   */
  mapRecord?: MapRecord<EvaluationDetails<FlagValue>>;
  /** Emit to this LoggerProvider instead of the global one. */
  loggerProvider?: LoggerProviderLike;
  /** Size bounds for each record. */
  limits?: Partial<Limits>;
}

const ENABLED_INFO = Object.freeze({ eventName: EVENT_FEATURE_FLAG_EVALUATION, severityNumber: SEVERITY_INFO });
const ENABLED_WARN = Object.freeze({ eventName: EVENT_FEATURE_FLAG_EVALUATION, severityNumber: SEVERITY_WARN });

const INCLUDE_VALUE_MODES: readonly IncludeValue[] = ['semconv', 'always', 'never'];

/**
 * An OpenFeature hook (server and web SDKs) that emits one OpenTelemetry log record,
 * `feature_flag.evaluation`, per flag evaluation, with the semantic-convention attributes.
 *
 * It emits in `finally`, so errors are recorded too (severity WARN, `error.type`). It never
 * throws into the evaluation, and with no OpenTelemetry SDK registered it costs one
 * `logger.enabled()` call.
 *
 * @example
 * ```ts
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { EvaluationEventHook } from 'openfeature-otel-tracking';
 *
 * OpenFeature.addHooks(new EvaluationEventHook());
 * // GO Feature Flag-shaped output needs the value on every record:
 * OpenFeature.addHooks(new EvaluationEventHook({ includeValue: 'always', dedupe: { ttlMs: 60_000 } }));
 * ```
 */
export class EvaluationEventHook implements BaseHook<FlagValue, Record<string, unknown>, void, void> {
  private readonly resolver: LoggerResolver;
  private readonly config: EvaluationRecordConfig;
  private readonly filter: EvaluationFilter | undefined;
  private readonly emitSettings: EmitSettings<EvaluationDetails<FlagValue>>;
  private readonly dedupe: DedupeCache | undefined;

  constructor(options: EvaluationEventHookOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('openfeature-otel-tracking: EvaluationEventHook options must be an object');
    }
    const includeValue = options.includeValue ?? 'semconv';
    if (!INCLUDE_VALUE_MODES.includes(includeValue)) {
      throw new TypeError(
        `openfeature-otel-tracking: includeValue must be one of ${INCLUDE_VALUE_MODES.join(', ')}, got ${JSON.stringify(String(includeValue))}`,
      );
    }
    if (options.filter !== undefined && typeof options.filter !== 'function') {
      throw new TypeError('openfeature-otel-tracking: filter must be a function (hookContext, details) => boolean');
    }
    if (options.mapRecord !== undefined && typeof options.mapRecord !== 'function') {
      throw new TypeError('openfeature-otel-tracking: mapRecord must be a function (record, details, context) => record | undefined');
    }
    const context = createContextPolicy(options, warnOption);
    const limits = resolveLimits(options.limits, warnOption);
    this.config = { includeValue, includeFlagMetadata: options.includeFlagMetadata === true, context, limits };
    this.filter = options.filter;
    this.emitSettings = { limits, mapRecord: options.mapRecord, problemKind: 'evaluation-input', describe: describeFlag };
    this.dedupe = resolveDedupe(options.dedupe, warnOption);
    this.resolver = new LoggerResolver(options.loggerProvider);
  }

  /** Emits the evaluation record. Never throws. */
  finally(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): void {
    try {
      this.record(hookContext, details);
    } catch (err) {
      report('error', 'hook-failed', `EvaluationEventHook skipped a record: ${describeError(err)}`);
    }
  }

  private record(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): void {
    const config = this.config;
    const dedupe = this.dedupe;
    let exposure: Exposure | undefined;
    if (dedupe !== undefined) {
      // A repeated exposure is dropped before anything else, without building any string.
      exposure = exposureOf(config, hookContext, details);
      if (dedupe.isDuplicate(exposure.subjectKey, hookContext.flagKey, exposure.shown, exposure.at)) return;
    }
    const logger = this.resolver.enabledLogger(details.errorCode === undefined ? ENABLED_INFO : ENABLED_WARN);
    if (logger === undefined || !wanted(this.filter, hookContext, details)) return;

    const budget = exposure?.budget ?? new Budget(config.limits.maxRecordBytes);
    const contextId = exposure !== undefined ? exposure.contextId : config.context.id(rawSubjectId(hookContext, details), budget);
    const record = buildEvaluationRecord(config, hookContext, details, contextId, budget);
    const emitted = emitRecord(this.emitSettings, logger, record, budget, hookContext.flagKey, details, hookContext.context);
    if (emitted && exposure !== undefined) dedupe!.remember(exposure.subjectKey, hookContext.flagKey, exposure.shown, exposure.at);
  }
}

/** What deduplication needs: the subject and what was shown, before any record is built. */
function exposureOf(config: EvaluationRecordConfig, hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): Exposure {
  const budget = new Budget(config.limits.maxRecordBytes);
  const contextId = config.context.id(rawSubjectId(hookContext, details), budget);
  return { budget, contextId, subjectKey: contextId ?? NO_SUBJECT_KEY, shown: shownValue(details), at: Date.now() };
}

/**
 * False for flags whose metadata says `trackEvents: false` and for evaluations the filter skips
 * (a throwing filter skips too: fail closed).
 */
function wanted(filter: EvaluationFilter | undefined, hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): boolean {
  const metadata = details.flagMetadata;
  if (metadata !== undefined && metadata !== null && metadata['trackEvents'] === false) return false;
  if (filter === undefined) return true;
  try {
    return filter(hookContext, details) !== false;
  } catch (err) {
    report('error', 'filter-threw', `filter threw, so the record was skipped: ${describeError(err)}`);
    return false;
  }
}

/** One exposure as deduplication sees it. */
interface Exposure {
  /** The record's budget, already charged for the subject id. */
  readonly budget: Budget;
  /** `feature_flag.context.id` as written, `undefined` when the evaluation has no subject. */
  readonly contextId: string | undefined;
  /** The subject's key in the dedupe cache. */
  readonly subjectKey: string;
  /** What the exposure showed (see {@link shownValue}). */
  readonly shown: string;
  /** When it was seen, ms since the epoch. */
  readonly at: number;
}

/** The dedupe cache key of evaluations without a subject: they share one entry per flag and value. */
const NO_SUBJECT_KEY = '';

function describeFlag(flagKey: string): string {
  return `flag '${String(flagKey).slice(0, 100)}'`;
}

/**
 * What an exposure showed, for deduplication: the variant, else the value; an error code if any.
 * Compacted (see {@link compactOutcome}) so that a cache entry stays small whatever the value.
 */
function shownValue(details: EvaluationDetails<FlagValue>): string {
  const variant = details.variant;
  const value = details.value;
  return compactOutcome(
    details.errorCode !== undefined
      ? `!${details.errorCode}`
      : typeof variant === 'string'
        ? variant
        : typeof value === 'object' && value !== null
          ? safeStringify(value)
          : `=${String(value)}`,
  );
}

function safeStringify(value: unknown): string {
  try {
    return `=${JSON.stringify(value)}`;
  } catch {
    return '=?';
  }
}
