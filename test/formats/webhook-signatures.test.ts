import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../src/domain/webhooks/endpoint.ts';
import { countSignatureHeader, standardWebhookHeaders, stripeSignatureHeader } from '../../src/formats/webhook-signatures.ts';

const stripe = new Stripe('sk_test_unused', { telemetry: false });
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: { name: 'Zoë' } } });

function verifiesBoth(payload: string, secrets: string[], secret: string): boolean {
  const t = Math.floor(Date.now() / 1000);
  try {
    stripe.webhooks.constructEvent(payload, stripeSignatureHeader(secrets, t, body), secret);
    new Webhook(secret).verify(payload, standardWebhookHeaders('evt_1', t, body, secrets));
    return true;
  } catch {
    return false;
  }
}

describe('webhook signatures', () => {
  it('a whsec_ secret carries at least 24 random bytes', () => {
    const secret = newWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.from(secret.slice(6), 'base64').length >= 24);
    assert.notEqual(newWebhookSecret(), secret);
  });

  it("verify with the official stripe and standardwebhooks packages; a changed body or another secret does not", () => {
    const secret = newWebhookSecret();
    assert.ok(verifiesBoth(body, [secret], secret));
    assert.ok(!verifiesBoth(body.replace('Zoë', 'Zoe'), [secret], secret));
    assert.ok(!verifiesBoth(body, [secret], newWebhookSecret()));
  });

  it('during a roll, both secrets sign and each alone verifies', () => {
    const [current, old] = [newWebhookSecret(), newWebhookSecret()];
    const header = stripeSignatureHeader([current, old], 1, body);
    assert.equal(header.split(',').filter((part) => part.startsWith('v1=')).length, 2);
    assert.equal(standardWebhookHeaders('evt_1', 1, body, [current, old])['webhook-signature'].split(' ').length, 2);
    assert.ok(verifiesBoth(body, [current, old], current));
    assert.ok(verifiesBoth(body, [current, old], old));
  });

  it("Count's is sha256=<hex HMAC-SHA256 of the raw body> with the plaintext secret", () => {
    assert.equal(countSignatureHeader('partner secret', body), `sha256=${createHmac('sha256', 'partner secret').update(body).digest('hex')}`);
  });
});
