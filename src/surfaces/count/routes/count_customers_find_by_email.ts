import type { App } from '../../../http/types.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { isValidEmail } from '../../../domain/customers/field-formats.ts';
import { CountParameterError, INVALID_EMAIL } from '../parameter-errors.ts';
import { CustomerResponse, ERROR_RESPONSES, FindByEmailQuery, SECURITY, TAGS } from '../schemas.ts';
import { customerResponse } from '../wire.ts';

/**
 * GET /customers/find-by-email?email=… — Count's "Find Customer by Email"
 * (https://developers.getcount.com/rest-api-reference/customers/find-customer-by-email): exact
 * match, case-insensitive, surrounding spaces ignored (the domain trims e-mails); 400 "Invalid or
 * missing email parameter" for text that is no e-mail address; 404 NOT_FOUND when no live
 * customer has it. Should a tenant allow duplicate e-mails, the oldest customer is
 * returned.
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
    handler: async (request): Promise<CustomerResponse> => {
      const email = request.query.email.trim();
      if (!isValidEmail(email)) throw new CountParameterError('email', 'query', INVALID_EMAIL);
      const page = await app.customers.list(scopeOf(request), { limit: 1, emailFolded: email, order: { by: 'created', direction: 'asc' } });
      const customer = page.data[0];
      if (!customer) throw new NotFoundError('customer', email, ['email']);
      return customerResponse('Customer retrieved successfully', customer);
    },
  });
}
