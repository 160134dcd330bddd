/**
 * The HTTP ceiling: Fastify with nothing behind it. It answers the native surface's retrieve
 * (`GET /v1/customers/:id`), create (`POST /v1/customers`, form body parsed) and list
 * (`GET /v1/customers`, ten customers) with fixed customers rendered exactly as the real server
 * renders them, serialised per request with JSON.stringify as the real server does. No
 * authentication, no validation, no store.
 *
 *   PORT=4300 node --import tsx bench/bare-server.ts
 */
import Fastify from 'fastify';
import { newCustomer } from '../src/domain/customers/factory.ts';
import { customerPatch } from './data.ts';
import { customerToStripe } from '../src/formats/stripe-customer.ts';

const scope = { tenantId: '0'.repeat(24), mode: 'test' as const };
const customer = customerToStripe(newCustomer(scope, customerPatch(42)));
const page = {
  object: 'list' as const,
  data: Array.from({ length: 10 }, (_, i) => customerToStripe(newCustomer(scope, customerPatch(i)))),
  has_more: true,
  url: '/v1/customers',
};

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body as string)));
});
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/v1/customers/:id', async () => customer);
app.get('/v1/customers', async () => page);
app.post('/v1/customers', async () => customer);

await app.listen({ port: Number(process.env.PORT ?? 4300), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
