import type { Static } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../http/types.ts';
import { OAuthError } from '../oauth-errors.ts';
import { DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL, TOKEN_ERRORS, TokenRequest, TokenResponse } from '../schemas.ts';
import { businessIdFromWire } from '../wire.ts';

/**
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4). The client authenticates with
 * `client_id` and `client_secret` in the body (form-encoded, as Asset documents, or JSON) or with
 * HTTP Basic (§2.3.1). `scope` is taken and not narrowed; `resource` (RFC 8707) may repeat; any
 * other parameter given twice is refused, and parameters the grant does not know are ignored (§3.2).
 */

const BASIC_CHALLENGE = 'Basic realm="Clientele"';
/** A token request is a few short parameters: a larger body is refused (413) before it is read. */
const TOKEN_BODY_LIMIT = 16 * 1024;
const FAILED_CLIENT = 'Client authentication failed: unknown client_id, wrong client_secret, or credentials that have been rolled.';

type Client = NonNullable<Awaited<ReturnType<App['credentials']['authenticateClient']>>>;

const invalidRequest = (description: string) => new OAuthError('invalid_request', description);

/** One string parameter: absent or empty counts as not given (§3.2); numbers are taken as text. */
function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalidRequest(`${name} must be given once, as a string.`);
}

/** Client credentials from `Authorization: Basic base64(urlencoded id ":" urlencoded secret)`. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header) return null;
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'basic') return null;
  const malformed = (description: string) => new OAuthError('invalid_client', description, BASIC_CHALLENGE);
  if (!value || rest.length > 0) throw malformed('Malformed Authorization header: use Basic with base64(client_id:client_secret).');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed('Malformed Authorization header: use Basic with base64(client_id:client_secret).');
  try {
    const unform = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    throw malformed('Malformed Authorization header: client_id and client_secret must be form-encoded.');
  }
}

/**
 * RFC 8707 resource indicators: one or more (`resource` repeated), each an absolute URI without a
 * fragment. The token is opaque and good for this server's customer routes whatever they name:
 * Clientele is the one resource server it can be used at.
 */
function checkResources(value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const values = Array.isArray(value) ? value : [value];
  for (const entry of values) {
    if (typeof entry !== 'string') throw invalidRequest('resource must be given as text: an absolute URI.');
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(entry) && URL.canParse(entry);
    if (!absolute || entry.includes('#')) {
      throw new OAuthError('invalid_target', `resource must be an absolute URI without a fragment: '${entry.slice(0, 100)}' is not.`);
    }
  }
}

function ttlOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOKEN_TTL;
  const seconds = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_TTL) {
    throw invalidRequest(`expires_in must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL}.`);
  }
  return seconds;
}

export function assetAuthToken(app: App): void {
  // HTTP Basic credentials are checked from the headers, before the body is read; the handler
  // takes the client found.
  const byBasic = new WeakMap<FastifyRequest, Client>();
  const checkBasic = async (request: FastifyRequest): Promise<void> => {
    const basic = basicCredentials(request.headers.authorization);
    if (!basic) return;
    const client = await app.credentials.authenticateClient(basic.id, basic.secret);
    if (!client) throw new OAuthError('invalid_client', FAILED_CLIENT, BASIC_CHALLENGE);
    byBasic.set(request, client);
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<Static<typeof TokenResponse>> => {
    const raw: unknown = request.body ?? {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalidRequest('The body must be form-encoded parameters (or a JSON object).');
    }
    const body = raw as Record<string, unknown>;
    const grantType = param(body, 'grant_type') ?? 'client_credentials';
    const bodyId = param(body, 'client_id');
    const bodySecret = param(body, 'client_secret');
    const businessId = param(body, 'business_id');
    const ttl = ttlOf(param(body, 'expires_in'));
    checkResources(body.resource);
    if (grantType !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type', `grant_type '${grantType.slice(0, 40)}' is not supported: use client_credentials.`);
    }

    const basic = basicCredentials(request.headers.authorization);
    if (basic && bodySecret !== undefined) {
      throw invalidRequest('Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
    }
    if (basic && bodyId !== undefined && bodyId !== basic.id) {
      throw invalidRequest('client_id in the body differs from the one in the Authorization header.');
    }
    const challenge = basic ? BASIC_CHALLENGE : null;
    const clientId = basic?.id ?? bodyId;
    const secret = basic?.secret ?? bodySecret;
    if (clientId === undefined) throw new OAuthError('invalid_client', 'client_id is required.', challenge);
    if (secret === undefined) throw new OAuthError('invalid_client', 'client_secret is required.', challenge);

    const client = byBasic.get(request) ?? (await app.credentials.authenticateClient(clientId, secret));
    if (!client) throw new OAuthError('invalid_client', FAILED_CLIENT, challenge);

    // Tenant-level requests have their own budget (asset.tenant), counted once the client is known.
    await app.rateLimits.enforce('asset', request, reply, client);

    // business_id scopes the token to one business of the client's Asset account; without it, the
    // token is good for every business of the account (or for the client's own tenant, when it
    // belongs to none).
    const business = businessId === undefined ? undefined : (businessIdFromWire(businessId) ?? '');
    const issued = await app.credentials.issueAccessToken(client, ttl, business);
    if (!issued) {
      throw new OAuthError('invalid_scope', "business_id is not a business this client can act for: pass a business of the client's Asset account, or omit it.");
    }
    const { token, expiresAt } = issued;
    void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    // Asset's token page: "The token expiration time as a unix timestamp (seconds)".
    return { access_token: token, expires_in: expiresAt, token_type: 'Bearer' };
  };

  app.post('/auth/token', {
    // Its response holds a fresh access token, which must never be stored for replay.
    config: { idempotent: false },
    bodyLimit: TOKEN_BODY_LIMIT,
    onRequest: checkBasic,
    schema: {
      tags: ['Asset'],
      summary: 'Get an access token (OAuth 2.0 client credentials)',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      security: [],
      body: TokenRequest,
      response: { 200: TokenResponse, ...TOKEN_ERRORS },
    },
    // The schema documents the request; the handler checks it, to answer in RFC 6749's terms.
    validatorCompiler: () => () => true,
    handler,
  });
}
