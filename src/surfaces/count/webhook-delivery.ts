import type { Customer } from '../../domain/customers/model.ts';
import type { DeliveryRenderer } from '../../domain/webhooks/delivery.ts';
import { toUuid } from '../../formats/ids.ts';
import { countSignatureHeader } from '../../formats/webhook-signatures.ts';
import { customerIdToCount, customerToCount } from './wire.ts';

/**
 * A Count subscription's delivery, as Count's "Outbound Deliveries" page shows it: the envelope
 * `{id, event, apiVersion, occurredAt, team, data, previousData}` with the customer in Count's
 * format (`{id}` on deletes), `previousData` the prior values of the fields that changed, and
 * `X-Webhook-Signature: sha256=<hex>` over the raw body when the subscription has a secret.
 */
export const countDelivery: DeliveryRenderer = (job, secrets) => {
  const { event, delivery, tenant } = job;
  const id = toUuid(delivery.id);
  const data = event.type === 'customer.deleted' ? { id: customerIdToCount(event.customerId) } : customerToCount(event.customer);
  const body = JSON.stringify({
    id,
    event: event.type,
    apiVersion: '1',
    occurredAt: new Date(event.created).toISOString(),
    team: { id: toUuid(tenant.id), name: tenant.name },
    data,
    previousData: event.previous ? previousData(event.customer, event.previous) : {},
  });
  const headers: Record<string, string> = { 'x-webhook-id': id, 'x-webhook-event': event.type };
  if (secrets[0] !== undefined) headers['x-webhook-signature'] = countSignatureHeader(secrets[0], body);
  return { body, headers };
};

function previousData(customer: Customer, previous: Partial<Customer>): Record<string, unknown> {
  const before = customerToCount({ ...customer, ...previous }) as Record<string, unknown>;
  const now = customerToCount(customer) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    if (key !== 'updatedAt' && JSON.stringify(before[key]) !== JSON.stringify(now[key])) changed[key] = before[key];
  }
  return changed;
}
