/**
 * One import row → what the domain needs to build the customer: a CustomerPatch, and what the row
 * says of the customer's identity (a Clientele id to keep, its creation and update times).
 *
 * A row is a customer in Stripe's shape, field for field as `GET /v1/customers/:id` (and
 * `clientele export`) prints it, Clientele's extension fields included, or as Stripe's own API
 * prints it. CSV rows are first turned into that shape by `CsvColumns`: headers in Stripe's
 * parameter notation (`email`, `address[city]`, `metadata[plan]`), or the columns of Stripe's
 * dashboard export (`Email`, `Created (UTC)`, `Address Line1`, `plan (metadata)`).
 *
 * Types are checked here (a name must be text, a balance a whole number); the rules (e-mail
 * syntax, countries, lengths, metadata limits) are the domain's, applied when the customer is built.
 * Every error names the field in the native bracket notation.
 */
import type { Address, ContactInput, CustomerPatch, CustomField, InvoiceSettings, TaxId } from '../domain/customers/model.ts';
import { ValidationError, type FieldPath } from '../domain/errors.ts';
import { customerIdFromWire, fromPrefixed } from '../formats/ids.ts';

export interface ImportRow {
  patch: CustomerPatch;
  /** The row's Clientele id (canonical), kept by the import; null: the import assigns one. */
  id: string | null;
  /** Unix seconds, when the row says. */
  created: number | null;
  /** Unix milliseconds, when the row says. */
  updated: number | null;
  /** A deleted customer's stub (`{"id","object":"customer","deleted":true}`): nothing to import. */
  deleted: boolean;
}

type Json = Record<string, unknown>;

/** Fields of Stripe's customer object that are read-only, or live with the payment processor: accepted and ignored. */
const IGNORED_FIELDS = new Set([
  'object', 'livemode', 'currency', 'default_currency', 'delinquent', 'discount', 'test_clock', 'cash_balance',
  'invoice_credit_balance', 'customer_account', 'sources', 'subscriptions', 'tax', 'deleted',
]);

/** Every field a row may name (besides IGNORED_FIELDS). */
export const ROW_FIELDS = new Set([
  'id', 'created', 'updated', 'email', 'name', 'phone', 'description', 'address', 'shipping', 'balance', 'account_balance',
  'default_source', 'invoice_prefix', 'invoice_settings', 'metadata', 'next_invoice_sequence', 'preferred_locales',
  'tax_exempt', 'individual_name', 'business_name', 'company_name', 'external_id', 'billing_email', 'website', 'status',
  'tax_ids', 'tax_id_data', 'contacts', 'default_payment_method', 'seller_id', 'stripe_customer_id',
]);

export function isKnownField(name: string): boolean {
  return ROW_FIELDS.has(name) || IGNORED_FIELDS.has(name);
}

const fail = (path: FieldPath, message: string): never => {
  throw new ValidationError(path, message);
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text, or null for null and "" (which clear a field, as on the API); undefined when absent. */
function text(path: FieldPath, value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') fail(path, `Invalid string: expected text, got ${describe(value)}.`);
  return value as string;
}

/** A whole number, given as one or as its digits (CSV); undefined when absent, null or "". */
function integer(path: FieldPath, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  return fail(path, `Invalid integer: ${describe(value)}.`);
}

function boolean(path: FieldPath, value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fail(path, `Invalid boolean: ${describe(value)} (true or false).`);
}

function oneOf<T extends string>(path: FieldPath, value: unknown, allowed: readonly T[]): T | null | undefined {
  const t = text(path, value);
  if (t === undefined || t === null) return t;
  if (!(allowed as readonly string[]).includes(t)) fail(path, `Invalid value: '${t}' (one of ${allowed.join(', ')}).`);
  return t as T;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  const shown = JSON.stringify(value);
  return shown.length > 60 ? shown.slice(0, 57) + '…' : shown;
}

function object(path: FieldPath, value: unknown, keys: readonly string[]): Json {
  if (!isObject(value)) return fail(path, `Invalid object: got ${describe(value)}.`);
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail([...path, key], `Unknown field '${key}'.`);
  return value;
}

function list(path: FieldPath, value: unknown): unknown[] {
  // Stripe prints some lists as list objects: {"object":"list","data":[…]}.
  if (isObject(value) && value.object === 'list' && Array.isArray(value.data)) return value.data;
  if (!Array.isArray(value)) return fail(path, `Invalid list: got ${describe(value)}.`);
  return value;
}

const ADDRESS_KEYS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

function address(path: FieldPath, value: unknown): Address | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const a = object(path, value, ADDRESS_KEYS);
  const out = {} as Address;
  for (const key of ADDRESS_KEYS) out[key] = text([...path, key], a[key]) ?? null;
  return out;
}

