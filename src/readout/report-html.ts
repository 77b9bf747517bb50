/**
 * The `--html` report: one self-contained page (inline CSS and SVG, no script, no external
 * asset), with per-variant estimates and their CI bars, and the cumulative lift over
 * first-exposure time with its interval band, per metric.
 *
 * @module
 */
import type { MetricResult, Readout } from './analyze.js';
import { formatLift, formatValue } from './report-text.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const W = 640;

/** Lift CI bars around a zero line, one row per treatment. */
function ciBars(readout: Readout, metric: MetricResult): string {
  const rows = metric.variants.filter((v) => v.comparison?.ok);
  if (rows.length === 0) return '<p>No comparison could be made.</p>';
  const lo = Math.min(0, ...rows.map((v) => v.comparison!.ci[0]));
  const hi = Math.max(0, ...rows.map((v) => v.comparison!.ci[1]));
  const pad = (hi - lo) * 0.1 || 0.1;
  const x = (value: number) => 150 + ((value - (lo - pad)) / (hi - lo + 2 * pad)) * (W - 170);
  const h = 30 + rows.length * 34;
  const bars = rows
    .map((v, i) => {
      const c = v.comparison!;
      const y = 30 + i * 34;
      const color = c.ci[0] > 0 ? '#2ca02c' : c.ci[1] < 0 ? '#d62728' : '#7f7f7f';
      return `<text x="8" y="${y + 5}">${esc(v.variant)}</text>
<line class="ci" x1="${x(c.ci[0]).toFixed(1)}" x2="${x(c.ci[1]).toFixed(1)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="8" stroke-linecap="round"/>
<circle cx="${x(c.estimate).toFixed(1)}" cy="${y}" r="6" fill="#000"/>
<text x="${(x(c.ci[1]) + 8).toFixed(1)}" y="${y + 5}" class="small">${esc(formatLift(readout, metric.kind, c.estimate, c.ci))}</text>`;
    })
    .join('\n');
  return `<svg class="ci-bars" width="${W + 140}" height="${h}" role="img" aria-label="lift with confidence interval per variant">
<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="10" y2="${h - 5}" stroke="#999" stroke-dasharray="4 3"/>
<text x="${x(0).toFixed(1)}" y="10" class="small" text-anchor="middle">0</text>
${bars}
</svg>`;
}

/** Cumulative lift by first-exposure time, with the interval as a band. */
function cumulative(metric: MetricResult): string {
  const points = metric.timeline.filter((p) => p.variants.some((v) => v.ok));
  if (points.length < 2) return '<p class="small">Cumulative view: all units were first exposed within one time bucket.</p>';
  const all = points.flatMap((p) => p.variants.filter((v) => v.ok).flatMap((v) => [v.ci[0], v.ci[1]]));
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const t0 = points[0]!.at;
  const t1 = points.at(-1)!.at;
  const H = 220;
  const x = (t: number) => 60 + ((t - t0) / Math.max(1, t1 - t0)) * (W - 80);
  const y = (v: number) => 15 + (1 - (v - lo) / Math.max(1e-12, hi - lo)) * (H - 40);
  const series = metric.variants
    .filter((v) => v.comparison)
    .map((variant, k) => {
      const pts = points.flatMap((p) => p.variants.filter((v) => v.variant === variant.variant && v.ok).map((v) => ({ at: p.at, ...v })));
      if (pts.length === 0) return '';
      const color = COLORS[k % COLORS.length]!;
      const band = [...pts.map((p) => `${x(p.at).toFixed(1)},${y(p.ci[1]).toFixed(1)}`), ...[...pts].reverse().map((p) => `${x(p.at).toFixed(1)},${y(p.ci[0]).toFixed(1)}`)].join(' ');
      const line = pts.map((p) => `${x(p.at).toFixed(1)},${y(p.estimate).toFixed(1)}`).join(' ');
      return `<polygon points="${band}" fill="${color}" fill-opacity="0.15"/><polyline points="${line}" fill="none" stroke="${color}" stroke-width="2"/><text x="${W - 10}" y="${(y(pts.at(-1)!.estimate) - 6).toFixed(1)}" class="small" fill="${color}" text-anchor="end">${esc(variant.variant)}</text>`;
    })
    .join('\n');
  const fmt = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16);
  return `<svg class="cumulative" width="${W}" height="${H}" role="img" aria-label="cumulative lift over time">
<line x1="60" x2="${W - 20}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>
<text x="55" y="${(y(hi) + 4).toFixed(1)}" class="small" text-anchor="end">${(100 * hi).toFixed(0)}%</text>
<text x="55" y="${(y(lo) + 4).toFixed(1)}" class="small" text-anchor="end">${(100 * lo).toFixed(0)}%</text>
<text x="60" y="${H - 5}" class="small">${fmt(t0)}</text><text x="${W - 20}" y="${H - 5}" class="small" text-anchor="end">${fmt(t1)} UTC</text>
${series}
</svg>`;
}

