import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { answerProblem, problemOf, surfaceErrorHandler, type BareKind } from '../surfaces/shared/errors/answer.ts';
import { ERROR_CATALOGUE } from '../surfaces/shared/errors/catalogue.ts';
import { SURFACES } from './surfaces.ts';

/** Each surface by the start of the URLs it serves, with its error handler. */
const BY_PREFIX = SURFACES.map((surface) => ({ surface, start: surface.prefix + '/', onError: surfaceErrorHandler(surface.errors) }));

const mountedAt = (url: string) => BY_PREFIX.find((s) => url.startsWith(s.start));

/** The surface a request came through, by its URL: `native`, `asset`, …; `other` outside them. */
export function surfaceOf(request: FastifyRequest): string {
  return mountedAt(request.raw.url ?? '')?.surface.name ?? 'other';
}

/** For errors Fastify raises before routing (a malformed URL, say), in the format of the surface the URL names. */
export function frameworkErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mounted = mountedAt(request.raw.url ?? '');
  if (mounted) {
    mounted.onError(err, request, reply);
    return;
  }
  const status = (err as { statusCode?: number }).statusCode ?? 400;
  void reply.code(status).send({ error: 'Bad Request', message: (err as Error).message, statusCode: status });
}

const CLIENT_ERRORS: Readonly<Record<string, { kind: BareKind; message: string }>> = {
  HPE_HEADER_OVERFLOW: { kind: 'headers_too_large', message: 'The request headers are too large (at most 16 KiB, URL included).' },
  ERR_HTTP_REQUEST_TIMEOUT: { kind: 'request_timeout', message: 'The request took too long to arrive.' },
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL too large, bytes
 * that are not HTTP): answered in the format of the surface the request line names, when it can be
 * read, else as a bare JSON error. The connection is closed, as the parser cannot go on.
 */
export function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { kind, message } = CLIENT_ERRORS[err.code ?? ''] ?? { kind: 'malformed_request', message: 'The request is not valid HTTP.' };
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined;
  const url = raw?.toString('latin1', 0, 4096).split('\r\n', 1)[0]?.split(' ')[1] ?? '';
  const mounted = mountedAt(url);
  const answer = mounted ? answerProblem(mounted.surface.errors, problemOf(kind, message), null) : null;
  const status = answer?.status ?? ERROR_CATALOGUE[kind].status;
  const body = JSON.stringify(answer ? answer.body : { error: STATUS_CODES[status], message, statusCode: status });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
