import type { Address, CustomerPatch, InvoiceSettings, MetadataPatch } from '../../domain/customers/model.ts';
import { ValidationError } from '../../domain/errors.ts';
import { checkTaxId } from '../../domain/customers/tax-ids.ts';
import type { CreateCustomerBody, UpdateCustomerBody } from './schemas.ts';
import { contactIdFromWire, customerIdFromWire, taxIdIdFromWire } from '../../formats/ids.ts';
import { customerIdParam, wireIdParam } from '../shared/request-scope.ts';

/**
 * Native request bodies → domain patches. Responses are Stripe's customer object
 * (src/formats/stripe-customer.ts), shared with the CLI's import and export.
 */

/** The canonical id behind a `cus_…` id in `field`; an id that cannot exist is simply not found. */
export function customerIdIn(text: string, field = 'id'): string {
  return customerIdParam(customerIdFromWire, text, field);
}

/** The canonical id behind a `txi_…` id in `field`. */
export function taxIdIn(text: string, field = 'tax_id'): string {
  return wireIdParam('tax_id', taxIdIdFromWire, text, field);
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

export function metadataFromWire(value: Body['metadata']): MetadataPatch | undefined {
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
  // Checked here too, so that a bad entry is named as the request named it (tax_id_data[0][value]).
  body.tax_id_data?.forEach((taxId, i) => checkTaxId(['tax_id_data', i], taxId));
  const taxIds = body.tax_id_data !== undefined ? body.tax_id_data : cleared(body.tax_ids);
  if (taxIds !== undefined) patch.tax_ids = taxIds;
  const contacts = cleared(body.contacts);
  if (contacts !== undefined) {
    patch.contacts =
      contacts &&
      contacts.map((contact, i) => {
        let id: string | undefined;
        if (contact.id !== undefined) {
          const canonical = contactIdFromWire(contact.id);
          if (canonical === null) throw new ValidationError(['contacts', i, 'id'], `No such contact on this customer: '${contact.id}'`);
          id = canonical;
        }
        return {
          ...(id ? { id } : {}),
          name: cleared(contact.name) ?? null,
          first_name: cleared(contact.first_name) ?? null,
          last_name: cleared(contact.last_name) ?? null,
          email: cleared(contact.email) ?? null,
          phone: cleared(contact.phone) ?? null,
          is_primary: contact.is_primary ?? false,
        };
      });
  }
  for (const key of Object.keys(patch) as (keyof CustomerPatch)[]) {
    if (patch[key] === undefined) delete patch[key];
  }
  return patch;
}
