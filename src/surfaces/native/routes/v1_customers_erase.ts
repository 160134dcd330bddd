import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ERROR_RESPONSES, FORM_AND_JSON, NoParametersBody } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { preconditionOf, withEtag, writeContext } from '../../../http/writes.ts';
import { ErasedCustomerObject, erasedCustomerToStripe } from '../../../formats/stripe-customer.ts';

/**
 * Clientele's extension: the right to erasure. Deleted or not, the customer's personal data goes
 * from its record, its history, its events and the idempotent replies that showed it; a tombstone
 * stays. Erasing again answers the first erasure's tombstone and writes nothing, so a retry (with
 * or without Idempotency-Key) is harmless. If-Match is honoured as by delete, until the erasure.
 * Retrieve then answers the deleted stub.
 */
export function v1CustomersErase(app: App): void {
  app.post('/customers/:id/erase', {
    schema: {
      tags: ['Customers'],
      consumes: FORM_AND_JSON,
      summary: "Extension: erase a customer's personal data for good (a deleted customer too), leaving a tombstone",
      params: CustomerIdParams,
      body: NoParametersBody,
      response: { 200: ErasedCustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const erased = await app.customers.erase(scopeOf(request), customerIdIn(request.params.id), writeContext(request), preconditionOf(request));
      return withEtag(reply, erased.customer, erasedCustomerToStripe(erased));
    },
  });
}
