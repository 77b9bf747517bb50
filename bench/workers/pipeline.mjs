/**
 * Export-pipeline worker for scenarios 3 to 5: records go through our hook, the OTel Logs SDK
 * (sdk-logs 3.x) and a real OTLP/HTTP exporter into the real collector started by bench/run.mjs.
 *
 * Argument (JSON):
 *   mode: 'sustained' | 'burst' | 'memory' | 'outage'
 *   pipeline: 'setup' (setupFlagTelemetry defaults) | 'raw' (LoggerProvider + BatchLogRecordProcessor
 *             + OTLPLogExporter, all SDK defaults)
 *   protocol: 'proto' | 'json'; url: OTLP logs URL
 *   driver: 'hook' (call hook.finally() the way the SDK does, with prebuilt hook contexts; isolates the
 *           telemetry path) | 'sdk' (real OpenFeature server-sdk evaluations, InMemoryProvider)
 *   rate, durationS (sustained, outage), total (burst, memory), dedupe (memory), phases (outage)
 * Prints one @@BENCH_RESULT line; outage also prints @@BENCH_EVENT lines when the collector must go down/up.
 */
import { createNoopMeter } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { EvaluationEventHook } from 'openfeature-otel-tracking';
import * as setupModule from 'openfeature-otel-tracking/setup';
import { emitResult, workerArgs } from '../lib/measure.mjs';

const args = workerArgs();
const event = (e) => process.stdout.write(`@@BENCH_EVENT ${JSON.stringify(e)}\n`);

/** Counts what the batch processor reports through its self-observability counter (as setup does). */
function countingMeterProvider(counters) {
  const noop = createNoopMeter();
  const meter = Object.create(noop);
  meter.createCounter = (name, options) =>
    name === 'otel.sdk.processor.log.processed'
      ? {
          add(value, attributes) {
            const errorType = attributes?.['error.type'];
            if (errorType === undefined) counters.exported += value;
            else if (errorType === 'queue_full') counters.droppedQueueFull += value;
            else counters.droppedExportFailed += value;
          },
        }
      : noop.createCounter(name, options);
  return { getMeter: () => meter };
}

function buildPipeline({ pipeline, protocol, url, hookOptions = {} }) {
  if (pipeline === 'setup') {
    const telemetry = setupModule.setupFlagTelemetry({
      serviceName: 'offt-bench',
      protocol: protocol === 'json' ? 'http/json' : 'http/protobuf',
      url,
      hook: hookOptions,
    });
    return { hook: telemetry.hook, flush: () => telemetry.forceFlush(), shutdown: () => telemetry.shutdown(), stats: () => telemetry.stats() };
  }
  // Raw SDK defaults: queue 2048, batch 512, delay 1000 ms, exporter defaults. The counters are the
  // bench's own (the raw SDK drops silently); they do not change what the processor does.
  // 'parallel' (an experiment, not a shipped configuration): setup's batch settings split over N
  // batch processors fed round-robin, so N exports are in flight instead of one.
  const counters = { emitted: 0, exported: 0, droppedQueueFull: 0, droppedExportFailed: 0 };
  const exporter = protocol === 'json' ? new OTLPJsonLogExporter({ url }) : new OTLPProtoLogExporter({ url });
  const meter = countingMeterProvider(counters);
  const n = pipeline === 'parallel' ? (args.parallel ?? 2) : 1;
  const d = setupModule.SETUP_BATCH_DEFAULTS;
  const batches = Array.from({ length: n }, () =>
    pipeline === 'parallel'
      ? new BatchLogRecordProcessor({ exporter, ...d, maxQueueSize: Math.ceil(d.maxQueueSize / n), selfObsMeterProvider: meter })
      : new BatchLogRecordProcessor({ exporter, selfObsMeterProvider: meter }),
  );
  let next = 0;
  const counting = {
    onEmit(record, context) {
      counters.emitted++;
      batches[next].onEmit(record, context);
      next = next + 1 === n ? 0 : next + 1;
    },
    forceFlush: () => Promise.all(batches.map((b) => b.forceFlush())).then(() => {}),
    shutdown: () => Promise.all(batches.map((b) => b.shutdown())).then(() => {}),
  };
  const loggerProvider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'offt-bench' }), processors: [counting] });
  const hook = new EvaluationEventHook({ ...hookOptions, loggerProvider });
  return {
    hook,
    flush: () => loggerProvider.forceFlush(),
    shutdown: () => loggerProvider.shutdown(),
    stats: () => {
      const dropped = counters.droppedQueueFull + counters.droppedExportFailed;
      return { ...counters, dropped, pending: counters.emitted - counters.exported - dropped };
    },
  };
}

