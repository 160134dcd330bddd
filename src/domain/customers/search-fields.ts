import type { SearchFieldType } from './search-query.ts';

/**
 * Fields of the customer search language: Stripe's (created, email, metadata, name, phone)
 * plus our extension fields. `metadata["key"]` is always available.
 */
export const CUSTOMER_SEARCH_FIELDS: Readonly<Record<string, SearchFieldType>> = {
  created: 'number',
  updated: 'number',
  email: 'string',
  name: 'string',
  phone: 'string',
  description: 'string',
  external_id: 'string',
  company_name: 'string',
  billing_email: 'string',
  website: 'string',
  status: 'string',
  currency: 'string',
};
