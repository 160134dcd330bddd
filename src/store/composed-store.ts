import type { BatchKind, ConnectionLoad, ConsoleSessionRecords, CredentialRecords, PartnerRecords, CustomerRecords, EventRecords, HistoryRecords, IdempotencyRecords, Store, TenantRecords, WebhookRecords } from '../domain/store-port.ts';

/** One backend's implementation of each record kind. */
export interface RecordKinds {
  tenants: TenantRecords;
  credentials: CredentialRecords;
  customers: CustomerRecords;
  history: HistoryRecords;
  idempotency: IdempotencyRecords;
  events: EventRecords;
  webhooks: WebhookRecords;
  consoleSessions: ConsoleSessionRecords;
  partners: PartnerRecords;
}

type Args<K extends keyof Store> = Store[K] extends (...args: infer A) => unknown ? A : never;

/** A Store made of a backend's record kinds: each operation goes to the one that keeps its records. */
export abstract class ComposedStore implements Store {
  abstract readonly kind: Store['kind'];
  abstract migrate(): Promise<void>;
  abstract ping(): Promise<void>;
  abstract pendingMigrations(): Promise<string[]>;
  abstract connectionLoad(): ConnectionLoad;
  abstract observeBatches(listener: ((kind: BatchKind, size: number) => void) | null): void;
  abstract close(): Promise<void>;

  constructor(private readonly records: RecordKinds) {}

  createTenant(...args: Args<'createTenant'>) { return this.records.tenants.createTenant(...args); }
  getTenant(...args: Args<'getTenant'>) { return this.records.tenants.getTenant(...args); }
  deleteEmptyTenant(...args: Args<'deleteEmptyTenant'>) { return this.records.tenants.deleteEmptyTenant(...args); }
  listTenants() { return this.records.tenants.listTenants(); }
  updateTenantSettings(...args: Args<'updateTenantSettings'>) { return this.records.tenants.updateTenantSettings(...args); }

  findApiKey(...args: Args<'findApiKey'>) { return this.records.credentials.findApiKey(...args); }
  rollApiKey(...args: Args<'rollApiKey'>) { return this.records.credentials.rollApiKey(...args); }
  findClient(...args: Args<'findClient'>) { return this.records.credentials.findClient(...args); }
  rollClient(...args: Args<'rollClient'>) { return this.records.credentials.rollClient(...args); }
  insertAccessToken(...args: Args<'insertAccessToken'>) { return this.records.credentials.insertAccessToken(...args); }
  findAccessToken(...args: Args<'findAccessToken'>) { return this.records.credentials.findAccessToken(...args); }
  deleteExpiredAccessTokens(...args: Args<'deleteExpiredAccessTokens'>) { return this.records.credentials.deleteExpiredAccessTokens(...args); }

  insertCustomer(...args: Args<'insertCustomer'>) { return this.records.customers.insertCustomer(...args); }
  insertCustomers(...args: Args<'insertCustomers'>) { return this.records.customers.insertCustomers(...args); }
  analyze() { return this.records.customers.analyze(); }
  getCustomer(...args: Args<'getCustomer'>) { return this.records.customers.getCustomer(...args); }
  updateCustomer(...args: Args<'updateCustomer'>) { return this.records.customers.updateCustomer(...args); }
  deleteCustomer(...args: Args<'deleteCustomer'>) { return this.records.customers.deleteCustomer(...args); }
  eraseCustomer(...args: Args<'eraseCustomer'>) { return this.records.customers.eraseCustomer(...args); }
  listCustomers(...args: Args<'listCustomers'>) { return this.records.customers.listCustomers(...args); }
  searchCustomers(...args: Args<'searchCustomers'>) { return this.records.customers.searchCustomers(...args); }

  listCustomerHistory(...args: Args<'listCustomerHistory'>) { return this.records.history.listCustomerHistory(...args); }
  deleteHistoryBefore(...args: Args<'deleteHistoryBefore'>) { return this.records.history.deleteHistoryBefore(...args); }

  claimIdempotencyKey(...args: Args<'claimIdempotencyKey'>) { return this.records.idempotency.claimIdempotencyKey(...args); }
  completeIdempotencyKey(...args: Args<'completeIdempotencyKey'>) { return this.records.idempotency.completeIdempotencyKey(...args); }
  releaseIdempotencyKey(...args: Args<'releaseIdempotencyKey'>) { return this.records.idempotency.releaseIdempotencyKey(...args); }
  deleteExpiredIdempotencyKeys(...args: Args<'deleteExpiredIdempotencyKeys'>) { return this.records.idempotency.deleteExpiredIdempotencyKeys(...args); }

