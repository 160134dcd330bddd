import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import { CUSTOMER_COLUMNS, customerToRow, type CustomerRow } from '../rows/customer-row.ts';
import { render, statement, type Dialect } from './dialect.ts';

/**
 * Reads customers. SQLite reads them as arrays of CUSTOMER_COLUMNS, in that order (raw mode: see
 * valuesToCustomer); PostgreSQL reads rows by column name, with `*`: it parses each statement's
 * text anew, and naming the columns cost more than the two search-only columns `*` reads besides
 * (measured: 5–7% fewer reads by id per second).
 */
export function selectCustomers(dialect: Dialect): string {
  return dialect.kind === 'sqlite' ? `SELECT ${CUSTOMER_COLUMNS.join(', ')} FROM customers` : 'SELECT * FROM customers';
}

const byId = (scope: CustomerScope, id: string) => [scope.tenantId, scope.mode, id];

export const CUSTOMER_SQL = {
  select: statement((dialect) => `${selectCustomers(dialect)} WHERE tenant_id = ? AND mode = ? AND id = ?`, byId),
  /** The customer a write transforms, locked until the write commits. */
  selectForUpdate: statement((dialect) => `${selectCustomers(dialect)} WHERE tenant_id = ? AND mode = ? AND id = ?${dialect.forUpdate}`, byId),
  /** A cursor's customer: where in the (created, id) order a page starts. */
  position: statement('SELECT created, id FROM customers WHERE tenant_id = ? AND mode = ? AND id = ?', byId),
};

/** How one backend stores a customer beyond the row both share. */
export interface CustomerTable {
  /** Columns of this backend's own, each derived from the customer (search copies). */
  readonly derived: Readonly<Record<string, (customer: Customer) => unknown>>;
  /** What a bound value is written as in `column`: `?`, or a cast of it. */
  value(column: string): string;
}

/** Case-folded copies both backends keep (JavaScript's toLowerCase): they order and search by them. */
export const FOLDED_COPIES: CustomerTable['derived'] = {
  name_lower: (customer) => customer.name?.toLowerCase() ?? null,
  phone_lower: (customer) => customer.phone?.toLowerCase() ?? null,
};

const KEY_COLUMNS: readonly string[] = ['tenant_id', 'mode', 'id'];

/**
 * A backend's customer writes. The key columns come last, so that one list of values serves
 * both the INSERT and the UPDATE (whose WHERE takes them).
 */
export class CustomerWrites {
  readonly columns: readonly string[];
  readonly insert: string;
  readonly update: string;
  private readonly tuple: string;
  private readonly getters: ((customer: Customer, row: CustomerRow) => unknown)[];

  constructor(
    private readonly dialect: Dialect,
    table: CustomerTable,
  ) {
    const shared = CUSTOMER_COLUMNS.filter((column) => !KEY_COLUMNS.includes(column));
    this.columns = [...shared, ...Object.keys(table.derived), ...KEY_COLUMNS];
    this.getters = this.columns.map((column) => {
      const derive = table.derived[column];
      return derive ? (customer) => derive(customer) : (_, row) => row[column as keyof CustomerRow];
    });
    this.tuple = `(${this.columns.map((column) => table.value(column)).join(', ')})`;
    this.insert = render(dialect, `INSERT INTO customers (${this.columns.join(', ')}) VALUES ${this.tuple}`);
    const sets = this.columns.filter((column) => !KEY_COLUMNS.includes(column)).map((column) => `${column} = ${table.value(column)}`);
    this.update = render(dialect, `UPDATE customers SET ${sets.join(', ')} WHERE tenant_id = ? AND mode = ? AND id = ?`);
  }

  /** One customer's values, in the order of `columns`. */
  values(customer: Customer, enforceUniqueEmail: boolean, deletedAt: number | null = null): unknown[] {
    const row = customerToRow(customer, enforceUniqueEmail, deletedAt);
    return this.getters.map((get) => get(customer, row));
  }

  /** An INSERT of `rows` customers in one statement (their values one after the other). */
  insertMany(rows: number): string {
    const tuples = Array.from({ length: rows }, () => this.tuple).join(', ');
    return render(this.dialect, `INSERT INTO customers (${this.columns.join(', ')}) VALUES ${tuples}`);
  }
}
