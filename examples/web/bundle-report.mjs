#!/usr/bin/env node
// What the browser integration costs, in bytes shipped (minified, then gzip):
//   1. the library's browser entry (EvaluationEventHook + withTracking) from the built dist/,
//      with OpenFeature and @opentelemetry/api left out (the app has them anyway);
//   2. the same plus the example's PageHideBatchProcessor;
//   3. the example web shop's production bundle (Vite), broken down by package, attributed byte by
//      byte through its source map;
//   4. for comparison, `openfeature-otel-tracking/setup` bundled for the browser with its OTel SDK.
// Prints a table and writes examples/web/bundle-report.json.
//
//   npm run build && node examples/web/bundle-report.mjs
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BROWSER_ENTRY_EXPORTS, BROWSER_EXTERNALS, bundleForBrowser } from '../../scripts/browser-bundle.mjs';
import { build as viteBuild } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const dist = join(root, 'dist');
const gz = (bytes) => gzipSync(bytes).length; // zlib's default level, as scripts/browser-bundle.mjs
const kb = (n) => `${(n / 1024).toFixed(2)} KiB`;

if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'setup.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

async function bundle(contents, external) {
  const size = await bundleForBrowser(contents, here, external);
  return { min: size.minBytes, gzip: size.gzipBytes };
}

const entry = await bundle(`export { ${BROWSER_ENTRY_EXPORTS} } from ${JSON.stringify(join(dist, 'index.js'))};`, BROWSER_EXTERNALS);
const entryWithProcessor = await bundle(
  `export { ${BROWSER_ENTRY_EXPORTS}, PageHideBatchProcessor } from ${JSON.stringify(join(dist, 'index.js'))};`,
  BROWSER_EXTERNALS,
);
const setup = await bundle(`export { setupFlagTelemetry } from ${JSON.stringify(join(dist, 'setup.js'))};`, ['@openfeature/*']);

// --- the example's production bundle, by package ---------------------------------------------
const outDir = mkdtempSync(join(tmpdir(), 'offt-web-report-'));
let example;
try {
  await viteBuild({
    configFile: join(here, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: true },
  });
  const assets = join(outDir, 'assets');
  const jsFiles = readdirSync(assets).filter((name) => name.endsWith('.js'));
  const byPackage = new Map();
  let totalMin = 0;
  let totalGzip = 0;
  for (const name of jsFiles) {
    const code = readFileSync(join(assets, name));
    totalMin += code.length;
    totalGzip += gz(code);
    const map = JSON.parse(readFileSync(join(assets, `${name}.map`), 'utf8'));
    for (const [source, bytes] of attribute(code.toString('utf8'), map)) {
      const pkg = packageOf(source === null ? null : resolve(assets, map.sourceRoot ?? '', source));
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytes);
    }
  }
  const rows = [...byPackage.entries()]
    .map(([pkg, min]) => ({ package: pkg, min, gzipShare: Math.round((min / totalMin) * totalGzip) }))
    .sort((a, b) => b.min - a.min);
  example = { files: jsFiles, min: totalMin, gzip: totalGzip, byPackage: rows };
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

const report = {
  generatedBy: 'node examples/web/bundle-report.mjs',
  note: 'min = esbuild/Vite minified bytes; gzip = zlib default level. byPackage attributes every byte of the minified bundle to a source file through the source map; gzipShare splits the bundle\'s gzip size in proportion to min bytes (an estimate: gzip does not split exactly).',
  browserEntry: { what: 'EvaluationEventHook + withTracking from dist/index.js; @opentelemetry/api and @openfeature/* external', ...entry, budget: 8 * 1024 },
  browserEntryWithPageHideProcessor: { what: 'the same + PageHideBatchProcessor', ...entryWithProcessor },
  setupForBrowser: { what: 'setupFlagTelemetry from dist/setup.js with its OTel SDK, api and both OTLP exporters bundled; @openfeature/* external', ...setup },
  exampleBundle: example,
};
writeFileSync(join(here, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);

const line = (label, value) => console.log(`${label.padEnd(62)} ${value}`);
console.log('\nopenfeature-otel-tracking in the browser: bytes shipped (min / min+gzip)\n');
line('browser entry (hook + withTracking), OTel SDK excluded', `${kb(entry.min)} / ${kb(entry.gzip)}  (budget 8 KiB gzip: ${entry.gzip <= 8192 ? 'ok' : 'OVER'})`);
line('  + PageHideBatchProcessor', `${kb(entryWithProcessor.min)} / ${kb(entryWithProcessor.gzip)}`);
line('setupFlagTelemetry for the browser, OTel SDK included', `${kb(setup.min)} / ${kb(setup.gzip)}`);
console.log(`\nexample web shop production bundle (${example.files.join(', ')}): ${kb(example.min)} / ${kb(example.gzip)}\n`);
console.log(`${'package'.padEnd(44)} ${'min'.padStart(10)} ${'share'.padStart(7)} ${'≈ gzip'.padStart(10)}`);
for (const row of example.byPackage) {
  console.log(
    `${row.package.padEnd(44)} ${kb(row.min).padStart(10)} ${`${((row.min / example.min) * 100).toFixed(1)}%`.padStart(7)} ${kb(row.gzipShare).padStart(10)}`,
  );
}
console.log(`\nwrote ${relative(root, join(here, 'bundle-report.json'))}`);

/** The npm package a source file belongs to; the repository's own files by folder. */
function packageOf(file) {
  if (file === null) return '(unmapped: bundler runtime, glue)';
  const parts = file.split(/[\\/]/);
  const nm = parts.lastIndexOf('node_modules');
  if (nm >= 0) return parts[nm + 1]?.startsWith('@') ? `${parts[nm + 1]}/${parts[nm + 2]}` : parts[nm + 1];
  const rel = relative(root, file);
  if (rel.startsWith('src')) return 'openfeature-otel-tracking (src)';
  if (rel.startsWith(join('examples', 'web'))) return 'the example app (examples/web)';
  return rel;
}

/**
 * Bytes of generated code per source, from a v3 source map: each mapping segment covers the
 * generated text up to the next segment on its line (or the line's end).
 */
function attribute(code, map) {
  const lines = code.split('\n');
  const totals = new Map();
  const add = (source, bytes) => totals.set(source, (totals.get(source) ?? 0) + bytes);
  const mappingLines = map.mappings.split(';');
  let sourceIndex = 0;
  for (let l = 0; l < lines.length; l++) {
    const text = lines[l];
    const segments = (mappingLines[l] ?? '').split(',').filter(Boolean).map(decodeVlq);
    let column = 0;
    const starts = [];
    for (const segment of segments) {
      column += segment[0];
      if (segment.length >= 4) sourceIndex += segment[1];
      starts.push({ column, source: segment.length >= 4 ? map.sources[sourceIndex] : null });
    }
    if (starts.length > 0 && starts[0].column > 0) add(null, Buffer.byteLength(text.slice(0, starts[0].column)));
    for (let i = 0; i < starts.length; i++) {
      const end = i + 1 < starts.length ? starts[i + 1].column : text.length;
      add(starts[i].source, Buffer.byteLength(text.slice(starts[i].column, end)));
    }
    if (starts.length === 0) add(null, Buffer.byteLength(text));
    add(null, l < lines.length - 1 ? 1 : 0); // the newline
  }
  return totals;
}

function decodeVlq(segment) {
  const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = CHARS.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
