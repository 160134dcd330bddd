import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, type ErrorKind } from './catalogue.ts';
import { classify, type Problem } from './problem.ts';

/** A surface's rendering of a problem: the body in its format, and headers of its own. */
export interface Rendered<Body> {
  body: Body;
  /** Headers this surface adds (Stripe-Should-Retry, WWW-Authenticate, …) beside the shared ones. */
  headers?: Record<string, string>;
  /** The kind whose status to answer with, where the vendor files this problem under another kind. */
  as?: ErrorKind;
}

/** How one surface answers errors: one renderer, and the statuses its vendor documents differently. */
export interface SurfaceErrors<Body = unknown> {
  /** Where the vendor's documentation gives another status than the catalogue's, by kind. */
  statusExceptions?: Partial<Record<ErrorKind, number>>;
  /** The body for any problem; `request` is null for a request refused before Fastify saw it. */
  render(problem: Problem, request: FastifyRequest | null): Rendered<Body>;
}

export interface Answer<Body = unknown> {
  /** The kind answered as: the problem's, or the one the surface files it under. */
  kind: ErrorKind;
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/** Headers every surface sends with a problem of this kind. */
function sharedHeaders(problem: Problem): Record<string, string> {
  switch (problem.kind) {
    case 'unavailable':
    case 'idempotency_key_in_use':
      return { 'Retry-After': '1' };
    case 'rate_limited':
      return { 'Retry-After': String(problem.error.retryAfterSeconds) };
    case 'precondition_failed':
      return { ETag: problem.error.currentEtag };
    default:
      return {};
  }
}

export function statusFor(surface: SurfaceErrors, kind: ErrorKind): number {
  return surface.statusExceptions?.[kind] ?? ERROR_CATALOGUE[kind].status;
}

/** Kinds that no thrown error need carry: an unknown route, a request refused before Fastify saw it. */
export type BareKind = 'route_not_found' | 'malformed_request' | 'request_timeout' | 'headers_too_large';

export function problemOf(kind: BareKind, message: string): Problem {
  return { kind, error: null, message };
}

/** The answer to `problem` in the surface's format: status from the tables, body from the renderer. */
export function answerProblem<Body>(surface: SurfaceErrors<Body>, problem: Problem, request: FastifyRequest | null): Answer<Body> {
  const rendered = surface.render(problem, request);
  const kind = rendered.as ?? problem.kind;
  return {
    kind,
    status: statusFor(surface, kind),
    headers: { ...sharedHeaders(problem), ...rendered.headers },
    body: rendered.body,
  };
}

/** The answer to any thrown value; an unexpected one is a 500 that says where it is logged. */
export function answerError<Body>(surface: SurfaceErrors<Body>, err: unknown, request: FastifyRequest): Answer<Body> {
  const problem = classify(err) ?? { kind: 'internal', error: err, message: `An unexpected error occurred (request ${request.id}). It has been logged.` };
  return answerProblem(surface, problem, request);
}

function send(reply: FastifyReply, answer: Answer): void {
  void reply.headers(answer.headers).code(answer.status).send(answer.body);
}

/** The surface's Fastify error handler: every failure leaves in its format, never a stack. */
export function surfaceErrorHandler(surface: SurfaceErrors) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = answerError(surface, err, request);
    if (answer.status >= 500 && classify(err) === null) request.log.error({ err }, 'unhandled error');
    send(reply, answer);
  };
}

/** The surface's answer for a URL none of its routes serves. */
export function surfaceNotFoundHandler(surface: SurfaceErrors) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const path = (request.raw.url ?? request.url).split('?')[0] ?? '';
    send(reply, answerProblem(surface, problemOf('route_not_found', `Unrecognized request URL (${request.method} ${path}).`), request));
  };
}
