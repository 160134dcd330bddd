import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * How bodies and query strings are read, over raw HTTP: Stripe's bracket notation in form
 * bodies and query strings, its encodings, empty values that clear, and the same operations
 * in JSON. Every answer, success or failure, carries a `Request-Id`.
 */

interface Res {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

describe('form bodies, JSON bodies and query strings', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer();
  });
  after(async () => server.close());

  /** A raw request: `body` is sent as given, under `contentType` when there is one. */
  async function send(method: string, path: string, body?: string | Uint8Array, contentType?: string): Promise<Res> {
    const headers: Record<string, string> = { authorization: `Bearer ${server.tenant.keys.test}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body: body as BodyInit } : {}) });
    const text = await res.text();
    assert.match(res.headers.get('request-id') ?? '', /^req_[0-9A-Za-z]+$/, `${method} ${path}: Request-Id header`);
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  const FORM = 'application/x-www-form-urlencoded';
  const form = (method: string, path: string, body: string) => send(method, path, body, FORM);
  const json = (method: string, path: string, body: unknown) => send(method, path, JSON.stringify(body), 'application/json');
  const get = (path: string) => send('GET', path);

  function ok(res: Res): any {
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return res.body;
  }

  /** Asserts Stripe's error envelope; returns the error. */
  function stripeError(res: Res, status: number | '4xx', param?: string): { type: string; message: string; code?: string; param?: string } {
    if (status === '4xx') assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx, got ${res.status}: ${res.text.slice(0, 300)}`);
    else assert.equal(res.status, status, res.text.slice(0, 300));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.body ?? {}), ['error'], res.text.slice(0, 300));
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.equal(typeof res.body.error.message, 'string');
    assert.ok(res.body.error.message.length > 0);
    if (param !== undefined) assert.equal(res.body.error.param, param, res.text.slice(0, 300));
    return res.body.error;
  }

  const retrieve = async (id: string) => ok(await get(`/v1/customers/${id}`));
  const create = async (body: string) => ok(await form('POST', '/v1/customers', body));

  describe('form bodies', () => {
    it('reads nested brackets: address[city], invoice_settings[rendering_options][template], shipping[address][line1]', async () => {
      const c = await create(
        [
          'address[city]=Paris',
          'address[line1]=1+Rue+de+Rivoli',
          'address[country]=fr',
          'invoice_settings[rendering_options][template]=tpl_123',
          'invoice_settings[rendering_options][amount_tax_display]=include_inclusive_tax',
          'shipping[name]=Dock',
          'shipping[address][line1]=Quai+1',
          'shipping[address][postal_code]=75001',
          'metadata[order]=42',
        ].join('&'),
      );
      const stored = await retrieve(c.id);
      assert.deepEqual(stored.address, { city: 'Paris', country: 'FR', line1: '1 Rue de Rivoli', line2: null, postal_code: null, state: null });
      assert.deepEqual(stored.invoice_settings.rendering_options, { amount_tax_display: 'include_inclusive_tax', template: 'tpl_123' });
      assert.deepEqual(stored.shipping, {
        address: { city: null, country: null, line1: 'Quai 1', line2: null, postal_code: '75001', state: null },
        name: 'Dock',
        phone: null,
      });
      assert.deepEqual(stored.metadata, { order: '42' });
    });

    it('reads arrays as expand[]=x and as expand[0]=x&expand[1]=y', async () => {
      ok(await form('POST', '/v1/customers', 'expand[]=default_source'));
      ok(await form('POST', '/v1/customers', 'expand[0]=default_source&expand[1]=test_clock'));
      // Each element is really read: an unexpandable one is named, wherever it is in the list.
      const first = stripeError(await form('POST', '/v1/customers', 'expand[]=sources'), 400, 'expand');
      assert.match(first.message, /\(sources\)/);
      const second = stripeError(await form('POST', '/v1/customers', 'expand[0]=default_source&expand[1]=sources'), 400, 'expand');
      assert.match(second.message, /\(sources\)/);
      const pushed = stripeError(await form('POST', '/v1/customers', 'expand[]=test_clock&expand[]=sources'), 400, 'expand');
      assert.match(pushed.message, /\(sources\)/);
    });

    it('reads preferred_locales[0]=en&preferred_locales[1]=fr in order', async () => {
      const c = await create('preferred_locales[0]=en&preferred_locales[1]=fr');
      assert.deepEqual((await retrieve(c.id)).preferred_locales, ['en', 'fr']);
      const pushed = await create('preferred_locales[]=de&preferred_locales[]=it');
      assert.deepEqual((await retrieve(pushed.id)).preferred_locales, ['de', 'it']);
    });

    it('reads percent-encoded brackets: address%5Bcity%5D=…', async () => {
      const c = await create('address%5Bcity%5D=Lyon&metadata%5Bk%5D=v&preferred_locales%5B0%5D=fr');
      const stored = await retrieve(c.id);
      assert.equal(stored.address.city, 'Lyon');
      assert.deepEqual(stored.metadata, { k: 'v' });
      assert.deepEqual(stored.preferred_locales, ['fr']);
    });

    it('reads + and %20 as spaces, %2B as a plus, %26 and %3D inside values', async () => {
      const c = await create('name=Jean+Luc%20Picard&phone=%2B33+1+23&description=a%26b%3Dc&metadata[two+words]=x+y');
      const stored = await retrieve(c.id);
      assert.equal(stored.name, 'Jean Luc Picard');
      assert.equal(stored.phone, '+33 1 23');
      assert.equal(stored.description, 'a&b=c');
      assert.deepEqual(stored.metadata, { 'two words': 'x y' });
    });

    it('reads UTF-8 values: accents and emoji, with or without a charset parameter', async () => {
      const name = 'Zoë Café 🎉';
      const c = await create(`name=${encodeURIComponent(name)}&metadata[${encodeURIComponent('clé')}]=${encodeURIComponent('🚀 ünïcode')}`);
      const stored = await retrieve(c.id);
      assert.equal(stored.name, name);
      assert.deepEqual(stored.metadata, { clé: '🚀 ünïcode' });
      const withCharset = ok(await send('POST', '/v1/customers', `name=${encodeURIComponent('Émilie 😀')}`, `${FORM}; charset=utf-8`));
      assert.equal((await retrieve(withCharset.id)).name, 'Émilie 😀');
    });

    it('clears with empty values on update: name=, metadata[k]=, metadata=, address=, preferred_locales=', async () => {
      const c = await create(
        'name=Full&description=keep&metadata[a]=1&metadata[b]=2&metadata[c]=3&address[city]=Rome&preferred_locales[0]=it&preferred_locales[1]=en',
      );

      ok(await form('POST', `/v1/customers/${c.id}`, 'name='));
      let stored = await retrieve(c.id);
      assert.equal(stored.name, null);
      assert.equal(stored.description, 'keep');
      assert.deepEqual(stored.metadata, { a: '1', b: '2', c: '3' });

      ok(await form('POST', `/v1/customers/${c.id}`, 'metadata[a]='));
      stored = await retrieve(c.id);
      assert.deepEqual(stored.metadata, { b: '2', c: '3' });

      ok(await form('POST', `/v1/customers/${c.id}`, 'metadata='));
      stored = await retrieve(c.id);
      assert.deepEqual(stored.metadata, {});
      assert.equal(stored.address.city, 'Rome');

      ok(await form('POST', `/v1/customers/${c.id}`, 'address='));
      stored = await retrieve(c.id);
      assert.equal(stored.address, null);
      assert.deepEqual(stored.preferred_locales, ['it', 'en']);

      ok(await form('POST', `/v1/customers/${c.id}`, 'preferred_locales='));
      stored = await retrieve(c.id);
      assert.deepEqual(stored.preferred_locales, []);
      assert.equal(stored.description, 'keep');
    });

    it('refuses a scalar given twice (name=a&name=b) with param name', async () => {
      const c = await create('name=Once');
      stripeError(await form('POST', '/v1/customers', 'name=a&name=b'), 400, 'name');
      stripeError(await form('POST', `/v1/customers/${c.id}`, 'name=a&name=b'), 400, 'name');
      assert.equal((await retrieve(c.id)).name, 'Once');
    });

    it('refuses an object or a list where a string is expected (name[x]=1, name[]=a)', async () => {
      stripeError(await form('POST', '/v1/customers', 'name[x]=1'), 400, 'name');
      stripeError(await form('POST', '/v1/customers', 'name[]=a'), 400, 'name');
      stripeError(await form('POST', '/v1/customers', 'metadata[k][x]=1'), 400, 'metadata[k]');
    });

    it('refuses too-deep nesting with 400, never 500', async () => {
      stripeError(await form('POST', '/v1/customers', 'metadata[a][b][c][d][e][f]=1'), 400);
      stripeError(await form('POST', '/v1/customers', 'shipping[address][line1][a][b][c][d][e][f][g]=1'), 400);
      // The server still answers afterwards.
      ok(await form('POST', '/v1/customers', 'name=After+deep'));
    });

    it('refuses malformed percent-encoding instead of storing it verbatim, in bodies and query strings', async () => {
      for (const body of ['name=%E9t', 'description=a%ZZb', 'name=%', 'metadata%5Bk=1%']) {
        const err = stripeError(await form('POST', '/v1/customers', body), 400);
        assert.match(err.message, /percent-encoding/, body);
      }
      stripeError(await get('/v1/customers?email=a%ZZ'), 400);
      assert.equal(ok(await form('POST', '/v1/customers', 'name=%C3%A9t%C3%A9+100%25')).name, 'été 100%');
    });

    it('refuses the NUL character (U+0000) in forms, query strings and JSON, naming the field, on every store', async () => {
      assert.match(stripeError(await form('POST', '/v1/customers', 'name=a%00b'), 400).message, /NUL/);
      assert.match(stripeError(await get('/v1/customers?email=a%00b'), 400).message, /NUL/);
      assert.match(stripeError(await get('/v1/customers/search?query=name%3A%22a%00b%22'), 400).message, /NUL/);
      for (const body of [{ name: 'a\u0000b' }, { metadata: { k: 'v\u0000' } }, { address: { line1: '\u0000' } }, { metadata: { ['k\u0000']: 'v' } }]) {
        assert.match(stripeError(await json('POST', '/v1/customers', body), 400).message, /NUL/, JSON.stringify(body));
      }
      assert.equal(stripeError(await json('POST', '/v1/customers', { address: { city: 'x\u0000' } }), 400).param, 'address[city]');
    });

    it('refuses an unknown nested key with its bracketed name and parameter_unknown', async () => {
      const top = stripeError(await form('POST', '/v1/customers', 'address[foo]=1'), 400, 'address[foo]');
      assert.equal(top.code, 'parameter_unknown');
      const deeper = stripeError(
        await form('POST', '/v1/customers', 'shipping[name]=n&shipping[address][foo]=1'),
        400,
        'shipping[address][foo]',
      );
      assert.equal(deeper.code, 'parameter_unknown');
      const settings = stripeError(await form('POST', '/v1/customers', 'invoice_settings[rendering_options][foo]=1'), 400, 'invoice_settings[rendering_options][foo]');
      assert.equal(settings.code, 'parameter_unknown');
    });
  });

  describe('JSON bodies', () => {
    it('reads nested objects and arrays', async () => {
      const c = ok(
        await json('POST', '/v1/customers', {
          name: 'Zoë 🎉',
          address: { city: 'Paris', country: 'fr' },
          invoice_settings: { rendering_options: { template: 'tpl_9' } },
          shipping: { name: 'Dock', address: { line1: 'Quai 1' } },
          preferred_locales: ['en', 'fr'],
          metadata: { a: '1', b: '2' },
          expand: ['default_source'],
        }),
      );
      const stored = await retrieve(c.id);
      assert.equal(stored.name, 'Zoë 🎉');
      assert.equal(stored.address.city, 'Paris');
      assert.equal(stored.address.country, 'FR');
      assert.equal(stored.invoice_settings.rendering_options.template, 'tpl_9');
      assert.equal(stored.shipping.address.line1, 'Quai 1');
      assert.deepEqual(stored.preferred_locales, ['en', 'fr']);
      assert.deepEqual(stored.metadata, { a: '1', b: '2' });
    });

    it('clears with null and empty values: name null, metadata key null, metadata null, address null, preferred_locales [] and null', async () => {
      const c = ok(
        await json('POST', '/v1/customers', {
          name: 'Full',
          description: 'keep',
          metadata: { a: '1', b: '2', c: '3' },
          address: { city: 'Rome' },
          preferred_locales: ['it'],
        }),
      );

      ok(await json('POST', `/v1/customers/${c.id}`, { name: null }));
      let stored = await retrieve(c.id);
      assert.equal(stored.name, null);
      assert.equal(stored.description, 'keep');

      ok(await json('POST', `/v1/customers/${c.id}`, { metadata: { a: null } }));
      assert.deepEqual((await retrieve(c.id)).metadata, { b: '2', c: '3' });
      ok(await json('POST', `/v1/customers/${c.id}`, { metadata: { b: '' } }));
      assert.deepEqual((await retrieve(c.id)).metadata, { c: '3' });
      ok(await json('POST', `/v1/customers/${c.id}`, { metadata: null }));
      assert.deepEqual((await retrieve(c.id)).metadata, {});

      ok(await json('POST', `/v1/customers/${c.id}`, { address: null }));
      stored = await retrieve(c.id);
      assert.equal(stored.address, null);
      assert.deepEqual(stored.preferred_locales, ['it']);

      ok(await json('POST', `/v1/customers/${c.id}`, { preferred_locales: [] }));
      assert.deepEqual((await retrieve(c.id)).preferred_locales, []);
      ok(await json('POST', `/v1/customers/${c.id}`, { preferred_locales: ['fr'] }));
      ok(await json('POST', `/v1/customers/${c.id}`, { preferred_locales: null }));
      stored = await retrieve(c.id);
      assert.deepEqual(stored.preferred_locales, []);
      assert.equal(stored.description, 'keep');
    });

    it('refuses a list or an object where a string is expected, and unknown nested keys', async () => {
      stripeError(await json('POST', '/v1/customers', { name: ['a', 'b'] }), 400, 'name');
      stripeError(await json('POST', '/v1/customers', { name: { x: 1 } }), 400, 'name');
      const unknown = stripeError(await json('POST', '/v1/customers', { address: { foo: '1' } }), 400, 'address[foo]');
      assert.equal(unknown.code, 'parameter_unknown');
      stripeError(await json('POST', '/v1/customers', { metadata: { a: { b: { c: { d: { e: { f: '1' } } } } } } }), 400, 'metadata[a]');
    });

    it('refuses malformed JSON with 400 in Stripe\'s envelope', async () => {
      stripeError(await send('POST', '/v1/customers', '{"name":', 'application/json'), 400);
      stripeError(await send('POST', '/v1/customers', "{'name':'x'}", 'application/json'), 400);
      const c = await create('name=Target');
      stripeError(await send('POST', `/v1/customers/${c.id}`, '{"name":"x",}', 'application/json'), 400);
      assert.equal((await retrieve(c.id)).name, 'Target');
    });

    it('refuses a JSON value that is not an object with 400 in Stripe\'s envelope', async () => {
      stripeError(await send('POST', '/v1/customers', '["name"]', 'application/json'), 400);
      stripeError(await send('POST', '/v1/customers', '"name=x"', 'application/json'), 400);
    });
  });

  describe('content types', () => {
    it('refuses a body of an unsupported Content-Type with a 4xx in Stripe\'s envelope, never 500', async () => {
      stripeError(await send('POST', '/v1/customers', 'name=Plain', 'text/plain'), '4xx');
      stripeError(await send('POST', '/v1/customers', '<customer><name>Xml</name></customer>', 'application/xml'), '4xx');
      stripeError(await send('POST', '/v1/customers', 'name=Octets', 'application/octet-stream'), '4xx');
      const c = await create('name=Target');
      stripeError(await send('POST', `/v1/customers/${c.id}`, 'name=Plain', 'text/plain'), '4xx');
      assert.equal((await retrieve(c.id)).name, 'Target');
      // Nothing was created from the refused bodies.
      const query = encodeURIComponent('name:"Plain" OR name:"Xml" OR name:"Octets"');
      assert.deepEqual(ok(await get(`/v1/customers/search?query=${query}`)).data, []);
    });
  });

  describe('query strings on GET', () => {
    let createdAt: number;
    let ids: string[];

    before(async () => {
      createdAt = Math.floor(Date.now() / 1000) - 1;
      ids = [];
      for (const name of ['Query One', 'Query Two', 'Query Three']) ids.push((await create(`name=${encodeURIComponent(name)}`)).id);
    });

    it('reads created[gte]=…&limit=2', async () => {
      const page = ok(await get(`/v1/customers?created[gte]=${createdAt}&limit=2`));
      assert.equal(page.object, 'list');
      assert.equal(page.data.length, 2);
      assert.equal(page.has_more, true);
      const future = ok(await get(`/v1/customers?created[gte]=${createdAt + 3600}&limit=2`));
      assert.deepEqual(future.data, []);
      assert.equal(future.has_more, false);
      const past = ok(await get(`/v1/customers?created[lt]=${createdAt - 3600}`));
      assert.deepEqual(past.data, []);
      // Percent-encoded brackets read the same.
      const encoded = ok(await get(`/v1/customers?created%5Bgte%5D=${createdAt + 3600}`));
      assert.deepEqual(encoded.data, []);
    });

    it('reads expand[]=data.default_source and expand[0]=…&expand[1]=…', async () => {
      const list = ok(await get('/v1/customers?expand[]=data.default_source&limit=1'));
      assert.equal(list.data.length, 1);
      assert.equal(list.data[0].default_source, null);
      ok(await get('/v1/customers?expand[0]=data.default_source&expand[1]=data.test_clock&limit=1'));
      // Really read as a list: a path without the data. prefix is refused by name.
      const bad = stripeError(await get('/v1/customers?expand[]=default_source'), 400, 'expand');
      assert.match(bad.message, /\(default_source\)/);
      ok(await get(`/v1/customers/${ids[0]}?expand[]=default_source`));
      stripeError(await get(`/v1/customers/${ids[0]}?expand[]=sources`), 400, 'expand');
    });

    it('reads + as a space and UTF-8 in a search query', async () => {
      await create(`name=${encodeURIComponent('Café Ünïcode 🎉')}`);
      const plus = ok(await get('/v1/customers/search?query=name%3A%22Query+One%22'));
      assert.deepEqual(plus.data.map((c: { id: string }) => c.id), [ids[0]]);
      const utf8 = ok(await get(`/v1/customers/search?query=${encodeURIComponent('name:"Café Ünïcode 🎉"')}`));
      assert.equal(utf8.data.length, 1);
      assert.equal(utf8.data[0].name, 'Café Ünïcode 🎉');
    });

    it('refuses unknown nested keys and a scalar given twice in the query string', async () => {
      const unknown = stripeError(await get('/v1/customers?created[foo]=1'), 400, 'created[foo]');
      assert.equal(unknown.code, 'parameter_unknown');
      stripeError(await get('/v1/customers?limit=1&limit=2'), 400, 'limit');
    });

    it('refuses a too-deep or oversized query string with 400, and keeps serving', async () => {
      stripeError(await get('/v1/customers?created[a][b][c][d][e][f]=1'), 400);
      stripeError(await get('/v1/customers?expand[5000]=data.default_source'), 400);
      stripeError(await get(`/v1/customers/${ids[0]}?metadata[a][b][c][d][e][f]=1`), 400);
      // No authentication is needed to reach the parser: an anonymous request must not harm the server either.
      const anonymous = await fetch(`${server.url}/v1/customers?a[b][c][d][e][f][g]=1`);
      await anonymous.text();
      assert.ok(anonymous.status >= 400 && anonymous.status < 500, String(anonymous.status));
      assert.match(anonymous.headers.get('request-id') ?? '', /^req_/);
      ok(await get('/v1/customers?limit=1'));
    });
  });
  describe('encodings that must not lose data', () => {
    // "café" with a lone continuation byte and a cut sequence: not UTF-8.
    const badUtf8 = (prefix: string) => Buffer.concat([Buffer.from(`${prefix}"caf`), Buffer.from([0xe9]), Buffer.from('\x80"}')]);

    it('refuses a JSON body that is not UTF-8 (400) on every JSON surface, and stores nothing', async () => {
      const before = (await send('GET', '/v1/customers?limit=100')).body.data.length;
      const native = await send('POST', '/v1/customers', badUtf8('{"name":'), 'application/json');
      assert.equal(native.status, 400, native.text);
      assert.equal(native.body.error.type, 'invalid_request_error');
      assert.equal((await send('GET', '/v1/customers?limit=100')).body.data.length, before);
      const atlas = await send('POST', '/atlas/functions/v1/customers', badUtf8('{"email":"utf8@example.com","name":'), 'application/json');
      assert.equal(atlas.status, 400, atlas.text);
      const id = (await send('POST', '/v1/customers', '{"name":"ok"}', 'application/json')).body.id;
      const cp = await send('PATCH', `/checkoutpage/v1/customers/${id.replace(/^cus_/, '')}`, badUtf8('{"name":'), 'application/json');
      assert.equal(cp.status, 400, cp.text);
      assert.equal((await send('GET', `/v1/customers/${id}`)).body.name, 'ok');
      // Valid UTF-8 beyond ASCII is text like any other.
      const fine = await send('POST', '/v1/customers', Buffer.from('{"name":"café ☕ 𝄞"}'), 'application/json');
      assert.equal(fine.body.name, 'café ☕ 𝄞');
    });

    it('metadata keys named like Object.prototype members are kept, the same in a form and in JSON; __proto__ is refused in both', async () => {
      const keys = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
      const form = await send('POST', '/v1/customers', keys.map((k) => `metadata[${k}]=v-${k}`).join('&'), 'application/x-www-form-urlencoded');
      const json = await send('POST', '/v1/customers', JSON.stringify({ metadata: Object.fromEntries(keys.map((k) => [k, `v-${k}`])) }), 'application/json');
      assert.equal(form.status, 200, form.text);
      assert.equal(json.status, 200, json.text);
      assert.deepEqual(form.body.metadata, Object.fromEntries(keys.map((k) => [k, `v-${k}`])));
      assert.deepEqual(form.body.metadata, json.body.metadata);
      const stored = await send('GET', `/v1/customers/${form.body.id}`);
      assert.deepEqual(stored.body.metadata, form.body.metadata);
      for (const body of ['metadata[__proto__]=x', 'metadata%5B__proto__%5D=x', '__proto__[name]=x']) {
        const res = await send('POST', '/v1/customers', body, 'application/x-www-form-urlencoded');
        assert.equal(res.status, 400, body);
      }
      assert.equal((await send('POST', '/v1/customers', '{"metadata":{"__proto__":"x"}}', 'application/json')).status, 400);
    });
  });
});