const FLAGS = {
  'new-checkout': { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false, contextEvaluator: (ctx) => (Number(ctx.targetingKey.slice(5)) % 2 === 0 ? 'on' : 'off') },
  'button-color': { variants: { blue: 'blue', green: 'green' }, defaultVariant: 'blue', disabled: false },
  'checkout-config': { variants: { v1: { steps: 3, layout: { columns: [1, 2] } }, v2: { steps: 1 } }, defaultVariant: 'v1', disabled: false },
};
const FLAG_KEYS = Object.keys(FLAGS);
const USERS = 4096;

/** Prebuilt (hookContext, details) pairs shaped as the server SDK passes them to finally(). */
function hookCalls() {
  const calls = [];
  for (let i = 0; i < USERS; i++) {
    const flagKey = FLAG_KEYS[i % FLAG_KEYS.length];
    const spec = FLAGS[flagKey];
    const context = { targetingKey: `user-${i}`, country: i % 3 === 0 ? 'NL' : 'US', plan: 'pro' };
    const variant = spec.contextEvaluator ? spec.contextEvaluator(context) : spec.defaultVariant;
    const hookContext = Object.freeze({
      flagKey,
      defaultValue: typeof spec.variants[variant] === 'object' ? {} : spec.variants[spec.defaultVariant],
      flagValueType: typeof spec.variants[variant],
      context: Object.freeze(context),
      clientMetadata: { providerMetadata: { name: 'in-memory' } },
      providerMetadata: { name: 'in-memory' },
      logger: console,
    });
    const details = Object.freeze({
      flagKey,
      value: spec.variants[variant],
      variant,
      reason: spec.contextEvaluator ? 'TARGETING_MATCH' : 'STATIC',
      flagMetadata: Object.freeze({}),
    });
    calls.push([hookContext, details]);
  }
  return calls;
}

async function sdkClient(hook) {
  const { OpenFeature, InMemoryProvider } = await import('@openfeature/server-sdk');
  await OpenFeature.setProviderAndWait(new InMemoryProvider(FLAGS));
  OpenFeature.addHooks(hook);
  const client = OpenFeature.getClient();
  const contexts = Array.from({ length: USERS }, (_, i) => ({ targetingKey: `user-${i}`, plan: 'pro' }));
  return { client, contexts };
}

/** One emission function for both drivers: emit(i) evaluates once (sync for 'hook', async for 'sdk'). */
async function makeEmitter(driver, hook) {
  if (driver === 'hook') {
    const calls = hookCalls();
    return { isAsync: false, emit: (i) => hook.finally(calls[i & (USERS - 1)][0], calls[i & (USERS - 1)][1]) };
  }
  const { client, contexts } = await sdkClient(hook);
  return { isAsync: true, emit: (i) => client.getBooleanValue('new-checkout', false, contexts[i & (USERS - 1)]) };
}

/**
 * Paced emission: every 10 ms tick emits what is due (rate x elapsed), so the long-run rate is exact
 * and a process that cannot keep up falls behind (measured as lag and as a late finish).
 */
async function paced(emitter, rate, durationS, onTick) {
  const total = Math.round(rate * durationS);
  const start = performance.now();
  let emitted = 0;
  let maxLagRecords = 0;
  await new Promise((resolveRun) => {
    const tick = async () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((rate * (now - start)) / 1000));
      maxLagRecords = Math.max(maxLagRecords, due - emitted);
      if (emitter.isAsync) {
        while (emitted < due) await emitter.emit(emitted++);
      } else {
        while (emitted < due) emitter.emit(emitted++);
      }
      onTick?.(now - start, emitted);
      if (emitted >= total) {
        resolveRun();
        return;
      }
      const elapsed = performance.now() - start;
      setTimeout(tick, Math.max(0, (Math.floor(elapsed / 10) + 1) * 10 - elapsed));
    };
    tick();
  });
  const elapsedMs = performance.now() - start;
  return { emitted, elapsedMs, achievedRate: emitted / (elapsedMs / 1000), maxLagMs: (maxLagRecords / rate) * 1000 };
}

const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

async function sustained() {
  const p = buildPipeline(args);
  const emitter = await makeEmitter(args.driver ?? 'hook', p.hook);
  // Warm-up 1 s at the target rate would skew the count; warm the code paths with a few records instead.
  let rssMax = 0;
  let pendingMax = 0;
  const timeline = [];
  const t0 = performance.now();
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    const st = p.stats();
    pendingMax = Math.max(pendingMax, st.pending);
    timeline.push([Math.round(performance.now() - t0), st.emitted, st.exported, st.dropped]);
  }, 250);
  const cpu0 = process.cpuUsage();
  const run = await paced(emitter, args.rate, args.durationS);
  const flushStart = performance.now();
  await p.flush();
  const flushMs = performance.now() - flushStart;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const stats = p.stats();
  await p.shutdown();
  emitResult({
    mode: 'sustained',
    setupDefaults: args.pipeline === 'setup' ? SETUP_DEFAULTS : undefined,
    ...pick(args, ['pipeline', 'protocol', 'driver', 'rate', 'durationS']),
    ...run,
    flushMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpuPctOfOneCore: ((cpu.user + cpu.system) / 1e3 / (run.elapsedMs + flushMs)) * 100,
    cpuUsPerRecord: (cpu.user + cpu.system) / run.emitted,
    rssMaxMB: mb(rssMax),
    pendingMax,
    stats,
    timeline: args.timeline ? timeline : undefined,
  });
}

