import type { App } from '../../../http/types.ts';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import type { HistoryPageQuery } from '../../../domain/store-port.ts';
import { CustomerIdParams, HistoryList, HistoryQuery, ERROR_RESPONSES } from '../schemas.ts';
import { historyEntryToWire, versionFromEntryId } from '../history-wire.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { customerIdToWire } from '../../../formats/ids.ts';

/**
 * Every write of a customer, newest first: who (key or client id), through which surface and
 * request, when, and each field's value before and after. Recorded in the write's own transaction;
 * a deleted customer keeps its history.
 */
export function v1CustomersHistory(app: App): void {
  app.get('/customers/:id/history', {
    schema: {
      tags: ['Customers'],
      summary: "A customer's change history, newest first",
      params: CustomerIdParams,
      querystring: HistoryQuery,
      response: { 200: HistoryList, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<HistoryList> => {
      const id = customerIdIn(request.params.id);
      const q = request.query;
      if (q.starting_after !== undefined && q.ending_before !== undefined) {
        throw new ValidationError(['starting_after'], 'You may only specify one of these parameters: ending_before, starting_after.');
      }
      const query: HistoryPageQuery = { limit: q.limit ?? 10 };
      if (q.starting_after !== undefined) query.beforeVersion = cursor(q.starting_after, id, 'starting_after');
      if (q.ending_before !== undefined) query.afterVersion = cursor(q.ending_before, id, 'ending_before');
      const page = await app.customers.history(scopeOf(request), id, query);
      const url = `/v1/customers/${customerIdToWire(id)}/history`;
      return { object: 'list' as const, data: page.data.map(historyEntryToWire), has_more: page.hasMore, url };
    },
  });
}

function cursor(entryId: string, customerId: string, param: string): number {
  const version = versionFromEntryId(entryId, customerId);
  if (version === null) throw new NotFoundError('customer_history_entry', entryId, [param]);
  return version;
}
