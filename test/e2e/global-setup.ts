/**
 * Builds (or reuses from the cache) the slim collector once, before any e2e test file runs, so a
 * cold build (minutes) is not charged to one test's timeout. A failed build fails the run: in CI
 * a missing collector is a failure, never a skip.
 */
import { collectorBinary } from '../fixtures/collector.js';

export default function setup(): void {
  const started = Date.now();
  process.env['OFFT_COLLECTOR_BIN'] = collectorBinary();
  process.stderr.write(`e2e: collector ${process.env['OFFT_COLLECTOR_BIN']} ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
