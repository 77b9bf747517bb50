/**
 * Example web shop: an A/B test on the checkout button with the OpenFeature web SDK, measured
 * with openfeature-otel-tracking.
 *
 * - The static context (targeting key and a few attributes) is set once with OpenFeature.setContext.
 * - EvaluationEventHook records every evaluation (the exposure); withTracking records every
 *   client.track() call (the outcome), keyed by the same targeting key.
 * - The OTel web logs SDK posts the records as OTLP/HTTP (JSON) to the collector with fetch
 *   keepalive. PageHideBatchProcessor batches them and sends the queue the moment the page is
 *   hidden (tab closed or switched, navigation, app backgrounded), even while an earlier export is
 *   still in flight, so a click right before the tab closes is not lost. It retries failed
 *   batches with backoff, so a collector outage loses nothing while the page stays open, and its
 *   delivery counters are shown in the page.
 *
 * Settings: the collector URL comes from VITE_OTLP_ENDPOINT at build time (default
 * http://localhost:4318). For the end-to-end tests the page also reads `?collector=`, `?shopper=`,
 * `?plan=` and `?batchDelay=` from its URL; a real app would not take these from the URL.
 */
import { InMemoryProvider, OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { EvaluationEventHook, PageHideBatchProcessor, withTracking } from 'openfeature-otel-tracking';
import { CHECKOUT_FLAG, FLAGS } from './flags.js';

const params = new URLSearchParams(location.search);
const collector = (params.get('collector') ?? import.meta.env.VITE_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
const shopper = params.get('shopper') ?? 'shopper-7';
const plan = params.get('plan') ?? 'pro';
const batchDelay = Number(params.get('batchDelay') ?? 1000);

// 1. The OTel web logs pipeline. Nothing is registered globally: the provider is handed to the
//    hook and to withTracking.
//    The processor retries failed batches until the collector is back (a collector outage loses
//    nothing while the page is open) and counts what it had to drop.
const processor = new PageHideBatchProcessor({
  exporter: new OTLPLogExporter({ url: `${collector}/v1/logs` }),
  scheduledDelayMillis: batchDelay,
});
const loggerProvider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'web-shop' }),
  processors: [processor],
});

// 2. The static context, set once (and again when the shopper changes).
await OpenFeature.setContext({ targetingKey: shopper, plan, anonymous: false });

// 3. Exposures and outcomes. `plan` and `anonymous` are exported as `openfeature.context`; the
//    targeting key is `feature_flag.context.id` on both kinds of record.
const contextAttributes = ['anonymous', 'plan'];
OpenFeature.addHooks(new EvaluationEventHook({ loggerProvider, contextAttributes }));
await OpenFeature.setProviderAndWait(withTracking(new InMemoryProvider(FLAGS), { loggerProvider, contextAttributes }));

const client = OpenFeature.getClient();
const app = document.querySelector<HTMLElement>('#app')!;
const cartTotal = 42.5;

function render(): void {
  const context = OpenFeature.getContext();
  const variant = client.getStringValue(CHECKOUT_FLAG, 'classic');
  const button = document.createElement('button');
  button.id = 'checkout';
  button.className = `checkout ${variant}`;
  button.dataset['variant'] = variant;
  button.textContent = variant === 'express' ? `⚡ Express checkout · €${cartTotal.toFixed(2)}` : `Proceed to checkout (€${cartTotal.toFixed(2)})`;
  button.addEventListener('click', () => {
    client.track('clicked-checkout', { value: cartTotal, currencyCode: 'EUR' });
    document.querySelector('#status')!.textContent = 'Thanks! Order placed.';
  });
  const shownPlan = typeof context['plan'] === 'string' ? context['plan'] : '';
  document.querySelector('#shopper')!.textContent = `${String(context.targetingKey)} (${shownPlan})`;
  document.querySelector('#variant')!.textContent = variant;
  document.querySelector('#status')!.textContent = '';
  app.replaceChildren(button);
  document.body.dataset['renderedFor'] = String(context.targetingKey);
}

// A context change re-evaluates: the provider reconciles, then the SDK emits ContextChanged.
client.addHandler(ProviderEvents.ContextChanged, render);
client.addHandler(ProviderEvents.ConfigurationChanged, render);

document.querySelector<HTMLFormElement>('#switch')!.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = document.querySelector<HTMLInputElement>('#next-shopper')!.value.trim();
  if (next !== '') void OpenFeature.setContext({ targetingKey: next, plan, anonymous: false });
});

// Delivery counters, visible to the app: here shown in the page (the tests read them too).
const telemetry = document.querySelector<HTMLElement>('#telemetry')!;
function showTelemetry(): void {
  const { exported, pending, droppedQueueFull, droppedExportFailed, retried, atRiskOnHide } = processor.stats;
  const dropped = droppedQueueFull + droppedExportFailed;
  telemetry.textContent = `${exported} delivered, ${pending} pending, ${dropped} dropped${retried > 0 ? `, ${retried} retried` : ''}`;
  Object.assign(telemetry.dataset, { exported, pending, dropped, retried, atRiskOnHide });
}
setInterval(showTelemetry, 250);

render();
showTelemetry();
document.body.dataset['ready'] = 'true';