async function burst() {
  const p = buildPipeline(args);
  const emitter = await makeEmitter('sdk', p.hook);
  const t0 = performance.now();
  for (let i = 0; i < args.total; i++) await emitter.emit(i);
  const loopMs = performance.now() - t0;
  const afterLoop = p.stats();
  await p.flush();
  const stats = p.stats();
  await p.shutdown();
  emitResult({ mode: 'burst', setupDefaults: args.pipeline === 'setup' ? SETUP_DEFAULTS : undefined, ...pick(args, ['pipeline', 'protocol', 'total']), loopMs, afterLoop, stats });
}

async function memory() {
  const p = buildPipeline({ ...args, hookOptions: args.dedupe ? { dedupe: true } : {} });
  const { client } = await sdkClient(p.hook);
  // Subjects from a pseudo-random sequence over 20k users (twice dedupe's default maxEntries), so the
  // dedupe LRU both hits and evicts. The loop yields every 1000 evaluations so exports complete; the
  // OTLP endpoint is a fast sink, so the queue stays short and what is measured is the hook, the SDK
  // and the exporter, not a backlog (the outage scenario measures the queue bound).
  const contexts = Array.from({ length: 20000 }, (_, i) => ({ targetingKey: `user-${i}`, plan: 'pro' }));
  let x = 12345;
  const samples = [];
  const gcHeap = () => {
    globalThis.gc?.();
    return mb(process.memoryUsage().heapUsed);
  };
  const sample = (done) => {
    const m = process.memoryUsage();
    samples.push({ evaluations: done, rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), pending: p.stats().pending });
  };
  sample(0);
  let heapAfterGcAt10 = NaN;
  const t0 = performance.now();
  for (let i = 0; i < args.total; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    await client.getBooleanValue('new-checkout', false, contexts[x % 20000]);
    if ((i + 1) % 1000 === 0) await new Promise((r) => setImmediate(r));
    if ((i + 1) % 25000 === 0) sample(i + 1);
    if (i + 1 === args.total / 10) heapAfterGcAt10 = gcHeap();
  }
  const loopMs = performance.now() - t0;
  await p.flush();
  const stats = p.stats();
  const heapAfterGcEnd = gcHeap();
  sample(args.total);
  await p.shutdown();
  emitResult({ mode: 'memory', ...pick(args, ['pipeline', 'protocol', 'total', 'dedupe']), loopMs, samples, heapAfterGcAt10, heapAfterGcEnd, stats });
}

async function outage() {
  const p = buildPipeline(args);
  const emitter = await makeEmitter(args.driver ?? 'hook', p.hook);
  const { upS, downS, recoverS } = args.phases;
  const samples = [];
  let phase = 'up';
  let lastSample = -1;
  const run = await paced(emitter, args.rate, upS + downS + recoverS, (ms, emitted) => {
    const s = ms / 1000;
    if (phase === 'up' && s >= upS) {
      phase = 'down';
      event({ phase: 'down', atMs: ms, emitted });
    } else if (phase === 'down' && s >= upS + downS) {
      phase = 'recover';
      event({ phase: 'up', atMs: ms, emitted });
    }
    if (Math.floor(ms / 500) !== lastSample) {
      lastSample = Math.floor(ms / 500);
      const st = p.stats();
      // Every 5 s, the heap after a full GC: what is really retained (the queue), not garbage.
      const heapAfterGcMB = lastSample % 10 === 0 && globalThis.gc ? (globalThis.gc(), mb(process.memoryUsage().heapUsed)) : undefined;
      samples.push({ s: Math.round(s * 10) / 10, phase, rssMB: mb(process.memoryUsage.rss()), heapUsedMB: mb(process.memoryUsage().heapUsed), heapAfterGcMB, pending: st.pending, dropped: st.dropped });
    }
  });
  event({ phase: 'flushing' });
  await p.flush();
  const stats = p.stats();
  await p.shutdown();
  emitResult({ mode: 'outage', setupDefaults: SETUP_DEFAULTS, ...pick(args, ['pipeline', 'protocol', 'rate', 'phases']), ...run, samples, stats });
}

/** The setup defaults in effect (the library changes; results.json records what was measured). */
const SETUP_DEFAULTS = {
  batch: setupModule.SETUP_BATCH_DEFAULTS,
  retryMaxElapsedMillis: setupModule.SETUP_RETRY_MAX_ELAPSED_MILLIS,
  exportConcurrency: setupModule.SETUP_EXPORT_CONCURRENCY ?? 1,
};

function pick(o, keys) {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

const modes = { sustained, burst, memory, outage };
await modes[args.mode]();
process.exit(0);
