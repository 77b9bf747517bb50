// A small checkout service: one flag evaluation per request, one track() per purchase.
//   GET  /checkout?user=ID              -> evaluates `checkout-button` (blue | green) for that user
//   POST /purchase?user=ID&amount=12.5  -> client.track('checkout-completed', ..., { value, currencyCode })
//   GET  /healthz                       -> 200
// Telemetry goes over OTLP to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) through
// setupFlagTelemetry. Run: npm run build && node examples/demo/service.mjs   (or `npm run demo`)
import { createServer } from 'node:http';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { setupFlagTelemetry } from 'openfeature-otel-tracking/setup';

const port = Number(process.env.PORT ?? 8080);

// A 50/50 split on a stable hash of the user id, as a real experimentation provider would do.
function bucket(id) {
  let h = 0;
  for (const c of String(id)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 100;
}
const flags = {
  'checkout-button': {
    variants: { blue: 'blue', green: 'green' },
    defaultVariant: 'blue',
    disabled: false,
    contextEvaluator: (ctx) => (bucket(ctx.targetingKey ?? '') < 50 ? 'blue' : 'green'),
  },
};

const telemetry = setupFlagTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'demo-checkout',
  // GO Feature Flag's feature events carry the value, so write it on every record.
  hook: { includeValue: 'always' },
});
OpenFeature.addHooks(telemetry.hook);
await OpenFeature.setProviderAndWait(telemetry.withTracking(new InMemoryProvider(flags)));
const client = OpenFeature.getClient();

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const user = url.searchParams.get('user') ?? 'anonymous';
  const context = user === 'anonymous' ? { targetingKey: `anon-${Math.random()}`, anonymous: true } : { targetingKey: user };
  if (url.pathname === '/healthz') {
    res.writeHead(200).end('ok');
  } else if (url.pathname === '/checkout') {
    const variant = await client.getStringValue('checkout-button', 'blue', context);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ variant }));
  } else if (url.pathname === '/purchase' && req.method === 'POST') {
    client.track('checkout-completed', context, { value: Number(url.searchParams.get('amount') ?? 0), currencyCode: 'EUR' });
    res.writeHead(204).end();
  } else if (url.pathname === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(telemetry.stats()));
  } else {
    res.writeHead(404).end();
  }
});
server.listen(port, process.env.HOST ?? '0.0.0.0', () => console.log(`demo service on :${port}`));

// Graceful exit: stop taking requests, then flush every record emitted so far.
async function shutdown() {
  server.close();
  await telemetry.shutdown();
  console.log(`demo service stopped: ${JSON.stringify(telemetry.stats())}`);
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
