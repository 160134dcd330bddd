import type { App } from '../../../http/types.ts';
import { writeContext } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { issuesChecker } from '../../shared/strict-validation.ts';
import { applyRows, bulkResponse } from '../bulk-rows.ts';
import { BulkCreateBody, BulkResponse, CreateCustomerBody, ERROR_RESPONSES, JSON_ONLY, SECURITY, TAGS } from '../schemas.ts';
import { createPatchFromCount } from '../wire.ts';

const checkRow = issuesChecker(CreateCustomerBody);

/**
 * POST /customers/bulk `{"customers": [<create body>, …]}` (1 to 100 rows). Always 200 once the
 * envelope is valid, with one result per row, in order: `{index, status: "success", statusCode: 201,
 * data: <customer>}` or `{index, status: "error", statusCode, error: {message, code, details, errors?}}`.
 */
export function countCustomersBulkCreate(app: App): void {
  app.post('/customers/bulk', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: create up to 100 customers, each row on its own, with per-row results',
      body: BulkCreateBody,
      response: { 200: BulkResponse, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<BulkResponse> => {
      const scope = scopeOf(request);
      const context = writeContext(request);
      const data = await applyRows<CreateCustomerBody>(request, request.body.customers, checkRow, async (row) => ({
        statusCode: 201,
        customer: await app.customers.create(scope, createPatchFromCount(row), context),
      }));
      return bulkResponse('create', data);
    },
  });
}
