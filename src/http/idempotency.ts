import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyError } from '../domain/errors.ts';
import type { IdempotencyRef, RecordedReply } from '../domain/idempotency-keys.ts';
import type { SecretBox } from '../domain/tenants/secret-box.ts';
import type { App } from './types.ts';

/**
 * Stripe's idempotency, on every write of every surface: a write sent with `Idempotency-Key` runs
 * once; retries with the same key and parameters get the first response back byte for byte, with
 * `Idempotent-Replayed: true` (the keys themselves: src/domain/idempotency-keys.ts).
 *
 * - The key is claimed after authentication and validation, so a request refused for its
 *   parameters never uses up its key (as Stripe: "no idempotent result is saved").
 * - A single-customer write stores its response in its own transaction (WriteContext.idempotency),
 *   so no crash can separate the write from the response its retry will get.
 * - Other outcomes worth replaying (a 404, a conflict, a bulk result) are stored when sent;
 *   parameter errors, 5xx and the like release the key for a corrected retry.
 * - A retry arriving while the first request runs waits for it and replays its response; still
 *   running after that → 409.
 */
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Statuses that are an outcome of running the request, and so are replayed to its retries. */
const REPLAYED_STATUSES = new Set([404, 409, 412]);
/** Response headers replayed with the body. */
const STORED_HEADERS = ['content-type', 'etag', 'location'];
export const MAX_KEY_LENGTH = 255;

/** The key this request holds while it runs. */
export interface HeldKey {
  ref: IdempotencyRef;
  owner: string;
  /** Set once the write's own transaction stored the response. */
  storedByWrite: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: HeldKey | null;
  }
  interface FastifyContextConfig {
    /**
     * false: the route takes no Idempotency-Key (it issues credentials, whose response must not be stored).
     * 'sealed': its response holds a secret; the stored copy is encrypted (the store never holds it in clear).
     */
    idempotent?: boolean | 'sealed';
  }
}

/** Hash of what makes two requests "the same": method, URL and parameters (key order ignored). */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n`).update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function registerIdempotency(app: App, box: SecretBox): void {
  const sealing = new ReplySealing(box);
  app.decorateRequest('idempotencyKey', null);

  // preHandler: every surface has authenticated and validated by now.
  app.addHook('preHandler', async (request, reply) => {
    const raw = request.headers['idempotency-key'];
    if (raw === undefined || !WRITE_METHODS.has(request.method) || request.auth === null) return;
    if (request.routeOptions.config?.idempotent === false) return;
    const key = Array.isArray(raw) ? raw.join(', ') : raw;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) throw new IdempotencyError('invalid_key', key.slice(0, 40));
    const ref: IdempotencyRef = { tenantId: request.auth.tenant.id, mode: request.auth.mode, key };
    const owner = randomBytes(12).toString('base64url');
    const taken = await app.idempotencyKeys.take(ref, requestFingerprint(request.method, request.url, request.body), owner);
    if (!taken.held) return replay(reply, sealing.opened(request, ref, taken.reply));
    request.idempotencyKey = { ref, owner, storedByWrite: false };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotencyKey;
    const status = reply.statusCode;
    if (!held || (held.storedByWrite && status < 300)) return payload;
    request.idempotencyKey = null;
    if ((status >= 200 && status < 300) || REPLAYED_STATUSES.has(status)) {
      await app.idempotencyKeys.complete(held.ref, held.owner, sealing.sealed(request, held.ref, responseOf(reply, payload)));
    } else {
      await app.idempotencyKeys.release(held.ref, held.owner);
    }
    return payload;
  });
}

/** The response as it leaves: its status, the headers worth replaying, its body. */
export function responseOf(reply: FastifyReply, payload: unknown): RecordedReply {
  const headers: Record<string, string> = { 'original-request': String(reply.request.id) };
  for (const name of STORED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: reply.statusCode, headers, body: typeof payload === 'string' ? payload : String(payload ?? '') };
}

/** Replies of routes marked `idempotent: 'sealed'`, encrypted at rest and bound to their key. */
class ReplySealing {
  constructor(private readonly box: SecretBox) {}

  sealed(request: FastifyRequest, ref: IdempotencyRef, response: RecordedReply): RecordedReply {
    return isSealed(request) ? { ...response, body: this.box.seal(response.body, contextOf(ref)) } : response;
  }

  opened(request: FastifyRequest, ref: IdempotencyRef, response: RecordedReply): RecordedReply {
    // A reply stored for another route never reaches here: its fingerprint (method and URL) differs.
    return isSealed(request) ? { ...response, body: this.box.open(response.body, contextOf(ref)) } : response;
  }
}

const isSealed = (request: FastifyRequest) => request.routeOptions.config?.idempotent === 'sealed';
const contextOf = (ref: IdempotencyRef) => `idempotency:${ref.tenantId}:${ref.mode}:${ref.key}`;

function replay(reply: FastifyReply, response: RecordedReply): FastifyReply {
  return reply.code(response.status).headers(response.headers).header('idempotent-replayed', 'true').send(response.body);
}

/** The held key's response, computed by the write's transaction from the written customer. */
export function storedByWrite(request: FastifyRequest, response: RecordedReply): RecordedReply {
  if (request.idempotencyKey) request.idempotencyKey.storedByWrite = true;
  return response;
}
