/**
 * Summaries of V8 .cpuprofile files (node --cpu-prof) and Go pprof profiles (the collector's pprof
 * extension): top frames by self time, plus self time grouped by where the code lives.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './orchestrate.mjs';

const CHECKOUT_PREFIX = `${ROOT}/`;

function frameName(callFrame) {
  const url = callFrame.url ?? '';
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(CHECKOUT_PREFIX, '');
  const where = file ? ` ${file}:${callFrame.lineNumber + 1}` : '';
  return `${callFrame.functionName || '(anonymous)'}${where}`;
}

function area(callFrame) {
  const url = callFrame.url ?? '';
  const name = callFrame.functionName;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name;
  if (url.includes('/dist/')) {
    if (url.includes('node_modules')) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      return m ? m[1] : 'node_modules';
    }
    return 'openfeature-otel-tracking (dist)';
  }
  if (url.includes('node_modules')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return m ? m[1] : 'node_modules';
  }
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  if (url.includes('/bench/')) return 'bench driver';
  return url;
}

/** Top `limit` frames by self time (ms and % of non-idle samples), and self time per area. */
export function summarizeCpuProfile(path, limit = 15, focus = undefined) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const frames = new Map();
  const areas = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    total += us;
    const key = frameName(node.callFrame);
    frames.set(key, (frames.get(key) ?? 0) + us);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const pct = (us) => Math.round((us / total) * 1000) / 10;
  // Focus: samples whose stack passes through a frame matching `focus` (e.g. our hook's finally),
  // i.e. the inclusive cost of that code and the frames it spends it in.
  let focusView;
  if (focus !== undefined) {
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inFocus = new Map();
    const isFocus = (id) => {
      if (inFocus.has(id)) return inFocus.get(id);
      const node = byId.get(id);
      const hit = node !== undefined && (focus(node.callFrame) || (parent.has(id) && isFocus(parent.get(id))));
      inFocus.set(id, hit);
      return hit;
    };
    const within = new Map();
    let focusTotal = 0;
    for (const [id, us] of selfUs) {
      if (!isFocus(id)) continue;
      focusTotal += us;
      const key = frameName(byId.get(id).callFrame);
      within.set(key, (within.get(key) ?? 0) + us);
    }
    focusView = {
      inclusivePct: pct(focusTotal),
      inclusiveMs: Math.round(focusTotal / 1000),
      topSelfWithin: [...within.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([frame, us]) => ({ frame, selfMs: Math.round(us / 1000), pctOfFocus: Math.round((us / focusTotal) * 1000) / 10 })),
    };
  }
  return {
    focus: focusView,
    file: path,
    totalMs: Math.round(total / 1000),
    top: [...frames.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([frame, us]) => ({ frame, selfMs: Math.round(us / 1000), selfPct: pct(us) })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([where, us]) => ({ where, selfPct: pct(us) })),
  };
}

/** `go tool pprof -top` of a Go CPU profile: rows sorted by flat and by cumulative time. */
export function summarizePprof(path, limit = 15) {
  const run = (extra, count = limit) => {
    try {
      return execFileSync('go', ['tool', 'pprof', '-top', `-nodecount=${count}`, ...extra, path], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      return `pprof failed: ${err.message}`;
    }
  };
  const parse = (text) => {
    const lines = text.split('\n');
    const header = lines.filter((l) => /^(Duration|Showing|Dropped)/.test(l.trim()));
    const rows = lines
      .filter((l) => /^\s*[\d.]+(?:ns|us|µs|ms|s|min|h)?\s+[\d.]+%\s+[\d.]+%/.test(l))
      .map((l) => {
        const p = l.trim().split(/\s+/);
        return { flat: p[0], flatPct: p[1], cum: p[3], cumPct: p[4], func: p.slice(5).join(' ') };
      });
    return { header, rows };
  };
  // By cumulative time, without the HTTP/receiver wrappers every request passes through, so the
  // components (OTTL statements, encoders, exporters, GC) show.
  const byCum = parse(run(['-cum'], 80));
  byCum.rows = byCum.rows.filter((r) => !/^(net\/http|go\.opentelemetry\.io\/(collector\/(config|internal|receiver|service|consumer|processor\/processorhelper)|contrib\/instrumentation)|runtime\.(goexit|systemstack|mcall))/.test(r.func)).slice(0, limit + 10);
  return { file: path, byFlat: parse(run([])), byCum };
}
