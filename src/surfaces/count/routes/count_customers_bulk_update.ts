import type { Customer } from '../../../domain/customers/model.ts';
import type { App } from '../../../http/types.ts';
import { writeContext } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { issuesChecker } from '../../shared/strict-validation.ts';
import { applyRows, bulkResponse } from '../bulk-rows.ts';
import { BulkResponse, BulkUpdateBody, BulkUpdateRow, ERROR_RESPONSES, JSON_ONLY, SECURITY, TAGS } from '../schemas.ts';
import { customerIdIn, needsCurrent, updatePatchFromCount } from '../wire.ts';

const checkRow = issuesChecker(BulkUpdateRow);

/**
 * PATCH /customers/bulk `{"customers": [{"uuid": …, <update fields>}, …]}` (1 to 100 rows), each
 * row applied as PUT /customers/{uuid} would apply it. Always 200 once the envelope is valid, with
 * one result per row (`statusCode` 200, 400, 404 or 409).
 */
export function countCustomersBulkUpdate(app: App): void {
  app.patch('/customers/bulk', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: update up to 100 customers by uuid, each row on its own, with per-row results',
      body: BulkUpdateBody,
      response: { 200: BulkResponse, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<BulkResponse> => {
      const scope = scopeOf(request);
      const context = writeContext(request);
      const data = await applyRows<BulkUpdateRow>(request, request.body.customers, checkRow, async (row) => {
        const id = customerIdIn(row.uuid, 'uuid', 'body');
        const patch = needsCurrent(row) ? (current: Customer) => updatePatchFromCount(row, current) : updatePatchFromCount(row, null);
        return { statusCode: 200, customer: await app.customers.update(scope, id, patch, context) };
      });
      return bulkResponse('update', data);
    },
  });
}
