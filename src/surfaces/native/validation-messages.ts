import { pathToParam } from '../../formats/bracket-path.ts';
import type { SchemaIssue } from '../shared/errors/schema-issues.ts';

/**
 * One Stripe-style message for a request that fails its schema, naming the parameter in bracket
 * notation, as Stripe does: the unknown parameter first, then the missing one, then the most
 * specific complaint about a value.
 */

/** Stripe parameters Clientele deliberately does not take, with the reason a porting user needs. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  source: 'Clientele stores customer records, not payment instruments; attach sources with your payment processor.',
  payment_method: 'Clientele stores customer records, not payment instruments; set invoice_settings[default_payment_method] to its id instead.',
  cash_balance: 'Cash balances are not supported.',
  tax: 'Automatic tax location (tax[ip_address], tax[validate_location]) is not supported.',
  test_clock: 'Test clocks are not supported.',
  coupon: 'Discounts are not supported.',
  promotion_code: 'Discounts are not supported.',
};

export interface StripeValidationMessage {
  message: string;
  code?: string;
  param?: string;
}

function shown(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s === undefined ? 'undefined' : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

const samePath = (a: SchemaIssue, b: SchemaIssue) => a.path.length === b.path.length && a.path.every((p, i) => p === b.path[i]);

/** "Not the empty string" and "wrong type for this branch" say least about what was meant. */
function typeRank(issue: SchemaIssue): number {
  if (issue.keyword === 'const' && issue.params.allowedValue === '') return 2;
  return issue.keyword === 'type' || issue.keyword === 'const' ? 1 : 0;
}

function allowedValues(issues: readonly SchemaIssue[], at: SchemaIssue): string[] {
  const out: string[] = [];
  for (const i of issues) {
    if (!samePath(i, at)) continue;
    if (i.keyword === 'const' && i.params.allowedValue !== '' && i.params.allowedValue !== null) out.push(String(i.params.allowedValue));
    if (i.keyword === 'enum') out.push(...(i.params.allowedValues as unknown[]).map(String));
  }
  return out;
}

function expectedTypes(issues: readonly SchemaIssue[], at: SchemaIssue): string[] {
  const types = new Set<string>();
  for (const i of issues) if (samePath(i, at) && i.keyword === 'type') types.add(String(i.params.type));
  types.delete('null');
  return [...types];
}

function valueMessage(issue: SchemaIssue, issues: readonly SchemaIssue[], param: string): string {
  const { keyword, params, value } = issue;
  switch (keyword) {
    case 'maxLength':
      return `Invalid string: ${shown(value)}; must be at most ${params.limit} characters`;
    case 'minLength':
      return `Invalid string: ${param} must be at least ${params.limit} characters`;
    case 'maxItems':
      return `Invalid array: ${param} must have at most ${params.limit} items`;
    case 'maxProperties':
      return `Invalid hash: ${param} can have at most ${params.limit} keys`;
    case 'minimum':
    case 'maximum':
      return `Invalid integer: ${shown(value)}; ${param} must be ${keyword === 'minimum' ? 'at least' : 'at most'} ${params.limit}`;
    case 'pattern':
      return `Invalid value for ${param}: ${shown(value)}`;
    case 'const':
    case 'enum':
    case 'type': {
      const allowed = allowedValues(issues, issue);
      if (allowed.length > 0) return `Invalid ${param}: must be one of ${allowed.join(', ')}`;
      const expected = expectedTypes(issues, issue);
      if (expected.includes('integer')) return `Invalid integer: ${shown(value)}`;
      if (expected.includes('boolean')) return `Invalid boolean: ${shown(value)}`;
      if (expected.includes('object')) return `Invalid object: ${param} must be a hash of parameters`;
      if (expected.includes('array')) return `Invalid array: ${param} must be a list`;
      return `Invalid ${expected.join(' or ') || 'value'}: ${shown(value)}`;
    }
    default:
      return `Invalid value for ${param}: ${issue.message ?? 'invalid'}`;
  }
}

export function schemaIssueMessage(issues: readonly SchemaIssue[]): StripeValidationMessage {
  const unknown = issues.find((i) => i.keyword === 'additionalProperties');
  if (unknown) {
    const param = pathToParam(unknown.path);
    const reason = unknown.path.length === 1 ? UNSUPPORTED[String(unknown.path[0])] : undefined;
    return { message: reason ? `Received unsupported parameter: ${param}. ${reason}` : `Received unknown parameter: ${param}`, code: 'parameter_unknown', param };
  }
  const missing = issues.find((i) => i.keyword === 'required');
  if (missing) {
    const param = pathToParam(missing.path);
    return { message: `Missing required param: ${param}.`, code: 'parameter_missing', param };
  }
  // Inside a union every branch reports; the most specific complaint is the deepest one that is
  // not merely "wrong type" for a branch the value was never meant for.
  const ranked = issues.filter((i) => i.keyword !== 'anyOf').sort((a, b) => b.path.length - a.path.length || typeRank(a) - typeRank(b));
  const issue = ranked[0] ?? issues[0];
  if (!issue) return { message: 'Invalid request.' };
  if (issue.path.length === 0 && issue.keyword === 'type') {
    return { message: 'The request body must be a set of parameters: a form or a JSON object.' };
  }
  const param = pathToParam(issue.path);
  return { message: valueMessage(issue, issues, param), code: 'parameter_invalid', param };
}
