import { ValidationError } from '../errors.ts';
import { LIMITS } from './limits.ts';
import type { Customer, CustomerPatch, InvoiceSettings, MetadataPatch } from './model.ts';
import {
  charLength,
  checkAddress,
  checkContacts,
  checkEmail,
  checkInteger,
  checkLocales,
  checkShipping,
  checkText,
  refuseNul,
  requireText,
  tooLong,
} from './field-checks.ts';
import { reconcileTaxIds } from './tax-ids.ts';

/** True when the patch names no field at all. */
export function isEmptyPatch(patch: CustomerPatch): boolean {
  return Object.values(patch).every((v) => v === undefined);
}

/** The customer after `patch`, validated. Pure: `current` is not modified. */
export function applyPatch(current: Customer, patch: CustomerPatch, nowMs: number = Date.now()): Customer {
  const next: Customer = { ...current };
  const text = (field: keyof CustomerPatch & keyof Customer, max: number) => {
    const value = patch[field];
    if (value === undefined) return;
    (next as unknown as Record<string, unknown>)[field] = checkText([field], value as string | null, max);
  };

  text('name', LIMITS.name);
  text('phone', LIMITS.phone);
  text('description', LIMITS.description);
  text('default_source', LIMITS.text);
  text('individual_name', LIMITS.individualName);
  text('external_id', LIMITS.externalId);
  text('company_name', LIMITS.businessName);
  text('website', LIMITS.website);
  text('seller_id', LIMITS.text);
  text('stripe_customer_id', LIMITS.text);

  if (patch.email !== undefined) next.email = checkEmail(['email'], patch.email);
  if (patch.billing_email !== undefined) next.billing_email = checkEmail(['billing_email'], patch.billing_email);
  if (patch.address !== undefined) next.address = checkAddress(['address'], patch.address);
  if (patch.shipping !== undefined) next.shipping = checkShipping(patch.shipping);
  if (patch.balance !== undefined) next.balance = checkInteger(['balance'], patch.balance);
  if (patch.next_invoice_sequence !== undefined) {
    next.next_invoice_sequence = checkInteger(['next_invoice_sequence'], patch.next_invoice_sequence, 1);
  }
  if (patch.invoice_prefix !== undefined) {
    if (!LIMITS.invoicePrefix.test(patch.invoice_prefix)) {
      throw new ValidationError(['invoice_prefix'], 'Invoice prefix must be 1 to 12 uppercase letters or numbers.');
    }
    next.invoice_prefix = patch.invoice_prefix;
  }
  if (patch.invoice_settings !== undefined) next.invoice_settings = mergeInvoiceSettings(current.invoice_settings, patch.invoice_settings);
  if (patch.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, patch.metadata);
  if (patch.preferred_locales !== undefined) next.preferred_locales = checkLocales(patch.preferred_locales ?? []);
  if (patch.tax_exempt !== undefined) next.tax_exempt = patch.tax_exempt ?? 'none';
  if (patch.status !== undefined) next.status = patch.status ?? 'active';
  if (patch.tax_ids !== undefined) next.tax_ids = reconcileTaxIds(patch.tax_ids ?? [], current.tax_ids, nowMs);
  if (patch.contacts !== undefined) next.contacts = checkContacts(patch.contacts ?? [], current.contacts);

  next.updated = Math.max(nowMs, current.updated);
  next.version = current.version + 1;
  refuseNul(next, []);
  return next;
}

/** The customer as a delete leaves it: a stub that keeps its id, history and data, marked deleted. */
export function deletedCustomer(current: Customer, nowMs: number): Customer {
  return { ...current, deleted: true, version: current.version + 1, updated: Math.max(nowMs, current.updated) };
}

function mergeInvoiceSettings(current: InvoiceSettings, patch: Partial<InvoiceSettings>): InvoiceSettings {
  const next = { ...current };
  if (patch.default_payment_method !== undefined) {
    next.default_payment_method = checkText(
      ['invoice_settings', 'default_payment_method'],
      patch.default_payment_method,
      LIMITS.text,
    );
  }
  if (patch.footer !== undefined) next.footer = checkText(['invoice_settings', 'footer'], patch.footer, LIMITS.text);
  if (patch.rendering_options !== undefined) {
    const ro = patch.rendering_options;
    next.rendering_options = ro === null ? null : { amount_tax_display: ro.amount_tax_display ?? null, template: ro.template ?? null };
  }
  if (patch.custom_fields !== undefined) {
    const fields = patch.custom_fields;
    if (fields === null || fields.length === 0) {
      next.custom_fields = null;
    } else {
      if (fields.length > LIMITS.customFields) {
        throw new ValidationError(['invoice_settings', 'custom_fields'], `At most ${LIMITS.customFields} custom fields are allowed.`);
      }
      next.custom_fields = fields.map((f, i) => ({
        name: requireText(['invoice_settings', 'custom_fields', i, 'name'], f.name, LIMITS.customFieldName),
        value: requireText(['invoice_settings', 'custom_fields', i, 'value'], f.value, LIMITS.customFieldValue),
      }));
    }
  }
  return next;
}

/** Metadata after a patch (`clear`, then `set`; an empty or null value removes its key), validated. */
export function mergeMetadata(current: Record<string, string>, patch: MetadataPatch): Record<string, string> {
  const next: Record<string, string> = patch.clear ? {} : { ...current };
  for (const [key, value] of Object.entries(patch.set ?? {})) {
    const path = ['metadata', key];
    if (key.length === 0) throw new ValidationError(['metadata'], 'Metadata keys cannot be empty.');
    if (tooLong(key, LIMITS.metadataKeyLength)) {
      throw new ValidationError(path, `Metadata keys can be at most ${LIMITS.metadataKeyLength} characters long (got ${charLength(key)}).`);
    }
    if (key.includes('[') || key.includes(']')) throw new ValidationError(path, 'Metadata keys cannot contain square brackets.');
    if (value === null || value === '') {
      delete next[key];
      continue;
    }
    if (tooLong(value, LIMITS.metadataValueLength)) {
      throw new ValidationError(path, `Metadata values can be at most ${LIMITS.metadataValueLength} characters long (got ${charLength(value)}).`);
    }
    next[key] = value;
  }
  if (Object.keys(next).length > LIMITS.metadataKeys) {
    throw new ValidationError(['metadata'], `An object can have at most ${LIMITS.metadataKeys} metadata keys.`);
  }
  return next;
}
