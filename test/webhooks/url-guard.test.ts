import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomerScope } from '../../src/domain/customers/model.ts';
import { DnsUrlGuard } from '../../src/webhooks/url-guard.ts';

const test: CustomerScope = { tenantId: 't', mode: 'test' };
const live: CustomerScope = { tenantId: 't', mode: 'live' };

async function refusal(guard: DnsUrlGuard, url: string, scope = test): Promise<string> {
  try {
    await guard.check(url, scope, ['url']);
  } catch (err) {
    assert.equal((err as { kind?: string }).kind, 'validation');
    assert.deepEqual((err as { path: string[] }).path, ['url']);
    return (err as Error).message;
  }
  return 'accepted';
}

describe('receiver URLs', () => {
  const strict = new DnsUrlGuard({ allowPrivate: false });
  const lenient = new DnsUrlGuard({ allowPrivate: true });

  it('refuse loopback, private, link-local, CGNAT and other non-public hosts', async () => {
    for (const host of ['127.0.0.1', 'localhost', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[::1]', '[::ffff:127.0.0.1]', '[fd00::1]', '0.0.0.0']) {
      assert.match(await refusal(strict, `https://${host}/hook`), /private, loopback|does not resolve/, host);
      assert.equal(await refusal(lenient, `https://${host}/hook`), 'accepted', host);
    }
  });

  it('accept public addresses; refuse other schemes, credentials, and http in live mode', async () => {
    assert.equal(await refusal(strict, 'https://93.184.216.34/hook'), 'accepted');
    assert.equal(await refusal(strict, 'http://93.184.216.34/hook'), 'accepted', 'http is fine in test mode');
    assert.match(await refusal(strict, 'http://93.184.216.34/hook', live), /live-mode endpoints must use https/);
    assert.equal(await refusal(lenient, 'http://127.0.0.1/hook', live), 'accepted');
    for (const guard of [strict, lenient]) {
      assert.match(await refusal(guard, 'ftp://93.184.216.34/hook'), /only http and https/);
      assert.match(await refusal(guard, 'https://user:pw@93.184.216.34/hook'), /user name or password/);
      assert.match(await refusal(guard, 'not a url'), /Invalid URL/);
    }
  });
});
