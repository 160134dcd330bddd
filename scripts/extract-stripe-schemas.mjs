// Extracts from Stripe's OpenAPI description (github.com/stripe/openapi, openapi/spec3.json) the
// schemas the native API's answers are checked against, as plain JSON Schema for ajv:
//
//   node scripts/extract-stripe-schemas.mjs path/to/spec3.json [source note] > test/fixtures/stripe-openapi/customers-components.json
//
// Kept: the components named below and every component they reference, except objects Clientele
// never prints (payment sources, subscriptions, discounts, test clocks, …), whose references become
// `{}`: a field holding one is checked only by the branches that remain (an id string, null).
// OpenAPI 3.0's `nullable: true` becomes `anyOf [schema, null]`; `x-…` keys and formats are dropped.
import { readFileSync } from 'node:fs';

const [specPath, source = ''] = process.argv.slice(2);
if (!specPath) {
  process.stderr.write('usage: node scripts/extract-stripe-schemas.mjs spec3.json [source note]\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const schemas = spec.components.schemas;

const ROOTS = ['customer', 'deleted_customer', 'tax_id', 'deleted_tax_id', 'error'];
/** Objects of other Stripe products: a reference to one is left unchecked. */
const FOREIGN = new Set(['account', 'charge', 'payment_intent', 'setup_intent', 'invoice', 'alipay_account', 'application', 'bank_account', 'bitcoin_receiver', 'card', 'cash_balance', 'customer_tax', 'discount', 'payment_method', 'source', 'subscription', 'test_helpers.test_clock']);

const LISTS = {
  customer_list: spec.paths['/v1/customers'].get.responses['200'].content['application/json'].schema,
  customer_search_result: spec.paths['/v1/customers/search']?.get.responses['200'].content['application/json'].schema,
  tax_id_list: spec.paths['/v1/customers/{customer}/tax_ids'].get.responses['200'].content['application/json'].schema,
};

const kept = new Map();
const queue = [...ROOTS];

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/components/schemas/', '');
    if (FOREIGN.has(name)) return {};
    if (!kept.has(name)) queue.push(name);
    return { $ref: `#/definitions/${name}` };
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'description' || key === 'format' || key === 'nullable' || key === 'title') continue;
    out[key] = convert(value);
  }
  return node.nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

while (queue.length > 0) {
  const name = queue.shift();
  if (kept.has(name)) continue;
  if (!schemas[name]) throw new Error(`no component ${name}`);
  kept.set(name, null);
  kept.set(name, convert(schemas[name]));
}
for (const [name, schema] of Object.entries(LISTS)) if (schema) kept.set(name, convert(schema));
// References found while converting the lists.
while (queue.length > 0) {
  const name = queue.shift();
  if (!kept.has(name)) kept.set(name, convert(schemas[name]));
}

const out = {
  source: { repository: 'https://github.com/stripe/openapi', spec: 'openapi/spec3.json', apiVersion: spec.info.version, note: source },
  regenerate: 'node scripts/extract-stripe-schemas.mjs <spec3.json> "<source note>" > test/fixtures/stripe-openapi/customers-components.json',
  definitions: Object.fromEntries([...kept.entries()].sort(([a], [b]) => a.localeCompare(b))),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
