/**
 * Evaluation / track() cost worker for OUR side (scenarios 1 and 2). One configuration per process.
 * Runs on the repo's node_modules: sdk-logs 3.x, @opentelemetry/api 1.10, server-sdk 1.23 / web-sdk 1.10,
 * and the built library (dist/, through the package self-reference).
 *
 * Argument (JSON): { sdk: 'server'|'web', config, n, rounds, warmup, lib? }
 * configs: none | empty | floor | ours-default | ours-full | none-meta | ours-dedupe | ours-nosdk
 *          | track-none | track-floor | track-ours
 * Pipeline when an SDK is registered: LoggerProvider -> BatchLogRecordProcessor (SDK defaults) ->
 * a no-op exporter that counts records and implements forceFlush. Registered as the api.logs global.
 */
import { logs } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { createNoopExporter, describeRecord, serve, workerArgs } from '../lib/measure.mjs';
import {
  CONTEXT,
  EmptyHook,
  FLAG_KEY,
  FLAGS,
  FloorHook,
  TRACK_DETAILS,
  TRACK_EVENT,
  withFlagMetadata,
  withFloorTrack,
  withNoopTrack,
} from './shared-fixtures.mjs';

const args = workerArgs();
const { sdk, config, n, rounds, warmup } = args;
// `lib`: an alternative build directory to A/B a patched library against dist/ (experiments only;
// it must live inside the repository so its @opentelemetry/* and @openfeature/* imports resolve).
// OFFT_BENCH_LIB sets it for every worker of a `node bench/run.mjs` run, which passes no `lib`.
const lib = args.lib ?? process.env.OFFT_BENCH_LIB;
const { EvaluationEventHook, withTracking } =
  lib !== undefined ? await import(new URL(`file://${lib}/index.js`).href) : await import('openfeature-otel-tracking');
const OF = sdk === 'web' ? await import('@openfeature/web-sdk') : await import('@openfeature/server-sdk');
const { OpenFeature, InMemoryProvider } = OF;

const exporter = createNoopExporter();
let loggerProvider;
if (config !== 'ours-nosdk') {
  loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
  logs.setGlobalLoggerProvider(loggerProvider);
}

let provider;
let hook;
let expectPerRound = 0;
switch (config) {
  case 'none':
    provider = new InMemoryProvider(FLAGS);
    break;
  case 'none-meta':
    provider = new (withFlagMetadata(InMemoryProvider))(FLAGS);
    break;
  case 'empty':
    provider = new InMemoryProvider(FLAGS);
    hook = new EmptyHook();
    break;
  case 'floor':
    provider = new InMemoryProvider(FLAGS);
    hook = new FloorHook(loggerProvider.getLogger('bench-floor'));
    expectPerRound = n;
    break;
  case 'ours-default':
    provider = new InMemoryProvider(FLAGS);
    hook = new EvaluationEventHook();
    expectPerRound = n;
    break;
  case 'ours-full':
    provider = new (withFlagMetadata(InMemoryProvider))(FLAGS);
    hook = new EvaluationEventHook({
      includeValue: 'always',
      contextAttributes: ['country', 'plan', 'anonymous'],
      includeFlagMetadata: true,
    });
    expectPerRound = n;
    break;
  case 'ours-dedupe':
    // The same (flag, variant, subject) every time: after the first record every evaluation is a hit.
    provider = new InMemoryProvider(FLAGS);
    hook = new EvaluationEventHook({ dedupe: true });
    break;
  case 'ours-nosdk':
    provider = new InMemoryProvider(FLAGS);
    hook = new EvaluationEventHook();
    break;
  case 'track-none':
    provider = new (withNoopTrack(InMemoryProvider))(FLAGS);
    break;
  case 'track-floor':
    provider = new (withFloorTrack(InMemoryProvider))(FLAGS, loggerProvider.getLogger('bench-floor'));
    expectPerRound = n;
    break;
  case 'track-ours':
    provider = withTracking(new (withNoopTrack(InMemoryProvider))(FLAGS));
    expectPerRound = n;
    break;
  default:
    throw new Error(`unknown config ${config}`);
}

if (sdk === 'web') await OpenFeature.setContext(CONTEXT);
await OpenFeature.setProviderAndWait(provider);
if (hook !== undefined) OpenFeature.addHooks(hook);
const client = OpenFeature.getClient();

const isTrack = config.startsWith('track-');
let op;
if (isTrack) {
  op = sdk === 'web' ? () => client.track(TRACK_EVENT, TRACK_DETAILS) : () => client.track(TRACK_EVENT, CONTEXT, TRACK_DETAILS);
} else {
  op = sdk === 'web' ? () => client.getBooleanValue(FLAG_KEY, false) : () => client.getBooleanValue(FLAG_KEY, false, CONTEXT);
}
const flush = loggerProvider !== undefined ? () => loggerProvider.forceFlush() : () => Promise.resolve();

await serve({
  op,
  flush,
  exported: () => exporter.state.records,
  n,
  rounds,
  warmup,
  isAsync: sdk === 'server' && !isTrack,
  expectPerRound,
  info: () => ({ side: 'ours', sdk, config, lib, sampleRecord: describeRecord(exporter.state.first) }),
});
