import type { Store } from '../domain/store-port.ts';
import type { WebhookService } from '../domain/webhooks/webhook-service.ts';
import { stripeDelivery } from '../formats/stripe-event.ts';
import { countDelivery } from '../surfaces/count/webhook-delivery.ts';
import { Dispatcher, type DispatcherOptions } from '../webhooks/dispatcher.ts';
import { sendDelivery } from '../webhooks/http-sender.ts';
import type { App } from '../http/types.ts';
import type { WebhookOptions } from './webhook-options.ts';
import type { Metrics } from './metrics/metrics.ts';

/**
 * The process's dispatcher, with each flavor's renderer (native: a Stripe event; Count: its
 * envelope), started when the app is ready and stopped, its deliveries in flight finished, when it
 * closes.
 */
export function registerDispatcher(app: App, store: Store, webhooks: WebhookService, options: WebhookOptions, metrics?: Metrics): Dispatcher | null {
  if (options.dispatch === false) return null;
  const settings: DispatcherOptions = {
    store,
    renderers: { stripe: stripeDelivery, count: countDelivery },
    secrets: (endpoint, nowMs) => webhooks.signingSecrets(endpoint, nowMs),
    send: sendDelivery,
    log: app.log,
    allowPrivate: options.allowPrivate ?? false,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.maxPerEndpoint !== undefined ? { maxPerEndpoint: options.maxPerEndpoint } : {}),
    ...(metrics
      ? {
          observe: (flavor, result, lagMs) => {
            metrics.deliveries.inc({ flavor, result });
            if (lagMs !== null) metrics.deliveryLag.observe({ flavor }, Math.max(0, lagMs) / 1000);
          },
        }
      : {}),
  };
  const dispatcher = new Dispatcher(settings);
  app.addHook('onReady', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.stop());
  return dispatcher;
}