function invoiceSettings(value: unknown): Partial<InvoiceSettings> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const path = ['invoice_settings'];
  const s = object(path, value, ['custom_fields', 'default_payment_method', 'footer', 'rendering_options']);
  const out: Partial<InvoiceSettings> = {};
  if (s.custom_fields !== undefined) {
    out.custom_fields =
      s.custom_fields === null || s.custom_fields === ''
        ? null
        : list([...path, 'custom_fields'], s.custom_fields).map((f, i): CustomField => {
            const p = [...path, 'custom_fields', i];
            const field = object(p, f, ['name', 'value']);
            return { name: text([...p, 'name'], field.name) ?? '', value: text([...p, 'value'], field.value) ?? '' };
          });
  }
  const pm = text([...path, 'default_payment_method'], s.default_payment_method);
  if (pm !== undefined) out.default_payment_method = pm;
  const footer = text([...path, 'footer'], s.footer);
  if (footer !== undefined) out.footer = footer;
  if (s.rendering_options !== undefined) {
    const p = [...path, 'rendering_options'];
    if (s.rendering_options === null || s.rendering_options === '') out.rendering_options = null;
    else {
      const ro = object(p, s.rendering_options, ['amount_tax_display', 'template']);
      out.rendering_options = {
        amount_tax_display: text([...p, 'amount_tax_display'], ro.amount_tax_display) ?? null,
        template: text([...p, 'template'], ro.template) ?? null,
      };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function metadata(value: unknown): CustomerPatch['metadata'] {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value)) return fail(['metadata'], `Invalid metadata: expected an object of text values, got ${describe(value)}.`);
  const set: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'boolean') set[key] = String(v);
    else if (typeof v === 'string') set[key] = v;
    else fail(['metadata', key], `Invalid metadata value: expected text, got ${describe(v)}.`);
  }
  return Object.keys(set).length > 0 ? { set } : undefined;
}

function locales(value: unknown): string[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  // "en,fr" (a CSV cell) or a list.
  const items = typeof value === 'string' ? value.split(/[,\s]+/).filter((l) => l !== '') : list(['preferred_locales'], value);
  return items.map((l, i) => text(['preferred_locales', i], l) ?? fail(['preferred_locales', i], 'Invalid locale: empty.'));
}

function taxIds(field: 'tax_ids' | 'tax_id_data', value: unknown): TaxId[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  return list([field], value).map((t, i) => {
    const p = [field, i];
    if (!isObject(t)) return fail(p, `Invalid tax id: got ${describe(t)}.`);
    // Stripe's tax_id objects carry more (id, country, verification, …): only type and value are the customer's.
    if (t.object === undefined) object(p, t, ['type', 'value']);
    return { type: text([...p, 'type'], t.type) ?? '', value: text([...p, 'value'], t.value) ?? '' };
  });
}

const CONTACT_KEYS = ['id', 'name', 'first_name', 'last_name', 'email', 'phone', 'is_primary'] as const;

function contacts(value: unknown): ContactInput[] | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  return list(['contacts'], value).map((k, i): ContactInput => {
    const p = ['contacts', i];
    const c = object(p, k, CONTACT_KEYS);
    const out: ContactInput = {
      name: text([...p, 'name'], c.name) ?? null,
      first_name: text([...p, 'first_name'], c.first_name) ?? null,
      last_name: text([...p, 'last_name'], c.last_name) ?? null,
      email: text([...p, 'email'], c.email) ?? null,
      phone: text([...p, 'phone'], c.phone) ?? null,
      is_primary: boolean([...p, 'is_primary'], c.is_primary) ?? false,
    };
    const id = text([...p, 'id'], c.id);
    if (id) out.id = fromPrefixed('cont', id) ?? fail([...p, 'id'], `Invalid contact id: '${id}' (cont_…).`);
    return out;
  });
}

