import type { App } from '../../../http/types.ts';
import { CustomerResponse, ERROR_RESPONSES, FindByEmailQuery, SECURITY, TAGS } from '../schemas.ts';
import { customerToCount } from '../wire.ts';
import { scopeOf } from '../scope.ts';
import { CountError } from '../errors.ts';

/**
 * GET /customers/find-by-email?email=… — Count's customer pages name a "Find Customer by Email"
 * endpoint (and tell clients to call it before creating) but the page for it was not available;
 * this path and its shape are Clientele's reading of it. Exact match, case-insensitive, surrounding
 * spaces ignored (the domain trims e-mails); 404 NOT_FOUND when no live customer has it. Should a
 * tenant allow duplicate e-mails, the oldest customer is returned.
 */
export function countCustomersFindByEmail(app: App): void {
  app.get('/customers/find-by-email', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      summary: 'Count: find a customer by e-mail (exact, case-insensitive)',
      querystring: FindByEmailQuery,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const email = request.query.email.trim();
      const page = await app.customers.list(scopeOf(request), { limit: 1, emailFolded: email, order: { by: 'created', direction: 'asc' } });
      const customer = page.data[0];
      if (!customer) throw new CountError(404, 'NOT_FOUND', 'No customer with this e-mail.', { email });
      return { status: 'success' as const, message: 'Customer retrieved successfully', data: customerToCount(customer) };
    },
  });
}
