/** The one customer model and the shapes that change it. */

export type Mode = 'test' | 'live';
export type TaxExempt = 'none' | 'exempt' | 'reverse';
export type CustomerStatus = 'active' | 'inactive';

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface Shipping {
  name: string | null;
  phone: string | null;
  address: Address | null;
}

export interface CustomField {
  name: string;
  value: string;
}

export interface RenderingOptions {
  amount_tax_display: string | null;
  template: string | null;
}

export interface InvoiceSettings {
  custom_fields: CustomField[] | null;
  default_payment_method: string | null;
  footer: string | null;
  rendering_options: RenderingOptions | null;
}

/** A customer's tax id: Stripe's `tax_id` object is rendered from it (country and verification follow from type and value). */
export interface TaxId {
  id: string;
  type: string;
  value: string;
  /** Unix seconds. */
  created: number;
}

/**
 * A tax id as a write names it: an entry the customer already has (same type and value) keeps its
 * id. Only an import names `id` and `created`, to keep its source's.
 */
export type TaxIdInput = Pick<TaxId, 'type' | 'value'> & Partial<Pick<TaxId, 'id' | 'created'>>;

export interface Contact {
  id: string;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  is_primary: boolean;
}

/** The one customer model: the union of every field Stripe and the vendor surfaces name. */
export interface Customer {
  id: string;
  tenant_id: string;
  mode: Mode;
  /** Unix seconds. */
  created: number;
  /** Unix milliseconds of the last write. */
  updated: number;
  deleted: boolean;
  /** Incremented by every write. */
  version: number;

  name: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  address: Address | null;
  shipping: Shipping | null;
  balance: number;
  currency: string | null;
  default_source: string | null;
  delinquent: boolean;
  invoice_prefix: string;
  invoice_settings: InvoiceSettings;
  metadata: Record<string, string>;
  next_invoice_sequence: number;
  preferred_locales: string[];
  tax_exempt: TaxExempt;
  test_clock: string | null;
  individual_name: string | null;

  external_id: string | null;
  /** Stripe's `business_name`, CheckoutPage's `companyName`. */
  company_name: string | null;
  billing_email: string | null;
  website: string | null;
  status: CustomerStatus;
  tax_ids: TaxId[];
  contacts: Contact[];
  seller_id: string | null;
  stripe_customer_id: string | null;
}

/** Metadata changes: `clear` empties it first; then each key is set, or removed when null. */
export interface MetadataPatch {
  clear?: boolean;
  set?: Record<string, string | null>;
}

export type ContactInput = Omit<Contact, 'id' | 'first_name' | 'last_name'> & { id?: string; first_name?: string | null; last_name?: string | null };

/**
 * A change to a customer. An absent field is left as it is; `null` clears it (or resets it to
 * its default). Sub-objects (`address`, `shipping`) are replaced whole; `invoice_settings`
 * is merged field by field, as Stripe does.
 */
export interface CustomerPatch {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  description?: string | null;
  address?: Address | null;
  shipping?: Shipping | null;
  balance?: number;
  default_source?: string | null;
  invoice_prefix?: string;
  invoice_settings?: Partial<InvoiceSettings>;
  metadata?: MetadataPatch;
  next_invoice_sequence?: number;
  preferred_locales?: string[] | null;
  tax_exempt?: TaxExempt | null;
  individual_name?: string | null;
  external_id?: string | null;
  company_name?: string | null;
  billing_email?: string | null;
  website?: string | null;
  status?: CustomerStatus | null;
  tax_ids?: TaxIdInput[] | null;
  contacts?: ContactInput[] | null;
  seller_id?: string | null;
  stripe_customer_id?: string | null;
}

export interface CustomerScope {
  tenantId: string;
  mode: Mode;
}
