/** Too many requests for a limit; each surface renders it in its own format, with Retry-After. */
export class RateLimitedError extends Error {
  constructor(
    /** Seconds until a request would be allowed again. */
    readonly retryAfterSeconds: number,
    /** What is limited, for the message: "100 requests per minute per client id". */
    readonly limit: string,
  ) {
    super(`Too many requests: the limit is ${limit}. Retry after ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`);
    this.name = 'RateLimitedError';
  }
}
