import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SEARCH_CLAUSES, MIN_SUBSTRING_LENGTH, SearchQueryError } from '../../../src/domain/customers/search-query.ts';
import type { SearchClause, SearchFieldType, SearchQuery } from '../../../src/domain/customers/search-query.ts';
import { parseSearchQuery } from '../../../src/domain/customers/search-parser.ts';

const FIELDS: Readonly<Record<string, SearchFieldType>> = {
  email: 'string',
  name: 'string',
  phone: 'string',
  created: 'number',
  updated: 'number',
  status: 'string',
};

function parse(query: string): SearchQuery {
  return parseSearchQuery(query, FIELDS);
}

/** The single clause of a one-clause query. */
function clause(query: string): SearchClause {
  const parsed = parse(query);
  assert.equal(parsed.clauses.length, 1, `expected one clause in ${query}`);
  return parsed.clauses[0]!;
}

function str(field: string, op: 'eq' | 'contains', value: string | null, negated = false): SearchClause {
  return { kind: 'string', field, op, value, negated };
}

function meta(key: string, op: 'eq' | 'contains', value: string | null, negated = false): SearchClause {
  return { kind: 'string', field: 'metadata', metadataKey: key, op, value, negated };
}

function num(field: string, op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte', value: number, negated = false): SearchClause {
  return { kind: 'number', field, op, value, negated };
}

/** Asserts that `query` is rejected with a SearchQueryError whose message matches `message`. */
function rejects(query: string, message: RegExp, position?: number): SearchQueryError {
  let caught: unknown;
  assert.throws(
    () => parse(query),
    (err: unknown) => {
      caught = err;
      return true;
    },
  );
  assert.ok(caught instanceof SearchQueryError, `expected SearchQueryError for ${JSON.stringify(query)}, got ${String(caught)}`);
  assert.equal(caught.name, 'SearchQueryError');
  assert.match(caught.message, message);
  if (position !== undefined) assert.equal(caught.position, position);
  return caught;
}

describe('search query: constants and error type', () => {
  it('exports the limits', () => {
    assert.equal(MAX_SEARCH_CLAUSES, 10);
    assert.equal(MIN_SUBSTRING_LENGTH, 3);
  });

  it('SearchQueryError is an Error named SearchQueryError', () => {
    const err = new SearchQueryError('boom', 4);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'SearchQueryError');
    assert.equal(err.message, 'boom');
    assert.equal(err.position, 4);
  });
});

describe('search query: exact match', () => {
  it('parses field:"value" as an exact match', () => {
    assert.deepEqual(parse('email:"jenny@example.com"'), {
      combinator: 'AND',
      clauses: [str('email', 'eq', 'jenny@example.com')],
    });
  });

  it('accepts single-quoted values', () => {
    assert.deepEqual(clause("name:'Jenny Rosen'"), str('name', 'eq', 'Jenny Rosen'));
  });

  it('keeps the value exactly as written (case, inner spaces)', () => {
    assert.deepEqual(clause('name:"  Jenny  ROSEN "'), str('name', 'eq', '  Jenny  ROSEN '));
  });

  it('treats a quoted "null" as the string null', () => {
    assert.deepEqual(clause('status:"null"'), str('status', 'eq', 'null'));
  });

  it('omits metadataKey on non-metadata clauses', () => {
    assert.equal('metadataKey' in clause('email:"a@b.co"'), false);
  });
});

describe('search query: substring match', () => {
  it('parses field~"value" as contains', () => {
    assert.deepEqual(clause('email~"example"'), str('email', 'contains', 'example'));
  });

  it('accepts a value of exactly the minimum length', () => {
    assert.deepEqual(clause('name~"abc"'), str('name', 'contains', 'abc'));
  });

  it('rejects values shorter than 3 characters', () => {
    rejects('name~"ab"', /too short for a substring match on name.*at least 3 characters/, 5);
    rejects('name~""', /too short/);
    rejects('metadata["k"]~"x"', /too short/);
  });

  it('counts characters, not UTF-16 code units', () => {
    // Two emoji are four UTF-16 code units but two characters.
    rejects('name~"😀😀"', /has 2/);
    assert.deepEqual(clause('name~"😀😀😀"'), str('name', 'contains', '😀😀😀'));
  });

  it('rejects ~ on a number field', () => {
    rejects('created~"123"', /operator '~'.*number field created/, 7);
    rejects('created~12345', /operator '~'.*number field created/);
  });

  it('rejects ~null', () => {
    rejects('email~null', /null .*can only be used with ':'/);
  });
});

