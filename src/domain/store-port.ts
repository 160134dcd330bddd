import type { Customer, CustomerScope } from './customers/model.ts';
import type { SearchQuery } from './customers/search-query.ts';
import type { AccessTokenRecord, ClientRecord } from './tenants/clients.ts';
import type { ApiKeyRecord } from './tenants/secret-keys.ts';
import type { Tenant, TenantSettings } from './tenants/tenant.ts';
import type { HistoryEntry } from './customers/history.ts';
import type { WriteContext } from './customers/write-context.ts';
import type { FieldPath } from './errors.ts';
import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyRef, RecordedReply } from './idempotency-keys.ts';
import type { StoredEvent } from './events/customer-event.ts';
import type { ErasedCustomer, ErasureRequest } from './customers/erasure.ts';
import type { AttemptResult, Delivery, DeliveryJob, DeliveryWithAttempts } from './webhooks/delivery.ts';
import type { EndpointFlavor, WebhookEndpoint } from './webhooks/endpoint.ts';
import type { ConsoleSessionRecord } from './console/console-session.ts';
import type { PartnerAppRecord, PartnerGrantRecord } from './partners/partner.ts';

/** A position in the (created, id) order of customers. */
export interface Cursor {
  created: number;
  id: string;
}

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** Fields a list can be sorted by; ties are broken by id, and absent values sort last. */
export type ListOrderField = 'created' | 'updated' | 'name' | 'email';
/** Fields a list's `contains` filter looks in. */
export type ListTextField = 'name' | 'email' | 'phone';

/**
 * Where a page starts: after a customer (the next page, older ones) or before one (the previous
 * page, newer ones, still returned newest first). `field` names the request field that carried
 * the id, for the NotFoundError when no such customer exists.
 */
export type IdCursor = { after: string; field: FieldPath } | { before: string; field: FieldPath };
export type ListCursor = IdCursor;

export interface ListQuery {
  limit: number;
  /** Only with the default order. */
  cursor?: ListCursor;
  /** Exact, case-sensitive e-mail. */
  email?: string;
  /** Exact e-mail, case-insensitive. */
  emailFolded?: string;
  /** Case-insensitive substring of any of `fields`. */
  contains?: { text: string; fields: readonly ListTextField[] };
  created?: CreatedRange;
  /** Rows to skip (offset pagination), after filtering and ordering. */
  offset?: number;
  /** Default: newest first (created, then id, descending). */
  order?: { by: ListOrderField; direction: 'asc' | 'desc' };
  /** Also count every customer the filters match, ignoring limit, offset and cursors. */
  withTotal?: boolean;
}

export interface SearchPageQuery {
  limit: number;
  after?: Cursor;
  withTotal?: boolean;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  total?: number;
}

/** Transforms the current customer into the next one (the same object: nothing to write), or throws to abort without writing. */
export type CustomerUpdater = (current: Customer) => Customer;

/** What became of one customer of an `insertCustomers` batch. */
export type InsertOutcome =
  | { status: 'inserted'; customer: Customer }
  /** A DomainError (EmailTakenError, IdTakenError, …) or, should the database refuse the row for another reason, its error. */
  | { status: 'failed'; error: Error }
  /** With `stopAtFirstFailure`, the customers after the first failure. */
  | { status: 'not_attempted' };

export interface InsertManyOptions {
  /** Insert nothing after the first customer that fails: those come back `not_attempted`. */
  stopAtFirstFailure?: boolean;
}

export interface HistoryPageQuery {
  limit: number;
  /** Entries older than this version (the next page). */
  beforeVersion?: number;
  /** Entries newer than this version (the previous page), still returned newest first. */
  afterVersion?: number;
}

/** Tenants and their settings. */
export interface TenantRecords {
  /** Creates a tenant with its keys and clients; with `onlyIfNone`, only when there is no tenant yet. True if created. */
  createTenant(tenant: Tenant, keys: ApiKeyRecord[], onlyIfNone?: boolean, clients?: ClientRecord[]): Promise<boolean>;
  getTenant(id: string): Promise<Tenant | null>;
  /** Deletes a tenant with its keys, clients and tokens; ConflictError when it has any customer. */
  deleteEmptyTenant(id: string): Promise<void>;
  listTenants(): Promise<Tenant[]>;
  /** Changes settings; turning e-mail uniqueness on fails with a ConflictError if duplicates exist. */
  updateTenantSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant>;
}

