import type { Static } from 'typebox';
import type { CustomerScope } from '../../../domain/customers/model.ts';
import type { ListCursor, ListQuery } from '../../../domain/store-port.ts';
import type { App } from '../../../http/types.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { SchemaValidationError } from '../../shared/errors/problem.ts';
import { decodePageToken, encodePageToken, type PageDirection } from '../page-tokens.ts';
import { BusinessParams, CUSTOMER_ERRORS, CustomerListResponse, DEFAULT_PAGE_SIZE, ListCustomersQuery, SECURITY } from '../schemas.ts';
import { customerToWire } from '../wire.ts';

/** The field a page token's customer is named by, when it is not in this business and mode. */
const PAGE_TOKEN = ['page_token'];

const cursorFrom = (direction: PageDirection, id: string): ListCursor =>
  direction === 'next' ? { after: id, field: PAGE_TOKEN } : { before: id, field: PAGE_TOKEN };

/**
 * Newest first, cursor-paged. A page token names the customer at a page's edge and a direction,
 * so pages neither skip nor repeat customers while others are created. A null token: nothing
 * more that way.
 */
export function assetBusinessCustomersList(app: App): void {
  /** True when any customer lies beyond `id` in that direction. */
  const anyBeyond = async (scope: CustomerScope, direction: PageDirection, id: string): Promise<boolean> =>
    (await app.customers.list(scope, { limit: 1, cursor: cursorFrom(direction, id) })).data.length > 0;

  app.get('/business/:business_id/customers', {
    schema: {
      tags: ['Asset'],
      security: SECURITY,
      summary: 'List customers for a business',
      description: `Newest first; \`page_size\` defaults to ${DEFAULT_PAGE_SIZE}. Follow \`pagination.next_page_token\` or \`previous_page_token\` with \`page_token\`; null: no more pages that way.`,
      params: BusinessParams,
      querystring: ListCustomersQuery,
      response: { 200: CustomerListResponse, ...CUSTOMER_ERRORS },
    },
    handler: async (request): Promise<Static<typeof CustomerListResponse>> => {
      const scope = scopeOf(request);
      const size = request.query.page_size ?? DEFAULT_PAGE_SIZE;
      const text = request.query.page_token ?? '';
      const token = text === '' ? null : decodePageToken(text);
      if (text !== '' && token === null) {
        const message = 'not a page token from this API: pass next_page_token or previous_page_token as given';
        throw new SchemaValidationError('querystring', [{ path: ['page_token'], keyword: 'page_token', params: {}, value: text, message }]);
      }
      const query: ListQuery = { limit: size };
      if (token) query.cursor = cursorFrom(token.direction, token.id);
      const page = await app.customers.list(scope, query);

      const first = page.data[0];
      const last = page.data[page.data.length - 1];
      let next: string | null = null;
      let previous: string | null = null;
      if (token === null) {
        if (page.hasMore && last) next = encodePageToken('next', last.id);
      } else if (token.direction === 'next') {
        if (page.hasMore && last) next = encodePageToken('next', last.id);
        const edge = first?.id ?? token.id;
        if (await anyBeyond(scope, 'previous', edge)) previous = encodePageToken('previous', edge);
      } else {
        if (page.hasMore && first) previous = encodePageToken('previous', first.id);
        const edge = last?.id ?? token.id;
        if (await anyBeyond(scope, 'next', edge)) next = encodePageToken('next', edge);
      }
      return { data: page.data.map(customerToWire), pagination: { next_page_token: next, previous_page_token: previous } };
    },
  });
}
