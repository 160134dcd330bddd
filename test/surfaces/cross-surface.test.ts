/**
 * One store under every surface: a customer created through any surface that can create is read
 * back at once through every surface, with each field where that surface's format puts it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../helpers/server.ts';
import { tokenFor } from './asset/helpers.ts';
import { countClient } from './count/helpers.ts';
import { fromPrefixed, fromUuid, toPrefixed, toUuid } from '../../src/formats/ids.ts';

/** The same customer, as every surface's create call writes it. */
interface Person {
  name: string;
  email: string;
  phone: string;
  line1: string;
  city: string;
  postal: string;
  country: string;
}

/** What each reader shows of a customer, reduced to the shared fields. */
type Reader = (server: TestServer, nativeId: string) => Promise<Person>;

const readers: Record<string, Reader> = {
  async native(server, id) {
    const c = await server.stripe().customers.retrieve(id);
    assert.ok(!('deleted' in c && c.deleted));
    const a = (c as unknown as { address: Record<string, string> }).address;
    return { name: c.name!, email: c.email!, phone: c.phone!, line1: a.line1!, city: a.city!, postal: a.postal_code!, country: a.country! };
  },
  async asset(server, id) {
    const token = await tokenFor(server, server.tenant);
    const res = await server.request('GET', `/asset/v0/business/${server.tenant.wireId}/customers/${id}`, { key: token });
    assert.equal(res.status, 200, res.text);
    const c = res.body.data;
    assert.equal(c.id, id);
    const a = c.billing_address;
    return { name: c.name, email: c.email, phone: c.phone_number, line1: a.street_1, city: a.city, postal: a.postal_code, country: a.country };
  },
  async atlas(server, id) {
    const res = await server.request('GET', `/atlas/functions/v1/customers/${id}`);
    assert.equal(res.status, 200, res.text);
    const c = res.body;
    assert.equal(c.id, id);
    const a = c.billing_address;
    return { name: c.name, email: c.email, phone: c.phone, line1: a.line1, city: a.city, postal: a.postal_code, country: a.country };
  },
  async checkoutpage(server, id) {
    const hex = fromPrefixed('cus', id)!;
    const res = await server.request('GET', `/checkoutpage/v1/customers/${hex}`);
    assert.equal(res.status, 200, res.text);
    const c = res.body.data;
    assert.equal(c.id, hex);
    const a = c.address;
    return { name: c.name, email: c.email, phone: c.phone, line1: a.line1, city: a.city, postal: a.postalCode, country: a.country };
  },
  async count(server, id) {
    const uuid = toUuid(fromPrefixed('cus', id)!);
    const res = await countClient(server).request('GET', `/customers/${uuid}`);
    assert.equal(res.status, 200, res.text);
    const c = res.body.data;
    assert.equal(c.uuid, uuid);
    const a = c.billingAddress;
    return { name: c.customer, email: c.email, phone: c.mainPhone, line1: a.street, city: a.city, postal: a.zipCode, country: a.country };
  },
};

/** Each surface that can create, returning the native id of what it made. */
const creators: Record<string, (server: TestServer, p: Person) => Promise<string>> = {
  async native(server, p) {
    const c = await server.stripe().customers.create({
      name: p.name,
      email: p.email,
      phone: p.phone,
      address: { line1: p.line1, city: p.city, postal_code: p.postal, country: p.country },
    });
    return c.id;
  },
  async asset(server, p) {
    const token = await tokenFor(server, server.tenant);
    const res = await server.request('POST', `/asset/v0/business/${server.tenant.wireId}/customers`, {
      key: token,
      json: { name: p.name, email: p.email, phone_number: p.phone, billing_address: { street_1: p.line1, city: p.city, postal_code: p.postal, country: p.country } },
    });
    assert.equal(res.status, 200, res.text);
    return res.body.data.id;
  },
  async atlas(server, p) {
    const res = await server.request('POST', '/atlas/functions/v1/customers', {
      json: { name: p.name, email: p.email, phone: p.phone, billing_address: { line1: p.line1, city: p.city, postal_code: p.postal, country: p.country } },
    });
    assert.equal(res.status, 200, res.text);
    return res.body.id;
  },
  async count(server, p) {
    const res = await countClient(server).request('POST', '/customers', {
      customer: p.name,
      email: p.email,
      mainPhone: p.phone,
      billingAddress: { street: p.line1, city: p.city, zipCode: p.postal, country: p.country },
    });
    assert.equal(res.status, 201, res.text);
    return toPrefixed('cus', fromUuid(res.body.data.uuid)!);
  },
};

describe('one store under every surface', () => {
  const ctx = suiteServer();

  it('a change made via CheckoutPage (which cannot create) reads the same through every surface', async () => {
    const person: Person = { name: 'Before', email: 'checkoutpage.cross@example.com', phone: '+1 555 0100', line1: '1 Old Rd', city: 'Boston', postal: '02108', country: 'US' };
    const id = await creators.native!(ctx.server, person);
    const changed: Person = { ...person, name: 'After Ñandú', phone: '+1 555 0199', line1: '2 New Rd', city: 'Salem', postal: '01970' };
    const res = await ctx.server.request('PATCH', `/checkoutpage/v1/customers/${fromPrefixed('cus', id)}`, {
      json: { name: changed.name, phone: changed.phone, address: { line1: changed.line1, city: changed.city, postalCode: changed.postal, country: changed.country } },
    });
    assert.equal(res.status, 200, res.text);
    for (const [reader, read] of Object.entries(readers)) {
      assert.deepEqual(await read(ctx.server, id), changed, `checkoutpage → ${reader}`);
    }
  });

  for (const [creator, create] of Object.entries(creators)) {
    it(`a customer created via ${creator} reads the same through ${Object.keys(readers).join(', ')}`, async () => {
      const person: Person = {
        name: `Zoë ${creator} Ünal`,
        email: `${creator}.cross@example.com`,
        phone: '+33 1 23 45 67 89',
        line1: '5 rue de l’Église',
        city: 'Lyon',
        postal: '69002',
        country: 'FR',
      };
      const id = await create(ctx.server, person);
      for (const [reader, read] of Object.entries(readers)) {
        assert.deepEqual(await read(ctx.server, id), person, `${creator} → ${reader}`);
      }
    });
  }
});
