/**
 * The summary table of `npm run bench`: every scenario module adds its own rows through `add`;
 * this module only formats.
 */
export const us = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(2)} µs`);
export const signed = (x) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(2)} µs`);
export const ci = (s) => (s?.ci95 ? ` [${s.ci95[0]}, ${s.ci95[1]}]` : '');
const pf = (ok) => (ok === undefined ? 'info' : ok ? 'PASS' : 'FAIL');

/** A row collector: `add(scenario, configuration, median, ratio, target, pass)`. */
export function rowCollector() {
  const rows = [];
  const add = (scenario, configuration, med, ratio, target, pass) => rows.push({ scenario, configuration, median: med, ratio, target, result: pf(pass) });
  return { rows, add };
}

/** The rows as a markdown table. */
export function markdown(rows) {
  const head = '| Scenario | Configuration | Median | Ratio vs reference / floor | Target | Result |\n| --- | --- | --- | --- | --- | --- |';
  const esc = (s) => String(s).replaceAll('|', '\\|');
  return [head, ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.configuration)} | ${esc(r.median)} | ${esc(r.ratio)} | ${esc(r.target)} | ${r.result} |`)].join('\n');
}
