import { describe, expect, it } from 'vitest';
import * as stats from '../../src/readout/stats/index.js';

// The names other code (engines, CLI, report) and docs/readout-statistics.md rely on.
describe('the stats core keeps its public names', () => {
  it('exports exactly the documented functions and constants', () => {
    expect(Object.keys(stats).sort()).toEqual(
      [
        'DEFAULT_ALPHA',
        'DEFAULT_SEQUENTIAL_TUNING',
        'SRM_MIN_UNITS',
        'SRM_P_THRESHOLD',
        'adjustPValues',
        'benjaminiHochberg',
        'chiSquareSurvival',
        'compareVariants',
        'holmBonferroni',
        'normalCdf',
        'normalQuantile',
        'sampleMean',
        'sampleRatioMismatch',
        'studentTCdf',
        'studentTQuantile',
      ].sort(),
    );
    expect([stats.DEFAULT_ALPHA, stats.DEFAULT_SEQUENTIAL_TUNING, stats.SRM_P_THRESHOLD, stats.SRM_MIN_UNITS]).toEqual([0.05, 5000, 0.001, 8]);
  });

  it('returns the fields the issue fixes, with the documented defaults', () => {
    const r = stats.compareVariants({ type: 'proportion', n: 1000, conversions: 100 }, { type: 'proportion', n: 1000, conversions: 130 });
    expect(r).toMatchObject({ difference: 'relative', method: 'welch-t', ok: true, controlN: 1000, treatmentN: 1000 });
    for (const key of ['estimate', 'standardError', 'pValue', 'chanceToWin'] as const) expect(typeof r[key]).toBe('number');
    expect(r.ci).toHaveLength(2);
    expect(stats.compareVariants({ type: 'mean', n: 10, sum: 5, sumSquares: 9 }, { type: 'mean', n: 10, sum: 6, sumSquares: 9 }, { sequential: { tuning: 100 } }).method).toBe('sequential');
  });
});
