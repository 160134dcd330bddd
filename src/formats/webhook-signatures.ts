import { createHmac } from 'node:crypto';

/**
 * The signatures a delivery carries. One `whsec_…` secret serves both native schemes: Stripe's
 * keys the HMAC with the whole secret string, Standard Webhooks' with the bytes its base64 names.
 * During a secret roll every scheme signs with each secret (both header formats allow several).
 */

const WHSEC = 'whsec_';

/** `Stripe-Signature: t=…,v1=…[,v1=…]`: HMAC-SHA256 (hex) of `t.body`, keyed with the secret string. */
export function stripeSignatureHeader(secrets: readonly string[], timestampS: number, body: string): string {
  const signed = `${timestampS}.${body}`;
  return [`t=${timestampS}`, ...secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`)].join(',');
}

/** Standard Webhooks' three headers: `webhook-signature` is `v1,<base64>` per secret, space-separated, over `id.timestamp.body`. */
export function standardWebhookHeaders(messageId: string, timestampS: number, body: string, secrets: readonly string[]): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signed = `${messageId}.${timestampS}.${body}`;
  const signatures = secrets.map((secret) => {
    const key = Buffer.from(secret.startsWith(WHSEC) ? secret.slice(WHSEC.length) : secret, 'base64');
    return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  });
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestampS), 'webhook-signature': signatures.join(' ') };
}

/** Count's `X-Webhook-Signature: sha256=<hex>`: HMAC-SHA256 of the raw body, keyed with the plaintext secret. */
export function countSignatureHeader(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
