import type { FastifyReply, FastifyRequest } from 'fastify';

/** Renders any error in Count's error format. */
export function countErrorHandler(err: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  const status = (err as { statusCode?: number }).statusCode ?? 500;
  void reply.code(status).send({ message: (err as Error).message });
}
