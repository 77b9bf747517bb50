/**
 * The pure evaluation-record builder, called with plain objects: no OpenFeature SDK, no OTel SDK.
 */
import { describe, expect, it } from 'vitest';
import { type ContextPolicy, createContextPolicy } from '../../src/context-policy.js';
import { type EvaluationRecordConfig, buildEvaluationRecord, lowerCode, rawSubjectId } from '../../src/evaluation-record.js';
import { Budget, DEFAULT_LIMITS, type Limits } from '../../src/normalize.js';

/** A hand-written policy: the subject id as is, the `plan` attribute only. */
const POLICY: ContextPolicy = {
  id: (raw) => (typeof raw === 'string' && raw !== '' ? raw : undefined),
  attributes: (context) => (context['plan'] === undefined ? undefined : { plan: context['plan'] as string }),
};

const config = (overrides: Partial<EvaluationRecordConfig> = {}): EvaluationRecordConfig => ({
  includeValue: 'semconv',
  includeFlagMetadata: false,
  context: POLICY,
  limits: DEFAULT_LIMITS,
  ...overrides,
});

const build = (
  input: Parameters<typeof buildEvaluationRecord>[1],
  result: Parameters<typeof buildEvaluationRecord>[2],
  c: EvaluationRecordConfig = config(),
  contextId?: string,
) => {
  const budget = new Budget(c.limits.maxRecordBytes);
  return { record: buildEvaluationRecord(c, input, result, contextId, budget), budget };
};

describe('buildEvaluationRecord (pure, plain objects)', () => {
  it('writes the semconv attributes of a successful evaluation, and no log.record.uid (the emit tail stamps it)', () => {
    const { record, budget } = build(
      { flagKey: 'new-checkout', context: { targetingKey: 'user-1', plan: 'pro' }, providerMetadata: { name: 'in-memory' } },
      { value: true, variant: 'on', reason: 'TARGETING_MATCH' },
      config(),
      'user-1',
    );
    expect(record).toEqual({
      eventName: 'feature_flag.evaluation',
      severityNumber: 9,
      severityText: 'INFO',
      attributes: {
        'feature_flag.key': 'new-checkout',
        'feature_flag.result.variant': 'on',
        'feature_flag.result.reason': 'targeting_match',
        'feature_flag.provider.name': 'in-memory',
        'feature_flag.context.id': 'user-1',
        'openfeature.context': { plan: 'pro' },
      },
    });
    expect(budget.problem).toBeUndefined();
  });

  it('is deterministic: the same input gives an equal record', () => {
    const input = { flagKey: 'f', context: { targetingKey: 'u' } };
    const result = { value: { a: [1, 2] }, reason: 'STATIC' };
    expect(build(input, result).record).toEqual(build(input, result).record);
  });

  it.each([
    ['semconv', true, false],
    ['semconv', false, true],
    ['always', true, true],
    ['always', false, true],
    ['never', true, false],
    ['never', false, false],
  ] as const)('includeValue %s with variant=%s writes the value: %s', (includeValue, withVariant, expected) => {
    const { record } = build({ flagKey: 'f' }, { value: 'blue', ...(withVariant ? { variant: 'b' } : {}) }, config({ includeValue }));
    expect('feature_flag.result.value' in record.attributes!).toBe(expected);
  });

  it('an error is a WARN record with the lower-case error.type and the message', () => {
    const { record } = build({ flagKey: 'f' }, { value: false, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: "flag 'f' not found" }, config(), undefined);
    expect(record).toMatchObject({ severityNumber: 13, severityText: 'WARN' });
    expect(record.attributes).toEqual({
      'feature_flag.key': 'f',
      'feature_flag.result.value': false,
      'feature_flag.result.reason': 'error',
      'error.type': 'flag_not_found',
      'feature_flag.error.message': "flag 'f' not found",
    });
  });

  it('maps flag metadata version and flagSetId, and the whole metadata only with includeFlagMetadata', () => {
    const result = { value: 1, variant: 'v', flagMetadata: { version: 7, flagSetId: 'checkout', owner: 'growth' } };
    expect(build({ flagKey: 'f' }, result).record.attributes).toMatchObject({ 'feature_flag.version': '7', 'feature_flag.set.id': 'checkout' });
    expect(build({ flagKey: 'f' }, result).record.attributes).not.toHaveProperty('openfeature.flag.metadata');
    expect(build({ flagKey: 'f' }, result, config({ includeFlagMetadata: true })).record.attributes!['openfeature.flag.metadata']).toEqual({
      version: 7,
      flagSetId: 'checkout',
      owner: 'growth',
    });
  });

  it('uses the context policy it is given (createContextPolicy with contextAttributes: "*")', () => {
    const policy = createContextPolicy({ contextAttributes: '*' }, () => {});
    const { record } = build({ flagKey: 'f', context: { targetingKey: 'u', country: 'NL', big: 1e21 } }, { value: 1 }, config({ context: policy }));
    expect(record.attributes!['openfeature.context']).toEqual({ country: 'NL', big: '1e+21' });
  });

  it('bounds every string and notes the first problem, keeping the rest', () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxStringLength: 16 };
    const { record, budget } = build({ flagKey: 'k'.repeat(40) }, { value: 'v'.repeat(40), reason: 'STATIC' }, config({ limits }));
    expect(record.attributes!['feature_flag.key']).toBe(`${'k'.repeat(16)}…`);
    expect(record.attributes!['feature_flag.result.value']).toBe(`${'v'.repeat(16)}…`);
    expect(record.attributes!['feature_flag.result.reason']).toBe('static');
    expect(budget.problem).toMatch(/maxStringLength/);
  });

  it('rawSubjectId prefers flag metadata contextId over the targeting key; lowerCode lower-cases', () => {
    expect(rawSubjectId({ flagKey: 'f', context: { targetingKey: 't' } }, { flagMetadata: { contextId: 'm' } })).toBe('m');
    expect(rawSubjectId({ flagKey: 'f', context: { targetingKey: 't' } }, { flagMetadata: { contextId: '' } })).toBe('t');
    expect(rawSubjectId({ flagKey: 'f', context: null }, {})).toBeUndefined();
    expect(lowerCode('TARGETING_MATCH')).toBe('targeting_match');
    expect(lowerCode('Provider_Specific')).toBe('provider_specific');
  });

  it('a reason or error code named like an Object.prototype member is written as its lower-cased text, not a function', () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(lowerCode(code)).toBe(code.toLowerCase());
      const { record } = build({ flagKey: 'f' }, { value: 1, reason: code, errorCode: code });
      expect(record.attributes!['feature_flag.result.reason']).toBe(code.toLowerCase());
      expect(record.attributes!['error.type']).toBe(code.toLowerCase());
    }
    // Every standard code still comes from the table.
    for (const code of ['STATIC', 'DEFAULT', 'TARGETING_MATCH', 'SPLIT', 'CACHED', 'DISABLED', 'UNKNOWN', 'STALE', 'ERROR']) {
      expect(lowerCode(code)).toBe(code.toLowerCase());
    }
    for (const code of ['PROVIDER_NOT_READY', 'PROVIDER_FATAL', 'FLAG_NOT_FOUND', 'PARSE_ERROR', 'TYPE_MISMATCH', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL']) {
      expect(lowerCode(code)).toBe(code.toLowerCase());
    }
  });
});