/**
 * The readout as one self-contained HTML page.
 *
 * @example
 * ```ts
 * writeFileSync('readout.html', formatHtml(readout, 'files in ./out'));
 * ```
 */
export function formatHtml(readout: Readout, sourceLabel: string): string {
  const o = readout.options;
  const sections = readout.metrics
    .map((metric) => {
      const rows = metric.variants
        .map((v) => {
          const c = v.comparison;
          const cells = c?.ok
            ? `<td>${esc(formatLift(readout, metric.kind, c.estimate, c.ci))}</td><td>${(c.adjustedPValue ?? c.pValue).toPrecision(3)}</td><td>${(100 * c.chanceToWin).toFixed(1)}%</td>`
            : `<td colspan="3">${c ? esc(c.message ?? String(c.warning)) : 'control'}</td>`;
          return `<tr><td>${esc(v.variant)}</td><td>${v.units}</td><td>${esc(formatValue(metric.kind, v.mean))}</td>${cells}</tr>`;
        })
        .join('\n');
      return `<section><h2>${esc(metric.event)}: ${esc(metric.label)}</h2>
<table><thead><tr><th>variant</th><th>units</th><th>value</th><th>lift (${(100 * (1 - o.alpha)).toFixed(0)}% CI)</th><th>p-value</th><th>chance to win</th></tr></thead><tbody>
${rows}
</tbody></table>
<h3>Lift against ${esc(readout.control)}</h3>
${ciBars(readout, metric)}
<h3>Cumulative lift by first exposure</h3>
${cumulative(metric)}
</section>`;
    })
    .join('\n');
  const h = readout.health;
  const health = [
    `Sample ratio: ${readout.variants.map((v) => `${esc(v.variant)} ${v.units}`).join(' / ')}, SRM p = ${h.srm.pValue.toPrecision(3)} (${h.srm.status})`,
    `Units served more than one variant: ${h.multipleExposureUnits} (${(100 * h.multipleExposureShare).toFixed(2)}%, excluded)`,
    `Skipped: ${h.skippedExposureRecords} evaluations without unit, ${h.unreadableExposureLines} unreadable exposure lines, ${h.skippedOutcomeLines} outcome lines`,
    ...h.warnings.map((w) => `<strong>Warning:</strong> ${esc(w)}`),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Readout: ${esc(readout.flag)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:900px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}svg text{font:12px system-ui,sans-serif}.small{font-size:11px;fill:#555}
.health li{margin:2px 0}
</style></head>
<body>
<h1>Flag <code>${esc(readout.flag)}</code></h1>
<p>${esc(sourceLabel)} · control <strong>${esc(readout.control)}</strong> · ${o.sequential ? `sequential (N* = ${o.sequential.tuning})` : 'fixed horizon'} · ${o.difference} lift${o.cuped ? ' · CUPED' : ''}</p>
${sections}
<section class="health"><h2>Health</h2><ul>${health.map((l) => `<li>${l}</li>`).join('')}</ul></section>
</body></html>
`;
}
