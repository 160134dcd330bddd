import qs from 'qs';

/**
 * Stripe-style bracket notation (`address[city]=…`, `metadata[k]=…`, `expand[]=…`,
 * `expand[0]=…`) for form bodies and query strings alike. Bounded so that no input can
 * build a huge or deep object.
 */
const OPTIONS: qs.IParseOptions = {
  depth: 5,
  strictDepth: true,
  arrayLimit: 100,
  parameterLimit: 2000,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
  allowDots: false,
  charset: 'utf-8',
};

export class FormSyntaxError extends Error {
  readonly statusCode = 400;
  readonly code = 'CLIENTELE_FORM_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'FormSyntaxError';
  }
}

export function parseBracketForm(text: string): Record<string, unknown> {
  try {
    return qs.parse(text, OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw new FormSyntaxError(`Invalid form-encoded parameters: ${(err as Error).message}`);
  }
}
