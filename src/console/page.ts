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

/** What a write's redirect may announce: by code, so that a crafted link cannot make the console say anything else. */
export const NOTICES = {
  settings_saved: 'Settings saved.',
  customer_created: 'Customer created.',
  changes_saved: 'Changes saved.',
  customer_deleted: 'Customer deleted.',
  customer_erased: 'Customer erased: its personal data is gone for good.',
  delivery_queued: 'Delivery queued to be sent now.',
  subscription_created: 'Count subscription created.',
  access_revoked: "The application's access is revoked: its tokens no longer work.",
} as const;
export type Notice = keyof typeof NOTICES;

function noticeOf(request: FastifyRequest): string | null {
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  return typeof done === 'string' && Object.hasOwn(NOTICES, done) ? NOTICES[done as Notice] : null;
}

function contextOf(request: FastifyRequest, title: string, section: string): PageContext {
  const user = request.consoleUser;
  return {
    title,
    csrf: csrfOf(request),
    section,
    flash: noticeOf(request),
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
export function redirectDone(reply: FastifyReply, path: string, notice: Notice) {
  return reply.code(303).redirect(`${path}${path.includes('?') ? '&' : '?'}done=${notice}`);
}
