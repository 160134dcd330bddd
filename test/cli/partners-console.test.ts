/**
 * `clientele partners create|list` and `clientele console link`, as processes on a data
 * directory; then a running server takes the partner and the link: initiate names the partner's
 * consent page, and the link opens a host-admin session once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliHarness } from '../helpers/cli.ts';
import { ConsoleClient } from '../console/console-client.ts';
import { CountClient } from '../surfaces/count/count-client.ts';

const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-partners-', timeoutMs: 20_000 });

describe('clientele partners and console link', () => {
  it('registers a partner (redirect URIs without query strings), lists it, and a running server serves its flow and the admin link', async () => {
    const dir = tempDir();
    const refused = await cli(dir, ['partners', 'create', '--name', 'Bad', '--redirect-uri', 'https://partner.example/cb?next=1', '--json']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /must not contain query parameters/);
    assert.equal((await cli(dir, ['partners', 'create', '--redirect-uri', 'https://partner.example/cb'])).code, 2, 'needs --name');

    const made = await cli(dir, ['partners', 'create', '--name', 'Ledgerly', '--redirect-uri', 'https://partner.example/cb', '--redirect-uri', 'https://partner.example/cb2', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const partner = JSON.parse(made.stdout);
    assert.match(partner.clientId, /^pcl_[0-9a-f]{24}$/);
    assert.ok(partner.clientSecret.length >= 40);
    assert.deepEqual(partner.redirectUris, ['https://partner.example/cb', 'https://partner.example/cb2']);
    const listed = await cli(dir, ['partners', 'list', '--json']);
    const apps = JSON.parse(listed.stdout);
    assert.deepEqual(apps.map((a: { clientId: string }) => a.clientId), [partner.clientId]);
    assert.doesNotMatch(listed.stdout, new RegExp(partner.clientSecret), 'the secret is shown once only');

    const server = await startServe(dir);
    try {
      const initiate = await fetch(`${server.url}/count/auth2/authorize-initiate?clientId=${partner.clientId}&redirectUri=${encodeURIComponent('https://partner.example/cb2')}&state=s`);
      assert.equal(initiate.status, 200);
      assert.match(((await initiate.json()) as { redirectUri: string }).redirectUri, /\/console\/oauth\/authorize\?clientId=pcl_/);

      const link = await cli(dir, ['console', 'link', '--url', server.url, '--json']);
      assert.equal(link.code, 0, link.stderr);
      const { url } = JSON.parse(link.stdout) as { url: string };
      assert.ok(url.startsWith(`${server.url}/console/admin-link?token=`));
      const token = new URL(url).searchParams.get('token')!;
      const admin = new ConsoleClient(server.url);
      const path = url.slice(server.url.length);
      assert.equal((await admin.submit(path, '/console/admin-link', { token })).status, 303);
      const tenants = await admin.get('/console/tenants');
      assert.equal(tenants.status, 200);
      assert.match(tenants.text, /Ledgerly/);
      assert.equal((await new ConsoleClient(server.url).submit(path, '/console/admin-link', { token })).status, 400, 'one use');

      // A signature is good when the token endpoint gets as far as the code (403), bad when it stops at 401.
      const signedWith = async (secret: string) =>
        (await new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: partner.clientId, clientSecret: secret }).request('POST', '/grant-access-token', { code: 'pac_none' })).status;
      assert.equal(await signedWith(partner.clientSecret), 403);
      const graced = JSON.parse((await cli(dir, ['partners', 'roll-secret', '--client-id', partner.clientId, '--expire-in', '3600', '--json'])).stdout);
      assert.notEqual(graced.clientSecret, partner.clientSecret);
      assert.deepEqual([await signedWith(partner.clientSecret), await signedWith(graced.clientSecret)], [403, 403], 'both sign during the grace');
      const now = JSON.parse((await cli(dir, ['partners', 'roll-secret', '--client-id', partner.clientId, '--json'])).stdout);
      assert.deepEqual([await signedWith(graced.clientSecret), await signedWith(now.clientSecret)], [401, 403], 'no grace: the old one stops at once');
      assert.equal((await cli(dir, ['partners', 'roll-secret', '--client-id', 'pcl_' + '0'.repeat(24)])).code, 2);

      const removed = await cli(dir, ['partners', 'remove', '--client-id', partner.clientId]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(await signedWith(now.clientSecret), 401, 'removed: unknown');
      assert.equal((await fetch(`${server.url}/count/auth2/authorize-initiate?clientId=${partner.clientId}&redirectUri=${encodeURIComponent('https://partner.example/cb')}&state=s`)).status, 400);
      assert.equal((await cli(dir, ['partners', 'remove', '--client-id', partner.clientId])).code, 2);
      assert.deepEqual(JSON.parse((await cli(dir, ['partners', 'list', '--json'])).stdout), []);
    } finally {
      await server.stop();
    }
  });
});
