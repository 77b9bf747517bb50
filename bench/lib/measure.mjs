/**
 * The measurement loop shared by the evaluation workers (ours in bench/workers/eval.mjs, the
 * reference in bench/reference/eval-ref.mjs). No package imports, so both sides load the same code.
 *
 * "Count the whole cost": a round is the process's CPU time (process.cpuUsage: user + system, all
 * threads, so GC and JIT threads too) for `n` operations plus the flush of every record they
 * produced, divided by `n`. Work deferred to the batch processor's timer is inside the round
 * because the round ends with forceFlush().
 *
 * Interleaving: the orchestrator starts one process per configuration (ours and the reference's,
 * each on its own node_modules and OTel line), lets each warm up, then asks them for one round at a
 * time in turn over IPC, cycle after cycle. Only one process measures at any moment, and every
 * configuration sees the same machine noise within a cycle, so per-cycle differences and ratios are
 * measured side by side. Without IPC (run by hand, e.g. under --cpu-prof) a worker measures
 * `rounds` rounds on its own and prints the result.
 */

/**
 * Records are flushed every CHUNK operations (the SDK's default batch size), on both OTel lines:
 * sdk-logs 0.205's BatchLogRecordProcessor exports only on its 1 s timer, so in a loop it fills its
 * 2048-record queue and silently drops the rest, which would make it look cheaper. Flushing per chunk
 * keeps every record (checked: the exporter must receive exactly what was emitted) and lets the event
 * loop turn, as it does between requests or frames in a real app. The flush cost is in the figure.
 */
export const CHUNK = 512;

/** Runs `op(i)` n times in chunks, flushing after each; awaits op only when it returns a promise (server SDK). */
async function runOps(op, flush, n, offset, isAsync) {
  for (let done = 0; done < n; ) {
    const end = Math.min(n, done + CHUNK);
    if (isAsync) {
      for (let i = done; i < end; i++) await op(offset + i);
    } else {
      for (let i = done; i < end; i++) op(offset + i);
    }
    done = end;
    await flush();
  }
}

/**
 * @param {object} o
 * @param {(i: number) => unknown} o.op            one evaluation or track() call
 * @param {() => Promise<void>} o.flush            flushes every record produced so far
 * @param {() => number} o.exported                records the exporter received so far
 * @param {number} o.n                             operations per round
 * @param {number} o.rounds                        rounds when run standalone (no IPC)
 * @param {number} o.warmup                        operations before measuring (JIT warm-up)
 * @param {boolean} o.isAsync                      whether op returns a promise
 * @param {number|null} o.expectPerRound           records each round must export (null: not checked)
 * @param {object} o.info                          static facts to report (side, sdk, config, sampleRecord())
 */
export async function serve({ op, flush, exported, n, rounds, warmup, isAsync, expectPerRound, info }) {
  let offset = 0;
  // Each measured round is preceded by an unmeasured pre-roll, so a process that sat idle while the
  // others measured (cold caches, shrunk young generation, a descheduled CPU) starts its round warm.
  const preroll = Math.max(CHUNK, Math.floor(n / 4 / CHUNK) * CHUNK);
  const round = async () => {
    await runOps(op, flush, preroll, offset, isAsync);
    offset += preroll;
    const before = exported();
    const wall0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    await runOps(op, flush, n, offset, isAsync);
    const cpu = process.cpuUsage(cpu0);
    const wall = Number(process.hrtime.bigint() - wall0) / 1e3;
    const got = exported() - before;
    offset += n;
    return {
      cpuUsPerOp: (cpu.user + cpu.system) / n,
      wallUsPerOp: wall / n,
      exported: got,
      complete: expectPerRound === null || got === expectPerRound,
    };
  };
  // Warm-up in slices so the flush path and the timers warm up too.
  for (let s = 0; s < 4; s++) {
    await runOps(op, flush, Math.ceil(warmup / 4), offset, isAsync);
    offset += Math.ceil(warmup / 4);
  }
  const facts = { node: process.version, n, ...info(), pid: process.pid };

  if (typeof process.send !== 'function') {
    const results = [];
    for (let r = 0; r < rounds; r++) results.push(await round());
    emitResult({ ...facts, rounds: results, medianCpuUsPerOp: median(results.map((x) => x.cpuUsPerOp)) });
    return;
  }
  process.on('message', async (message) => {
    if (message?.type === 'round') {
      const result = await round();
      process.send({ type: 'round', ...result });
    } else if (message?.type === 'done') {
      process.disconnect();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', ...facts });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A LogRecordExporter that drops records after counting them; implements forceFlush (sdk-logs >= 0.215 needs it). */
export function createNoopExporter() {
  const state = { records: 0, first: undefined };
  return {
    state,
    export(records, resultCallback) {
      if (state.first === undefined && records.length > 0) state.first = records[0];
      state.records += records.length;
      resultCallback({ code: 0 });
    },
    forceFlush() {
      return Promise.resolve();
    },
    shutdown() {
      return Promise.resolve();
    },
  };
}

/** Parses the single JSON argument every worker takes. */
export function workerArgs() {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('worker needs one JSON argument');
  return JSON.parse(raw);
}

/** Standalone workers print exactly one line starting with this marker; the orchestrator parses it. */
export function emitResult(result) {
  process.stdout.write(`@@BENCH_RESULT ${JSON.stringify({ node: process.version, ...result })}\n`);
}

/** Plain attribute snapshot of an exported record (for showing what each configuration emits). */
export function describeRecord(record) {
  if (record === undefined) return null;
  return { eventName: record.eventName, attributes: Object.keys(record.attributes ?? {}).sort() };
}
