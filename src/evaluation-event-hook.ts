/**
 * The OpenFeature hook: one `feature_flag.evaluation` log record per evaluation.
 *
 * @module
 */
import type { BaseHook, EvaluationDetails, FlagValue, HookContext } from '@openfeature/core';
import { type ContextExportOptions, type ContextExporter, createContextExporter } from './context-export.js';
import type { DedupeCache, DedupeOptions } from './dedupe.js';
import { resolveDedupe } from './dedupe.js';
import { describeError, report } from './diag-reporter.js';
import {
  type EvaluationRecordConfig,
  type IncludeValue,
  buildEvaluationRecord,
  rawSubjectId,
} from './evaluation-record.js';
import { LoggerResolver } from './logger-resolver.js';
import { Budget, type Limits, resolveLimits } from './normalize.js';
import type { LogRecordLike, LoggerProviderLike } from './otel-types.js';
import { applyMapRecord, type MapRecord, warnOption } from './options.js';
import { nextRecordId } from './record-id.js';
import { ATTR_LOG_RECORD_UID, EVENT_FEATURE_FLAG_EVALUATION, SEVERITY_INFO, SEVERITY_WARN } from './semconv.js';

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
  private readonly contextExporter: ContextExporter;
  private readonly filter: EvaluationFilter | undefined;
  private readonly mapRecord: MapRecord<EvaluationDetails<FlagValue>> | undefined;
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
    this.contextExporter = createContextExporter(options, warnOption);
    this.config = {
      includeValue,
      includeFlagMetadata: options.includeFlagMetadata === true,
      context: this.contextExporter,
      limits: resolveLimits(options.limits, warnOption),
    };
    this.filter = options.filter;
    this.mapRecord = options.mapRecord;
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
    const dedupe = this.dedupe;
    const limits = this.config.limits;
    let budget: Budget | undefined;
    let subject: string | undefined;
    let outcome: string | undefined;
    let now = 0;
    if (dedupe !== undefined) {
      // A repeated exposure is dropped before anything else, without building any string.
      budget = new Budget(limits.maxRecordBytes);
      subject = this.contextExporter.id(rawSubjectId(hookContext, details), budget) ?? '';
      outcome = dedupeOutcome(details);
      now = Date.now();
      if (dedupe.isDuplicate(subject, hookContext.flagKey, outcome, now)) return;
    }
    const logger = this.resolver.enabledLogger(details.errorCode === undefined ? ENABLED_INFO : ENABLED_WARN);
    if (logger === undefined) return;
    const metadata = details.flagMetadata;
    if (metadata !== undefined && metadata !== null && metadata['trackEvents'] === false) return;
    if (this.filter !== undefined && !this.passesFilter(hookContext, details)) return;

    budget ??= new Budget(limits.maxRecordBytes);
    const contextId = subject !== undefined ? subject || undefined : this.contextExporter.id(rawSubjectId(hookContext, details), budget);
    let record: LogRecordLike | undefined = buildEvaluationRecord(this.config, hookContext, details, contextId, budget);
    record.attributes![ATTR_LOG_RECORD_UID] = nextRecordId();
    if (budget.problem !== undefined) {
      report('warn', 'evaluation-input', `flag '${String(hookContext.flagKey).slice(0, 100)}': ${budget.problem}; the rest of the record was kept`);
    }
    if (this.mapRecord !== undefined) {
      record = applyMapRecord(this.mapRecord, record, details, hookContext.context, limits);
      if (record === undefined) return;
    }
    logger.emit(record);
    if (dedupe !== undefined) dedupe.remember(subject!, hookContext.flagKey, outcome!, now);
  }

  private passesFilter(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): boolean {
    try {
      return this.filter!(hookContext, details) !== false;
    } catch (err) {
      report('error', 'filter-threw', `filter threw, so the record was skipped: ${describeError(err)}`);
      return false;
    }
  }
}

/** What an exposure showed, for deduplication: the variant, else the value; an error code if any. */
function dedupeOutcome(details: EvaluationDetails<FlagValue>): string {
  if (details.errorCode !== undefined) return `!${details.errorCode}`;
  const variant = details.variant;
  if (typeof variant === 'string') return variant;
  const value = details.value;
  return typeof value === 'object' && value !== null ? safeStringify(value) : `=${String(value)}`;
}

function safeStringify(value: unknown): string {
  try {
    return `=${JSON.stringify(value)}`;
  } catch {
    return '=?';
  }
}
