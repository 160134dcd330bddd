const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  null: 'null',
  object: 'an object',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
};

/** JSON Schema types as a message names them: `a string or null`. */
export function typesInWords(types: readonly string[]): string {
  return types.map((type) => ARTICLE[type] ?? type).join(' or ');
}
