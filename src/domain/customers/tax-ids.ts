import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import { LIMITS } from './limits.ts';
import type { TaxId, TaxIdInput } from './model.ts';
import { checkTaxIdValue, taxIdCountry, type TaxIdVerification } from './tax-id-rules.ts';
import { isTaxIdType, TAX_ID_TYPES } from './tax-id-types.ts';
import { requireText } from './field-checks.ts';

/**
 * A customer's tax ids as a list that a write replaces: each entry is checked (a type Stripe
 * knows, a value that can be one of that type), an entry the customer already has (same type and
 * value) keeps its id and creation time, unchecked (rules may have tightened since it was stored),
 * and a new one gets both. The same tax id twice is refused.
 */
export function reconcileTaxIds(inputs: readonly TaxIdInput[], current: readonly TaxId[], nowMs: number): TaxId[] {
  if (inputs.length > LIMITS.taxIds) throw new ValidationError(['tax_ids'], `At most ${LIMITS.taxIds} tax ids are allowed.`);
  const seen = new Set<string>();
  return inputs.map((input, i) => {
    const kept = current.find((taxId) => taxId.type === input.type && taxId.value === input.value);
    const { type, value } = kept ?? checkTaxId(['tax_ids', i], input);
    const taxId = kept ?? { id: input.id ?? newId(nowMs), type, value, created: input.created ?? Math.floor(nowMs / 1000) };
    for (const [key, what] of [[`${type}\u0000${value}`, `The tax id ${type} ${value}`], [taxId.id, `The tax id ${taxId.id}`]] as const) {
      if (seen.has(key)) throw new ValidationError(['tax_ids', i, 'value'], `${what} is given twice.`);
      seen.add(key);
    }
    return taxId;
  });
}

export function checkTaxId(path: readonly (string | number)[], input: TaxIdInput): TaxIdInput {
  const type = requireText([...path, 'type'], input.type, LIMITS.taxIdType);
  if (!isTaxIdType(type)) {
    throw new ValidationError([...path, 'type'], `Invalid tax id type: '${type}'. Must be one of ${TAX_ID_TYPES.join(', ')}.`);
  }
  const value = requireText([...path, 'value'], input.value, LIMITS.taxIdValue);
  const check = checkTaxIdValue(type, value);
  if (!check.ok) throw new ValidationError([...path, 'value'], `Invalid value for ${type}: ${check.reason}`, 'tax_id_invalid');
  return { type, value };
}

/** What Stripe's `tax_id` object says beyond type and value. */
export function taxIdFacts(taxId: Pick<TaxId, 'type' | 'value'>): { country: string | null; verification: TaxIdVerification } {
  if (!isTaxIdType(taxId.type)) return { country: null, verification: 'unavailable' };
  const check = checkTaxIdValue(taxId.type, taxId.value);
  return { country: taxIdCountry(taxId.type, taxId.value), verification: check.ok ? check.verification : 'unverified' };
}

/**
 * Tax ids stored before they had ids (`{type, value}` only) get a stable one on read: the
 * customer's id time and a hash of the customer, type and value, so the same entry always reads
 * back under the same id; the next write stores it.
 */
export function storedTaxIds(raw: readonly Partial<TaxId>[], customerId: string, customerCreated: number): TaxId[] {
  return raw.map((entry) => {
    const type = entry.type ?? '';
    const value = entry.value ?? '';
    if (entry.id !== undefined && entry.created !== undefined) return { id: entry.id, type, value, created: entry.created };
    const hash = createHash('sha256').update(`${customerId}\u0000${type}\u0000${value}`).digest('hex');
    return { id: customerId.slice(0, 12) + hash.slice(0, 12), type, value, created: customerCreated };
  });
}
