import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import qs from 'qs';
import { startServer, type TestServer } from '../../helpers/server.ts';

/**
 * Every validation limit of the native surface, at its edge: the boundary value is accepted
 * (and stored unchanged), one past it is refused with 400, `invalid_request_error` and the
 * parameter in Stripe's bracket notation. Moving any limit either way fails a test here.
 */

type Init = { form?: string; json?: unknown; headers?: Record<string, string> };
type Res = Awaited<ReturnType<TestServer['request']>>;

/** A form body encoded the way the Stripe SDK encodes one: `a[b][0]=x`, brackets left bare. */
function stripeForm(data: Record<string, unknown>): string {
  return qs.stringify(data, { arrayFormat: 'indices' }).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

/** A syntactically valid e-mail address of exactly `length` characters (local part 64, labels ≤ 63). */
function emailOfLength(length: number, tag: string): string {
  const local = tag + 'a'.repeat(64 - tag.length);
  let rest = length - local.length - 1;
  const labels: string[] = [];
  while (rest > 63) {
    const len = rest - 64 >= 2 ? 63 : rest - 3;
    labels.push('b'.repeat(len));
    rest -= len + 1;
  }
  const email = `${local}@${[...labels, 'c'.repeat(rest)].join('.')}`;
  assert.equal(email.length, length);
  return email;
}

const LOCALES = [
  'en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'sv', 'da', 'fi', 'nb', 'pl', 'cs', 'sk', 'hu', 'ro',
  'bg', 'el', 'hr', 'sl', 'et', 'lv', 'lt', 'ja', 'ko', 'zh', 'th', 'tr', 'id', 'ms', 'vi',
];

describe('native validation limits', () => {
  let server: TestServer;
  /** A customer that JSON updates are tried against. */
  let target: string;

  before(async () => {
    server = await startServer();
    target = (await accepted('POST', '/v1/customers', { form: 'name=Target' })).id;
    // Enough customers that list and search limits are visible in the page size.
    await accepted('POST', '/v1/customers', { form: 'name=Other' });
  });
  after(async () => server.close());

  async function call(method: string, path: string, init: Init = {}): Promise<Res> {
    const res = await server.request(method, path, init);
    assert.match(res.headers.get('request-id') ?? '', /^req_[0-9A-Za-z]+$/, `${method} ${path}: Request-Id header`);
    return res;
  }

  async function accepted(method: string, path: string, init: Init = {}): Promise<any> {
    const res = await call(method, path, init);
    assert.equal(res.status, 200, `${method} ${path} should be accepted: ${res.text.slice(0, 300)}`);
    return res.body;
  }

  async function refused(method: string, path: string, init: Init, param: string): Promise<{ message: string; code?: string }> {
    const res = await call(method, path, init);
    assert.equal(res.status, 400, `${method} ${path} should be refused: ${res.text.slice(0, 300)}`);
    assert.equal(res.body?.error?.type, 'invalid_request_error', res.text.slice(0, 300));
    assert.equal(res.body.error.param, param, res.text.slice(0, 300));
    assert.equal(typeof res.body.error.message, 'string');
    return res.body.error;
  }

  const retrieve = async (id: string) => accepted('GET', `/v1/customers/${id}`);

  describe('text fields', () => {
    const TEXT = [
      { field: 'name', max: 256 },
      { field: 'phone', max: 20 },
      { field: 'description', max: 5000 },
      { field: 'business_name', max: 150 },
      { field: 'individual_name', max: 150 },
      { field: 'external_id', max: 255 },
      { field: 'website', max: 2048 },
    ];
    for (const { field, max } of TEXT) {
      it(`${field}: ${max} characters accepted, ${max + 1} refused (form and JSON)`, async () => {
        const fill = field === 'phone' ? '5' : field === 'website' ? 'w' : 'x';
        const atLimit = fill.repeat(max);
        const over = fill.repeat(max + 1);

        // Form body on create, as the Stripe SDK sends it.
        const created = await accepted('POST', '/v1/customers', { form: stripeForm({ [field]: atLimit }) });
        assert.equal(created[field], atLimit);
        await refused('POST', '/v1/customers', { form: stripeForm({ [field]: over }) }, field);

        // JSON body on update; the refused update leaves the stored value alone.
        const value = 'y'.repeat(max);
        await accepted('POST', `/v1/customers/${target}`, { json: { [field]: value } });
        assert.equal((await retrieve(target))[field], value);
        await refused('POST', `/v1/customers/${target}`, { json: { [field]: 'z'.repeat(max + 1) } }, field);
        assert.equal((await retrieve(target))[field], value);
      });
    }
  });

  it('email: a valid 512-character address accepted, 513 refused (form and JSON)', async () => {
    const atLimit = emailOfLength(512, 'form');
    const created = await accepted('POST', '/v1/customers', { form: stripeForm({ email: atLimit }) });
    assert.equal(created.email, atLimit);
    await refused('POST', '/v1/customers', { form: stripeForm({ email: emailOfLength(513, 'form') }) }, 'email');

    const json = emailOfLength(512, 'json');
    await accepted('POST', `/v1/customers/${target}`, { json: { email: json } });
    assert.equal((await retrieve(target)).email, json);
    await refused('POST', `/v1/customers/${target}`, { json: { email: emailOfLength(513, 'json') } }, 'email');
    assert.equal((await retrieve(target)).email, json);
  });

  describe('metadata', () => {
    const keys = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

    it('50 keys accepted, 51 refused with param metadata, counting keys after the merge on update', async () => {
      const c = await accepted('POST', '/v1/customers', { form: stripeForm({ metadata: keys(50) }) });
      assert.equal(Object.keys(c.metadata).length, 50);
      await refused('POST', '/v1/customers', { form: stripeForm({ metadata: keys(51) }) }, 'metadata');
      await refused('POST', '/v1/customers', { json: { metadata: keys(51) } }, 'metadata');

      // 50 stored + 1 new is 51: refused. Removing one while adding one stays at 50: accepted.
      await refused('POST', `/v1/customers/${c.id}`, { form: 'metadata[extra]=v' }, 'metadata');
      assert.equal(Object.keys((await retrieve(c.id)).metadata).length, 50);
      const swapped = await accepted('POST', `/v1/customers/${c.id}`, { form: 'metadata[extra]=v&metadata[k0]=' });
      assert.equal(Object.keys(swapped.metadata).length, 50);
      assert.equal(swapped.metadata.extra, 'v');
      assert.equal(swapped.metadata.k0, undefined);
    });

    it('keys of 40 characters accepted, 41 refused with param metadata[<key>]', async () => {
      const key40 = 'k'.repeat(40);
      const key41 = 'k'.repeat(41);
      const c = await accepted('POST', '/v1/customers', { form: stripeForm({ metadata: { [key40]: 'v' } }) });
      assert.deepEqual(c.metadata, { [key40]: 'v' });
      await refused('POST', '/v1/customers', { form: stripeForm({ metadata: { [key41]: 'v' } }) }, `metadata[${key41}]`);
      await refused('POST', `/v1/customers/${c.id}`, { json: { metadata: { [key41]: 'v' } } }, `metadata[${key41}]`);
      assert.deepEqual((await retrieve(c.id)).metadata, { [key40]: 'v' });
    });

    it('values of 500 characters accepted, 501 refused with param metadata[<key>]', async () => {
      const c = await accepted('POST', '/v1/customers', { form: stripeForm({ metadata: { note: 'v'.repeat(500) } }) });
      assert.equal(c.metadata.note, 'v'.repeat(500));
      await refused('POST', '/v1/customers', { form: stripeForm({ metadata: { note: 'v'.repeat(501) } }) }, 'metadata[note]');
      await refused('POST', `/v1/customers/${c.id}`, { json: { metadata: { note: 'w'.repeat(501) } } }, 'metadata[note]');
      assert.equal((await retrieve(c.id)).metadata.note, 'v'.repeat(500));
    });
  });

  it('invoice_prefix: 12 characters of [A-Z0-9] accepted, 13 refused, lowercase refused', async () => {
    const c = await accepted('POST', '/v1/customers', { form: 'invoice_prefix=ABCDEFGH1234' });
    assert.equal(c.invoice_prefix, 'ABCDEFGH1234');
    await refused('POST', '/v1/customers', { form: 'invoice_prefix=ABCDEFGH12345' }, 'invoice_prefix');
    await refused('POST', '/v1/customers', { form: 'invoice_prefix=abcd1234' }, 'invoice_prefix');
    await refused('POST', `/v1/customers/${c.id}`, { json: { invoice_prefix: 'ZYXWVUTS98765' } }, 'invoice_prefix');
    await refused('POST', `/v1/customers/${c.id}`, { json: { invoice_prefix: 'Abcd' } }, 'invoice_prefix');
    assert.equal((await retrieve(c.id)).invoice_prefix, 'ABCDEFGH1234');
  });

  describe('invoice_settings[custom_fields]', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));

    it('4 fields accepted, 5 refused', async () => {
      const c = await accepted('POST', '/v1/customers', { form: stripeForm({ invoice_settings: { custom_fields: fields(4) } }) });
      assert.deepEqual(c.invoice_settings.custom_fields, fields(4));
      await refused('POST', '/v1/customers', { form: stripeForm({ invoice_settings: { custom_fields: fields(5) } }) }, 'invoice_settings[custom_fields]');
      await refused('POST', `/v1/customers/${c.id}`, { json: { invoice_settings: { custom_fields: fields(5) } } }, 'invoice_settings[custom_fields]');
      assert.equal((await retrieve(c.id)).invoice_settings.custom_fields.length, 4);
    });

    it('name of 40 characters accepted, 41 refused', async () => {
      const ok = [{ name: 'n'.repeat(40), value: 'v' }];
      const c = await accepted('POST', '/v1/customers', { form: stripeForm({ invoice_settings: { custom_fields: ok } }) });
      assert.deepEqual(c.invoice_settings.custom_fields, ok);
      await refused(
        'POST',
        '/v1/customers',
        { form: stripeForm({ invoice_settings: { custom_fields: [{ name: 'n'.repeat(41), value: 'v' }] } }) },
        'invoice_settings[custom_fields][0][name]',
      );
    });

    it('value of 140 characters accepted, 141 refused', async () => {
      const ok = [{ name: 'n', value: 'v'.repeat(140) }];
      const c = await accepted('POST', '/v1/customers', { json: { invoice_settings: { custom_fields: ok } } });
      assert.deepEqual(c.invoice_settings.custom_fields, ok);
      await refused(
        'POST',
        '/v1/customers',
        { form: stripeForm({ invoice_settings: { custom_fields: [{ name: 'a', value: 'b' }, { name: 'n', value: 'v'.repeat(141) }] } }) },
        'invoice_settings[custom_fields][1][value]',
      );
    });
  });

  it('preferred_locales: 30 accepted, 31 refused', async () => {
    assert.equal(LOCALES.length, 31);
    const c = await accepted('POST', '/v1/customers', { form: stripeForm({ preferred_locales: LOCALES.slice(0, 30) }) });
    assert.deepEqual(c.preferred_locales, LOCALES.slice(0, 30));
    await refused('POST', '/v1/customers', { form: stripeForm({ preferred_locales: LOCALES }) }, 'preferred_locales');
    await refused('POST', `/v1/customers/${c.id}`, { json: { preferred_locales: LOCALES } }, 'preferred_locales');
    assert.equal((await retrieve(c.id)).preferred_locales.length, 30);
  });

  it('tax_id_data: 25 accepted, 26 refused', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'eu_vat', value: `DE${100000000 + i}` }));
    const c = await accepted('POST', '/v1/customers', { form: stripeForm({ tax_id_data: ids(25), expand: ['tax_ids'] }) });
    assert.deepEqual(c.tax_ids.data.map(({ type, value }: { type: string; value: string }) => ({ type, value })), ids(25));
    await refused('POST', '/v1/customers', { form: stripeForm({ tax_id_data: ids(26) }) }, 'tax_id_data');
    await refused('POST', '/v1/customers', { json: { tax_id_data: ids(26) } }, 'tax_id_data');
  });

  it('contacts: 100 accepted, 101 refused', async () => {
    const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Contact ${i}` }));
    const c = await accepted('POST', '/v1/customers', { form: stripeForm({ contacts: contacts(100) }) });
    assert.equal(c.contacts.length, 100);
    assert.equal(c.contacts[99].name, 'Contact 99');
    await refused('POST', '/v1/customers', { json: { contacts: contacts(101) } }, 'contacts');
    await refused('POST', `/v1/customers/${c.id}`, { json: { contacts: contacts(101) } }, 'contacts');
    assert.equal((await retrieve(c.id)).contacts.length, 100);
  });

  it('contacts: 101 form-encoded (as the Stripe SDK sends them) refused naming param contacts', async () => {
    const contacts = Array.from({ length: 101 }, (_, i) => ({ name: `Contact ${i}` }));
    await refused('POST', '/v1/customers', { form: stripeForm({ contacts }) }, 'contacts');
  });

  it('next_invoice_sequence: 1 accepted, 0 refused', async () => {
    const c = await accepted('POST', '/v1/customers', { form: 'next_invoice_sequence=1' });
    assert.equal(c.next_invoice_sequence, 1);
    await refused('POST', '/v1/customers', { form: 'next_invoice_sequence=0' }, 'next_invoice_sequence');
    await accepted('POST', `/v1/customers/${c.id}`, { json: { next_invoice_sequence: 7 } });
    await refused('POST', `/v1/customers/${c.id}`, { json: { next_invoice_sequence: 0 } }, 'next_invoice_sequence');
    await refused('POST', `/v1/customers/${c.id}`, { form: 'next_invoice_sequence=-1' }, 'next_invoice_sequence');
    assert.equal((await retrieve(c.id)).next_invoice_sequence, 7);
    const one = await accepted('POST', `/v1/customers/${c.id}`, { json: { next_invoice_sequence: 1 } });
    assert.equal(one.next_invoice_sequence, 1);
  });

  it('list limit: 1 and 100 accepted, 0 and 101 refused', async () => {
    const one = await accepted('GET', '/v1/customers?limit=1');
    assert.equal(one.data.length, 1);
    assert.equal(one.has_more, true);
    const hundred = await accepted('GET', '/v1/customers?limit=100');
    assert.ok(hundred.data.length >= 2 && hundred.data.length <= 100);
    await refused('GET', '/v1/customers?limit=0', {}, 'limit');
    await refused('GET', '/v1/customers?limit=101', {}, 'limit');
  });

  it('search limit: 1 and 100 accepted, 0 and 101 refused', async () => {
    const q = `query=${encodeURIComponent('created>0')}`;
    const one = await accepted('GET', `/v1/customers/search?${q}&limit=1`);
    assert.equal(one.data.length, 1);
    assert.equal(one.has_more, true);
    const hundred = await accepted('GET', `/v1/customers/search?${q}&limit=100`);
    assert.ok(hundred.data.length >= 2 && hundred.data.length <= 100);
    await refused('GET', `/v1/customers/search?${q}&limit=0`, {}, 'limit');
    await refused('GET', `/v1/customers/search?${q}&limit=101`, {}, 'limit');
  });

  it('search query: 10 clauses accepted, 11 refused with param query', async () => {
    const clauses = (n: number) => Array.from({ length: n }, (_, i) => `-name:"nobody ${i}"`);
    const ten = await accepted('GET', `/v1/customers/search?query=${encodeURIComponent(clauses(10).join(' AND '))}&limit=1`);
    assert.equal(ten.object, 'search_result');
    assert.equal(ten.data.length, 1);
    const err = await refused('GET', `/v1/customers/search?query=${encodeURIComponent(clauses(11).join(' AND '))}`, {}, 'query');
    assert.equal(err.code, 'search_query_invalid');
    // Clauses separated only by whitespace count the same.
    await accepted('GET', `/v1/customers/search?query=${encodeURIComponent(clauses(10).join(' '))}`);
    await refused('GET', `/v1/customers/search?query=${encodeURIComponent(clauses(11).join(' '))}`, {}, 'query');
  });

  it('search substring match: 3 characters accepted, 2 refused with param query', async () => {
    await accepted('POST', '/v1/customers', { form: stripeForm({ name: 'Substring Target' }) });
    const three = await accepted('GET', `/v1/customers/search?query=${encodeURIComponent('name~"str"')}`);
    assert.ok(three.data.some((c: { name: string }) => c.name === 'Substring Target'));
    const err = await refused('GET', `/v1/customers/search?query=${encodeURIComponent('name~"st"')}`, {}, 'query');
    assert.equal(err.code, 'search_query_invalid');
    // Characters, not UTF-16 units: three emoji are three characters, two are two.
    await accepted('GET', `/v1/customers/search?query=${encodeURIComponent('name~"😀😀😀"')}`);
    await refused('GET', `/v1/customers/search?query=${encodeURIComponent('name~"😀😀"')}`, {}, 'query');
  });

  describe('request body size', () => {
    const MiB = 1024 * 1024;

    async function post(body: string, contentType: string): Promise<Res> {
      const res = await fetch(`${server.url}/v1/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.tenant.keys.test}`, 'content-type': contentType },
        body,
      });
      const text = await res.text();
      assert.match(res.headers.get('request-id') ?? '', /^req_[0-9A-Za-z]+$/);
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    }

    /** A JSON body of exactly `bytes` bytes, padded with insignificant whitespace. */
    const jsonOf = (bytes: number) => {
      const json = JSON.stringify({ name: 'Big body' });
      return json + ' '.repeat(bytes - Buffer.byteLength(json));
    };

    it('a body of exactly 1 MiB accepted; 1 MiB + 1 byte refused with 413 in Stripe\'s envelope', async () => {
      const ok = await post(jsonOf(MiB), 'application/json');
      assert.equal(ok.status, 200, ok.text.slice(0, 300));
      assert.equal(ok.body.name, 'Big body');

      const tooBig = await post(jsonOf(MiB + 1), 'application/json');
      assert.equal(tooBig.status, 413, tooBig.text.slice(0, 300));
      assert.match(tooBig.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(tooBig.body.error.type, 'invalid_request_error');
      assert.equal(typeof tooBig.body.error.message, 'string');
      assert.deepEqual(Object.keys(tooBig.body), ['error']);

      const form = `name=x&description=${'a'.repeat(MiB)}`;
      const tooBigForm = await post(form, 'application/x-www-form-urlencoded');
      assert.equal(tooBigForm.status, 413, tooBigForm.text.slice(0, 300));
      assert.equal(tooBigForm.body.error.type, 'invalid_request_error');
      assert.equal(typeof tooBigForm.body.error.message, 'string');
    });
  });
});
