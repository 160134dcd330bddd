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
const CSV_COLUMNS: [string, (c: Wire) => unknown][] = [
  ['id', (c) => c.id],
  ['created', (c) => c.created],
  ['updated', (c) => c.updated],
  ['email', (c) => c.email],
  ['name', (c) => c.name],
  ['phone', (c) => c.phone],
  ['description', (c) => c.description],
  ['individual_name', (c) => c.individual_name],
  ['company_name', (c) => c.company_name],
  ['billing_email', (c) => c.billing_email],
  ['website', (c) => c.website],
  ['external_id', (c) => c.external_id],
  ['seller_id', (c) => c.seller_id],
  ['stripe_customer_id', (c) => c.stripe_customer_id],
  ['status', (c) => c.status],
  ['balance', (c) => c.balance],
  ['invoice_prefix', (c) => c.invoice_prefix],
  ['next_invoice_sequence', (c) => c.next_invoice_sequence],
  ['tax_exempt', (c) => c.tax_exempt],
  ['default_source', (c) => c.default_source],
  ...(['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const).map((k): [string, (c: Wire) => unknown] => [`address[${k}]`, (c) => c.address?.[k]]),
  ['shipping[name]', (c) => c.shipping?.name],
  ['shipping[phone]', (c) => c.shipping?.phone],
  ...(['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const).map((k): [string, (c: Wire) => unknown] => [`shipping[address][${k}]`, (c) => c.shipping?.address?.[k]]),
  ['invoice_settings[default_payment_method]', (c) => c.invoice_settings.default_payment_method],
  ['invoice_settings[footer]', (c) => c.invoice_settings.footer],
  ['invoice_settings[custom_fields]', (c) => json(c.invoice_settings.custom_fields)],
  ['invoice_settings[rendering_options]', (c) => json(c.invoice_settings.rendering_options)],
  ['preferred_locales', (c) => (c.preferred_locales.length > 0 ? JSON.stringify(c.preferred_locales) : null)],
  ['metadata', (c) => (Object.keys(c.metadata).length > 0 ? JSON.stringify(c.metadata) : null)],
  ['tax_ids', (c) => (c.tax_ids.length > 0 ? JSON.stringify(c.tax_ids) : null)],
  ['contacts', (c) => (c.contacts.length > 0 ? JSON.stringify(c.contacts) : null)],
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

function csvLine(c: Customer): string {
  const wire = customerToStripe(c);
  return CSV_COLUMNS.map(([, get]) => cell(get(wire))).join(',') + '\n';
}

function ndjsonLine(c: Customer): string {
  return JSON.stringify(customerToStripe(c)) + '\n';
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
    for (const c of data) chunk += line(c);
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
