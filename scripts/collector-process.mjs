/**
 * Starting and stopping the real collector binary, shared by the e2e test fixture
 * (test/fixtures/collector.ts) and the bench (bench/lib/collector.mjs). Plain JavaScript so that the
 * bench orchestrator, which runs on the machine's Node without a TypeScript loader, can import it;
 * the types are in collector-process.d.mts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SLIM_MANIFEST = 'collector-config/manifest.yaml';

/** Every collector started here and not yet exited; killed if this process exits first. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The collector binary for `manifest`: for the slim manifest `OFFT_COLLECTOR_BIN` when set, else
 * built (or reused from the cache) by scripts/build-collector.sh. A failed build throws.
 */
export function collectorBinary(manifest = SLIM_MANIFEST) {
  const fromEnv = process.env.OFFT_COLLECTOR_BIN;
  if (manifest === SLIM_MANIFEST && fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`OFFT_COLLECTOR_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const out = execFileSync('bash', [join(ROOT, 'scripts', 'build-collector.sh'), manifest], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const bin = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(bin)) throw new Error(`scripts/build-collector.sh printed '${bin}', which does not exist`);
  return bin;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN when it cannot be read. */
export function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * The environment the shipped configs read (collector-config/otelcol.yaml): listen addresses on
 * loopback, the output and queue directories. One definition for the test fixture, the bench and
 * the demo; `extra` wins.
 */
export function collectorEnv({ ports, outDir, storageDir = join(outDir, 'queue'), extra = {} }) {
  return {
    ...process.env,
    OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
    OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
    HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
    OFFT_OUT_DIR: outDir,
    OFFT_STORAGE_DIR: storageDir,
    ...(ports.pprof !== undefined ? { OFFT_PPROF_ENDPOINT: `127.0.0.1:${ports.pprof}` } : {}),
    ...extra,
  };
}

/**
 * Spawns `bin` with the given configs and environment, and resolves once its health_check on
 * `healthPort` answers 200 (throws with the collector's output if it exits first or is not healthy
 * within 60 s). `outputLimit` keeps only the last that many characters of stdout+stderr.
 */
export async function launchCollector({ bin, configs, env, healthPort, outputLimit = Infinity, stopGraceMs = 30_000 }) {
  const child = spawn(bin, configs.map((config) => `--config=${config}`), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const append = (chunk) => {
    output += chunk.toString();
    if (output.length > outputLimit) output = output.slice(-outputLimit);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise((resolveExit) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolveExit(code);
    });
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited with ${child.exitCode} before becoming healthy:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${healthPort}/`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`collector not healthy after 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    pid: child.pid,
    output: () => output,
    /** SIGTERM and wait (the file exporters flush); SIGKILL after `stopGraceMs`. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    /** SIGKILL, no flush. */
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
