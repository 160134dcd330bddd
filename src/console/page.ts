import type { FastifyReply, FastifyRequest } from 'fastify';
import { tenantIdToWire } from '../formats/ids.ts';
import { csrfOf } from './session.ts';

/** What every page's layout shows: who is signed in, the CSRF token of its forms, where we are. */
export interface PageContext {
  title: string;
  csrf: string;
  section: string;
  user: { admin: boolean; tenantName: string | null; tenantId: string | null; mode: string | null } | null;
  flash: string | null;
}

function contextOf(request: FastifyRequest, title: string, section: string): PageContext {
  const user = request.consoleUser;
  return {
    title,
    csrf: csrfOf(request),
    section,
    flash: typeof (request.query as Record<string, unknown> | undefined)?.done === 'string' ? String((request.query as Record<string, string>).done).slice(0, 200) : null,
    user: user
      ? user.admin
        ? { admin: true, tenantName: null, tenantId: null, mode: null }
        : { admin: false, tenantName: user.principal.tenant.name, tenantId: tenantIdToWire(user.principal.tenant.id), mode: user.principal.mode }
      : null,
  };
}

/** Renders `template` (views/…) inside the layout, with the page context beside `data`. */
export function render(request: FastifyRequest, reply: FastifyReply, template: string, title: string, section: string, data: object = {}, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').view(template, { ...contextOf(request, title, section), ...data });
}

/** After a write: back to a page (303, so the browser GETs it), with a short notice. */
export function redirectDone(reply: FastifyReply, path: string, notice?: string) {
  const url = notice ? `${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}` : path;
  return reply.code(303).redirect(url);
}
