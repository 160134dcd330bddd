import type { CustomerScope, MetadataPatch } from '../customers/model.ts';
import { mergeMetadata } from '../customers/patch.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { IdCursor, Page, WebhookRecords } from '../store-port.ts';
import type { SecretBox } from '../tenants/secret-box.ts';
import type { Delivery, DeliveryWithAttempts } from './delivery.ts';
import { eventMaskOf, newWebhookSecret, secretContext, type EndpointFlavor, type EndpointStatus, type WebhookEndpoint } from './endpoint.ts';

/** Checks a receiver's URL before anything is sent to it (src/webhooks/url-guard.ts): ValidationError on `path` when refused. */
export interface UrlGuard {
  check(url: string, scope: CustomerScope, path: readonly string[]): Promise<void>;
}

export interface EndpointInput {
  url: string;
  enabledEvents: string[];
  description?: string | null;
  metadata?: MetadataPatch;
  apiVersion?: string | null;
  status?: Exclude<EndpointStatus, 'disabled'> | 'disabled';
  /** Stripe endpoints always get a new `whsec_` secret; a Count subscription has the one given, if any. */
  secret?: string | null;
}

export type EndpointChanges = Partial<Omit<EndpointInput, 'apiVersion'>>;

/** The plaintext secret, shown only when it is made (create, roll). */
export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string | null;
}

const MAX_URL_LENGTH = 2048;
const MAX_SECRET_LENGTH = 256;
/** Stripe keeps a rolled secret signing for at most 24 hours. */
const MAX_ROLL_GRACE_S = 24 * 3600;

/**
 * Webhook endpoints (native and Count's) and their deliveries: the one way in for every surface.
 * Secrets are sealed before they reach the store and opened only to sign.
 */
export class WebhookService {
  constructor(
    private readonly store: WebhookRecords,
    private readonly box: SecretBox,
    private readonly urls: UrlGuard,
  ) {}

  async create(scope: CustomerScope, flavor: EndpointFlavor, input: EndpointInput, nowMs: number = Date.now()): Promise<EndpointWithSecret> {
    await this.checkUrl(input.url, scope);
    const id = newId(nowMs);
    const secret = flavor === 'stripe' ? newWebhookSecret() : checkSecret(input.secret ?? null);
    const endpoint: WebhookEndpoint = {
      id,
      tenantId: scope.tenantId,
      mode: scope.mode,
      flavor,
      url: input.url,
      description: input.description ?? null,
      enabledEvents: checkEvents(input.enabledEvents),
      eventMask: eventMaskOf(input.enabledEvents),
      status: input.status ?? 'enabled',
      disabledReason: null,
      apiVersion: input.apiVersion ?? null,
      metadata: input.metadata ? mergeMetadata({}, input.metadata) : {},
      secret: secret === null ? null : this.box.seal(secret, secretContext({ id })),
      previousSecret: null,
      previousSecretExpires: null,
      created: nowMs,
      updated: nowMs,
      failingSince: null,
    };
    await this.store.insertEndpoint(endpoint);
    return { endpoint, secret };
  }

  async get(scope: CustomerScope, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.store.getEndpoint(scope, id);
    if (!endpoint) throw new NotFoundError('webhook_endpoint', id);
    return endpoint;
  }

  /** The endpoint of this flavor; NotFoundError for one of the other flavor, as for none. */
  async getOf(scope: CustomerScope, flavor: EndpointFlavor, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.get(scope, id);
    if (endpoint.flavor !== flavor) throw new NotFoundError('webhook_endpoint', id);
    return endpoint;
  }

  async list(scope: CustomerScope, flavor: EndpointFlavor, query: { limit: number; cursor?: IdCursor }): Promise<Page<WebhookEndpoint>> {
    return this.store.listEndpoints(scope, flavor, query);
  }

  async update(scope: CustomerScope, flavor: EndpointFlavor, id: string, changes: EndpointChanges, nowMs: number = Date.now()): Promise<WebhookEndpoint> {
    if (changes.url !== undefined) await this.checkUrl(changes.url, scope);
    const events = changes.enabledEvents === undefined ? undefined : checkEvents(changes.enabledEvents);
    const secret = changes.secret === undefined ? undefined : checkSecret(changes.secret);
    return this.store.updateEndpoint(scope, id, (current) => {
      if (current.flavor !== flavor) throw new NotFoundError('webhook_endpoint', id);
      const next: WebhookEndpoint = { ...current, updated: nowMs };
      if (changes.url !== undefined) next.url = changes.url;
      if (events !== undefined) {
        next.enabledEvents = events;
        next.eventMask = eventMaskOf(events);
      }
      if (changes.description !== undefined) next.description = changes.description;
      if (changes.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, changes.metadata);
      if (changes.status !== undefined && changes.status !== current.status) {
        next.status = changes.status;
        next.disabledReason = null;
        // Turned on again: its failures so far are forgiven.
        if (changes.status === 'enabled') next.failingSince = null;
      }
      if (secret !== undefined) next.secret = secret === null ? null : this.box.seal(secret, secretContext(current));
      return next;
    });
  }

