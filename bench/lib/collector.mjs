/**
 * The real collector for the bench: the slim build (scripts/build-collector.sh) on the shipped
 * config, started by scripts/collector-process.mjs as test/fixtures/collector.ts starts it (same
 * environment variables: only ports and paths are overridden), plus record counting on its
 * output files and CPU accounting.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorBinary, collectorEnv, freePort, launchCollector, procCpuSeconds } from '../../scripts/collector-process.mjs';
import { ROOT } from './orchestrate.mjs';

export const MAIN_CONFIG = join(ROOT, 'collector-config', 'otelcol.yaml');
export const PPROF_OVERLAY = join(ROOT, 'collector-config', 'overlays', 'pprof.yaml');

export { collectorBinary, freePort };

export function procRssMB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Starts the collector and waits for health_check. Options: outDir (reused on restart, files are
 * appended), ports (reused on restart), pprof (adds overlays/pprof.yaml on a free port), config
 * (another main config, e.g. collector-config/otelcol-contrib.yaml).
 */
export async function startCollector({ bin, outDir, ports, pprof = false, config = MAIN_CONFIG } = {}) {
  bin ??= collectorBinary();
  outDir ??= mkdtempSync(join(tmpdir(), 'offt-bench-out-'));
  ports ??= { grpc: await freePort(), http: await freePort(), health: await freePort(), pprof: await freePort() };
  const configs = [config, ...(pprof ? [PPROF_OVERLAY] : [])];
  const env = collectorEnv({ ports, outDir });
  const collector = await launchCollector({ bin, configs, env, healthPort: ports.health, outputLimit: 20_000, stopGraceMs: 60_000 });
  return {
    bin,
    pid: collector.pid,
    outDir,
    ports,
    url: `http://127.0.0.1:${ports.http}/v1/logs`,
    pprofUrl: `http://127.0.0.1:${ports.pprof}`,
    output: collector.output,
    cpuSeconds: () => procCpuSeconds(collector.pid),
    rssMB: () => procRssMB(collector.pid),
    /** SIGTERM and wait: the file exporters flush everything the collector accepted. */
    stop: collector.stop,
  };
}

/** Occurrences of `needle` in a file, streamed (files reach gigabytes at high rates). */
export function countInFile(path, needle) {
  if (!existsSync(path)) return 0;
  const pattern = Buffer.from(needle);
  const fd = openSync(path, 'r');
  const size = 8 * 1024 * 1024;
  const buffer = Buffer.alloc(size + pattern.length);
  let carry = 0;
  let count = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, carry, size, null);
      if (read === 0) break;
      const end = carry + read;
      let at = 0;
      for (;;) {
        const i = buffer.indexOf(pattern, at);
        if (i < 0 || i + pattern.length > end) break;
        count++;
        at = i + pattern.length;
      }
      // Keep the tail that could start a match split across reads.
      const keep = Math.min(pattern.length - 1, end - at);
      buffer.copy(buffer, 0, end - keep, end);
      carry = keep;
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

/**
 * Records the collector wrote: raw-otlp.json holds every record (OTLP/JSON, one request a line; each
 * log record has exactly one "observedTimeUnixNano"); feature-events.ndjson one line per evaluation.
 */
export function countOutput(outDir) {
  const raw = countInFile(join(outDir, 'raw-otlp.json'), '"observedTimeUnixNano"');
  const feature = countInFile(join(outDir, 'feature-events.ndjson'), '\n');
  const csv = countInFile(join(outDir, 'feature-events.csv'), '\n');
  const rawBytes = existsSync(join(outDir, 'raw-otlp.json')) ? statSync(join(outDir, 'raw-otlp.json')).size : 0;
  return { raw, feature, csv, rawBytes };
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
