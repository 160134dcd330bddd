import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import type { Surface } from '../shared/surface.ts';
import { authenticateNative } from './auth.ts';
import { nativeErrors } from './errors.ts';
import { v1CustomersCreate } from './routes/v1_customers_create.ts';
import { v1CustomersDelete } from './routes/v1_customers_delete.ts';
import { v1CustomersErase } from './routes/v1_customers_erase.ts';
import { v1CustomersHistory } from './routes/v1_customers_history.ts';
import { v1CustomersList } from './routes/v1_customers_list.ts';
import { v1CustomersRetrieve } from './routes/v1_customers_retrieve.ts';
import { v1CustomersSearch } from './routes/v1_customers_search.ts';
import { v1CustomersUpdate } from './routes/v1_customers_update.ts';
import { v1CustomersTaxIdsCreate } from './routes/v1_customers_tax_ids_create.ts';
import { v1CustomersTaxIdsDelete } from './routes/v1_customers_tax_ids_delete.ts';
import { v1CustomersTaxIdsList } from './routes/v1_customers_tax_ids_list.ts';
import { v1CustomersTaxIdsRetrieve } from './routes/v1_customers_tax_ids_retrieve.ts';
import { v1EventsList } from './routes/v1_events_list.ts';
import { v1EventsRetrieve } from './routes/v1_events_retrieve.ts';
import { v1WebhookEndpointsCreate } from './routes/v1_webhook_endpoints_create.ts';
import { v1WebhookEndpointsList } from './routes/v1_webhook_endpoints_list.ts';
import { v1WebhookEndpointsRetrieve } from './routes/v1_webhook_endpoints_retrieve.ts';
import { v1WebhookEndpointsUpdate } from './routes/v1_webhook_endpoints_update.ts';
import { v1WebhookEndpointsDelete } from './routes/v1_webhook_endpoints_delete.ts';
import { v1WebhookEndpointsRollSecret } from './routes/v1_webhook_endpoints_roll_secret.ts';
import { v1WebhookEndpointsDeliveries } from './routes/v1_webhook_endpoints_deliveries.ts';
import { v1WebhookEndpointsDelivery } from './routes/v1_webhook_endpoints_delivery.ts';
import { v1WebhookEndpointsRecover } from './routes/v1_webhook_endpoints_recover.ts';

/** The native, Stripe-compatible API (see ./README.md). */
async function nativeApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(nativeErrors));
  app.setNotFoundHandler(surfaceNotFoundHandler(nativeErrors));
  authenticateEveryRequest(app, 'native', authenticateNative(app));
  // Stripe takes a write with no body at all (`curl -X DELETE …`, an update that changes nothing)
  // as one with no parameters.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = {};
  });
  v1CustomersCreate(app);
  v1CustomersRetrieve(app);
  v1CustomersUpdate(app);
  v1CustomersDelete(app);
  v1CustomersErase(app);
  v1CustomersList(app);
  v1CustomersSearch(app);
  v1CustomersHistory(app);
  v1CustomersTaxIdsCreate(app);
  v1CustomersTaxIdsList(app);
  v1CustomersTaxIdsRetrieve(app);
  v1CustomersTaxIdsDelete(app);
  v1EventsList(app);
  v1EventsRetrieve(app);
  v1WebhookEndpointsCreate(app);
  v1WebhookEndpointsList(app);
  v1WebhookEndpointsRetrieve(app);
  v1WebhookEndpointsUpdate(app);
  v1WebhookEndpointsDelete(app);
  v1WebhookEndpointsRollSecret(app);
  v1WebhookEndpointsDeliveries(app);
  v1WebhookEndpointsDelivery(app);
  v1WebhookEndpointsRecover(app);
}

export const nativeSurface: Surface = { name: 'native', prefix: '/v1', plugin: nativeApi, errors: nativeErrors };
