import { CustomerWrites, FOLDED_COPIES } from '../sql/customer-sql.ts';
import { SQLITE } from '../sql/dialect.ts';

/** How SQLite stores a customer: the shared columns and the folded copies, every value bound as is. */
export const CUSTOMER_WRITES = new CustomerWrites(SQLITE, { derived: FOLDED_COPIES, value: () => '?' });
