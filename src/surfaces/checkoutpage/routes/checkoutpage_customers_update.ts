import type { App } from '../../../http/types.ts';
import { newCustomer } from '../../../domain/customers/factory.ts';
import { applyPatch } from '../../../domain/customers/patch.ts';
import { type CustomerPatch, type CustomerScope } from '../../../domain/customers/model.ts';
import { ValidationError } from '../../../domain/errors.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { customerIdParam, scopeOf } from '../../shared/request-scope.ts';
import { CustomerParams, CustomerResponse, ERROR_RESPONSES, UpdateCustomerBody } from '../schemas.ts';
import { customerResponse, idFromWire, patchFromWire, touchesTaxId } from '../wire.ts';

/**
 * Every field the domain refuses, not only the first: each field of the patch is checked on its
 * own by the domain's rules (the patch fields are independent of each other).
 */
function everyRefusal(scope: CustomerScope, patch: CustomerPatch, first: ValidationError): ValidationError {
  const blank = newCustomer(scope, {});
  const refusals: ValidationError[] = [];
  for (const [field, value] of Object.entries(patch)) {
    try {
      applyPatch(blank, { [field]: value });
    } catch (err) {
      if (err instanceof ValidationError) refusals.push(err);
    }
  }
  const [one, ...others] = refusals.length > 0 ? refusals : [first];
  return new ValidationError(one!.path, one!.message, one!.code, others);
}

/**
 * Only the top-level fields given change; address and shipping are replaced in full; null
 * clears a field; an empty body is refused (400), and so are read-only and unknown fields.
 */
export function checkoutPageCustomersUpdate(app: App): void {
  app.patch('/customers/:customerId', {
    schema: {
      tags: ['CheckoutPage'],
      summary: 'Update a customer',
      description:
        'Updates the editable details of a customer. Only the top-level fields you supply are changed; omitted top-level fields are left as-is. ' +
        'The address and shipping subdocuments are replaced in full when supplied. Requests with an empty body are rejected.',
      consumes: ['application/json'],
      params: CustomerParams,
      body: UpdateCustomerBody,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const scope = scopeOf(request);
      const id = customerIdParam(idFromWire, request.params.customerId, 'customerId');
      const body = request.body;
      let patch: CustomerPatch = {};
      try {
        // The tax id pair is merged with the customer's first tax id: computed inside the atomic
        // update, on the very version it replaces, so a concurrent change is never lost.
        const write = customerWrite(request, reply, customerResponse);
        const ifMatch = preconditionOf(request);
        const customer = touchesTaxId(body)
          ? await app.customers.update(scope, id, (current) => (patch = patchFromWire(body, current)), write.context, ifMatch)
          : await app.customers.update(scope, id, (patch = patchFromWire(body, null)), write.context, ifMatch);
        return write.send(customer);
      } catch (err) {
        if (err instanceof ValidationError) throw everyRefusal(scope, patch, err);
        throw err;
      }
    },
  });
}
