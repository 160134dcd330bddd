import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CustomerService } from '../domain/customers/customer-service.ts';
import type { IdempotencyKeys } from '../domain/idempotency-keys.ts';
import type { CredentialService } from '../domain/tenants/credential-service.ts';
import type { EventService } from '../domain/events/event-service.ts';
import type { WebhookService } from '../domain/webhooks/webhook-service.ts';
import type { AuthContext } from './auth.ts';
import type { PartnerService } from '../domain/partners/partner-service.ts';
import type { ConsoleService } from '../domain/console/console-service.ts';
import type { TenantService } from '../domain/tenants/tenant-service.ts';

/**
 * The services routes reach through the app: the store itself is not among them, so the
 * compiler keeps every route to the domain's rules.
 */
declare module 'fastify' {
  interface FastifyInstance {
    customers: CustomerService;
    credentials: CredentialService;
    idempotencyKeys: IdempotencyKeys;
    events: EventService;
    webhooks: WebhookService;
    /** Count's partner applications and their OAuth grants. */
    partners: PartnerService;
    /** Console sign-in and sessions. */
    consoleSessions: ConsoleService;
    /** Tenants, their settings and credentials: the host admin's console. */
    tenants: TenantService;
  }
  interface FastifyRequest {
    /** Set by a surface's authentication hook; absent on public routes. */
    auth: AuthContext | null;
    /** The surface the URL names (`native`, `asset`, …; `other` outside them), set on arrival. */
    surface: string;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
