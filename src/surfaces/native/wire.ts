import type { Address, Customer, CustomerPatch, InvoiceSettings, MetadataPatch } from '../../domain/customers/model.ts';
import { ValidationError } from '../../domain/errors.ts';
import { fromPrefixed, toPrefixed } from '../../domain/ids.ts';
import type { CreateCustomerBody, UpdateCustomerBody } from './schemas.ts';

/** The native wire format ⇄ the domain model. Nothing else lives here. */

export const CUSTOMER_PREFIX = 'cus';
const CONTACT_PREFIX = 'cont';

export function customerIdToWire(id: string): string {
  return toPrefixed(CUSTOMER_PREFIX, id);
}

/** The canonical id for a `cus_…` id, or null when it cannot name any customer. */
export function customerIdFromWire(id: string): string | null {
  return fromPrefixed(CUSTOMER_PREFIX, id);
}

type Body = CreateCustomerBody & UpdateCustomerBody;
type Emptyable<T> = T | '' | null | undefined;

/** `""` and `null` clear a field; absent leaves it. */
function cleared<T>(value: Emptyable<T>): T | null | undefined {
  if (value === undefined) return undefined;
  return value === '' || value === null ? null : value;
}

type AddressParam = Exclude<NonNullable<Body['address']>, ''>;

function addressFromWire(value: Emptyable<AddressParam>): Address | null | undefined {
  const a = cleared(value);
  if (a === null || a === undefined) return a;
  return {
    line1: cleared(a.line1) ?? null,
    line2: cleared(a.line2) ?? null,
    city: cleared(a.city) ?? null,
    state: cleared(a.state) ?? null,
    postal_code: cleared(a.postal_code) ?? null,
    country: cleared(a.country) ?? null,
  };
}

function metadataFromWire(value: Body['metadata']): MetadataPatch | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === null) return { clear: true };
  return { set: value };
}

