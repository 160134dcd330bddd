/**
 * The columns of a CSV import file, from its header, and each CSV record → a row object in
 * Stripe's customer shape (then read by `importRow`). Headers are Stripe's parameter notation
 * (`email`, `address[city]`, `metadata[plan]`, `contacts[0][name]`) or the columns of Stripe's
 * dashboard export (`Email`, `Created (UTC)`, `Address Line1`, `plan (metadata)`).
 */
import { ValidationError, type FieldPath } from '../../../domain/errors.ts';
import { fail, isObject, type JsonObject } from './field-checks.ts';
import { IGNORED_FIELDS, isKnownField } from './import-row.ts';

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
 * A header that looks like a parameter but names no customer field is an error (a typo must not
 * drop a column silently); other unknown columns are ignored.
 */
export class CsvColumns {
  readonly columns: (Column | null)[];
  /** Headers ignored: shown once to whoever runs the import. */
  readonly ignored: string[] = [];
  /** The dashboard's Business VAT ID column: a tax id whose type Stripe's export does not give. */
  private vatColumn = false;

  constructor(headers: string[]) {
    const seen = new Map<string, string>();
    this.columns = headers.map((raw) => {
      const header = raw.trim();
      let column: Column | null = null;
      if (WIRE_HEADER.test(header)) {
        const bracket = header.indexOf('[');
        const path = [header.slice(0, bracket < 0 ? header.length : bracket), ...[...header.matchAll(/\[([^[\]]*)\]/g)].map((match) => match[1]!)];
        if (!isKnownField(path[0]!)) throw new ValidationError([header], `Unknown column '${header}': not a customer field.`);
        if (IGNORED_FIELDS.has(path[0]!)) {
          this.ignored.push(header);
          return null;
        }
        column = { header, path, kind: WHOLE_JSON.has(path.join('.')) ? 'json' : 'text' };
      } else {
        const key = header.toLowerCase().replace(/\s+/g, ' ');
        const metadataKey = /^(.+?)\s*\(metadata\)$/i.exec(header);
        const dashboardPath = DASHBOARD[key];
        if (metadataKey) column = { header, path: ['metadata', metadataKey[1]!], kind: 'text' };
        else if (dashboardPath) column = { header, path: dashboardPath, kind: dashboardPath[0] === 'balance' ? 'money' : 'text' };
        if (column && key === 'business vat id') this.vatColumn = true;
      }
      if (!column) {
        if (header !== '') this.ignored.push(header);
        return null;
      }
      const key = column.path.join('\u0000');
      const clash = [...seen.entries()].find(([other]) => other === key || other.startsWith(key + '\u0000') || key.startsWith(other + '\u0000'));
      if (clash) throw new ValidationError([header], `Columns '${clash[1]}' and '${header}' give the same field.`);
      seen.set(key, header);
      return column;
    });
  }

  /** The header that fills `param` (in bracket notation), to name it in errors. */
  headerFor(param: string): string | undefined {
    for (const column of this.columns) {
      if (!column) continue;
      const columnParam = column.path[0] + column.path.slice(1).map((segment) => `[${segment}]`).join('');
      if (columnParam === param || param.startsWith(columnParam + '[')) return column.header;
    }
    return undefined;
  }

  /** A CSV record → a row object in Stripe's shape. An empty cell gives nothing. */
  toObject(cells: string[]): JsonObject {
    if (cells.length !== this.columns.length) {
      fail([], `The line has ${cells.length} cells; the header has ${this.columns.length} columns.`);
    }
    const row: JsonObject = {};
    cells.forEach((cell, index) => {
      const column = this.columns[index];
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
      if (isObject(holder) && Array.isArray(holder[key])) holder[key] = (holder[key] as unknown[]).filter((item) => item !== undefined);
    }
    // A Business VAT ID from the dashboard export: a tax id of a type the export does not give.
    const vat = (row.tax_ids as JsonObject[] | undefined)?.[0];
    if (this.vatColumn && isObject(vat) && vat.type === undefined) vat.type = 'unknown';
    return row;
  }
}

/** `12.50` (major units, two decimals) or `1250` (minor units) → 1250. */
function minorUnits(path: FieldPath, cell: string): number | string {
  const amount = cell.trim().replace(/,/g, '');
  if (/^-?\d+$/.test(amount)) return Number(amount);
  const parts = /^(-?)(\d+)\.(\d{1,2})$/.exec(amount);
  if (!parts) return fail(path, `Invalid amount: '${cell}'.`);
  const minor = Number(parts[2]) * 100 + Number(parts[3]!.padEnd(2, '0'));
  return parts[1] === '-' ? -minor : minor;
}

function setPath(row: JsonObject, path: string[], value: unknown): void {
  let node: JsonObject = row;
  path.forEach((segment, index) => {
    const listHere = LIST_PATHS.has(path.slice(0, index + 1).join('.'));
    if (index === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined) node[segment] = listHere ? [] : {};
    else if (!isObject(next) && !Array.isArray(next)) fail(path.slice(0, index + 1), `Column '${path.join('.')}' and a column for the whole field both give it.`);
    node = node[segment] as JsonObject;
  });
}
