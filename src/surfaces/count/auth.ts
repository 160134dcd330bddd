import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authenticateAccessToken, authenticateSecretKey, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { CountAuthError } from './errors.ts';
import { rawBodyOf } from './raw-bodies.ts';

/**
 * Count's request signing (https://developers.getcount.com/getting-started/api-access-credentials,
 * https://developers.getcount.com/getting-started/important-note):
 *
 *   x-client-id   the client id (the tenant's test or live client: `cli_test_…` / `cli_live_…`)
 *   x-timestamp   Unix time, in seconds or in milliseconds (> 10^12 is read as milliseconds)
 *   x-signature   lower-case hex HMAC-SHA256, keyed with the client secret, of
 *                 `METHOD:path:timestamp:bodyHash`
 *
 * METHOD is upper case; `path` is the request path as sent, without this surface's prefix
 * (`/count/partners`, Count's `…/partners`) and without the query string (which is not signed);
 * `timestamp` is the x-timestamp header exactly as sent; `bodyHash` is the hex SHA-256 of the raw
 * body bytes for POST, PUT and PATCH and the empty string otherwise. A POST/PUT/PATCH without a
 * body may hash either nothing or `{}` (Count's sample client hashes `config.data || {}`).
 * A timestamp more than 5 minutes away from the server's clock is refused. The client's mode
 * (test or live) is the request's mode.
 *
 * Count also sends `Authorization: Bearer <user access token>` alongside the signature; here the
 * client credentials alone name the tenant and the mode, so on a signed request the Authorization
 * header is not read. Without any x-… signing header, `Authorization: Bearer` with one of the
 * tenant's secret keys (`sk_test_…`, `sk_live_…`) or an access token from Asset's
 * client-credentials grant (`at_…`) authenticates instead.
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

/** What the signing headers name, checked before the body is read: a request that cannot be valid is refused unread. */
interface SignedHeaders {
  timestamp: string;
  signature: string;
  found: SigningClient;
}

async function checkSigningHeaders(app: App, request: FastifyRequest): Promise<SignedHeaders> {
  const [clientId, timestamp, signature] = HEADERS.map((name) => header(request, name));
  for (const [index, value] of [clientId, timestamp, signature].entries()) {
    if (value === undefined || value.trim() === '') {
      const name = HEADERS[index]!;
      throw new CountAuthError('missing_header', `Missing ${name} header: signed requests carry x-client-id, x-timestamp and x-signature.`, {
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
  if (!SIGNATURE.test(signature!.trim()) || !CLIENT_ID.test(clientId!.trim())) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  const found = await app.credentials.signingClient(clientId!.trim());
  if (!found) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  return { timestamp: timestamp!.trim(), signature: signature!.trim(), found };
}

function verifySignature(request: FastifyRequest, signed: SignedHeaders, raw: Buffer): AuthContext {
  const { found } = signed;
  const given = Buffer.from(signed.signature, 'hex');
  const base = `${request.method.toUpperCase()}:${signedPath(request.raw.url ?? request.url)}:${signed.timestamp}`;
  let valid = false;
  for (const hash of bodyHashes(request.method.toUpperCase(), raw)) {
    const expected = createHmac('sha256', found.secret).update(`${base}:${hash}`).digest();
    // Every candidate is compared, in constant time each: no early exit tells which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  if (!valid) throw new CountAuthError('invalid_signature', BAD_SIGNATURE);
  // Only a correctly signed request learns that its credentials have expired.
  if (!found.active) {
    throw new CountAuthError('credentials_expired', 'These client credentials have expired: use the ones that replaced them.');
  }
  return found.principal;
}

async function bearer(app: App, authorization: string): Promise<AuthContext> {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw new CountAuthError(
      'invalid_authorization',
      "Invalid Authorization header: sign the request (x-client-id, x-timestamp, x-signature) or send 'Authorization: Bearer <secret key>'.",
    );
  }
  const token = match[1]!;
  if (token.startsWith('at_')) return authenticateAccessToken(app.credentials, token);
  return authenticateSecretKey(app.credentials, `Bearer ${token}`);
}

/**
 * Count's credentials in two steps. `headers` runs before the body is read: a bearer key or token
 * is checked in full, and a signed request's headers as far as they go without the body (all
 * three present, the timestamp in its window, a client that exists), so that a request that
 * cannot be authentic is refused before its body is taken in. `body` then checks the signature
 * over the raw body. Either throws CountAuthError (or the shared AuthError).
 */
export function countAuthentication(app: App) {
  const early = new WeakMap<FastifyRequest, { signed: SignedHeaders } | { auth: AuthContext }>();
  return {
    headers: async (request: FastifyRequest): Promise<void> => {
      if (HEADERS.some((name) => request.headers[name] !== undefined)) {
        early.set(request, { signed: await checkSigningHeaders(app, request) });
        return;
      }
      const authorization = header(request, 'authorization');
      if (authorization === undefined || authorization.trim() === '') {
        throw new CountAuthError(
          'missing_credentials',
          "Authentication required: sign the request with x-client-id, x-timestamp and x-signature, or send 'Authorization: Bearer <secret key>'.",
        );
      }
      early.set(request, { auth: await bearer(app, authorization) });
    },
    body: async (request: FastifyRequest): Promise<AuthContext> => {
      const checked = early.get(request);
      if (!checked) throw new CountAuthError('missing_credentials', 'Authentication required.');
      return 'auth' in checked ? checked.auth : verifySignature(request, checked.signed, rawBodyOf(request));
    },
  };
}