describe('search query: metadata', () => {
  it('parses metadata["key"] with double quotes', () => {
    assert.deepEqual(clause('metadata["order_id"]:"6735"'), meta('order_id', 'eq', '6735'));
  });

  it("parses metadata['key'] with single quotes", () => {
    assert.deepEqual(clause("metadata['order_id']:'6735'"), meta('order_id', 'eq', '6735'));
  });

  it('unescapes \\" and \\\\ in keys', () => {
    assert.deepEqual(clause('metadata["a\\"b\\\\c"]:"v"'), meta('a"b\\c', 'eq', 'v'));
    assert.deepEqual(clause("metadata['it\\'s']:'v'"), meta("it's", 'eq', 'v'));
  });

  it('allows the other quote and spaces unescaped inside a key', () => {
    assert.deepEqual(clause(`metadata["it's a key"]:"v"`), meta("it's a key", 'eq', 'v'));
  });

  it('supports substring match on metadata', () => {
    assert.deepEqual(clause('metadata["note"]~"vip"'), meta('note', 'contains', 'vip'));
  });

  it('is always allowed, even when the field table does not list it', () => {
    assert.equal(Object.hasOwn(FIELDS, 'metadata'), false);
    assert.deepEqual(parseSearchQuery('metadata["k"]:"v"', {}).clauses, [meta('k', 'eq', 'v')]);
  });

  it('requires a bracketed, quoted, non-empty key', () => {
    rejects('metadata:"v"', /Expected '\[' after 'metadata'/);
    rejects('metadata[key]:"v"', /metadata key at position 9 must be quoted/, 9);
    rejects('metadata[""]:"v"', /metadata key .* must not be empty/);
    rejects('metadata["k":"v"', /Expected '\]'/);
    rejects('metadata["k', /Unterminated string starting at position 9/, 9);
  });

  it('rejects comparison operators on metadata', () => {
    rejects('metadata["k"]>"5"', /operator '>'.*string field metadata\["k"\]/);
  });
});

describe('search query: negation', () => {
  it('a leading - negates the clause', () => {
    assert.deepEqual(clause('-email:"jenny@example.com"'), str('email', 'eq', 'jenny@example.com', true));
    assert.deepEqual(clause('-created>5'), num('created', 'gt', 5, true));
    assert.deepEqual(clause('-metadata["k"]:"v"'), meta('k', 'eq', 'v', true));
  });

  it('is per clause', () => {
    assert.deepEqual(parse('-email:"a@b.co" name:"x"').clauses, [str('email', 'eq', 'a@b.co', true), str('name', 'eq', 'x')]);
  });

  it('does not allow whitespace after -', () => {
    rejects('- email:"x"', /whitespace after '-'/);
  });

  it('needs a field after -', () => {
    rejects('-', /Expected a field name after '-'/);
    rejects('--email:"x"', /Unexpected '-' at position 1: expected a field name/, 1);
  });
});

describe('search query: null', () => {
  it('field:null matches an absent value', () => {
    assert.deepEqual(clause('phone:null'), str('phone', 'eq', null));
  });

  it('-metadata["k"]:null means the key exists', () => {
    assert.deepEqual(clause('-metadata["k"]:null'), meta('k', 'eq', null, true));
  });

  it('accepts NULL in upper case', () => {
    assert.deepEqual(clause('metadata["k"]:NULL'), meta('k', 'eq', null));
  });

  it('is not allowed on number fields', () => {
    rejects('created:null', /number field created cannot be compared with null/);
  });
});

