import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Customer } from '../domain/customers/model.ts';
import { customerEtag, type Precondition } from '../domain/customers/precondition.ts';
import type { WriteContext } from '../domain/customers/write-context.ts';
import { storedByWrite } from './idempotency.ts';
import { keyIdToWire } from '../formats/ids.ts';

/** Who is writing, for the history: the key or client, the surface, the request. */
export function writeContext(request: FastifyRequest): WriteContext {
  const auth = request.auth;
  return { actor: actorOf(auth), surface: request.surface, requestId: String(request.id) };
}

/** How the history names who wrote: never a secret. */
export function actorOf(auth: FastifyRequest['auth']): string {
  if (auth === null) return 'system';
  if (auth.keyKind === 'api_key') return `api_key:${keyIdToWire(auth.keyId)}`;
  return `${auth.keyKind}:${auth.keyId}`;
}

/**
 * One customer written by one request: the context for the service, and `send` for the handler's
 * answer. The two render the customer the same way, so the response a retry replays (stored by the
 * write's own transaction) is byte for byte the one sent.
 */
export function customerWrite<T>(request: FastifyRequest, reply: FastifyReply, render: (customer: Customer) => T, status = 200) {
  const context = writeContext(request);
  // Rendered once: what the transaction stores for replay is the very object the handler sends.
  let rendered: { customer: Customer; body: T } | null = null;
  const renderOnce = (customer: Customer): T => {
    if (rendered?.customer !== customer) rendered = { customer, body: render(customer) };
    return rendered.body;
  };
  const held = request.idempotencyKey;
  if (held) {
    context.idempotency = {
      ref: held.ref,
      owner: held.owner,
      reply: (customer) =>
        storedByWrite(request, {
          status,
          headers: { 'original-request': String(request.id), 'content-type': 'application/json; charset=utf-8', etag: customerEtag(customer) },
          body: JSON.stringify(renderOnce(customer)),
        }),
    };
  }
  return {
    context,
    send(customer: Customer): T {
      void reply.code(status).header('ETag', customerEtag(customer));
      return renderOnce(customer);
    },
  };
}

/** ETag on a response that shows one customer. */
export function withEtag<T>(reply: FastifyReply, customer: Customer, body: T): T {
  void reply.header('ETag', customerEtag(customer));
  return body;
}

/**
 * `If-Match`: `*`, or a list of entity tags. Weak tags never match (If-Match compares strongly),
 * and a header that is not a list of tags matches nothing: the write is refused, not guessed at.
 */
export function preconditionOf(request: FastifyRequest): Precondition | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return '*';
  const tags: string[] = [];
  for (const part of value.split(',')) {
    const tag = part.trim();
    if (/^"[\x21\x23-\x7e]*"$/.test(tag)) tags.push(tag);
  }
  return tags;
}
