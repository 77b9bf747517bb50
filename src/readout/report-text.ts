/**
 * The terminal report: per metric and variant, units, value, lift with CI, p-value, chance to
 * win; then the health lines (sample ratio mismatch, units served several variants, skipped lines).
 *
 * @module
 */
import type { MetricResult, Readout } from './analyze.js';

const pct = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(digits)}%`;
const pValue = (p: number) => (p < 0.0001 ? '<0.0001' : p.toFixed(4));

/**
 * A metric's per-unit value as people read it.
 *
 * @example
 * ```ts
 * formatValue('conversion', 0.1534); // '15.34%'
 * ```
 */
export function formatValue(kind: MetricResult['kind'], value: number): string {
  return kind === 'conversion' ? `${(100 * value).toFixed(2)}%` : value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 4 : 2);
}

/**
 * The lift and its interval, relative (percent) or absolute.
 *
 * @example
 * ```ts
 * formatLift(readout, 'conversion', 0.5, [0.2, 0.8]); // '+50.0% [+20.0%, +80.0%]'
 * ```
 */
export function formatLift(readout: Readout, kind: MetricResult['kind'], estimate: number, ci: [number, number]): string {
  if (readout.options.difference === 'relative') return `${pct(estimate)} [${pct(ci[0])}, ${pct(ci[1])}]`;
  const f = (x: number) => `${x >= 0 ? '+' : ''}${kind === 'conversion' ? `${(100 * x).toFixed(2)}pp` : x.toFixed(4)}`;
  return `${f(estimate)} [${f(ci[0])}, ${f(ci[1])}]`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')}`.trimEnd()).join('\n');
}

/**
 * The readout as plain text for a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatText(readout, 'files in ./out (GOFF)'));
 * ```
 */
export function formatText(readout: Readout, sourceLabel: string): string {
  const o = readout.options;
  const method = o.sequential ? `sequential (N* = ${o.sequential.tuning})` : 'fixed horizon (Welch t)';
  const lines = [
    `Readout of flag '${readout.flag}' from ${sourceLabel}`,
    `control: ${readout.control} · ${(100 * (1 - o.alpha)).toFixed(0)}% intervals · ${method} · ${o.difference} lift${o.cuped ? ' · CUPED' : ''}${o.correction !== 'none' ? ` · p-values adjusted (${o.correction === 'holm' ? 'Holm-Bonferroni' : 'Benjamini-Hochberg'})` : ''}`,
    '',
  ];
  for (const metric of readout.metrics) {
    lines.push(`${metric.event}: ${metric.label}`);
    const rows = [['variant', 'units', 'value', 'lift (CI)', 'p-value', 'chance to win']];
    for (const v of metric.variants) {
      const c = v.comparison;
      if (!c) {
        rows.push([`${v.variant} (control)`, String(v.units), formatValue(metric.kind, v.mean), '', '', '']);
      } else if (!c.ok) {
        rows.push([v.variant, String(v.units), formatValue(metric.kind, v.mean), `n/a: ${c.message ?? c.warning}`, '', '']);
      } else {
        const p = c.adjustedPValue ?? c.pValue;
        const significant = p < o.alpha ? ' *' : '';
        rows.push([v.variant, String(v.units), formatValue(metric.kind, v.mean), formatLift(readout, metric.kind, c.estimate, c.ci), `${pValue(p)}${significant}`, `${(100 * c.chanceToWin).toFixed(1)}%`]);
      }
    }
    lines.push(table(rows), '');
  }
  const h = readout.health;
  const split = readout.variants.map((v) => `${v.variant} ${v.units}`).join(' / ');
  const srm = h.srm.status === 'not-enough-data' ? 'not enough data (< 8 units a variant)' : `p = ${pValue(h.srm.pValue)} ${h.srm.status === 'mismatch' ? 'MISMATCH' : 'ok'}`;
  lines.push(`health: sample ratio ${split}: ${srm}`);
  lines.push(`health: ${h.multipleExposureUnits} of ${h.units + h.multipleExposureUnits} units served more than one variant (${(100 * h.multipleExposureShare).toFixed(2)}%, excluded)${h.multipleExposureShare >= 0.01 ? ' UNHEALTHY (>= 1%)' : ''}`);
  lines.push(`health: skipped ${h.skippedExposureRecords} evaluations without unit, ${h.unreadableExposureLines} unreadable exposure lines, ${h.skippedOutcomeLines} outcome lines`);
  for (const w of h.warnings) lines.push(`warning: ${w}`);
  lines.push('* p < alpha', '');
  return lines.join('\n');
}