describe('search query: combinators', () => {
  it('AND joins clauses', () => {
    assert.deepEqual(parse('email:"a@b.co" AND name:"Jenny"'), {
      combinator: 'AND',
      clauses: [str('email', 'eq', 'a@b.co'), str('name', 'eq', 'Jenny')],
    });
  });

  it('OR joins clauses', () => {
    assert.deepEqual(parse('email:"a@b.co" OR name:"Jenny" OR -phone:null'), {
      combinator: 'OR',
      clauses: [str('email', 'eq', 'a@b.co'), str('name', 'eq', 'Jenny'), str('phone', 'eq', null, true)],
    });
  });

  it('clauses separated only by whitespace are ANDed', () => {
    assert.deepEqual(parse('email:"a@b.co" metadata["k"]:"v"'), {
      combinator: 'AND',
      clauses: [str('email', 'eq', 'a@b.co'), meta('k', 'eq', 'v')],
    });
  });

  it('implicit and explicit AND may be combined', () => {
    assert.equal(parse('email:"a@b.co" name:"x" AND phone:"1"').combinator, 'AND');
    assert.equal(parse('email:"a@b.co" name:"x" AND phone:"1"').clauses.length, 3);
  });

  it('accepts lower-case and / or, as Stripe documents', () => {
    assert.equal(parse('email:"a@b.co" and name:"x"').combinator, 'AND');
    assert.equal(parse('email:"a@b.co" or name:"x"').combinator, 'OR');
  });

  it('a single clause is an AND query', () => {
    assert.equal(parse('name:"x"').combinator, 'AND');
  });

  it('tolerates extra whitespace between and around clauses', () => {
    assert.deepEqual(parse('  email:"a@b.co"  \t OR\n  name:"x"  ').clauses, [str('email', 'eq', 'a@b.co'), str('name', 'eq', 'x')]);
  });

  it('rejects mixing AND and OR', () => {
    rejects('email:"a" AND name:"b" OR phone:"c"', /cannot mix AND and OR: found 'OR' at position 23 after 'AND' at position 10/, 23);
    rejects('email:"a" OR name:"b" AND phone:"c"', /cannot mix AND and OR/);
  });

  it('rejects mixing OR with whitespace-only (implicit AND) separation', () => {
    rejects('email:"a" name:"b" OR phone:"c"', /cannot mix AND and OR.*separated only by whitespace/);
    rejects('email:"a" OR name:"b" phone:"c"', /cannot mix AND and OR.*separated only by whitespace/);
  });

  it('rejects a dangling or leading keyword', () => {
    rejects('email:"a" AND', /ends with 'AND'/);
    rejects('OR email:"a"', /Unexpected 'OR' at position 0: expected a clause/, 0);
    rejects('email:"a" AND AND name:"b"', /Unexpected 'AND' at position 14/, 14);
  });

  it('requires whitespace around keywords and between clauses', () => {
    rejects('email:"a"AND name:"b"', /Unexpected 'AND' at position 9: clauses must be separated/, 9);
    rejects('email:"a" AND-name:"b"', /Expected whitespace after 'AND'/);
    rejects('email:"a"name:"b"', /clauses must be separated by whitespace/);
  });

  it('does not take AND/OR for a keyword inside a longer word', () => {
    rejects('email:"a" ANDROID:"b"', /Field 'ANDROID' is an unsupported search field/);
  });
});

describe('search query: clause limit', () => {
  const clauses = (n: number) => Array.from({ length: n }, (_, i) => `created>${i}`);

  it(`allows ${10} clauses`, () => {
    const parsed = parse(clauses(10).join(' AND '));
    assert.equal(parsed.clauses.length, 10);
    assert.deepEqual(parsed.clauses[9], num('created', 'gt', 9));
    assert.equal(parse(clauses(10).join(' OR ')).clauses.length, 10);
    assert.equal(parse(clauses(10).join(' ')).clauses.length, 10);
  });

  it('rejects 11 clauses', () => {
    const query = clauses(11).join(' AND ');
    rejects(query, /has 11 clauses, but at most 10 are allowed/, query.lastIndexOf('created'));
    rejects(clauses(11).join(' OR '), /at most 10/);
    rejects(clauses(11).join(' '), /at most 10/);
  });
});

describe('search query: number fields', () => {
  it('supports every comparison operator', () => {
    assert.deepEqual(clause('created:1700000000'), num('created', 'eq', 1700000000));
    assert.deepEqual(clause('created=1700000000'), num('created', 'eq', 1700000000));
    assert.deepEqual(clause('created>1700000000'), num('created', 'gt', 1700000000));
    assert.deepEqual(clause('created<1700000000'), num('created', 'lt', 1700000000));
    assert.deepEqual(clause('created>=1700000000'), num('created', 'gte', 1700000000));
    assert.deepEqual(clause('updated<=1700000000'), num('updated', 'lte', 1700000000));
  });

  it('accepts negative integers and zero', () => {
    assert.deepEqual(clause('created>-5'), num('created', 'gt', -5));
    assert.ok(Object.is(clause('created:-0').value, 0));
  });

  it('accepts a quoted integer', () => {
    assert.deepEqual(clause('created>="1700000000"'), num('created', 'gte', 1700000000));
    assert.deepEqual(clause("created<'42'"), num('created', 'lt', 42));
  });

  it('rejects non-integers', () => {
    rejects('created>1.5', /value '1.5' for created at position 8 must be an integer/, 8);
    rejects('created>abc', /must be an integer/);
    rejects('created>"12a"', /must be an integer/);
    rejects('created>""', /must be an integer/);
    rejects('created>+5', /must be an integer/);
  });

  it('rejects integers beyond the safe range', () => {
    rejects(`created>${Number.MAX_SAFE_INTEGER + 1}`, /out of range/);
    assert.equal(clause(`created>${Number.MAX_SAFE_INTEGER}`).value, Number.MAX_SAFE_INTEGER);
  });
});

