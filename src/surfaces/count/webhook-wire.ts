import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { EndpointStatus, WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import type { EndpointChanges, EndpointInput } from '../../domain/webhooks/webhook-service.ts';
import { fromUuid, toUuid } from '../../formats/ids.ts';
import type { CreateWebhookBody, UpdateWebhookBody, WebhookObject } from './webhook-schemas.ts';

/**
 * Count's subscriptions ⇄ the domain's endpoints (flavor `count`): one `event` each; statuses
 * active ⇄ enabled, paused ⇄ paused, disabled ⇄ disabled; `signingSecret` ⇄ the sealed secret.
 */

type CountStatus = WebhookObject['status'];
const TO_DOMAIN: Record<CountStatus, EndpointStatus> = { active: 'enabled', paused: 'paused', disabled: 'disabled' };
const FROM_DOMAIN: Record<EndpointStatus, CountStatus> = { enabled: 'active', paused: 'paused', disabled: 'disabled' };

export function webhookIdIn(uuid: string): string {
  const id = fromUuid(uuid);
  if (id === null) throw new NotFoundError('webhook_endpoint', uuid, ['uuid']);
  return id;
}

export function webhookInput(body: CreateWebhookBody): EndpointInput {
  const input: EndpointInput = { url: body.callbackUrl, enabledEvents: [body.event] };
  if (body.status !== undefined) input.status = TO_DOMAIN[body.status];
  if (body.signingSecret !== undefined) input.secret = body.signingSecret;
  return input;
}

export function webhookChanges(body: UpdateWebhookBody): EndpointChanges {
  const changes: EndpointChanges = {};
  if (body.event !== undefined) changes.enabledEvents = [body.event];
  if (body.callbackUrl !== undefined) changes.url = body.callbackUrl;
  if (body.status !== undefined) changes.status = TO_DOMAIN[body.status];
  if (body.signingSecret !== undefined) changes.secret = body.signingSecret;
  return changes;
}

export function webhookToCount(endpoint: WebhookEndpoint): WebhookObject {
  return {
    uuid: toUuid(endpoint.id),
    event: endpoint.enabledEvents[0] ?? '',
    callbackUrl: endpoint.url,
    status: FROM_DOMAIN[endpoint.status],
    hasSigningSecret: endpoint.secret !== null,
    createdAt: new Date(endpoint.created).toISOString(),
    updatedAt: new Date(endpoint.updated).toISOString(),
  };
}

/** The service checks the receiver's URL as `url`; Count's clients sent it as `callbackUrl`. */
export async function asCallbackUrl<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ValidationError && err.path[0] === 'url') throw new ValidationError(['callbackUrl'], err.message, err.code);
    throw err;
  }
}