/** Secret keys, client credentials and the access tokens clients obtain. */
export interface CredentialRecords {
  /** The key with this hash, with its tenant, whether or not it has expired. */
  findApiKey(hash: string): Promise<{ key: ApiKeyRecord; tenant: Tenant } | null>;
  /** Adds `key` and makes the tenant's other keys of that mode expire at `oldExpireAt` (unix s). */
  rollApiKey(key: ApiKeyRecord, oldExpireAt: number): Promise<void>;
  /** The client with this id, with its tenant, whether or not it has expired. */
  findClient(id: string): Promise<{ client: ClientRecord; tenant: Tenant } | null>;
  /** Adds `client` and makes the tenant's other clients of that mode expire at `oldExpireAt` (unix s). */
  rollClient(client: ClientRecord, oldExpireAt: number): Promise<void>;
  insertAccessToken(token: AccessTokenRecord): Promise<void>;
  /** The token with this hash in this tenant, expired or not. */
  findAccessToken(tenantId: string, hash: string): Promise<AccessTokenRecord | null>;
  /** Deletes tokens that expired before `nowSeconds`; returns how many. */
  deleteExpiredAccessTokens(nowSeconds: number): Promise<number>;
}

/** Customers, each write with its history entry (and idempotency reply) in its own transaction. */
export interface CustomerRecords {
  /**
   * Inserts a new customer; EmailTakenError when the tenant enforces unique e-mails and it is taken.
   * Every write records a history entry, and completes `context.idempotency`, in its own transaction.
   */
  insertCustomer(customer: Customer, context: WriteContext): Promise<Customer>;
  /**
   * Inserts many new customers in one transaction (bulk import), each exactly as insertCustomer
   * would, with its own history entry from `contexts[i]`: one that cannot be inserted
   * (EmailTakenError, IdTakenError, also against an earlier one of the batch) fails alone and its
   * neighbours are inserted. Resolves, one outcome per customer in order, once the transaction is
   * durable; rejects, having inserted nothing, only when the store itself fails. Contexts carry
   * no idempotency key.
   */
  insertCustomers(customers: readonly Customer[], contexts: readonly WriteContext[], options?: InsertManyOptions): Promise<InsertOutcome[]>;
  /**
   * Refreshes the query planner's statistics of the customer tables, after bulk writes (an
   * import): PostgreSQL plans a list over a table it believes empty with the wrong index until
   * ANALYZE runs (autovacuum may be slow to, or off); SQLite, without statistics, scans a tenant
   * in creation order for an exact e-mail rather than use its index.
   */
  analyze(): Promise<void>;
  /** The customer, deleted or not; null when there never was one. */
  getCustomer(scope: CustomerScope, id: string): Promise<Customer | null>;
  /**
   * Reads, transforms and writes one customer atomically: concurrent updates never lose each other.
   * NotFoundError when missing or deleted.
   */
  updateCustomer(scope: CustomerScope, id: string, update: CustomerUpdater, context: WriteContext): Promise<Customer>;
  /** Marks the customer deleted; NotFoundError when missing or already deleted. `check` runs on the current customer first. */
  deleteCustomer(scope: CustomerScope, id: string, nowMs: number, context: WriteContext, check?: (current: Customer) => void): Promise<Customer>;
  /**
   * Erases the customer, deleted or not, in one transaction: its row becomes the tombstone
   * (erasureWrite), its history entries keep who, when and what action but lose their changes,
   * its events show the tombstone, the attempts of their deliveries lose the receiver's answer,
   * and the tenant's stored idempotent replies that mention it (`request.replyMentions`) are
   * deleted; then the erasure's own history entry (and event) is recorded. One already erased:
   * its tombstone as first left, nothing written. NotFoundError when there never was one.
   */
  eraseCustomer(scope: CustomerScope, id: string, request: ErasureRequest, context: WriteContext): Promise<ErasedCustomer>;
  /** Non-deleted customers, newest first unless `order` says otherwise. NotFoundError (path: the cursor's field) for an unknown cursor id. */
  listCustomers(scope: CustomerScope, query: ListQuery): Promise<Page<Customer>>;
  /** Non-deleted customers matching `query`, newest first, strongly consistent. */
  searchCustomers(scope: CustomerScope, query: SearchQuery, page: SearchPageQuery): Promise<Page<Customer>>;
}

