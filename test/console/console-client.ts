import assert from 'node:assert/strict';

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/**
 * A browser-like client of the console over plain HTTP: keeps cookies, finds each form's CSRF
 * token in the page, never follows redirects by itself (tests look at them).
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res.headers);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  async post(path: string, fields: Record<string, string | string[]>): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await fetch(this.base + path, { method: 'POST', redirect: 'manual', headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body });
    this.remember(res.headers);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  /** Opens `page` and posts its form (the first whose action is `action`) with `fields` and its CSRF token. */
  async submit(page: string, action: string, fields: Record<string, string | string[]>): Promise<Page> {
    const shown = await this.get(page);
    assert.equal(shown.status, 200, `${page}: ${shown.text.slice(0, 300)}`);
    return this.post(action, { _csrf: csrfIn(shown.text, action), ...fields });
  }

  async signIn(key: string): Promise<Page> {
    const res = await this.submit('/console/sign-in', '/console/sign-in', { key });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    return res;
  }
}

/** The CSRF token of the form posting to `action` in `html`. */
export function csrfIn(html: string, action: string): string {
  const at = html.indexOf(`action="${action}"`);
  assert.ok(at >= 0, `no form posts to ${action}`);
  const token = /name="_csrf" value="([^"]*)"/.exec(html.slice(at))?.[1];
  assert.ok(token, `the form posting to ${action} has no CSRF token`);
  return token;
}

/** The text of the page, tags removed (for assertions on what a reader sees). */
export const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
