import { randomFillSync } from 'node:crypto';

/** Entropy for invoice prefixes (not secrets), drawn from a pool: one randomBytes call per customer is slow in bulk. */
const PREFIX_POOL = Buffer.alloc(4096);
let prefixPoolAt = PREFIX_POOL.length;

/** 8 random upper-case hex digits, as Stripe's invoice prefixes look. */
export function randomInvoicePrefix(): string {
  if (prefixPoolAt + 4 > PREFIX_POOL.length) {
    randomFillSync(PREFIX_POOL);
    prefixPoolAt = 0;
  }
  const prefix = PREFIX_POOL.toString('hex', prefixPoolAt, prefixPoolAt + 4).toUpperCase();
  prefixPoolAt += 4;
  return prefix;
}