describe('search query: operator/field type checks', () => {
  it('rejects comparison operators on string fields', () => {
    rejects('email>"a"', /operator '>' at position 5 cannot be used with the string field email/, 5);
    rejects('name>="abc"', /operator '>='/);
    rejects('name<="abc"', /operator '<='/);
    rejects('name<"abc"', /operator '<'/);
    rejects('name="abc"', /operator '='/);
  });

  it('rejects != with a hint to use negation', () => {
    rejects('email!="a"', /'!=' .* not supported; negate a clause with a leading '-'/);
  });

  it('requires an operator after the field', () => {
    rejects('email', /Expected an operator such as ':' after email, found the end of the query/);
    rejects('email "a"', /Expected an operator such as ':' after email at position 6/);
  });
});

describe('search query: fields', () => {
  it('rejects an unknown field, naming it and the supported fields', () => {
    const err = rejects('foo:"bar"', /^Field 'foo' is an unsupported search field for customers\. /, 0);
    assert.match(err.message, /Supported fields: created, email, metadata, name, phone, status, updated\.$/);
  });

  it('does not accept Object.prototype names as fields', () => {
    rejects('constructor:"x"', /Field 'constructor' is an unsupported search field/);
    rejects('toString:"x"', /Field 'toString' is an unsupported search field/);
  });

  it('field names are case-sensitive', () => {
    rejects('Email:"a@b.co"', /Field 'Email' is an unsupported search field/);
  });

  it('uses the caller\u2019s field table', () => {
    assert.deepEqual(parseSearchQuery('amount>100', { amount: 'number' }).clauses, [num('amount', 'gt', 100)]);
    assert.throws(() => parseSearchQuery('email:"a"', { amount: 'number' }), /Field 'email' is an unsupported/);
  });
});

describe('search query: string values', () => {
  it('requires string values to be quoted', () => {
    rejects('email:jenny@example.com', /value 'jenny@example.com' for email at position 6 must be quoted, as in email:"jenny@example.com"/, 6);
    rejects('metadata["k"]:v', /must be quoted/);
    rejects('name~abc', /must be quoted/);
  });

  it('unescapes escaped quotes and backslashes in values', () => {
    assert.deepEqual(clause('name:"say \\"hi\\""'), str('name', 'eq', 'say "hi"'));
    assert.deepEqual(clause("name:'it\\'s'"), str('name', 'eq', "it's"));
    assert.deepEqual(clause('name:"back\\\\slash"'), str('name', 'eq', 'back\\slash'));
    assert.deepEqual(clause('name:"mixed \'quotes\'"'), str('name', 'eq', "mixed 'quotes'"));
  });

  it('rejects unknown escape sequences', () => {
    rejects('name:"a\\nb"', /Invalid escape sequence '\\n' at position 7/, 7);
  });

  it('keeps AND / OR / operators inside quotes as text', () => {
    assert.deepEqual(parse('name:"Tom AND Jerry" OR email~"x:y>z"').clauses, [
      str('name', 'eq', 'Tom AND Jerry'),
      str('email', 'contains', 'x:y>z'),
    ]);
  });

  it('accepts unicode values', () => {
    assert.deepEqual(clause('name:"Zoë Ünal 山田 😀"'), str('name', 'eq', 'Zoë Ünal 山田 😀'));
    assert.deepEqual(clause('metadata["clé"]~"café"'), meta('clé', 'contains', 'café'));
  });

  it('accepts an empty quoted value for exact match', () => {
    assert.deepEqual(clause('name:""'), str('name', 'eq', ''));
  });
});

describe('search query: syntax errors', () => {
  it('rejects an unterminated quote', () => {
    rejects('email:"jenny', /Unterminated string starting at position 6/, 6);
    rejects("email:'jenny", /Unterminated string/);
    rejects('email:"jenny\\"', /Unterminated string/);
    rejects('email:"a\\', /Unterminated string/);
  });

  it('rejects trailing garbage', () => {
    rejects('email:"a@b.co")', /Unexpected '\)' at position 14/, 14);
    rejects('email:"a@b.co" )', /Unexpected '\)' at position 15: expected a field name/, 15);
    rejects('email:"a@b.co" name', /Expected an operator such as ':' after name/);
    rejects('created>5)', /must be an integer/);
  });

  it('rejects a missing value', () => {
    rejects('email:', /Expected a value after ':'/);
  });

  it('rejects an empty or blank query', () => {
    rejects('', /must not be empty/);
    rejects('   \t\n', /must not be empty/);
  });

  it('rejects parentheses (Stripe has no grouping)', () => {
    rejects('(email:"a")', /Unexpected '\(' at position 0/);
  });
});

describe('search query: whitespace tolerance', () => {
  it('tolerates spaces between field, operator and value', () => {
    assert.deepEqual(clause('email : "a@b.co"'), str('email', 'eq', 'a@b.co'));
    assert.deepEqual(clause('created >= 5'), num('created', 'gte', 5));
    assert.deepEqual(clause('metadata[ "k" ] ~ "abc"'), meta('k', 'contains', 'abc'));
  });
});
