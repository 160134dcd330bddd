import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ERROR_RESPONSES, UpdateCustomerBody, FORM_AND_JSON } from '../schemas.ts';
import { patchFromWire } from '../wire.ts';
import { customerExpansions } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { CustomerObject, customerToStripe } from '../../../formats/stripe-customer.ts';

/** Stripe updates with POST; PATCH is accepted too, with the same partial-update rules. */
export function v1CustomersUpdate(app: App): void {
  const handler = async (request: FastifyRequest<{ Params: { id: string }; Body: UpdateCustomerBody | undefined }>, reply: FastifyReply) => {
    const body = request.body ?? {};
    const expand = customerExpansions(body.expand, '');
    const write = customerWrite(request, reply, (customer) => customerToStripe(customer, expand));
    const id = customerIdIn(request.params.id);
    return write.send(await app.customers.update(scopeOf(request), id, patchFromWire(body), write.context, preconditionOf(request)));
  };
  const schema = {
    tags: ['Customers'],
    consumes: FORM_AND_JSON,
    summary: 'Update a customer: only the parameters given change',
    params: CustomerIdParams,
    body: UpdateCustomerBody,
    response: { 200: CustomerObject, ...ERROR_RESPONSES },
  };
  app.post('/customers/:id', { schema, handler });
  app.patch('/customers/:id', { schema, handler });
}