function invoiceSettingsFromWire(body: Body): Partial<InvoiceSettings> | undefined {
  const s = body.invoice_settings;
  const out: Partial<InvoiceSettings> = {};
  if (s) {
    if (s.custom_fields !== undefined) out.custom_fields = cleared(s.custom_fields) ?? null;
    if (s.default_payment_method !== undefined) out.default_payment_method = cleared(s.default_payment_method) ?? null;
    if (s.footer !== undefined) out.footer = cleared(s.footer) ?? null;
    if (s.rendering_options !== undefined) {
      const ro = cleared(s.rendering_options);
      out.rendering_options = ro
        ? { amount_tax_display: cleared(ro.amount_tax_display) ?? null, template: cleared(ro.template) ?? null }
        : null;
    }
  }
  if (body.default_payment_method !== undefined) {
    out.default_payment_method = eitherOf(
      'default_payment_method',
      'invoice_settings[default_payment_method]',
      cleared(body.default_payment_method) ?? null,
      out.default_payment_method,
    );
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Two parameters that name one field: either may be given, or both with the same value.
 * The error names the first, which is always a top-level parameter.
 */
function eitherOf<T>(param: string, other: string, a: T | undefined, b: T | undefined): T | undefined {
  if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
    throw new ValidationError([param], `${param} and ${other} name the same field; pass one of them.`);
  }
  return a !== undefined ? a : b;
}

/** A create or update body as a domain patch. */
export function patchFromWire(body: Body): CustomerPatch {
  const patch: CustomerPatch = {
    name: cleared(body.name),
    email: cleared(body.email),
    phone: cleared(body.phone),
    description: cleared(body.description),
    address: addressFromWire(body.address),
    balance: body.balance,
    default_source: cleared(body.default_source),
    invoice_prefix: body.invoice_prefix,
    invoice_settings: invoiceSettingsFromWire(body),
    metadata: metadataFromWire(body.metadata),
    next_invoice_sequence: body.next_invoice_sequence,
    preferred_locales: cleared(body.preferred_locales),
    tax_exempt: cleared(body.tax_exempt),
    individual_name: cleared(body.individual_name),
    external_id: cleared(body.external_id),
    company_name: eitherOf('company_name', 'business_name', cleared(body.company_name), cleared(body.business_name)),
    billing_email: cleared(body.billing_email),
    website: cleared(body.website),
    status: cleared(body.status),
    seller_id: cleared(body.seller_id),
    stripe_customer_id: cleared(body.stripe_customer_id),
  };
  const shipping = cleared(body.shipping);
  if (shipping !== undefined) {
    patch.shipping = shipping && {
      name: shipping.name,
      phone: cleared(shipping.phone) ?? null,
      address: addressFromWire(shipping.address) ?? null,
    };
  }
  if (body.tax_id_data !== undefined && body.tax_ids !== undefined) {
    throw new ValidationError(['tax_ids'], 'tax_id_data and tax_ids name the same field; pass one of them.');
  }
  const taxIds = body.tax_id_data !== undefined ? body.tax_id_data : cleared(body.tax_ids);
  if (taxIds !== undefined) patch.tax_ids = taxIds;
  const contacts = cleared(body.contacts);
  if (contacts !== undefined) {
    patch.contacts =
      contacts &&
      contacts.map((c, i) => {
        let id: string | undefined;
        if (c.id !== undefined) {
          const canonical = fromPrefixed(CONTACT_PREFIX, c.id);
          if (canonical === null) throw new ValidationError(['contacts', i, 'id'], `No such contact on this customer: '${c.id}'`);
          id = canonical;
        }
        return {
          ...(id ? { id } : {}),
          name: cleared(c.name) ?? null,
          first_name: cleared(c.first_name) ?? null,
          last_name: cleared(c.last_name) ?? null,
          email: cleared(c.email) ?? null,
          phone: cleared(c.phone) ?? null,
          is_primary: c.is_primary ?? false,
        };
      });
  }
  for (const key of Object.keys(patch) as (keyof CustomerPatch)[]) {
    if (patch[key] === undefined) delete patch[key];
  }
  return patch;
}

/** A domain field path in the native bracket notation: `address[country]`. */
export function pathToParam(path: readonly (string | number)[]): string {
  const [head, ...rest] = path;
  return String(head ?? '') + rest.map((p) => `[${p}]`).join('');
}

function addressToWire(a: Address | null) {
  return (
    a && { city: a.city, country: a.country, line1: a.line1, line2: a.line2, postal_code: a.postal_code, state: a.state }
  );
}

/** What Stripe prints for a deleted customer. */
export function deletedCustomerToWire(c: Customer) {
  return { id: customerIdToWire(c.id), object: 'customer' as const, deleted: true as const };
}

/** A customer as retrieve prints it: the full object, or the stub once deleted. */
export function anyCustomerToWire(c: Customer) {
  return c.deleted ? deletedCustomerToWire(c) : customerToWire(c);
}

/** The customer as Stripe prints it, field for field, followed by Clientele's extension fields. */
export function customerToWire(c: Customer) {
  return {
    id: customerIdToWire(c.id),
    object: 'customer' as const,
    address: addressToWire(c.address),
    balance: c.balance,
    ...(c.company_name !== null ? { business_name: c.company_name } : {}),
    created: c.created,
    currency: c.currency,
    default_source: c.default_source,
    delinquent: c.delinquent,
    description: c.description,
    discount: null,
    email: c.email,
    ...(c.individual_name !== null ? { individual_name: c.individual_name } : {}),
    invoice_prefix: c.invoice_prefix,
    invoice_settings: {
      custom_fields: c.invoice_settings.custom_fields,
      default_payment_method: c.invoice_settings.default_payment_method,
      footer: c.invoice_settings.footer,
      rendering_options: c.invoice_settings.rendering_options,
    },
    livemode: c.mode === 'live',
    metadata: c.metadata,
    name: c.name,
    next_invoice_sequence: c.next_invoice_sequence,
    phone: c.phone,
    preferred_locales: c.preferred_locales,
    shipping: c.shipping && { address: addressToWire(c.shipping.address), name: c.shipping.name, phone: c.shipping.phone },
    tax_exempt: c.tax_exempt,
    test_clock: c.test_clock,
    billing_email: c.billing_email,
    company_name: c.company_name,
    contacts: c.contacts.map((k) => ({
      id: toPrefixed(CONTACT_PREFIX, k.id),
      name: k.name,
      first_name: k.first_name,
      last_name: k.last_name,
      email: k.email,
      phone: k.phone,
      is_primary: k.is_primary,
    })),
    default_payment_method: c.invoice_settings.default_payment_method,
    external_id: c.external_id,
    seller_id: c.seller_id,
    status: c.status,
    stripe_customer_id: c.stripe_customer_id,
    tax_ids: c.tax_ids,
    updated: Math.floor(c.updated / 1000),
    website: c.website,
  };
}
