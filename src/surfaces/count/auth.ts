import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticateSecretKey, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { CountAuthError } from './errors.ts';
import { rawBodyOf } from './raw-bodies.ts';

/**
 * Count's two layers of authentication (https://developers.getcount.com/getting-started/important-note,
 * https://developers.getcount.com/getting-started/api-access-credentials): every request is
 * signed (HMAC), and the data endpoints also carry `Authorization: Bearer` naming the workspace.
 *
 *   x-client-id   a partner application's client id (`pcl_…`), or the tenant's own client
 *                 (`cli_test_…` / `cli_live_…`: a self-hosted tenant needs no partner app)
 *   x-timestamp   Unix time, in seconds or in milliseconds (> 10^12 is read as milliseconds)
 *   x-signature   lower-case hex HMAC-SHA256, keyed with the client secret, of
 *                 `METHOD:path:timestamp:bodyHash`
 *
 * METHOD is upper case; `path` is the request path as sent, without this surface's prefix
 * (`/count/partners`, Count's `…/partners`) and without the query string (which is not signed);
 * `timestamp` is the x-timestamp header exactly as sent; `bodyHash` is the hex SHA-256 of the raw
 * body bytes for POST, PUT and PATCH and the empty string otherwise. A POST/PUT/PATCH without a
 * body may hash either nothing or `{}` (Count's sample client hashes `config.data || {}`).
 * A timestamp more than 5 minutes away from the server's clock is refused.
 *
 * The Bearer of a data request: a partner's access token (from the authorization-code flow,
 * issued to the application that signs), or, with the tenant's own client, one of that tenant's
 * secret keys of the client's mode. Either layer alone is a 401. The token endpoints
 * (grant-access-token, refresh-user-access-token) take the partner's signature only.
 */

/** Where the surface is mounted: Count's `…/partners`. */
export const PREFIX = '/count/partners';
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const SIGNATURE = /^[0-9a-fA-F]{64}$/;
const TIMESTAMP = /^[0-9]{1,16}$/;
const CLIENT_ID = /^[\x21-\x7e]{1,200}$/;
const HEADERS = ['x-client-id', 'x-timestamp', 'x-signature'] as const;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const EMPTY_HASHES = [sha256(''), sha256('{}')];

/** The path a client signs: the raw path as sent, less the prefix, less the query string. */
export function signedPath(rawUrl: string): string {
  const path = rawUrl.split('?', 1)[0] ?? '';
  return path.startsWith(PREFIX + '/') ? path.slice(PREFIX.length) : path;
}

/** The body hashes a signature may have been made with. */
function bodyHashes(method: string, raw: Buffer): string[] {
  if (!BODY_METHODS.has(method)) return [''];
  return raw.length === 0 ? EMPTY_HASHES : [sha256(raw)];
}

