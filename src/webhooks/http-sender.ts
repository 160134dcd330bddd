import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { SendOutcome } from '../domain/webhooks/retry-policy.ts';
import type { SendRequest } from './dispatcher.ts';
import { resolveReceiver } from './url-guard.ts';

/** Read of a receiver's answer, at most; the first KEPT_BYTES of it are kept with the attempt. */
const READ_BYTES = 64 * 1024;
const KEPT_BYTES = 1024;

// Keep-alive: a dispatcher sends many deliveries to the same receivers.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

export function closeSenderAgents(): void {
  agents.http.destroy();
  agents.https.destroy();
}

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP-date), or null. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * POSTs one delivery and says what came of it; never throws. The host is resolved and checked at
 * send time, and the connection made to the very address checked (no DNS rebinding); redirects are
 * not followed; the whole exchange has `timeoutMs`.
 */
export async function sendDelivery(request: SendRequest): Promise<SendOutcome> {
  const at = Date.now();
  const failed = (error: string): SendOutcome => ({ at, durationMs: Date.now() - at, statusCode: null, error, responseBody: null, retryAfterMs: null });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failed(`Invalid URL: ${request.url}`);
  }
  let address: { address: string; family: 4 | 6 };
  try {
    [address] = (await resolveReceiver(url.hostname, request.allowPrivate)) as [{ address: string; family: 4 | 6 }];
  } catch (err) {
    return failed(`Refused: ${(err as Error).message}`);
  }
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const secure = url.protocol === 'https:';
  const body = Buffer.from(request.body, 'utf8');
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        lookup,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Clientele-Webhooks/1.0',
          'content-length': String(body.length),
          ...request.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        const done = () =>
          finish({
            at,
            durationMs: Date.now() - at,
            statusCode: res.statusCode ?? null,
            error: null,
            responseBody: Buffer.concat(chunks).subarray(0, KEPT_BYTES).toString('utf8'),
            retryAfterMs: retryAfterMs(res.headers['retry-after'], Date.now()),
          });
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= KEPT_BYTES + chunk.length) chunks.push(chunk);
          if (read >= READ_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(failed(`Timed out after ${Math.round(request.timeoutMs / 100) / 10} s`));
    }, request.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish(failed(err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message)));
    req.end(body);
  });
}
