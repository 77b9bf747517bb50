/**
 * Orchestration helpers for bench/run.mjs: the Node used for workers, interleaved IPC rounds across
 * worker processes, standalone workers, statistics. Node built-ins only (runs on the machine's Node).
 */
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(BENCH_DIR, '..');

const children = new Set();
function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * The Node binary for workers. sdk-logs 3.x declares Node >= 22.15, so workers run on Node 22:
 * BENCH_NODE if set, this Node if it is >= 22.15, else `npx -y node@22` from the npm registry
 * (resolved once to its binary, so starting a worker costs no npx round trip).
 */
export function workerNode() {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 15)) return process.execPath;
  const out = execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split('\n').at(-1);
}

export function nodeVersion(bin) {
  return execFileSync(bin, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
}

/** Spawns a worker with an IPC channel. */
function spawnIpc(node, script, arg, { cwd = ROOT, nodeArgs = [] } = {}) {
  const child = spawn(node, [...nodeArgs, script, JSON.stringify(arg)], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.once('exit', () => children.delete(child));
  const inbox = [];
  const waiters = [];
  child.on('message', (m) => {
    const w = waiters.shift();
    if (w) w.resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  exited.then(({ code, signal }) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`worker ${script} exited (${code ?? signal}) :\n${output.slice(-4000)}`));
  });
  return {
    child,
    output: () => output,
    next() {
      if (inbox.length > 0) return Promise.resolve(inbox.shift());
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`worker ${script} exited:\n${output.slice(-4000)}`));
      }
      return new Promise((res, rej) => waiters.push({ resolve: res, reject: rej }));
    },
    send: (m) => child.send(m),
    exited,
  };
}

/**
 * Starts one process per configuration, waits until all have warmed up, then runs `cycles` cycles;
 * in each cycle every process measures one round, one process at a time, in a rotating order.
 * Returns { facts: {id: readyMessage}, rounds: {id: [round per cycle]} }.
 */
export async function runInterleaved(node, configs, cycles, log = () => {}) {
  const workers = configs.map((c) => ({ ...c, proc: spawnIpc(node, c.script, c.arg, { cwd: c.cwd }) }));
  const facts = {};
  // Warm up concurrently (unmeasured), then measure strictly one at a time.
  for (const w of workers) {
    const ready = await w.proc.next();
    if (ready.type !== 'ready') throw new Error(`unexpected ${JSON.stringify(ready)} from ${w.id}`);
    facts[w.id] = ready;
  }
  const rounds = Object.fromEntries(workers.map((w) => [w.id, []]));
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let k = 0; k < workers.length; k++) {
      // Rotate the start and alternate direction, so no configuration always follows the same one.
      const idx = cycle % 2 === 0 ? (k + cycle) % workers.length : (workers.length - 1 - k + cycle) % workers.length;
      const w = workers[idx];
      w.proc.send({ type: 'round' });
      const r = await w.proc.next();
      if (r.type !== 'round') throw new Error(`unexpected ${JSON.stringify(r)} from ${w.id}`);
      rounds[w.id].push(r);
    }
    log(cycle + 1);
  }
  for (const w of workers) w.proc.send({ type: 'done' });
  await Promise.all(workers.map((w) => w.proc.exited));
  return { facts, rounds };
}

/** Runs a standalone worker (no IPC) and returns the JSON it printed after @@BENCH_RESULT. */
export function runWorker(node, script, arg, { cwd = ROOT, nodeArgs = [], onLine, env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, [...nodeArgs, script, JSON.stringify(arg)], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    children.add(child);
    let out = '';
    let err = '';
    let buffered = '';
    child.stdout.on('data', (d) => {
      out += d;
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (onLine && line.startsWith('@@BENCH_EVENT ')) onLine(JSON.parse(line.slice(14)), child);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      children.delete(child);
      const line = out.split('\n').find((l) => l.startsWith('@@BENCH_RESULT '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`worker ${script} ${JSON.stringify(arg)} failed (exit ${code}):\n${(err + out).slice(-4000)}`));
        return;
      }
      resolvePromise({ ...JSON.parse(line.slice('@@BENCH_RESULT '.length)), stderr: err.slice(-2000) });
    });
    runWorker.last = child;
  });
}

export { median, quantile } from './stats.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { join };
