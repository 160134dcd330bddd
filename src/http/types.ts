import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CustomerService } from '../domain/customers/customer-service.ts';
import type { SecretBox } from '../domain/tenants/secret-box.ts';
import type { Store } from '../domain/store-port.ts';
import type { AuthContext } from './auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    customers: CustomerService;
    secrets: SecretBox;
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