  async delete(scope: CustomerScope, flavor: EndpointFlavor, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.getOf(scope, flavor, id);
    if (!(await this.store.deleteEndpoint(scope, id))) throw new NotFoundError('webhook_endpoint', id);
    return endpoint;
  }

  /**
   * A new secret; the old one keeps signing beside it for `expireOldInSeconds` (0: stops now), so
   * that receivers can switch without missing a delivery.
   */
  async rollSecret(scope: CustomerScope, id: string, expireOldInSeconds: number, nowMs: number = Date.now()): Promise<EndpointWithSecret> {
    if (!Number.isInteger(expireOldInSeconds) || expireOldInSeconds < 0 || expireOldInSeconds > MAX_ROLL_GRACE_S) {
      throw new ValidationError(['expire_old_in'], `expire_old_in must be a whole number of seconds from 0 to ${MAX_ROLL_GRACE_S}.`);
    }
    const secret = newWebhookSecret();
    const endpoint = await this.store.updateEndpoint(scope, id, (current) => {
      if (current.flavor !== 'stripe') throw new NotFoundError('webhook_endpoint', id);
      const keepOld = expireOldInSeconds > 0 && current.secret !== null;
      return {
        ...current,
        updated: nowMs,
        secret: this.box.seal(secret, secretContext(current)),
        previousSecret: keepOld ? current.secret : null,
        previousSecretExpires: keepOld ? nowMs + expireOldInSeconds * 1000 : null,
      };
    });
    return { endpoint, secret };
  }

  /** The plaintext secrets that sign a delivery now: the current one first, then a rolled one still in its grace. */
  signingSecrets(endpoint: WebhookEndpoint, nowMs: number = Date.now()): string[] {
    const secrets: string[] = [];
    if (endpoint.secret !== null) secrets.push(this.box.open(endpoint.secret, secretContext(endpoint)));
    if (endpoint.previousSecret !== null && (endpoint.previousSecretExpires ?? 0) > nowMs) {
      secrets.push(this.box.open(endpoint.previousSecret, secretContext(endpoint)));
    }
    return secrets;
  }

  /** The deliveries of the endpoint of this flavor; NotFoundError when there is none. */
  async deliveries(scope: CustomerScope, flavor: EndpointFlavor, endpointId: string, query: { limit: number; cursor?: IdCursor }): Promise<Page<DeliveryWithAttempts>> {
    await this.getOf(scope, flavor, endpointId);
    return this.store.listDeliveries(scope, { endpointId }, query);
  }

  /** An event's deliveries to every endpoint (the console's customer page). */
  async deliveriesOfEvent(scope: CustomerScope, eventId: string, limit = 20): Promise<DeliveryWithAttempts[]> {
    return (await this.store.listDeliveries(scope, { eventId }, { limit })).data;
  }

  async delivery(scope: CustomerScope, endpointId: string, id: string): Promise<DeliveryWithAttempts> {
    const delivery = await this.store.getDelivery(scope, endpointId, id);
    if (!delivery) throw new NotFoundError('webhook_delivery', id);
    return delivery;
  }

  /** Sends the delivery again now (with a fresh retry schedule, when it had given up). */
  async retry(scope: CustomerScope, endpointId: string, id: string, nowMs: number = Date.now()): Promise<Delivery> {
    const delivery = await this.store.retryDelivery(scope, endpointId, id, nowMs);
    if (!delivery) throw new NotFoundError('webhook_delivery', id);
    return delivery;
  }

  /** Sends every delivery to the endpoint that failed since `sinceMs` again; returns how many. */
  async recover(scope: CustomerScope, flavor: EndpointFlavor, endpointId: string, sinceMs: number, nowMs: number = Date.now()): Promise<number> {
    await this.getOf(scope, flavor, endpointId);
    return this.store.recoverDeliveries(scope, endpointId, sinceMs, nowMs);
  }

  private async checkUrl(url: string, scope: CustomerScope): Promise<void> {
    if (url.length > MAX_URL_LENGTH) throw new ValidationError(['url'], `The URL can be at most ${MAX_URL_LENGTH} characters long.`);
    await this.urls.check(url, scope, ['url']);
  }
}

function checkEvents(events: string[]): string[] {
  if (events.length === 0) throw new ValidationError(['enabled_events'], 'At least one event must be enabled.');
  return [...new Set(events)];
}

function checkSecret(secret: string | null): string | null {
  if (secret === null || secret === '') return null;
  if (secret.length > MAX_SECRET_LENGTH) throw new ValidationError(['signingSecret'], `The signing secret can be at most ${MAX_SECRET_LENGTH} characters long.`);
  return secret;
}