/** The history every customer write leaves. */
export interface HistoryRecords {
  /** The customer's history, newest first; deleted customers keep theirs. */
  listCustomerHistory(scope: CustomerScope, customerId: string, query: HistoryPageQuery): Promise<Page<HistoryEntry>>;
  /** Deletes the tenant's history entries older than `cutoffMs`; returns how many. */
  deleteHistoryBefore(tenantId: string, cutoffMs: number): Promise<number>;
}

/** Idempotency keys and the replies they keep (see idempotency-keys.ts). */
export interface IdempotencyRecords {
  /** Takes an idempotency key for a request, or says why not (see IdempotencyClaim). */
  claimIdempotencyKey(request: IdempotencyClaimRequest): Promise<IdempotencyClaim>;
  /** Keeps the reply of the request holding the key; false when `owner` no longer holds it. */
  completeIdempotencyKey(ref: IdempotencyRef, owner: string, reply: RecordedReply): Promise<boolean>;
  /** Gives the key up without a reply (the request is not to be remembered), if `owner` holds it. */
  releaseIdempotencyKey(ref: IdempotencyRef, owner: string): Promise<void>;
  /** Deletes keys that expired before `nowMs`; returns how many. */
  deleteExpiredIdempotencyKeys(nowMs: number): Promise<number>;
}

export interface EventListQuery {
  limit: number;
  cursor?: IdCursor;
  /** Exact types (any of them). */
  types?: readonly string[];
  /** One customer's events only. */
  customerId?: string;
  /** A type with `*` standing for any text (`customer.*`). */
  typePattern?: string;
  /** Unix ms. */
  created?: CreatedRange;
  /** true: every delivery of the event succeeded (or it had none); false: one has not (yet). */
  deliverySuccess?: boolean;
}

/**
 * Events, each recorded by its customer write in the write's transaction (see recordWrite in each
 * store); a write to a customer also queues a delivery to every endpoint then delivering it.
 */
export interface EventRecords {
  getEvent(scope: CustomerScope, id: string): Promise<StoredEvent | null>;
  /** Newest first. NotFoundError (path: the cursor's field) for an unknown cursor id. */
  listEvents(scope: CustomerScope, query: EventListQuery): Promise<Page<StoredEvent>>;
  /** Deletes the tenant's events older than `cutoffMs` whose deliveries are all done, with those deliveries; returns how many. */
  deleteEventsBefore(tenantId: string, cutoffMs: number): Promise<number>;
}

export interface ClaimRequest {
  /** Who claims (one per dispatcher): only the owner of a claim records its attempt. */
  owner: string;
  nowMs: number;
  /** How long the claim lasts: if no attempt is recorded by then, another dispatcher may take the delivery. */
  leaseMs: number;
  limit: number;
  /** Endpoints this dispatcher has enough deliveries in flight to. */
  skipEndpoints: readonly string[];
}

/** Webhook endpoints (native and Count's), and the deliveries of events to them. */
export interface WebhookRecords {
  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(scope: CustomerScope, id: string): Promise<WebhookEndpoint | null>;
  /** The scope's endpoints of one flavor, newest first. */
  listEndpoints(scope: CustomerScope, flavor: EndpointFlavor, query: { limit: number; cursor?: IdCursor }): Promise<Page<WebhookEndpoint>>;
  /**
   * Reads, transforms and writes one endpoint atomically; NotFoundError when missing. An endpoint
   * that stops delivering holds its ready deliveries; one that starts again releases them.
   */
  updateEndpoint(scope: CustomerScope, id: string, update: (current: WebhookEndpoint) => WebhookEndpoint): Promise<WebhookEndpoint>;
  /** Deletes the endpoint with its deliveries; false when there was none. */
  deleteEndpoint(scope: CustomerScope, id: string): Promise<boolean>;
  /** The endpoint's deliveries with their attempts, newest first. */
  /** An endpoint's deliveries, or an event's (to every endpoint), newest first. */
  listDeliveries(scope: CustomerScope, of: DeliveriesOf, query: { limit: number; cursor?: IdCursor }): Promise<Page<DeliveryWithAttempts>>;
  getDelivery(scope: CustomerScope, endpointId: string, id: string): Promise<DeliveryWithAttempts | null>;
  /** Makes a delivery due now (a failed one, or one waiting for its retry); null when there is none, its state unchanged when it is done or in order behind another. */
  retryDelivery(scope: CustomerScope, endpointId: string, id: string, nowMs: number): Promise<Delivery | null>;
  /** Makes the endpoint's failed deliveries created since `sinceMs` due again; returns how many. */
  recoverDeliveries(scope: CustomerScope, endpointId: string, sinceMs: number, nowMs: number): Promise<number>;
  /** Takes up to `limit` due deliveries (each the earliest undone of its customer to its endpoint) for `leaseMs`. */
  claimDeliveries(request: ClaimRequest): Promise<DeliveryJob[]>;
  /**
   * Records an attempt of a claimed delivery and its consequences; false (nothing recorded) when
   * `owner` no longer holds the claim. A delivery done (succeeded or failed) lets the next one of
   * its customer to its endpoint go.
   */
  recordAttempt(delivery: Delivery, owner: string, result: AttemptResult): Promise<boolean>;
  /** The soonest time a ready delivery is due (unix ms), or null. */
  nextDueAt(): Promise<number | null>;
  /** Calls `listener` soon after deliveries are queued (by this process, or, where the store can tell, another). Returns the unsubscribe. */
  watchDeliveries(listener: () => void): () => void;
  /** Deliveries not done yet (ready, waiting or held), over every tenant: the outbox's backlog. */
  deliveryBacklog(): Promise<number>;
}

