import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Customer } from '../../domain/customers/model.ts';
import { customerEtag } from '../../domain/customers/precondition.ts';
import type { IdCursor } from '../../domain/store-port.ts';
import { customerIdFromWire, customerIdToWire } from '../../formats/ids.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { fieldOf, formOf, patchOf, postedForm, type CustomerForm } from '../customer-form.ts';
import { consoleWrite, needCsrf, needTenant, scopeOf } from '../guards.ts';
import { redirectDone, render } from '../page.ts';
import { customerView, eventView, historyView } from '../views-data.ts';

const PAGE_SIZE = 25;
/** Text that reads as Stripe's search language (`email:"x"`, `metadata["k"]:"v"`, `created>…`); anything else is plain text. */
const QUERY_LANGUAGE = /^\s*[a-z_]+(\["[^"]*"\])?\s*(:|~|>=?|<=?)/i;

function idOf(wire: string): string {
  const id = customerIdFromWire(wire);
  if (!id) throw new ValidationError(['id'], `'${wire.slice(0, 40)}' is not a customer id.`);
  return id;
}

type ListQuery = { q?: string; after?: string; before?: string; page?: string };

/** Customers: list and search, detail with history and events, create, edit, delete, erase. */
export function customerRoutes(app: App): void {
  const tenant = { preHandler: needTenant, schema: { hide: true } };
  const write = { preHandler: [needTenant, needCsrf], schema: { hide: true } };

  app.get<{ Querystring: ListQuery }>('/customers', tenant, async (request, reply) => {
    const scope = scopeOf(request);
    const q = (request.query.q ?? '').trim().slice(0, 500);
    let customers: Customer[];
    let next: string | null = null;
    let previous: string | null = null;
    let error: string | null = null;
    try {
      if (q !== '' && QUERY_LANGUAGE.test(q)) {
        const found = await app.customers.search(scope, { query: q, limit: PAGE_SIZE, ...(request.query.page ? { page: request.query.page } : {}) });
        customers = found.data;
        next = found.nextPage ? `?q=${encodeURIComponent(q)}&page=${encodeURIComponent(found.nextPage)}` : null;
      } else {
        const cursor: IdCursor | undefined = request.query.after
          ? { after: idOf(request.query.after), field: ['after'] }
          : request.query.before
            ? { before: idOf(request.query.before), field: ['before'] }
            : undefined;
        const page = await app.customers.list(scope, {
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
          ...(q !== '' ? { contains: { text: q, fields: ['name', 'email', 'phone'] as const } } : {}),
        });
        customers = page.data;
        const qs = q !== '' ? `q=${encodeURIComponent(q)}&` : '';
        const last = customers.at(-1);
        const first = customers[0];
        const older = cursor && 'before' in cursor ? true : page.hasMore;
        if (older && last) next = `?${qs}after=${customerIdToWire(last.id)}`;
        if (cursor && first && ('after' in cursor || page.hasMore)) previous = `?${qs}before=${customerIdToWire(first.id)}`;
      }
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      customers = [];
      error = err.message;
    }
    const data = { q, customers: customers.map(customerView), next, previous, error };
    // The search box asks with htmx for the table alone.
    if (request.headers['hx-request'] === 'true') return reply.type('text/html; charset=utf-8').view('customers-table', data);
    return render(request, reply, 'customers', 'Customers', 'customers', data);
  });

  app.get('/customers/new', tenant, async (request, reply) => render(request, reply, 'customer-form', 'New customer', 'customers', { form: formOf(null), errors: {}, customer: null }));

  const formFailed = (request: FastifyRequest, reply: FastifyReply, form: CustomerForm, error: ValidationError, customer: Customer | null) =>
    render(request, reply, 'customer-form', customer ? 'Edit customer' : 'New customer', 'customers', { form, errors: { [fieldOf(error)]: error.message }, customer: customer ? customerView(customer) : null }, 400);

  app.post('/customers', write, async (request, reply) => {
    const form = postedForm(request.body);
    try {
      const made = await app.customers.create(scopeOf(request), patchOf(form), consoleWrite(request));
      return redirectDone(reply, `${CONSOLE_PREFIX}/customers/${customerIdToWire(made.id)}`, 'customer_created');
    } catch (err) {
      if (err instanceof ValidationError) return formFailed(request, reply, form, err, null);
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/customers/:id', tenant, async (request, reply) => {
    const scope = scopeOf(request);
    const id = idOf(request.params.id);
    const customer = await app.customers.get(scope, id);
    const history = await app.customers.history(scope, id, { limit: 50 });
    const events = await app.events.list(scope, { limit: 20, customerId: id });
    const withDeliveries = await Promise.all(events.data.map(async (event) => eventView(event, await app.webhooks.deliveriesOfEvent(scope, event.id))));
    return render(request, reply, 'customer', customer.name ?? customer.email ?? customerIdToWire(id), 'customers', {
      customer: customerView(customer),
      history: history.data.map(historyView),
      events: withDeliveries,
    });
  });

  app.get<{ Params: { id: string } }>('/customers/:id/edit', tenant, async (request, reply) => {
    const customer = await app.customers.get(scopeOf(request), idOf(request.params.id));
    return render(request, reply, 'customer-form', 'Edit customer', 'customers', { form: formOf(customer), errors: {}, customer: customerView(customer) });
  });

  app.post<{ Params: { id: string } }>('/customers/:id', write, async (request, reply) => {
    const scope = scopeOf(request);
    const id = idOf(request.params.id);
    const form = postedForm(request.body);
    // The version the form was made from: an edit never silently overwrites someone else's.
    const precondition = /^\d+$/.test(form.version ?? '') ? [customerEtag({ version: Number(form.version) })] : undefined;
    try {
      await app.customers.update(scope, id, patchOf(form), consoleWrite(request), precondition);
      return redirectDone(reply, `${CONSOLE_PREFIX}/customers/${customerIdToWire(id)}`, 'changes_saved');
    } catch (err) {
      if (err instanceof ValidationError) return formFailed(request, reply, form, err, await app.customers.get(scope, id));
      if ((err as { kind?: string }).kind === 'precondition_failed') {
        const current = await app.customers.get(scope, id);
        return render(request, reply, 'customer-form', 'Edit customer', 'customers', { form: { ...form, version: String(current.version) }, errors: { form: 'Someone changed this customer since you opened the form: check the current values (on its page) and save again.' }, customer: customerView(current) }, 409);
      }
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/customers/:id/delete', tenant, async (request, reply) => {
    const customer = await app.customers.get(scopeOf(request), idOf(request.params.id));
    return render(request, reply, 'customer-delete', 'Delete customer', 'customers', { customer: customerView(customer) });
  });

  app.post<{ Params: { id: string } }>('/customers/:id/delete', write, async (request, reply) => {
    await app.customers.delete(scopeOf(request), idOf(request.params.id), consoleWrite(request));
    return redirectDone(reply, `${CONSOLE_PREFIX}/customers`, 'customer_deleted');
  });

  app.post<{ Params: { id: string } }>('/customers/:id/erase', write, async (request, reply) => {
    await app.customers.erase(scopeOf(request), idOf(request.params.id), consoleWrite(request));
    return redirectDone(reply, `${CONSOLE_PREFIX}/customers`, 'customer_erased');
  });
}
