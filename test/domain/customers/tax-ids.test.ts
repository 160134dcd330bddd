import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkTaxIdValue, taxIdCountry } from '../../../src/domain/customers/tax-id-rules.ts';
import { reconcileTaxIds, storedTaxIds } from '../../../src/domain/customers/tax-ids.ts';
import { TAX_ID_TYPES, type TaxIdType } from '../../../src/domain/customers/tax-id-types.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

/** The examples of Stripe's "Customer tax IDs" page (docs.stripe.com/billing/customer/tax-ids): every one must be taken. */
const STRIPE_EXAMPLES: [TaxIdType, string][] = [
  ['ad_nrt', 'A-123456-Z'], ['ae_trn', '123456789012345'], ['al_tin', 'J12345678N'], ['am_tin', '02538904'], ['ao_tin', '5123456789'],
  ['ar_cuit', '12-3456789-01'], ['au_abn', '12345678912'], ['au_arn', '123456789123'], ['aw_tin', '12345678'], ['az_tin', '0123456789'],
  ['ba_tin', '123456789012'], ['bb_tin', '1123456789012'], ['bd_bin', '123456789-0123'], ['bg_uic', '123456789'], ['bh_vat', '123456789012345'],
  ['bj_ifu', '1234567890123'], ['bo_tin', '123456789'], ['br_cnpj', '01.234.456/5432-10'], ['br_cpf', '123.456.789-87'], ['bs_tin', '123.456.789'],
  ['by_tin', '123456789'], ['ca_bn', '123456789'], ['ca_gst_hst', '123456789RT0002'], ['ca_pst_bc', 'PST-1234-5678'], ['ca_pst_mb', '123456-7'],
  ['ca_pst_sk', '1234567'], ['ca_qst', '1234567890TQ1234'], ['ch_vat', 'CHE-123.456.789 MWST'], ['cl_tin', '12.345.678-K'],
  ['cn_tin', '123456789012345678'], ['co_nit', '123.456.789-0'], ['cr_tin', '1-234-567890'], ['de_stn', '1234567890'], ['eg_tin', '123456789'],
  ['es_cif', 'A12345678'], ['eu_oss_vat', 'EU123456789'], ['ge_vat', '123456789'], ['hr_oib', '12345678901'], ['sa_vat', '123456789012345'],
  ['us_ein', '12-3456789'], ['za_vat', '4123456789'], ['gb_vat', 'GB123456789'], ['in_gst', '12ABCDE3456FGZH'],
  ...['ATU12345678', 'BE0123456789', 'BG0123456789', 'CY12345678Z', 'CZ1234567890', 'DE123456789', 'DK12345678', 'EE123456789', 'ESA1234567Z',
    'FI12345678', 'FRAB123456789', 'EL123456789', 'HR12345678912', 'HU12345678912', 'IE1234567AB', 'IT12345678912', 'LT123456789123', 'LU12345678',
    'LV12345678912', 'MT12345678', 'NL123456789B12', 'PL1234567890', 'PT123456789', 'RO1234567891', 'SE123456789123', 'SI12345678', 'SK1234567891',
    'XI123456789'].map((value): [TaxIdType, string] => ['eu_vat', value]),
];

describe('tax id rules', () => {
  it("takes every example of Stripe's documentation", () => {
    for (const [type, value] of STRIPE_EXAMPLES) assert.equal(checkTaxIdValue(type, value).ok, true, `${type} ${value}`);
  });

  it('refuses values that cannot be of their type', () => {
    for (const [type, value] of [['eu_vat', 'nope'], ['eu_vat', 'DE12'], ['eu_vat', 'ZZ123456789'], ['us_ein', '1'], ['au_abn', 'abc'], ['ae_trn', 'nope'], ['ae_trn', '--1--'], ['gb_vat', 'GB1']] as const) {
      assert.equal(checkTaxIdValue(type, value).ok, false, `${type} ${value}`);
    }
  });

  it('a failed checksum is unverified, a sound number unavailable', () => {
    assert.deepEqual(checkTaxIdValue('eu_vat', 'DE136695976'), { ok: true, verification: 'unavailable' });
    assert.deepEqual(checkTaxIdValue('eu_vat', 'DE123456789'), { ok: true, verification: 'unverified' });
  });

  it('answers for any text and any type, never throws (fast-check)', () => {
    const text = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.stringMatching(/^[A-Z]{2}[0-9A-Z .\-/]{0,20}$/));
    fc.assert(
      fc.property(fc.constantFrom(...TAX_ID_TYPES), text, (type, value) => {
        const check = checkTaxIdValue(type, value);
        assert.equal(typeof check.ok, 'boolean');
        if (!check.ok) assert.ok(check.reason.length > 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('derives the country from the VAT prefix or the type', () => {
    assert.deepEqual(
      [taxIdCountry('eu_vat', 'EL123456789'), taxIdCountry('eu_vat', 'XI123456789'), taxIdCountry('eu_vat', 'FRAB123456789'), taxIdCountry('us_ein', '12-3456789'), taxIdCountry('eu_oss_vat', 'EU123456789')],
      ['GR', 'GB', 'FR', 'US', null],
    );
  });

  it('a list write keeps the ids of entries it names again, gives new ones ids, and refuses duplicates', () => {
    const [kept] = reconcileTaxIds([{ type: 'us_ein', value: '12-3456789' }], [], 1_700_000_000_000);
    const next = reconcileTaxIds([{ type: 'au_abn', value: '12345678912' }, { type: 'us_ein', value: '12-3456789' }], [kept!], 1_800_000_000_000);
    assert.deepEqual(next[1], kept);
    assert.equal(next[0]!.created, 1_800_000_000);
    assert.notEqual(next[0]!.id, kept!.id);
    assert.throws(() => reconcileTaxIds([kept!, kept!], [], 0), ValidationError);
    assert.throws(() => reconcileTaxIds([{ type: 'xx_nope', value: '1' }], [], 0), (err: ValidationError) => err.path.join('.') === 'tax_ids.0.type');
  });

  it('entries stored before ids existed read back under a stable id', () => {
    const customerId = '018bcfe5680000000000abcd';
    const legacy = [{ type: 'eu_vat', value: 'DE123456789' }];
    const [a] = storedTaxIds(legacy, customerId, 1_700_000_000);
    const [b] = storedTaxIds(legacy, customerId, 1_700_000_000);
    assert.deepEqual(a, b);
    assert.match(a!.id, /^018bcfe56800[0-9a-f]{12}$/);
    assert.equal(a!.created, 1_700_000_000);
  });
});
