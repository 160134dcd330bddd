/**
 * The structured fields of an import row (address, invoice settings, metadata, locales, tax ids,
 * contacts), checked and turned into what a CustomerPatch holds.
 */
import type { Address, ContactInput, CustomerPatch, CustomField, InvoiceSettings, TaxIdInput } from '../../../domain/customers/model.ts';
import type { FieldPath } from '../../../domain/errors.ts';
import { fromPrefixed } from '../../../formats/ids.ts';
import { boolean, describe, fail, isObject, list, object, text } from './field-checks.ts';

const ADDRESS_KEYS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

export function address(path: FieldPath, value: unknown): Address | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const given = object(path, value, ADDRESS_KEYS);
  const result = {} as Address;
  for (const key of ADDRESS_KEYS) result[key] = text([...path, key], given[key]) ?? null;
  return result;
}

export function invoiceSettings(value: unknown): Partial<InvoiceSettings> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const path = ['invoice_settings'];
  const given = object(path, value, ['custom_fields', 'default_payment_method', 'footer', 'rendering_options']);
  const settings: Partial<InvoiceSettings> = {};
  if (given.custom_fields !== undefined) {
    settings.custom_fields =
      given.custom_fields === null || given.custom_fields === ''
        ? null
        : list([...path, 'custom_fields'], given.custom_fields).map((item, index): CustomField => {
            const itemPath = [...path, 'custom_fields', index];
            const field = object(itemPath, item, ['name', 'value']);
            return { name: text([...itemPath, 'name'], field.name) ?? '', value: text([...itemPath, 'value'], field.value) ?? '' };
          });
  }
  const paymentMethod = text([...path, 'default_payment_method'], given.default_payment_method);
  if (paymentMethod !== undefined) settings.default_payment_method = paymentMethod;
  const footer = text([...path, 'footer'], given.footer);
  if (footer !== undefined) settings.footer = footer;
  if (given.rendering_options !== undefined) {
    const optionsPath = [...path, 'rendering_options'];
    if (given.rendering_options === null || given.rendering_options === '') settings.rendering_options = null;
    else {
      const options = object(optionsPath, given.rendering_options, ['amount_tax_display', 'template']);
      settings.rendering_options = {
        amount_tax_display: text([...optionsPath, 'amount_tax_display'], options.amount_tax_display) ?? null,
        template: text([...optionsPath, 'template'], options.template) ?? null,
      };
    }
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

export function metadata(value: unknown): CustomerPatch['metadata'] {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value)) return fail(['metadata'], `Invalid metadata: expected an object of text values, got ${describe(value)}.`);
  const set: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === null || entry === undefined) continue;
    if (typeof entry === 'number' || typeof entry === 'boolean') set[key] = String(entry);
    else if (typeof entry === 'string') set[key] = entry;
    else fail(['metadata', key], `Invalid metadata value: expected text, got ${describe(entry)}.`);
  }
  return Object.keys(set).length > 0 ? { set } : undefined;
}

export function locales(value: unknown): string[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  // "en,fr" (a CSV cell) or a list.
  const items = typeof value === 'string' ? value.split(/[,\s]+/).filter((locale) => locale !== '') : list(['preferred_locales'], value);
  return items.map((locale, index) => text(['preferred_locales', index], locale) ?? fail(['preferred_locales', index], 'Invalid locale: empty.'));
}

export function taxIds(field: 'tax_ids' | 'tax_id_data', value: unknown): TaxIdInput[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  // Stripe's expanded `tax_ids` (what `clientele export` writes) is a list object.
  const items = isObject(value) && value.object === 'list' ? value.data : value;
  return list([field], items).map((item, index) => {
    const path = [field, index];
    if (!isObject(item)) return fail(path, `Invalid tax id: got ${describe(item)}.`);
    // Stripe's tax_id objects carry more (country, verification, …): type and value are the
    // customer's; a Clientele id (`txi_…` as exported) and its creation time are kept.
    if (item.object === undefined) object(path, item, ['id', 'type', 'value', 'created']);
    const taxId: TaxIdInput = { type: text([...path, 'type'], item.type) ?? '', value: text([...path, 'value'], item.value) ?? '' };
    const id = typeof item.id === 'string' ? fromPrefixed('txi', item.id) : null;
    if (id !== null && Number.isSafeInteger(item.created) && (item.created as number) >= 0) Object.assign(taxId, { id, created: item.created });
    return taxId;
  });
}

const CONTACT_KEYS = ['id', 'name', 'first_name', 'last_name', 'email', 'phone', 'is_primary'] as const;

export function contacts(value: unknown): ContactInput[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  return list(['contacts'], value).map((item, index): ContactInput => {
    const path = ['contacts', index];
    const given = object(path, item, CONTACT_KEYS);
    const contact: ContactInput = {
      name: text([...path, 'name'], given.name) ?? null,
      first_name: text([...path, 'first_name'], given.first_name) ?? null,
      last_name: text([...path, 'last_name'], given.last_name) ?? null,
      email: text([...path, 'email'], given.email) ?? null,
      phone: text([...path, 'phone'], given.phone) ?? null,
      is_primary: boolean([...path, 'is_primary'], given.is_primary) ?? false,
    };
    const id = text([...path, 'id'], given.id);
    if (id) contact.id = fromPrefixed('cont', id) ?? fail([...path, 'id'], `Invalid contact id: '${id}' (cont_…).`);
    return contact;
  });
}
