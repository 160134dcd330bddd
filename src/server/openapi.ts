import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../http/types.ts';

/** `/openapi.json` (OpenAPI 3.1, from every route's TypeBox schemas) and the interactive docs at `/docs`. */
export async function registerOpenApi(app: App): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clientele',
        version: '0.1.0',
        description: "Customer records, wire-compatible with Stripe's Customers API, plus vendor surfaces over one store.",
      },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_…; HTTP Basic with the key as user name also works.' },
          assetOAuth: {
            type: 'oauth2',
            description: "Asset: the tenant's client credentials for an access token, then `Authorization: Bearer <access_token>`.",
            flows: { clientCredentials: { tokenUrl: '/asset/v0/auth/token', scopes: {} } },
          },
          countSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-signature',
            description: 'Count: x-client-id, x-timestamp and x-signature = hex HMAC-SHA256(client secret, METHOD:path:timestamp:bodyHash).',
          },
        },
      },
      security: [{ secretKey: [] }],
      tags: [
        { name: 'Customers', description: 'Native, Stripe-compatible API at /v1' },
        { name: 'Asset', description: "Asset's customer endpoints at /asset/v0" },
        { name: 'CheckoutPage', description: "CheckoutPage's customer endpoints at /checkoutpage/v1" },
        { name: 'Atlas', description: "Atlas's customer endpoints at /atlas/functions/v1" },
        { name: 'Count', description: "Count's customer endpoints at /count/partners" },
      ],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The UI's own policy (its inline script and style hashes), stricter: never framed, nothing
    // loaded from elsewhere, and no upgrade to https, which would break a plain-http local server.
    staticCSP: true,
    transformStaticCSP: (header: string) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(' validator.swagger.io', '')
        .replace(/\s*upgrade-insecure-requests;?/, ''),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
