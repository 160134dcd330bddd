/**
 * Page tokens are opaque to clients: base64url of the direction and the canonical id of the
 * customer at the page boundary. `next`: customers older than it; `previous`: newer than it.
 */

export type PageDirection = 'next' | 'previous';

export function encodePageToken(direction: PageDirection, customerId: string): string {
  return Buffer.from(`${direction === 'next' ? 'n' : 'p'}.${customerId}`, 'utf8').toString('base64url');
}

/** The direction and boundary id in a page token, or null when the text is not one of ours. */
export function decodePageToken(token: string): { direction: PageDirection; id: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^([np])\.([0-9a-f]{24})$/.exec(text);
  if (!match || !match[1] || !match[2]) return null;
  // Only the canonical encoding: a token is one string, not any that decodes alike.
  if (Buffer.from(text, 'utf8').toString('base64url') !== token) return null;
  return { direction: match[1] === 'n' ? 'next' : 'previous', id: match[2] };
}
