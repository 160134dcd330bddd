/**
 * What SQLite and PostgreSQL write differently in the statements both backends run. Everything
 * else about such a statement (its text, the order of its values) is written once, in sql/.
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  /** The placeholder of the n-th bound value, counting from 1. */
  placeholder(n: number): string;
  /** The smaller of two values. */
  least(a: string, b: string): string;
  /**
   * Row locks a SELECT takes in a transaction that goes on to write. SQLite takes none: its
   * writers begin IMMEDIATE, holding the database's write lock before their first read.
   */
  readonly forUpdate: string;
  readonly forKeyShare: string;
  /** Row locks a claim takes, passing over rows another claim holds (SQLite: none; its writer is alone). */
  readonly forUpdateSkipLocked: string;
  /** A lock that waits for the row's writers and keeps new ones out until commit. */
  readonly forShare: string;
  /** A delivery's id: its event's time (the first 48 bits) and 48 bits hashed from the event and endpoint ids. Names `eventId` twice. */
  deliveryId(eventId: string, endpointId: string): string;
  /** True where the case-folded `column` contains `foldedText`, in the form the backend's index serves. */
  contains(column: string, foldedText: string, params: SqlParams): string;
}

export const SQLITE: Dialect = {
  kind: 'sqlite',
  placeholder: () => '?',
  least: (a, b) => `min(${a}, ${b})`,
  forUpdate: '',
  forKeyShare: '',
  forUpdateSkipLocked: '',
  forShare: '',
  // hash12: registered on every connection (sqlite-store.ts).
  deliveryId: (event, endpoint) => `substr(${event}, 1, 12) || hash12(${event} || ${endpoint})`,
  contains: (column, foldedText, params) => `instr(${column}, ${params.bind(foldedText)}) > 0`,
};

export const POSTGRES: Dialect = {
  kind: 'postgres',
  placeholder: (n) => `$${n}`,
  least: (a, b) => `least(${a}, ${b})`,
  forUpdate: ' FOR UPDATE',
  forKeyShare: ' FOR KEY SHARE',
  forUpdateSkipLocked: ' FOR UPDATE SKIP LOCKED',
  forShare: ' FOR SHARE',
  deliveryId: (event, endpoint) => `substr(${event}, 1, 12) || substr(md5(${event} || ${endpoint}), 1, 12)`,
  // LIKE rather than strpos: the trigram index serves LIKE '%…%'.
  contains: (column, foldedText, params) => `${column} LIKE ${params.bind(likeContaining(foldedText))}`,
};

/** Escapes LIKE's wildcards (the default escape character is the backslash). */
function likeContaining(text: string): string {
  return '%' + text.replace(/[\\%_]/g, (char) => '\\' + char) + '%';
}

/** The values bound to a statement being built, handing out their placeholders in order. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  bind(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }
}

/** A statement built for one call (a list, a search), with its values. */
export interface BoundSql {
  text: string;
  values: unknown[];
}

/** `template`, whose `?` are all placeholders, written in `dialect`. */
export function render(dialect: Dialect, template: string): string {
  let n = 0;
  return template.replace(/\?/g, () => dialect.placeholder(++n));
}

/** A statement both backends run: its text in each dialect, and its values in placeholder order. */
export interface Statement<Args extends unknown[]> {
  readonly sqlite: string;
  readonly postgres: string;
  values(...args: Args): unknown[];
}

/**
 * Renders `template` (`?` placeholders; a function of the dialect where more than placeholders
 * differ) once per dialect, at module load.
 */
export function statement<Args extends unknown[] = []>(
  template: string | ((dialect: Dialect) => string),
  values: (...args: Args) => unknown[] = () => [],
): Statement<Args> {
  const text = (dialect: Dialect) => render(dialect, typeof template === 'string' ? template : template(dialect));
  return { sqlite: text(SQLITE), postgres: text(POSTGRES), values };
}
