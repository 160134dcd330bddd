import qs from 'qs';

/**
 * Stripe-style bracket notation (`address[city]=…`, `metadata[k]=…`, `expand[]=…`,
 * `expand[0]=…`) for form bodies and query strings alike. Bounded so that no input can
 * build a huge or deep object.
 */
export class FormSyntaxError extends Error {
  readonly statusCode = 400;
  readonly code = 'CLIENTELE_FORM_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'FormSyntaxError';
  }
}

const OPTIONS: qs.IParseOptions = {
  depth: 5,
  strictDepth: true,
  // Above every schema's maxItems, so that the schema, not the parser, names the parameter.
  arrayLimit: 1000,
  parameterLimit: 5000,
  throwOnLimitExceeded: true,
  // Keys named like Object.prototype members (constructor, toString, …) are data, as in a JSON
  // body: qs makes them own properties. __proto__ is refused in the decoder, as the JSON parser
  // refuses it.
  allowPrototypes: true,
  allowDots: false,
  charset: 'utf-8',
  // A malformed escape (`%ZZ`, a cut UTF-8 sequence) is an error, not text to store verbatim.
  decoder: (text, _defaultDecoder, _charset, type) => {
    const plus = text.replace(/\+/g, ' ');
    let decoded: string;
    try {
      decoded = decodeURIComponent(plus);
    } catch {
      throw new FormSyntaxError(`Invalid percent-encoding in the ${type}: '${text.slice(0, 60)}'`);
    }
    if (type === 'key' && /(^|\[)__proto__(\]|\[|$)/.test(decoded)) throw new FormSyntaxError(`The key __proto__ is not allowed: '${text.slice(0, 60)}'`);
    // No store keeps U+0000 in text; refused here for every surface's query string and form.
    if (decoded.includes('\u0000')) throw new FormSyntaxError(`The NUL character (%00) is not allowed in the ${type}: '${text.slice(0, 60)}'`);
    return decoded;
  },
};

export function parseBracketForm(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, OPTIONS) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof FormSyntaxError) throw err;
    throw new FormSyntaxError(`Invalid form-encoded parameters: ${(err as Error).message}`);
  }
}

/** Where a query string that failed to parse leaves its error: the router must never throw. */
export const QUERY_ERROR = Symbol('clientele.queryError');

export function parseQueryString(text: string): Record<string | symbol, unknown> {
  try {
    return parseBracketForm(text);
  } catch (err) {
    return { [QUERY_ERROR]: err };
  }
}
