import { stdnum, euVat, type Validator } from 'stdnum';
import type { TaxIdType } from './tax-id-types.ts';

/**
 * What a tax id's value must look like for its type. Where python-stdnum's port (`stdnum`) knows
 * the number, its structure decides (length, characters, layout); a failed checksum or component
 * check does not refuse the value, it only marks it `unverified`: Stripe's own documented examples
 * (DE123456789, 12345678912 for au_abn, …) fail those checks, and Stripe accepts them, verifying
 * later. Types stdnum does not know get a plain sanity check.
 */

export type TaxIdVerification = 'unavailable' | 'unverified';

export type TaxIdValueCheck = { ok: true; verification: TaxIdVerification } | { ok: false; reason: string };

const V = stdnum;

const STRUCTURED: Partial<Record<TaxIdType, Validator>> = {
  ad_nrt: V.AD!.nrt!,
  al_tin: V.AL!.nipt!,
  ar_cuit: V.AR!.cuit!,
  au_abn: V.AU!.abn!,
  au_acn: V.AU!.acn!,
  br_cnpj: V.BR!.cnpj!,
  br_cpf: V.BR!.cpf!,
  ca_bn: V.CA!.bn!,
  ca_gst_hst: V.CA!.gst!,
  ca_qst: V.CA!.qst!,
  ch_uid: V.CH!.uid!,
  ch_vat: V.CH!.vat!,
  cn_tin: V.CN!.uscc!,
  co_nit: V.CO!.nit!,
  de_stn: V.DE!.stnr!,
  es_cif: V.ES!.cif!,
  gb_vat: V.GB!.vat!,
  hr_oib: V.HR!.oib!,
  in_gst: V.IN!.gstin!,
  mx_rfc: V.MX!.rfc!,
  no_vat: V.NO!.mva!,
  nz_gst: V.NZ!.ird!,
  pl_nip: V.PL!.nip!,
  ru_inn: V.RU!.inn!,
  sg_uen: V.SG!.uen!,
  us_ein: V.US!.ein!,
  za_vat: V.ZA!.vat!,
};

/** The EU VAT number's two-letter prefix → the country's stdnum validators (Greece writes EL; XI is Northern Ireland). */
function euVatValidators(prefix: string): Validator[] | undefined {
  if (prefix === 'EL') return euVat.GR;
  return prefix === 'GR' ? undefined : euVat[prefix];
}

/**
 * Layouts Stripe documents that stdnum's stricter reading refuses: Hungary's 11-digit group
 * number and Sweden's 12 digits whatever their last two. Accepted, as `unverified`.
 */
const STRIPE_LAYOUTS: readonly RegExp[] = [/^HU\d{11}$/, /^SE\d{12}$/];

const STRUCTURE_ERRORS = new Set(['InvalidLength', 'InvalidFormat']);

function byValidators(validators: readonly Validator[], value: string): TaxIdValueCheck {
  let reason = '';
  for (const validator of validators) {
    const result = validator.validate(value);
    if (result.isValid) return { ok: true, verification: 'unavailable' };
    const kind = result.error?.name ?? 'InvalidFormat';
    if (!STRUCTURE_ERRORS.has(kind)) return { ok: true, verification: 'unverified' };
    reason ||= `${result.error?.message ?? 'The number has an invalid format.'} (${validator.name})`;
  }
  return { ok: false, reason };
}

// Letters, digits and the separators tax numbers are written with; at least one digit.
const PLAIN = /^(?=.*\d)[\p{L}\p{N}][\p{L}\p{N} .\-/]{0,98}[\p{L}\p{N}]$/u;

export function checkTaxIdValue(type: TaxIdType | 'unknown', value: string): TaxIdValueCheck {
  if (type === 'eu_vat') {
    const compact = value.replace(/[\s.\-]/g, '').toUpperCase();
    const prefix = compact.slice(0, 2);
    // Northern Ireland's XI numbers are UK VAT numbers under another prefix.
    if (prefix === 'XI') return byValidators([V.GB!.vat!], `GB${compact.slice(2)}`);
    const validators = euVatValidators(prefix);
    if (!validators) return { ok: false, reason: 'An eu_vat value starts with its country prefix (DE, FR, EL, XI, …).' };
    const checked = byValidators(validators, value);
    return !checked.ok && STRIPE_LAYOUTS.some((layout) => layout.test(compact)) ? { ok: true, verification: 'unverified' } : checked;
  }
  const validator = type === 'unknown' ? undefined : STRUCTURED[type];
  if (validator) return byValidators([validator], value);
  return PLAIN.test(value.trim()) ? { ok: true, verification: 'unavailable' } : { ok: false, reason: 'This is not a tax number: use letters, digits and separators, with at least one digit.' };
}

/** The ISO country of a tax id: an EU VAT number's prefix, else the type's own country (null for the EU-wide OSS number). */
export function taxIdCountry(type: TaxIdType | 'unknown', value: string): string | null {
  if (type === 'eu_oss_vat' || type === 'unknown') return null;
  if (type === 'eu_vat') {
    const prefix = value.trim().slice(0, 2).toUpperCase();
    return prefix === 'EL' ? 'GR' : prefix === 'XI' ? 'GB' : prefix;
  }
  return type.slice(0, 2).toUpperCase();
}