  getEvent(...args: Args<'getEvent'>) { return this.records.events.getEvent(...args); }
  listEvents(...args: Args<'listEvents'>) { return this.records.events.listEvents(...args); }
  deleteEventsBefore(...args: Args<'deleteEventsBefore'>) { return this.records.events.deleteEventsBefore(...args); }

  insertEndpoint(...args: Args<'insertEndpoint'>) { return this.records.webhooks.insertEndpoint(...args); }
  getEndpoint(...args: Args<'getEndpoint'>) { return this.records.webhooks.getEndpoint(...args); }
  listEndpoints(...args: Args<'listEndpoints'>) { return this.records.webhooks.listEndpoints(...args); }
  updateEndpoint(...args: Args<'updateEndpoint'>) { return this.records.webhooks.updateEndpoint(...args); }
  deleteEndpoint(...args: Args<'deleteEndpoint'>) { return this.records.webhooks.deleteEndpoint(...args); }
  listDeliveries(...args: Args<'listDeliveries'>) { return this.records.webhooks.listDeliveries(...args); }
  getDelivery(...args: Args<'getDelivery'>) { return this.records.webhooks.getDelivery(...args); }
  retryDelivery(...args: Args<'retryDelivery'>) { return this.records.webhooks.retryDelivery(...args); }
  recoverDeliveries(...args: Args<'recoverDeliveries'>) { return this.records.webhooks.recoverDeliveries(...args); }
  claimDeliveries(...args: Args<'claimDeliveries'>) { return this.records.webhooks.claimDeliveries(...args); }
  recordAttempt(...args: Args<'recordAttempt'>) { return this.records.webhooks.recordAttempt(...args); }
  nextDueAt() { return this.records.webhooks.nextDueAt(); }
  deliveryBacklog() { return this.records.webhooks.deliveryBacklog(); }

  insertConsoleSession(...args: Args<'insertConsoleSession'>) { return this.records.consoleSessions.insertConsoleSession(...args); }
  findConsoleSession(...args: Args<'findConsoleSession'>) { return this.records.consoleSessions.findConsoleSession(...args); }
  deleteConsoleSession(...args: Args<'deleteConsoleSession'>) { return this.records.consoleSessions.deleteConsoleSession(...args); }
  deleteExpiredConsoleSessions(...args: Args<'deleteExpiredConsoleSessions'>) { return this.records.consoleSessions.deleteExpiredConsoleSessions(...args); }

  insertPartnerApp(...args: Args<'insertPartnerApp'>) { return this.records.partners.insertPartnerApp(...args); }
  findPartnerApp(...args: Args<'findPartnerApp'>) { return this.records.partners.findPartnerApp(...args); }
  listPartnerApps() { return this.records.partners.listPartnerApps(); }
  rollPartnerAppSecret(...args: Args<'rollPartnerAppSecret'>) { return this.records.partners.rollPartnerAppSecret(...args); }
  deletePartnerApp(...args: Args<'deletePartnerApp'>) { return this.records.partners.deletePartnerApp(...args); }
  insertPartnerGrant(...args: Args<'insertPartnerGrant'>) { return this.records.partners.insertPartnerGrant(...args); }
  findPartnerGrant(...args: Args<'findPartnerGrant'>) { return this.records.partners.findPartnerGrant(...args); }
  exchangePartnerGrant(...args: Args<'exchangePartnerGrant'>) { return this.records.partners.exchangePartnerGrant(...args); }
  listPartnerGrants(...args: Args<'listPartnerGrants'>) { return this.records.partners.listPartnerGrants(...args); }
  revokePartnerGrant(...args: Args<'revokePartnerGrant'>) { return this.records.partners.revokePartnerGrant(...args); }
  deleteExpiredPartnerGrants(...args: Args<'deleteExpiredPartnerGrants'>) { return this.records.partners.deleteExpiredPartnerGrants(...args); }
  watchDeliveries(...args: Args<'watchDeliveries'>) { return this.records.webhooks.watchDeliveries(...args); }
}