/** Console sessions and one-time admin links, by the hash of their token. */
export interface ConsoleSessionRecords {
  insertConsoleSession(session: ConsoleSessionRecord): Promise<void>;
  findConsoleSession(hash: string): Promise<ConsoleSessionRecord | null>;
  /** True when it was there: a one-time link is spent by the first delete only. */
  deleteConsoleSession(hash: string): Promise<boolean>;
  deleteExpiredConsoleSessions(nowSeconds: number): Promise<number>;
}

/** Partner applications and the codes and tokens they are granted (Count's OAuth). */
export interface PartnerRecords {
  insertPartnerApp(app: PartnerAppRecord): Promise<void>;
  findPartnerApp(id: string): Promise<PartnerAppRecord | null>;
  listPartnerApps(): Promise<PartnerAppRecord[]>;
  /** Stores the app's new secret (and the previous one's grace); false when there is no such app. */
  rollPartnerAppSecret(app: PartnerAppRecord): Promise<boolean>;
  /** Removes the app and every code and token granted to it, in one transaction; false when there was none. */
  deletePartnerApp(id: string): Promise<boolean>;
  insertPartnerGrant(grant: PartnerGrantRecord): Promise<void>;
  /** The code or token with this hash, expired or not. */
  findPartnerGrant(hash: string): Promise<PartnerGrantRecord | null>;
  /**
   * Spends a code or refresh token and stores what replaces it, in one transaction: false (and
   * nothing stored) when it was spent already, so that of two racing exchanges one wins.
   */
  exchangePartnerGrant(spent: string, replacements: PartnerGrantRecord[]): Promise<boolean>;
  /** The refresh tokens a workspace's mode has granted (one per live consent), newest first. */
  listPartnerGrants(scope: CustomerScope): Promise<PartnerGrantRecord[]>;
  /** Deletes every code and token of one consent of this workspace's mode; how many. */
  revokePartnerGrant(scope: CustomerScope, grantId: string): Promise<number>;
  deleteExpiredPartnerGrants(nowSeconds: number): Promise<number>;
}

export type DeliveriesOf = { endpointId: string } | { eventId: string };

/** Where a store gathers several writes or lookups into one round trip or one commit. */
export type BatchKind = 'group_commit' | 'customer_insert' | 'key_lookup';

/** The store's connections (PostgreSQL's pool; SQLite's reader threads) at one moment. */
export interface ConnectionLoad {
  size: number;
  inUse: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

/**
 * The domain's one storage port, which every backend implements: asynchronous and
 * backend-neutral, so that services never see SQL. Every customer operation is scoped to a tenant
 * and mode. Services take only the record kinds they use.
 */
export interface Store
  extends TenantRecords, CredentialRecords, CustomerRecords, HistoryRecords, IdempotencyRecords, EventRecords, WebhookRecords, ConsoleSessionRecords, PartnerRecords {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations; safe to call from many processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /** The versions of the migrations this build holds that the database has not applied, in order. */
  pendingMigrations(): Promise<string[]>;
  /** For metrics: its connections now. */
  connectionLoad(): ConnectionLoad;
  /** For metrics: `listener` hears the size of every batch the store runs (one listener; null removes it). */
  observeBatches(listener: ((kind: BatchKind, size: number) => void) | null): void;
  close(): Promise<void>;
}
