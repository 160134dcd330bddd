import type { FastifyReply } from 'fastify';
import type { LimitedSurface } from '../../domain/tenants/rate-limit-policy.ts';

interface HeaderStyle {
  names: readonly [limit: string, remaining: string, reset: string];
  /** `unix`: the reset as unix seconds (Atlas, Asset); `delta`: seconds from now (the library's default). */
  reset: 'unix' | 'delta';
}

const LOWER = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const;

/** Rate-limit headers each surface sends; Stripe sends none. */
const HEADERS: Readonly<Record<LimitedSurface, HeaderStyle | null>> = {
  atlas: { names: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'], reset: 'unix' },
  asset: { names: LOWER, reset: 'unix' },
  checkoutpage: { names: LOWER, reset: 'delta' },
  count: { names: LOWER, reset: 'delta' },
  native: null,
};

export interface Budget {
  max: number;
  remaining: number;
  /** When the window refills, ms since the epoch. */
  resetMs: number;
}

export function setHeaders(surface: LimitedSurface, reply: FastifyReply, budget: Budget): void {
  const style = HEADERS[surface];
  if (!style) return;
  const reset = style.reset === 'unix' ? Math.ceil(budget.resetMs / 1000) : Math.max(0, Math.ceil((budget.resetMs - Date.now()) / 1000));
  // Set on the raw response so that the names keep the case the vendor documents.
  const [limit, remaining, resetName] = style.names;
  reply.raw.setHeader(limit, String(budget.max));
  reply.raw.setHeader(remaining, String(budget.remaining));
  reply.raw.setHeader(resetName, String(reset));
}