/** Milliseconds since the epoch for an x-timestamp (seconds or milliseconds), or null. */
export function timestampMs(text: string): number | null {
  if (!TIMESTAMP.test(text)) return null;
  const value = Number(text);
  return value > 1e12 ? value : value * 1000;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

const BAD_SIGNATURE =
  'Invalid signature: check the client id and secret, and that the signature covers METHOD:path:timestamp:bodyHash.';

type SigningClient = NonNullable<Awaited<ReturnType<App['credentials']['signingClient']>>>;
type SigningApp = NonNullable<Awaited<ReturnType<App['partners']['signingApp']>>>;

/** Who signs: the tenant's own client, or a partner application. */
type Signer = { kind: 'client'; client: SigningClient } | { kind: 'partner'; partner: SigningApp };

/** What the signing headers name, checked before the body is read: a request that cannot be valid is refused unread. */
interface SignedHeaders {
  timestamp: string;
  signature: string;
  signer: Signer;
}

const hasSigningHeaders = (request: FastifyRequest) => HEADERS.some((name) => request.headers[name] !== undefined);

async function checkSigningHeaders(app: App, request: FastifyRequest): Promise<SignedHeaders> {
  const [clientId, timestamp, signature] = HEADERS.map((name) => header(request, name));
  for (const [index, value] of [clientId, timestamp, signature].entries()) {
    if (value === undefined || value.trim() === '') {
      const name = HEADERS[index]!;
      throw new CountAuthError('missing_header', `Missing ${name} header: every request is signed with x-client-id, x-timestamp and x-signature.`, {
        header: name,
      });
    }
  }
  const ms = timestampMs(timestamp!.trim());
  if (ms === null) {
    throw new CountAuthError('invalid_timestamp', 'x-timestamp must be a Unix timestamp, in seconds or in milliseconds.');
  }
  const now = Date.now();
  if (Math.abs(now - ms) > MAX_CLOCK_SKEW_MS) {
    throw new CountAuthError('timestamp_out_of_range', 'x-timestamp is more than 5 minutes away from the server time: check the clock.', {
      serverTime: Math.floor(now / 1000),
    });
  }
  const id = clientId!.trim();
  if (!SIGNATURE.test(signature!.trim()) || !CLIENT_ID.test(id)) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  const partner = await app.partners.signingApp(id);
  const client = partner ? null : await app.credentials.signingClient(id);
  const signer: Signer | null = partner ? { kind: 'partner', partner } : client ? { kind: 'client', client } : null;
  if (!signer) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  return { timestamp: timestamp!.trim(), signature: signature!.trim(), signer };
}

/** Checks the signature over the raw body; a client that has expired learns so only once it signed correctly. */
function verifySignature(request: FastifyRequest, signed: SignedHeaders, raw: Buffer): void {
  const { signer } = signed;
  // A partner's rolled secret keeps signing through its grace: each one is tried.
  const secrets = signer.kind === 'partner' ? signer.partner.secrets : [signer.client.secret];
  const given = Buffer.from(signed.signature, 'hex');
  const base = `${request.method.toUpperCase()}:${signedPath(request.raw.url ?? request.url)}:${signed.timestamp}`;
  let valid = false;
  for (const secret of secrets) {
    for (const hash of bodyHashes(request.method.toUpperCase(), raw)) {
      const expected = createHmac('sha256', secret).update(`${base}:${hash}`).digest();
      // Every candidate is compared, in constant time each: no early exit tells which one matched.
      if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
    }
  }
  if (!valid) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  if (signer.kind === 'client' && !signer.client.active) {
    throw new CountAuthError('credentials_expired', 'These client credentials have expired: use the ones that replaced them.');
  }
}

const BEARER_NEEDED =
  "Missing Authorization header: data endpoints take 'Authorization: Bearer <access token>' (or, with the workspace's own client, its secret key) besides the signature.";

/** The workspace the Bearer names, for this signer: a partner's token issued to it, or the signing client's tenant's secret key. */
async function bearerFor(app: App, signer: Signer, authorization: string | undefined): Promise<AuthContext> {
  if (authorization === undefined || authorization.trim() === '') throw new CountAuthError('missing_bearer', BEARER_NEEDED);
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new CountAuthError('invalid_authorization', "Invalid Authorization header: use 'Authorization: Bearer <access token>'.");
  const token = match[1]!;
  if (signer.kind === 'partner') {
    const checked = await app.partners.verifyAccessToken(signer.partner.app.id, token);
    if (checked.ok) return checked.principal;
    if (checked.reason === 'expired') throw new CountAuthError('token_expired', 'The access token expired: get a new one with the refresh token (refresh-user-access-token).');
    throw new CountAuthError('invalid_token', 'Invalid access token: it was not issued to this client, or it was never issued.');
  }
  const key = await authenticateSecretKey(app.credentials, `Bearer ${token}`);
  const client = signer.client.principal;
  if (key.tenant.id !== client.tenant.id || key.mode !== client.mode) {
    throw new CountAuthError('credentials_mismatch', "The Bearer key and the signing client belong to different workspaces or modes: use the workspace's key of the client's mode.");
  }
  return client;
}

/**
 * Count's credentials in two steps. `headers` runs before the body is read: the signing headers
 * as far as they go without the body (all three present, the timestamp in its window, a client
 * that exists) and, on data endpoints, the Bearer in full, so that a request that cannot be
 * authentic is refused before its body is taken in. `body` then checks the signature over the
 * raw body. Either throws CountAuthError (or the shared AuthError).
 */
export function countAuthentication(app: App) {
  const early = new WeakMap<FastifyRequest, { signed: SignedHeaders; auth: AuthContext }>();
  return {
    headers: async (request: FastifyRequest): Promise<void> => {
      if (!hasSigningHeaders(request) && header(request, 'authorization') === undefined) {
        throw new CountAuthError(
          'missing_credentials',
          "Authentication required: sign the request with x-client-id, x-timestamp and x-signature, and send 'Authorization: Bearer <access token>'.",
        );
      }
      const signed = await checkSigningHeaders(app, request);
      early.set(request, { signed, auth: await bearerFor(app, signed.signer, header(request, 'authorization')) });
    },
    body: async (request: FastifyRequest): Promise<AuthContext> => {
      const checked = early.get(request);
      if (!checked) throw new CountAuthError('missing_credentials', 'Authentication required.');
      verifySignature(request, checked.signed, rawBodyOf(request));
      return checked.auth;
    },
  };
}

/**
 * The token endpoints' one layer: a partner application's signature (its Bearer, if any, is not
 * read). `headers` and `body` as for the data endpoints; `body` resolves with the application.
 */
export function partnerSignature(app: App) {
  const early = new WeakMap<FastifyRequest, SignedHeaders>();
  return {
    headers: async (request: FastifyRequest): Promise<void> => {
      const signed = await checkSigningHeaders(app, request);
      if (signed.signer.kind !== 'partner') {
        throw new CountAuthError('partner_required', 'Sign token requests with your partner application\'s client id and secret (`clientele partners create`).');
      }
      early.set(request, signed);
    },
    body: (request: FastifyRequest): SigningApp => {
      const signed = early.get(request);
      if (!signed || signed.signer.kind !== 'partner') throw new CountAuthError('missing_credentials', 'Authentication required.');
      verifySignature(request, signed, rawBodyOf(request));
      return signed.signer.partner;
    },
  };
}
