import { createHash } from 'node:crypto';
import { applyPatch, isEmptyPatch } from './patch.ts';
import { newCustomer } from './factory.ts';
import type { Customer, CustomerPatch, CustomerScope, TaxIdInput } from './model.ts';
import { checkTaxId } from './tax-ids.ts';
import { LIMITS } from './limits.ts';
import { CUSTOMER_SEARCH_FIELDS } from './search-fields.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { CustomerRecords, HistoryPageQuery, HistoryRecords, ListQuery, Page } from '../store-port.ts';
import type { HistoryEntry } from './history.ts';
import { checkPrecondition, type Precondition } from './precondition.ts';
import type { WriteContext } from './write-context.ts';
import { parseSearchQuery } from './search-parser.ts';
import { erasureActor, replyMentions, type CustomerIdRenderings, type ErasedCustomer } from './erasure.ts';

export interface SearchRequest {
  query: string;
  limit: number;
  page?: string;
  withTotal?: boolean;
}

export interface SearchResult extends Page<Customer> {
  nextPage: string | null;
}

/**
 * The customer module's one entry point: every surface creates, reads and changes customers
 * through it, so every surface gets the same rules.
 */
export class CustomerService {
  constructor(
    private readonly store: CustomerRecords & HistoryRecords,
    /** How the surfaces print a customer's id: an erasure deletes the stored replies that show it. */
    private readonly idRenderings: CustomerIdRenderings,
  ) {}

  async create(scope: CustomerScope, patch: CustomerPatch, context: WriteContext): Promise<Customer> {
    return this.store.insertCustomer(newCustomer(scope, patch), context);
  }

  /** The customer, or its deleted stub; NotFoundError when there never was one. */
  async get(scope: CustomerScope, id: string): Promise<Customer> {
    const customer = await this.store.getCustomer(scope, id);
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  /**
   * Only the fields in `patch` change; an empty patch writes nothing. A surface whose patch
   * depends on the current customer (keeping part of a sub-object, say) passes a function: it runs
   * inside the store's atomic update, on the very version it replaces.
   */
  async update(
    scope: CustomerScope,
    id: string,
    patch: CustomerPatch | ((current: Customer) => CustomerPatch),
    context: WriteContext,
    precondition?: Precondition,
  ): Promise<Customer> {
    if (typeof patch !== 'function' && isEmptyPatch(patch)) {
      const current = await this.get(scope, id);
      if (current.deleted) throw new NotFoundError('customer', id);
      checkPrecondition(current, precondition);
      return current;
    }
    const now = Date.now();
    return this.store.updateCustomer(
      scope,
      id,
      (current) => {
        // Checked on the very version the write replaces, inside its transaction.
        checkPrecondition(current, precondition);
        const computed = typeof patch === 'function' ? patch(current) : patch;
        return isEmptyPatch(computed) ? current : applyPatch(current, computed, now);
      },
      context,
    );
  }

  async delete(scope: CustomerScope, id: string, context: WriteContext, precondition?: Precondition): Promise<Customer> {
    return this.store.deleteCustomer(scope, id, Date.now(), context, (current) => checkPrecondition(current, precondition));
  }

  /** Adds one tax id (Stripe's POST /v1/customers/:id/tax_ids); it is the last of the customer's `tax_ids`. */
  async addTaxId(scope: CustomerScope, id: string, input: TaxIdInput, context: WriteContext, precondition?: Precondition): Promise<Customer> {
    const taxId = checkTaxId([], input);
    return this.update(
      scope,
      id,
      (current) => {
        if (current.tax_ids.some((t) => t.type === taxId.type && t.value === taxId.value)) {
          throw new ValidationError(['value'], `This customer already has the tax id ${taxId.type} ${taxId.value}.`, 'tax_id_already_exists');
        }
        if (current.tax_ids.length >= LIMITS.taxIds) throw new ValidationError(['value'], `A customer has at most ${LIMITS.taxIds} tax ids.`);
        return { tax_ids: [...current.tax_ids, taxId] };
      },
      context,
      precondition,
    );
  }

  /**
   * Erases the customer's personal data for good (see erasure.ts), deleted or not; erasing it again
   * answers the first erasure's tombstone and writes nothing (whatever `precondition` says).
   */
  async erase(scope: CustomerScope, id: string, context: WriteContext, precondition?: Precondition): Promise<ErasedCustomer> {
    return this.store.eraseCustomer(
      scope,
      id,
      {
        atMs: Date.now(),
        by: erasureActor(context),
        replyMentions: replyMentions(this.idRenderings),
        check: (current) => checkPrecondition(current, precondition),
      },
      context,
    );
  }

  /** Removes one tax id; NotFoundError when the customer has no such tax id. */
  async removeTaxId(scope: CustomerScope, id: string, taxIdId: string, context: WriteContext, precondition?: Precondition): Promise<Customer> {
    return this.update(
      scope,
      id,
      (current) => {
        if (!current.tax_ids.some((t) => t.id === taxIdId)) throw new NotFoundError('tax_id', taxIdId);
        return { tax_ids: current.tax_ids.filter((t) => t.id !== taxIdId) };
      },
      context,
      precondition,
    );
  }

  /** A live (not deleted) customer; NotFoundError otherwise. */
  async getLive(scope: CustomerScope, id: string): Promise<Customer> {
    const customer = await this.get(scope, id);
    if (customer.deleted) throw new NotFoundError('customer', id);
    return customer;
  }

  /** The customer's writes, newest first; NotFoundError when there never was such a customer. */
  async history(scope: CustomerScope, id: string, query: HistoryPageQuery): Promise<Page<HistoryEntry>> {
    await this.get(scope, id);
    return this.store.listCustomerHistory(scope, id, query);
  }

  async list(scope: CustomerScope, query: ListQuery): Promise<Page<Customer>> {
    return this.store.listCustomers(scope, query);
  }

  async search(scope: CustomerScope, request: SearchRequest): Promise<SearchResult> {
    let parsed;
    try {
      parsed = parseSearchQuery(request.query, CUSTOMER_SEARCH_FIELDS);
    } catch (err) {
      throw new ValidationError(['query'], (err as Error).message, 'search_query_invalid');
    }
    const fingerprint = createHash('sha256').update(request.query).digest('base64url').slice(0, 10);
    const after = request.page === undefined ? undefined : decodePageToken(request.page, fingerprint);
    const page = await this.store.searchCustomers(scope, parsed, {
      limit: request.limit,
      ...(after ? { after } : {}),
      ...(request.withTotal ? { withTotal: true } : {}),
    });
    const last = page.data[page.data.length - 1];
    const nextPage = page.hasMore && last ? encodePageToken({ created: last.created, id: last.id }, fingerprint) : null;
    return { ...page, nextPage };
  }
}

/** Search page tokens are opaque: a cursor bound to the query that produced it. */
function encodePageToken(cursor: { created: number; id: string }, fingerprint: string): string {
  return Buffer.from(JSON.stringify([cursor.created, cursor.id, fingerprint])).toString('base64url');
}

function decodePageToken(token: string, fingerprint: string): { created: number; id: string } {
  try {
    const [created, id, fp] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof created === 'number' && typeof id === 'string' && /^[0-9a-f]{24}$/.test(id) && fp === fingerprint) {
      return { created, id };
    }
  } catch {
    // fall through
  }
  throw new ValidationError(['page'], 'Invalid page token: it does not belong to this search query.');
}