/** Two fields that name one (`business_name` and `company_name`): either, or both alike. */
function either<T>(path: FieldPath, other: string, a: T | undefined, b: T | undefined): T | undefined {
  if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
    fail(path, `${String(path[0])} and ${other} name the same field and differ.`);
  }
  return a !== undefined ? a : b;
}

/** Unix seconds: a whole number, or a date and time in UTC (`2024-05-01 13:45`, ISO 8601). */
export function unixSeconds(path: FieldPath, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || /^\d+$/.test(String(value).trim())) return integer(path, value);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(String(value).trim());
  if (!m) return fail(path, `Invalid time: ${describe(value)} (unix seconds, or a UTC date and time such as 2024-05-01 13:45).`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (zone && !/^(Z|UTC)$/i.test(zone)) {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    ms -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  if (!Number.isFinite(ms)) return fail(path, `Invalid time: ${describe(value)}.`);
  return Math.floor(ms / 1000);
}

const STRIPE_ID = /^cus_[0-9A-Za-z]+$/;

/** A row in Stripe's customer shape → patch and identity. Throws ValidationError naming the field. */
export function importRow(value: unknown): ImportRow {
  if (!isObject(value)) return fail([], `A row is a customer object, not ${describe(value)}.`);
  for (const key of Object.keys(value)) if (!isKnownField(key)) fail([key], `Unknown field '${key}': not a customer field.`);
  if (value.object !== undefined && value.object !== 'customer') fail(['object'], `Not a customer: object is ${describe(value.object)}.`);
  if (value.deleted === true) return { patch: {}, id: null, created: null, updated: null, deleted: true };

  let id: string | null = null;
  let stripeId = text(['stripe_customer_id'], value.stripe_customer_id);
  const givenId = text(['id'], value.id);
  if (givenId) {
    id = customerIdFromWire(givenId);
    if (id === null) {
      // Another system's customer id: Stripe's is kept as stripe_customer_id.
      if (!STRIPE_ID.test(givenId)) fail(['id'], `Invalid id: '${givenId}' is neither a Clientele nor a Stripe customer id (cus_…); put other systems' ids in external_id.`);
      if (stripeId && stripeId !== givenId) fail(['id'], `id '${givenId}' and stripe_customer_id '${stripeId}' differ.`);
      stripeId = givenId;
    }
  }
  const created = unixSeconds(['created'], value.created) ?? null;
  const updatedSeconds = unixSeconds(['updated'], value.updated);

  const top = value.invoice_settings === undefined ? undefined : invoiceSettings(value.invoice_settings);
  const pm = text(['default_payment_method'], value.default_payment_method);
  let settings = top;
  if (pm !== undefined) {
    const merged = either(['default_payment_method'], 'invoice_settings[default_payment_method]', pm, top?.default_payment_method);
    settings = { ...(top ?? {}), default_payment_method: merged ?? null };
  }
  if (value.tax_ids !== undefined && value.tax_id_data !== undefined) {
    either(['tax_ids'], 'tax_id_data', taxIds('tax_ids', value.tax_ids), taxIds('tax_id_data', value.tax_id_data));
  }
  const shipping = value.shipping;
  const patch: CustomerPatch = {
    name: text(['name'], value.name),
    email: text(['email'], value.email),
    phone: text(['phone'], value.phone),
    description: text(['description'], value.description),
    address: address(['address'], value.address),
    balance: either(['balance'], 'account_balance', integer(['balance'], value.balance), integer(['account_balance'], value.account_balance)),
    default_source: text(['default_source'], value.default_source),
    invoice_prefix: text(['invoice_prefix'], value.invoice_prefix) ?? undefined,
    invoice_settings: settings,
    metadata: metadata(value.metadata),
    next_invoice_sequence: integer(['next_invoice_sequence'], value.next_invoice_sequence),
    preferred_locales: locales(value.preferred_locales),
    tax_exempt: oneOf(['tax_exempt'], value.tax_exempt, ['none', 'exempt', 'reverse'] as const),
    individual_name: text(['individual_name'], value.individual_name),
    external_id: text(['external_id'], value.external_id),
    company_name: either(['company_name'], 'business_name', text(['company_name'], value.company_name), text(['business_name'], value.business_name)),
    billing_email: text(['billing_email'], value.billing_email),
    website: text(['website'], value.website),
    status: oneOf(['status'], value.status, ['active', 'inactive'] as const),
    tax_ids: value.tax_ids !== undefined ? taxIds('tax_ids', value.tax_ids) : taxIds('tax_id_data', value.tax_id_data),
    contacts: contacts(value.contacts),
    seller_id: text(['seller_id'], value.seller_id),
    stripe_customer_id: stripeId,
  };
  if (shipping !== undefined) {
    if (shipping === null || shipping === '') patch.shipping = null;
    else {
      const s = object(['shipping'], shipping, ['name', 'phone', 'address']);
      patch.shipping = {
        name: text(['shipping', 'name'], s.name) ?? null,
        phone: text(['shipping', 'phone'], s.phone) ?? null,
        address: address(['shipping', 'address'], s.address) ?? null,
      };
    }
  }
  for (const key of Object.keys(patch) as (keyof CustomerPatch)[]) {
    if (patch[key] === undefined) delete patch[key];
  }
  return { patch, id, created, updated: updatedSeconds === undefined ? null : updatedSeconds * 1000, deleted: false };
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Where a CSV column's cells go in the row object, and how a cell becomes a value. */
interface Column {
  header: string;
  path: string[];
  /** `json`: a cell starting with { or [ is parsed as JSON. `money`: "12.50" is 1250. */
  kind: 'text' | 'json' | 'money';
}

/** Fields whose value is an object or a list: a CSV cell for them may hold JSON. */
const STRUCTURED = new Set(['address', 'shipping', 'invoice_settings', 'metadata', 'preferred_locales', 'tax_ids', 'tax_id_data', 'contacts']);
/** Columns that give a whole sub-object or list: a cell for one may hold it as JSON. */
const WHOLE_JSON = new Set([...STRUCTURED, 'invoice_settings.custom_fields', 'invoice_settings.rendering_options', 'shipping.address']);
/** Paths under which `[0]`, `[1]` … index a list. */
const LIST_PATHS = new Set(['preferred_locales', 'tax_ids', 'tax_id_data', 'contacts', 'invoice_settings.custom_fields']);

/**
 * Stripe's dashboard export, by lower-cased header: where each column goes. Columns of that export
 * that are not customer data here (Plan, Status, Total Spend, Card …, Delinquent, Currency, …) are
 * ignored, and named once in a notice.
 */
const DASHBOARD: Record<string, string[]> = {
  id: ['id'],
  description: ['description'],
  email: ['email'],
  name: ['name'],
  phone: ['phone'],
  'created (utc)': ['created'],
  created: ['created'],
  'business name': ['business_name'],
  'individual name': ['individual_name'],
  'invoice prefix': ['invoice_prefix'],
  'tax exempt': ['tax_exempt'],
  'preferred locales': ['preferred_locales'],
  balance: ['balance'],
  'account balance': ['balance'],
  'default source': ['default_source'],
  'business vat id': ['tax_ids', '0', 'value'],
};
for (const [prefix, base] of [['address', ['address']], ['shipping address', ['shipping', 'address']]] as const) {
  for (const [suffix, key] of [
    ['line1', 'line1'], ['line 1', 'line1'], ['line2', 'line2'], ['line 2', 'line2'], ['city', 'city'], ['state', 'state'],
    ['country', 'country'], ['zip', 'postal_code'], ['postal code', 'postal_code'],
  ] as const) {
    DASHBOARD[`${prefix} ${suffix}`] = [...base, key];
  }
}
DASHBOARD['shipping name'] = ['shipping', 'name'];
DASHBOARD['shipping phone'] = ['shipping', 'phone'];

/** `email`, `address[city]`, `metadata[plan]`, `contacts[0][name]`: Stripe's parameter notation. */
const WIRE_HEADER = /^[a-z_]+(?:\[[^[\]]*\])*$/;

/**
 * The columns of a CSV file, from its header: each header in Stripe's parameter notation, or a
 * column of Stripe's dashboard export. A header that looks like a parameter but names no customer
 * field is an error (a typo must not drop a column silently); other unknown columns are ignored.
 */
export class CsvColumns {
  readonly columns: (Column | null)[];
  /** Headers ignored: shown once to whoever runs the import. */
  readonly ignored: string[] = [];
  /** The dashboard's Business VAT ID column: a tax id whose type Stripe's export does not give. */
  private vatColumn = false;

  constructor(header: string[]) {
    const seen = new Map<string, string>();
    this.columns = header.map((raw) => {
      const h = raw.trim();
      let column: Column | null = null;
      if (WIRE_HEADER.test(h)) {
        const path = [h.slice(0, h.indexOf('[') < 0 ? h.length : h.indexOf('['))!, ...[...h.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
        if (!isKnownField(path[0]!)) throw new ValidationError([h], `Unknown column '${h}': not a customer field.`);
        if (IGNORED_FIELDS.has(path[0]!)) {
          this.ignored.push(h);
          return null;
        }
        column = { header: h, path, kind: WHOLE_JSON.has(path.join('.')) ? 'json' : 'text' };
      } else {
        const key = h.toLowerCase().replace(/\s+/g, ' ');
        const meta = /^(.+?)\s*\(metadata\)$/i.exec(h);
        if (meta) column = { header: h, path: ['metadata', meta[1]!], kind: 'text' };
        else if (DASHBOARD[key]) column = { header: h, path: DASHBOARD[key]!, kind: DASHBOARD[key]![0] === 'balance' ? 'money' : 'text' };
        if (column && key === 'business vat id') this.vatColumn = true;
      }
      if (!column) {
        if (h !== '') this.ignored.push(h);
        return null;
      }
      const key = column.path.join('\u0000');
      const clash = [...seen.entries()].find(([k]) => k === key || k.startsWith(key + '\u0000') || key.startsWith(k + '\u0000'));
      if (clash) throw new ValidationError([h], `Columns '${clash[1]}' and '${h}' give the same field.`);
      seen.set(key, h);
      return column;
    });
  }

  /** The header that fills `path` (in bracket notation), to name it in errors. */
  headerFor(param: string): string | undefined {
    for (const c of this.columns) {
      if (!c) continue;
      const p = c.path[0] + c.path.slice(1).map((s) => `[${s}]`).join('');
      if (p === param || param.startsWith(p + '[')) return c.header;
    }
    return undefined;
  }

  /** A CSV record → a row object in Stripe's shape. An empty cell gives nothing. */
  toObject(cells: string[]): Json {
    if (cells.length !== this.columns.length) {
      fail([], `The line has ${cells.length} cells; the header has ${this.columns.length} columns.`);
    }
    const row: Json = {};
    cells.forEach((cell, i) => {
      const column = this.columns[i];
      if (!column || cell === '') return;
      let value: unknown = cell;
      if (column.kind === 'json' && /^\s*[[{]/.test(cell)) {
        try {
          value = JSON.parse(cell);
        } catch (err) {
          fail(column.path, `Invalid JSON in column '${column.header}': ${(err as Error).message}`);
        }
      } else if (column.kind === 'money') value = minorUnits(column.path, cell);
      setPath(row, column.path, value);
    });
    // Lists given cell by cell (`tax_ids[0][type]`, `tax_ids[2][type]`): without the gaps.
    for (const path of LIST_PATHS) {
      const [head, sub] = path.split('.') as [string, string | undefined];
      const holder = sub === undefined ? row : row[head];
      const key = sub ?? head;
      if (isObject(holder) && Array.isArray(holder[key])) holder[key] = (holder[key] as unknown[]).filter((v) => v !== undefined);
    }
    // A Business VAT ID from the dashboard export: a tax id of a type the export does not give.
    const vat = (row.tax_ids as Json[] | undefined)?.[0];
    if (this.vatColumn && isObject(vat) && vat.type === undefined) vat.type = 'unknown';
    return row;
  }
}

/** `12.50` (major units, two decimals) or `1250` (minor units) → 1250. */
function minorUnits(path: FieldPath, cell: string): number | string {
  const t = cell.trim().replace(/,/g, '');
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^(-?)(\d+)\.(\d{1,2})$/.exec(t);
  if (!m) return fail(path, `Invalid amount: '${cell}'.`);
  const minor = Number(m[2]) * 100 + Number(m[3]!.padEnd(2, '0'));
  return m[1] === '-' ? -minor : minor;
}

function setPath(row: Json, path: string[], value: unknown): void {
  let node: Json = row;
  path.forEach((segment, i) => {
    const listHere = LIST_PATHS.has(path.slice(0, i + 1).join('.'));
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined) node[segment] = listHere ? [] : {};
    else if (!isObject(next) && !Array.isArray(next)) fail(path.slice(0, i + 1), `Column '${path.join('.')}' and a column for the whole field both give it.`);
    node = node[segment] as Json;
  });
}
