/**
 * `clientele export`: every customer of one tenant and mode, oldest first, as NDJSON (one customer a
 * line, exactly as `GET /v1/customers/:id` prints it) or CSV. Streams: pages of 1,000 through the
 * Store's keyset pagination, each page written before the next is read, waiting for the output to
 * drain, so memory stays flat however many customers there are. Deleted customers are not
 * exported (their stubs carry nothing to import).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { loadConfig } from '../config.ts';
import type { Customer, CustomerScope } from '../domain/customers/model.ts';
import { TenantService } from '../domain/tenants/tenant-service.ts';
import { tenantArg } from './tenant-arg.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../domain/store-port.ts';
import { customerToStripe } from '../formats/stripe-customer.ts';

export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

export interface ExportOptions {
  format?: ExportFormat;
  /** Customers per page read from the store. Default 1,000. */
  pageSize?: number;
  /** After each page, with the customers written so far. */
  onProgress?: (customers: number) => void;
  signal?: AbortSignal;
}

export interface ExportSummary {
  customers: number;
  seconds: number;
  format: ExportFormat;
}

type Wire = ReturnType<typeof customerToStripe>;

/**
 * CSV columns, in Stripe's parameter notation, so that `clientele import` reads them back.
 * Sub-objects of variable shape (metadata, lists, rendering options) are one cell of JSON each.
 * One thing CSV cannot say: an address (or shipping address) whose every line is empty reads
 * back as no address. NDJSON keeps it.
 */
const CSV_COLUMNS: [string, (wire: Wire) => unknown][] = [
  ['id', (wire) => wire.id],
  ['created', (wire) => wire.created],
  ['updated', (wire) => wire.updated],
  ['email', (wire) => wire.email],
  ['name', (wire) => wire.name],
  ['phone', (wire) => wire.phone],
  ['description', (wire) => wire.description],
  ['individual_name', (wire) => wire.individual_name],
  ['company_name', (wire) => wire.company_name],
  ['billing_email', (wire) => wire.billing_email],
  ['website', (wire) => wire.website],
  ['external_id', (wire) => wire.external_id],
  ['seller_id', (wire) => wire.seller_id],
  ['stripe_customer_id', (wire) => wire.stripe_customer_id],
  ['status', (wire) => wire.status],
  ['balance', (wire) => wire.balance],
  ['invoice_prefix', (wire) => wire.invoice_prefix],
  ['next_invoice_sequence', (wire) => wire.next_invoice_sequence],
  ['tax_exempt', (wire) => wire.tax_exempt],
  ['default_source', (wire) => wire.default_source],
  ...(['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const).map((key): [string, (wire: Wire) => unknown] => [`address[${key}]`, (wire) => wire.address?.[key]]),
  ['shipping[name]', (wire) => wire.shipping?.name],
  ['shipping[phone]', (wire) => wire.shipping?.phone],
  ...(['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const).map((key): [string, (wire: Wire) => unknown] => [`shipping[address][${key}]`, (wire) => wire.shipping?.address?.[key]]),
  ['invoice_settings[default_payment_method]', (wire) => wire.invoice_settings.default_payment_method],
  ['invoice_settings[footer]', (wire) => wire.invoice_settings.footer],
  ['invoice_settings[custom_fields]', (wire) => json(wire.invoice_settings.custom_fields)],
  ['invoice_settings[rendering_options]', (wire) => json(wire.invoice_settings.rendering_options)],
  ['preferred_locales', (wire) => (wire.preferred_locales.length > 0 ? JSON.stringify(wire.preferred_locales) : null)],
  ['metadata', (wire) => (Object.keys(wire.metadata).length > 0 ? JSON.stringify(wire.metadata) : null)],
  // Ids and creation times too, so that an import keeps them.
  ['tax_ids', (wire) => (wire.tax_ids?.data.length ? JSON.stringify(wire.tax_ids.data.map(({ id, type, value, created }) => ({ id, type, value, created }))) : null)],
  ['contacts', (wire) => (wire.contacts.length > 0 ? JSON.stringify(wire.contacts) : null)],
];

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER = CSV_COLUMNS.map(([h]) => h).join(',') + '\n';

function csvLine(customer: Customer): string {
  const wire = customerToStripe(customer, { taxIds: true });
  return CSV_COLUMNS.map(([, get]) => cell(get(wire))).join(',') + '\n';
}

function ndjsonLine(customer: Customer): string {
  return JSON.stringify(customerToStripe(customer, { taxIds: true })) + '\n';
}

/** Writes `text`, and waits for the stream to drain when its buffer is full. */
async function write(out: Writable, text: string): Promise<void> {
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', fail);
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', fail);
  });
}

/** Every customer of `scope`, oldest first, as `format`, to `out` (not ended). */
export async function exportCustomers(store: Store, scope: CustomerScope, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const started = performance.now();
  const format = options.format ?? 'ndjson';
  const limit = options.pageSize ?? 1000;
  const line = format === 'csv' ? csvLine : ndjsonLine;
  if (format === 'csv') await write(out, CSV_HEADER);
  let count = 0;
  // Oldest first: the first page ascending, then each next page is the one just newer than the
  // last customer written (a cursor before it, which the store returns newest first: reversed).
  let page = await store.listCustomers(scope, { limit, order: { by: 'created', direction: 'asc' } });
  let data = page.data;
  for (;;) {
    if (data.length === 0) break;
    let chunk = '';
    for (const customer of data) chunk += line(customer);
    await write(out, chunk);
    count += data.length;
    options.onProgress?.(count);
    if (!page.hasMore || options.signal?.aborted || out.destroyed) break;
    page = await store.listCustomers(scope, { limit, cursor: { before: data[data.length - 1]!.id, field: ['id'] } });
    data = page.data.reverse();
  }
  return { customers: count, seconds: (performance.now() - started) / 1000, format };
}

// ---------------------------------------------------------------------------------------------
// The command

export interface ExportCommandArgs {
  tenant: string;
  mode: 'test' | 'live';
  format: ExportFormat;
  /** A file to write instead of stdout. */
  output?: string;
}

/** `clientele export`: to stdout (or --output), a one-line summary on stderr. Exit code. */
export async function exportCommand(args: ExportCommandArgs): Promise<number> {
  const config = loadConfig();
  const store = await openStore(config);
  const out: Writable = args.output ? createWriteStream(args.output) : process.stdout;
  let outError: NodeJS.ErrnoException | null = null;
  // `clientele export | head`: the reader going away ends the export quietly (the output is destroyed).
  out.on('error', (err: NodeJS.ErrnoException) => {
    outError ??= err;
  });
  try {
    const tenant = await tenantArg(new TenantService(store), args.tenant);
    let summary: ExportSummary;
    try {
      summary = await exportCustomers(store, { tenantId: tenant.id, mode: args.mode }, out, { format: args.format });
    } catch (err) {
      // The reader went away (`clientele export | head`): not a failure of the export.
      if ((outError as NodeJS.ErrnoException | null)?.code === 'EPIPE') return 0;
      throw err;
    }
    if (args.output && !out.destroyed) {
      out.end();
      await once(out, 'finish');
    }
    const failed = outError as NodeJS.ErrnoException | null;
    if (failed && failed.code !== 'EPIPE') throw failed;
    if (!failed) {
      process.stderr.write(
        `Exported ${summary.customers.toLocaleString('en-US')} customers of ${args.tenant} (${args.mode}) as ${summary.format} in ${summary.seconds.toFixed(1)} s.\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
