import type { CustomerScope } from '../customers/model.ts';
import { NotFoundError } from '../errors.ts';
import type { EventListQuery, EventRecords, Page } from '../store-port.ts';
import type { StoredEvent } from './customer-event.ts';

/** The events customer writes recorded: read only; the writes themselves record them. */
export class EventService {
  constructor(private readonly store: EventRecords) {}

  async get(scope: CustomerScope, id: string): Promise<StoredEvent> {
    const event = await this.store.getEvent(scope, id);
    if (!event) throw new NotFoundError('event', id);
    return event;
  }

  async list(scope: CustomerScope, query: EventListQuery): Promise<Page<StoredEvent>> {
    return this.store.listEvents(scope, query);
  }
}
