/**
 * Evaluation cost worker for the REFERENCE side: @openfeature/open-telemetry-hooks 1.0.0 EventHook
 * on its own OTel line (@opentelemetry/api 1.9, api-logs 0.205, sdk-logs 0.205), resolved from
 * bench/reference/node_modules. Same flags, context, loop and no-op exporter as ours.
 *
 * Argument (JSON): { sdk: 'server'|'web', config: 'ref-none'|'ref'|'ref-3x', n, rounds, warmup }
 */
import { logs } from '@opentelemetry/api-logs';
import { EventHook } from '@openfeature/open-telemetry-hooks';
import { createNoopExporter, describeRecord, serve, workerArgs } from '../lib/measure.mjs';
import { CONTEXT, FLAG_KEY, FLAGS } from '../workers/shared-fixtures.mjs';

const { sdk, config, n, rounds, warmup } = workerArgs();
const { OpenFeature, InMemoryProvider } = sdk === 'web' ? await import('@openfeature/web-sdk') : await import('@openfeature/server-sdk');

const exporter = createNoopExporter();
let loggerProvider;
if (config === 'ref-3x') {
  // Extra, informational: the same EventHook emitting into OUR SDK (sdk-logs 3.x from the repo's
  // node_modules, registered on the api-logs global it reads), to separate hook logic from SDK cost.
  const sdk3 = await import(new URL('../../node_modules/@opentelemetry/sdk-logs/dist/index.mjs', import.meta.url));
  loggerProvider = new sdk3.LoggerProvider({ processors: [new sdk3.BatchLogRecordProcessor({ exporter })] });
} else {
  // sdk-logs 0.205: positional exporter argument, SDK default batch settings (same as ours).
  const sdk0 = await import('@opentelemetry/sdk-logs');
  loggerProvider = new sdk0.LoggerProvider({ processors: [new sdk0.BatchLogRecordProcessor(exporter)] });
}
logs.setGlobalLoggerProvider(loggerProvider);

let expectPerRound = 0;
if (sdk === 'web') await OpenFeature.setContext(CONTEXT);
await OpenFeature.setProviderAndWait(new InMemoryProvider(FLAGS));
if (config === 'ref' || config === 'ref-3x') {
  OpenFeature.addHooks(new EventHook());
  expectPerRound = n;
} else if (config !== 'ref-none') {
  throw new Error(`unknown config ${config}`);
}
const client = OpenFeature.getClient();
const op = sdk === 'web' ? () => client.getBooleanValue(FLAG_KEY, false) : () => client.getBooleanValue(FLAG_KEY, false, CONTEXT);

await serve({
  op,
  flush: () => loggerProvider.forceFlush(),
  exported: () => exporter.state.records,
  n,
  rounds,
  warmup,
  isAsync: sdk === 'server',
  expectPerRound,
  info: () => ({ side: 'reference', sdk, config, sampleRecord: describeRecord(exporter.state.first) }),
});
