/** Scenario "size": the browser entry (hook + provider, no OTel SDK), esbuild min + gzip. */
import { join } from 'node:path';
import { BROWSER_ENTRY_EXPORTS, ESBUILD_VERSION, bundleForBrowser } from '../../scripts/browser-bundle.mjs';
import { ROOT } from '../lib/orchestrate.mjs';

export async function run() {
  const size = await bundleForBrowser(`export { ${BROWSER_ENTRY_EXPORTS} } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};`, ROOT);
  return { minBytes: size.minBytes, gzipBytes: size.gzipBytes, nodeBuiltins: size.inputs.filter((p) => p.startsWith('node:')), esbuild: ESBUILD_VERSION };
}

export function rows(size, add) {
  add(
    `browser entry (esbuild ${size.esbuild}, Node ${process.version})`,
    'EvaluationEventHook + withTracking, min + gzip, OTel/OpenFeature external',
    `${(size.gzipBytes / 1024).toFixed(2)} KB gz (${(size.minBytes / 1024).toFixed(1)} KB min)`,
    '',
    '≤ 8 KB',
    size.gzipBytes <= 8 * 1024 && size.nodeBuiltins.length === 0,
  );
}
