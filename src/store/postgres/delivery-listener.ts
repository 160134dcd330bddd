import pg from 'pg';
import { DeliveryWakeups } from '../delivery-wakeups.ts';
import { DELIVERIES_CHANNEL } from './history-records.ts';

const RECONNECT_MS = 1000;

/**
 * LISTENs for the NOTIFY every transaction that queues deliveries sends, on a connection of its
 * own (a pooled one cannot listen), from the first watcher on; reconnects after a failure. A
 * notification lost while disconnected only delays deliveries until the dispatcher's next poll.
 */
export class DeliveryListener {
  private readonly wakeups = new DeliveryWakeups();
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly connectionString: string) {}

  watch(listener: () => void): () => void {
    const stop = this.wakeups.watch(listener);
    if (!this.client && !this.timer && !this.closed) void this.connect();
    return stop;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'clientele-deliveries' });
    this.client = client;
    client.on('notification', () => this.wakeups.queued());
    client.on('error', () => this.retry(client));
    client.on('end', () => this.retry(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERIES_CHANNEL}`);
      // Whatever was queued while not listening is due now.
      this.wakeups.queued();
    } catch {
      this.retry(client);
    }
  }

  private retry(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, RECONNECT_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
