import { createHash, createHmac } from 'node:crypto';

/**
 * A Count API client as Count's users write it (Count's "Important Note" page: an HTTP client with
 * the base URL and `x-client-id`, and a request hook that signs every request). Pointing it at
 * Clientele means swapping the base URL (`…/partners` → `…/count/partners`); the signing code
 * stays. This one signs with a millisecond timestamp (Count's pages and sample client send seconds;
 * both are taken), and returns the raw status and parsed body instead of throwing, so tests can
 * look at both.
 */

export interface CountResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CountClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The x-timestamp to send; default: now, in milliseconds. */
  timestamp?: () => string;
  /** Extra headers on every request (an Authorization header, say). */
  headers?: Record<string, string>;
}

/** `METHOD:path:timestamp:bodyHash`, HMAC-SHA256 with the client secret, lower-case hex. */
export function generateSignature(args: { method: string; path: string; timestamp: string; body: string | undefined; clientSecret: string }): string {
  const method = args.method.toUpperCase();
  const bodyHash = ['POST', 'PUT', 'PATCH'].includes(method) ? createHash('sha256').update(args.body ?? '').digest('hex') : '';
  return createHmac('sha256', args.clientSecret).update(`${method}:${args.path}:${args.timestamp}:${bodyHash}`).digest('hex');
}

export class CountClient {
  constructor(readonly options: CountClientOptions) {}

  /** Signs and sends one request; `path` is relative to the base URL and may carry a query string. */
  async request<T = any>(method: string, path: string, data?: unknown): Promise<CountResponse<T>> {
    const body = data === undefined ? undefined : JSON.stringify(data);
    const timestamp = this.options.timestamp?.() ?? String(Date.now());
    // The signed path is the URL path relative to the base, without the query string.
    const urlPath = new URL(path, 'http://count.invalid').pathname;
    const signature = generateSignature({ method, path: urlPath, timestamp, body, clientSecret: this.options.clientSecret });
    const headers: Record<string, string> = {
      ...this.options.headers,
      'x-client-id': this.options.clientId,
      'x-timestamp': timestamp,
      'x-signature': signature,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.options.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  listCustomers(params: Record<string, string | number> = {}) {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    return this.request('GET', `/customers${qs ? `?${qs}` : ''}`);
  }
  getCustomer(uuid: string) {
    return this.request('GET', `/customers/${encodeURIComponent(uuid)}`);
  }
  createCustomer(customer: Record<string, unknown>) {
    return this.request('POST', '/customers', customer);
  }
  updateCustomer(uuid: string, changes: Record<string, unknown>) {
    return this.request('PUT', `/customers/${encodeURIComponent(uuid)}`, changes);
  }
  deleteCustomer(uuid: string) {
    return this.request('DELETE', `/customers/${encodeURIComponent(uuid)}`);
  }
  findByEmail(email: string) {
    return this.request('GET', `/customers/find-by-email?email=${encodeURIComponent(email)}`);
  }
  bulkCreate(customers: unknown[]) {
    return this.request('POST', '/customers/bulk', { customers });
  }
  bulkUpdate(customers: unknown[]) {
    return this.request('PATCH', '/customers/bulk', { customers });
  }
}
