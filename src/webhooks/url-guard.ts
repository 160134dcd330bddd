import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { CustomerScope } from '../domain/customers/model.ts';
import { ValidationError } from '../domain/errors.ts';
import type { UrlGuard } from '../domain/webhooks/webhook-service.ts';

/**
 * Ranges a receiver may not be in: ipaddr.js's names for loopback, private (RFC 1918, ULA),
 * link-local (cloud metadata at 169.254.169.254 among them), CGNAT, and every other special range;
 * only `unicast` is public.
 */
const isPublic = (address: ipaddr.IPv4 | ipaddr.IPv6): boolean => {
  const ip = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  return ip.range() === 'unicast';
};

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * The addresses `host` resolves to, each checked: refused (Error naming why) when any is not
 * public, unless `allowPrivate`. A delivery connects to the first of them, so that a DNS answer
 * that changes between the check and the connection cannot redirect it (DNS rebinding).
 */
export async function resolveReceiver(host: string, allowPrivate: boolean): Promise<ResolvedAddress[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const found: ResolvedAddress[] = ipaddr.isValid(bare)
    ? [{ address: ipaddr.process(bare).toString(), family: ipaddr.parse(bare).kind() === 'ipv6' ? 6 : 4 }]
    : (await lookup(bare, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
  if (found.length === 0) throw new Error(`${host} does not resolve to any address.`);
  if (!allowPrivate) {
    const refused = found.find((entry) => !isPublic(ipaddr.process(entry.address)));
    if (refused) throw new Error(`${host} resolves to ${refused.address}, a private, loopback, link-local or otherwise non-public address.`);
  }
  return found;
}

/**
 * A receiver's URL: absolute http(s), no credentials in it, https in live mode, and a host that
 * resolves only to public addresses. `allowPrivate` (CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1) lifts the
 * last two, for local development and tests.
 */
export class DnsUrlGuard implements UrlGuard {
  constructor(private readonly options: { allowPrivate: boolean }) {}

  async check(text: string, scope: CustomerScope, path: readonly string[]): Promise<void> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ValidationError(path, `Invalid URL: ${text}. It must be an absolute http or https URL.`, 'url_invalid');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ValidationError(path, 'Invalid URL: only http and https URLs can receive webhooks.', 'url_invalid');
    if (url.username !== '' || url.password !== '') throw new ValidationError(path, 'Invalid URL: it cannot carry a user name or password.', 'url_invalid');
    if (this.options.allowPrivate) return;
    if (scope.mode === 'live' && url.protocol !== 'https:') throw new ValidationError(path, 'Invalid URL: live-mode endpoints must use https.', 'url_invalid');
    try {
      await resolveReceiver(url.hostname, false);
    } catch (err) {
      throw new ValidationError(path, `Invalid URL: ${(err as Error).message}`, 'url_invalid');
    }
  }
}
