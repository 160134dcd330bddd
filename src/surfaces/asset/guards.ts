import type { FastifyRequest } from 'fastify';
import { AssetValidationError, type DetailItem } from './errors.ts';

/**
 * Checks the app's shared validator does not do the way FastAPI (Asset's server) does them. The
 * app's validator coerces scalars (right for query strings and form bodies): in a JSON body it
 * would store `5` as `"5"` and read `null` as `""`. Asset's fields are text and objects only.
 */

/** Asset's pages document JSON bodies for the customer routes; anything else is refused by name. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export async function jsonOnly(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (request.body === undefined || type === undefined || JSON_TYPE.test(type)) return;
  throw Object.assign(new Error(`Unsupported Content-Type header '${type.slice(0, 80)}': send the body as application/json.`), {
    statusCode: 415,
    code: 'ASSET_UNSUPPORTED_MEDIA_TYPE',
  });
}

const ADDRESSES = new Set(['billing_address', 'shipping_address']);

/** Numbers and booleans where text belongs; `null` for the fields that are not nullable. */
export function strictJsonTypes(notNull: readonly string[] = []) {
  return async (request: FastifyRequest): Promise<void> => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const items: DetailItem[] = [];
    const check = (value: unknown, loc: (string | number)[]) => {
      if (typeof value === 'number' || typeof value === 'boolean') items.push({ type: 'string_type', loc, msg: 'Input should be a valid string' });
    };
    for (const [key, value] of Object.entries(body)) {
      if (value === null && notNull.includes(key)) {
        items.push({ type: 'string_type', loc: ['body', key], msg: 'Input should be a valid string' });
      } else if (ADDRESSES.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [field, v] of Object.entries(value)) check(v, ['body', key, field]);
      } else {
        check(value, ['body', key]);
      }
    }
    if (items.length > 0) throw new AssetValidationError(items);
  };
}
