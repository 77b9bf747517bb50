// The browser entry's definition and the one way it is measured, shared by the package test
// (test/unit/package.test.ts, the 8 KB budget), the bench (bench/run.mjs) and the example's bundle
// report (examples/web/bundle-report.mjs), so the three always report the same figure.
import { gzipSync } from 'node:zlib';
import { build, version } from 'esbuild';

/** What the browser entry is: the hook and the provider wrapper, nothing else. */
export const BROWSER_ENTRY_EXPORTS = 'EvaluationEventHook, withTracking';

/** Left out of the measurement: the app's own copies of the OTel API and OpenFeature. */
export const BROWSER_EXTERNALS = ['@opentelemetry/api', '@openfeature/*'];

/** esbuild's version, reported with the figures. */
export const ESBUILD_VERSION = version;

/**
 * Bundles `contents` (an ES module, resolved from `resolveDir`) for the browser, minified, and
 * returns its size in bytes, minified and gzipped (zlib's default level), and the modules it pulled in.
 */
export async function bundleForBrowser(contents, resolveDir, external = BROWSER_EXTERNALS) {
  const result = await build({
    stdin: { contents, resolveDir },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external,
  });
  const code = result.outputFiles[0].contents;
  return { minBytes: code.length, gzipBytes: gzipSync(code).length, inputs: Object.keys(result.metafile.inputs) };
}
