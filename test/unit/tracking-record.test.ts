/**
 * The pure tracking-record builder, called with plain objects: no OpenFeature SDK, no OTel SDK.
 */
import { describe, expect, it } from 'vitest';
import { type ContextPolicy, createContextPolicy } from '../../src/context-policy.js';
import { Budget, DEFAULT_LIMITS } from '../../src/normalize.js';
import { type TrackingRecordConfig, buildTrackingRecord, trackingNameProblem } from '../../src/tracking-record.js';

const POLICY: ContextPolicy = { id: (raw) => (typeof raw === 'string' ? raw : undefined), attributes: undefined };
const CONFIG: TrackingRecordConfig = { context: POLICY, limits: DEFAULT_LIMITS };

const build = (details: unknown, context: Record<string, unknown> | undefined = { targetingKey: 'user-1' }, config = CONFIG) => {
  const budget = new Budget(config.limits.maxRecordBytes);
  return { record: buildTrackingRecord(config, 'purchase', context, details, 'in-memory', budget), budget };
};

describe('buildTrackingRecord (pure, plain objects)', () => {
  it('writes name, value, the other details as a map, subject and provider, and no log.record.uid', () => {
    const { record, budget } = build({ value: 99.77, currency: 'EUR', cart: { items: 2 } });
    expect(record).toEqual({
      eventName: 'openfeature.tracking',
      severityNumber: 9,
      severityText: 'INFO',
      attributes: {
        'openfeature.tracking.name': 'purchase',
        'openfeature.tracking.value': 99.77,
        'openfeature.tracking.details': { currency: 'EUR', cart: { items: 2 } },
        'feature_flag.context.id': 'user-1',
        'feature_flag.provider.name': 'in-memory',
      },
    });
    expect(budget.problem).toBeUndefined();
  });

  it.each([
    ['an integer (int on the wire)', 100, 100],
    ['a double (double on the wire)', 0.5, 0.5],
    ['the largest safe integer', 2 ** 53 - 1, 2 ** 53 - 1],
    ['-0 (sent as 0)', -0, 0],
    ['1e21 (no int64 can hold it)', 1e21, '1e+21'],
    ['-2^63', -(2 ** 63), '-9223372036854776000'],
  ])('tracking value %s', (_name, value, expected) => {
    expect(build({ value }).record.attributes!['openfeature.tracking.value']).toBe(expected);
  });

  it('leaves out a non-finite or non-numeric value with a note, keeping the details', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '12', null]) {
      const { record, budget } = build({ value, note: 'kept' });
      expect(record.attributes).not.toHaveProperty('openfeature.tracking.value');
      expect(record.attributes!['openfeature.tracking.details']).toEqual({ note: 'kept' });
      expect(budget.problem).toMatch(/tracking value must be a finite number/);
    }
  });

  it('omits value and details when there are none; notes details that are not an object', () => {
    expect(build(undefined).record.attributes).toEqual({
      'openfeature.tracking.name': 'purchase',
      'feature_flag.context.id': 'user-1',
      'feature_flag.provider.name': 'in-memory',
    });
    const { record, budget } = build('oops', {});
    expect(record.attributes).toEqual({ 'openfeature.tracking.name': 'purchase', 'feature_flag.provider.name': 'in-memory' });
    expect(budget.problem).toMatch(/details of type string were ignored/);
  });

  it('applies the context policy: hashed subject, allow-listed attributes', () => {
    const policy = createContextPolicy({ contextId: 'hash', hashKey: 'k'.repeat(32), contextAttributes: ['plan'] }, () => {});
    const { record } = build({}, { targetingKey: 'user-1', plan: 'pro', email: 'x@y.z' }, { context: policy, limits: DEFAULT_LIMITS });
    expect(record.attributes!['feature_flag.context.id']).toMatch(/^[0-9a-f]{64}$/);
    expect(record.attributes!['openfeature.context']).toEqual({ plan: 'pro' });
  });

  it('warns when a hashKey is given without contextId hash, since raw ids are exported then', () => {
    const warnings: string[] = [];
    createContextPolicy({ hashKey: 'k'.repeat(32) }, (message) => warnings.push(message));
    expect(warnings.join('\n')).toMatch(/hashKey is set but contextId is not 'hash'/);
    warnings.length = 0;
    createContextPolicy({ contextId: 'none', hashKey: 'k'.repeat(32) }, (message) => warnings.push(message));
    createContextPolicy({ contextId: 'hash', hashKey: 'k'.repeat(32) }, (message) => warnings.push(message));
    expect(warnings).toEqual([]);
  });

  it('trackingNameProblem accepts non-empty strings only', () => {
    expect(trackingNameProblem('purchase')).toBeUndefined();
    expect(trackingNameProblem('')).toMatch(/must not be empty/);
    expect(trackingNameProblem('   ')).toMatch(/must not be empty/);
    expect(trackingNameProblem(42)).toMatch(/must be a string, got number/);
    expect(trackingNameProblem(null)).toMatch(/got null/);
  });
});
