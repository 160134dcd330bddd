import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { WebhookRecords } from '../domain/store-port.ts';
import type { AttemptResult, DeliveryJob, DeliveryRenderer } from '../domain/webhooks/delivery.ts';
import type { EndpointFlavor, WebhookEndpoint } from '../domain/webhooks/endpoint.ts';
import { afterAttempt, type SendOutcome } from '../domain/webhooks/retry-policy.ts';
import { DEFAULT_TENANT_SETTINGS } from '../domain/tenants/tenant.ts';

/** How long new deliveries wait after a claim found only deliveries it had to pass over. */
const BLOCKED_MS = 50;

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

interface DispatcherLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  store: WebhookRecords;
  renderers: Readonly<Record<EndpointFlavor, DeliveryRenderer>>;
  /** The plaintext secrets that sign for an endpoint now (WebhookService.signingSecrets). */
  secrets: (endpoint: WebhookEndpoint, nowMs: number) => string[];
  send: (request: SendRequest) => Promise<SendOutcome>;
  log: DispatcherLog;
  /** Receivers on private addresses (CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivate: boolean;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** Deliveries in flight from this process at once (default 128). */
  maxInFlight?: number;
  /** …and to one endpoint (default 16): a slow receiver holds no more than these. */
  maxPerEndpoint?: number;
  /** How often to look for due deliveries when nothing wakes the dispatcher (default 1 s). */
  pollMs?: number;
  /** Hears each recorded attempt (metrics); `lagMs` on first attempts: from the event to the attempt's start. */
  observe?: (flavor: EndpointFlavor, result: AttemptResult['next']['state'] | 'retrying', lagMs: number | null) => void;
}

/**
 * Sends due deliveries: claims them (a lease, so a dispatcher that dies leaves them to another),
 * renders and signs each in its endpoint's flavor, sends it, and records the attempt with what
 * follows from it (retry policy). One per server process; woken when deliveries are queued, and
 * polling besides.
 */
export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly maxInFlight: number;
  private readonly maxPerEndpoint: number;
  private readonly pollMs: number;
  private readonly perEndpoint = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private pumping = false;
  private pumpAgain = false;
  /**
   * The last claim found nothing but deliveries to endpoints past their bound: for a moment, new
   * deliveries wake a claim only once (a claim would scan those again each time).
   */
  private blockedUntil = 0;
  private blockedWake: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    // Long enough that an attempt always ends (and is recorded) before its claim lapses; short
    // enough that a killed server's deliveries go out again soon.
    this.leaseMs = 2 * this.timeoutMs + 5_000;
    this.maxInFlight = options.maxInFlight ?? 128;
    this.maxPerEndpoint = options.maxPerEndpoint ?? 16;
    this.pollMs = options.pollMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unwatch = this.options.store.watchDeliveries(() => this.wake('queued'));
    this.wake();
  }

  /** Stops claiming, and waits for the deliveries in flight to be sent and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.unwatch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.blockedWake) clearTimeout(this.blockedWake);
    this.blockedWake = null;
    while (this.pumping || this.inFlight.size > 0) await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, 20))]);
  }

  /** `queued`: the store says deliveries were queued; anything else (a finished delivery, the poll) always looks. */
  wake(reason: 'queued' | 'look' = 'look'): void {
    if (!this.running) return;
    const now = Date.now();
    if (reason === 'queued' && now < this.blockedUntil) {
      this.blockedWake ??= setTimeout(() => {
        this.blockedWake = null;
        this.wake();
      }, this.blockedUntil - now);
      return;
    }
    if (reason === 'look') this.blockedUntil = 0;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.running && this.inFlight.size < this.maxInFlight) {
          // Claims cost a transaction each, so an endpoint past half its bound is skipped until
          // half its room is free again, and then gets that much at once; and no claim takes more
          // than the busiest endpoint not skipped has room for: none ever exceeds maxPerEndpoint.
          const skipEndpoints: string[] = [];
          let busiest = 0;
          for (const [id, n] of this.perEndpoint) {
            if (n > this.maxPerEndpoint / 2) skipEndpoints.push(id);
            else busiest = Math.max(busiest, n);
          }
          const limit = Math.min(this.maxInFlight - this.inFlight.size, this.maxPerEndpoint - busiest);
          const jobs = await this.options.store.claimDeliveries({ owner: this.owner, nowMs: Date.now(), leaseMs: this.leaseMs, limit, skipEndpoints });
          for (const job of jobs) this.launch(job);
          if (jobs.length < limit) {
            this.blockedUntil = jobs.length === 0 && skipEndpoints.length > 0 ? Date.now() + BLOCKED_MS : 0;
            break;
          }
        }
      } while (this.pumpAgain && this.running);
    } catch (err) {
      this.options.log.warn({ err: { message: (err as Error).message } }, 'webhook dispatcher: could not claim deliveries; retrying');
    } finally {
      this.pumping = false;
    }
    await this.scheduleNext();
  }

  /** The next look: when the soonest retry falls due, or at the poll interval, whichever is first. */
  private async scheduleNext(): Promise<void> {
    if (!this.running) return;
    // While deliveries are in flight each one's end looks again: keep the look already set rather
    // than ask the store when the next is due after every single delivery.
    if (this.timer && this.inFlight.size > 0) return;
    let delay = this.pollMs;
    try {
      // A delivery due already was left for a reason (its endpoint at its bound, or ours all in
      // flight): a finishing delivery wakes us for it. Looking again at once would spin.
      const due = await this.options.store.nextDueAt();
      if (due !== null && due > Date.now()) delay = Math.min(delay, due - Date.now());
    } catch {
      // The poll retries.
    }
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, delay);
    this.timer.unref();
  }

  private launch(job: DeliveryJob): void {
    const endpointId = job.endpoint.id;
    this.perEndpoint.set(endpointId, (this.perEndpoint.get(endpointId) ?? 0) + 1);
    const running = this.deliver(job).finally(() => {
      this.inFlight.delete(running);
      const left = (this.perEndpoint.get(endpointId) ?? 1) - 1;
      if (left === 0) this.perEndpoint.delete(endpointId);
      else this.perEndpoint.set(endpointId, left);
      this.wake();
    });
    this.inFlight.add(running);
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const { store, renderers, log } = this.options;
    try {
      const now = Date.now();
      const rendered = renderers[job.endpoint.flavor](job, this.options.secrets(job.endpoint, now), now);
      const outcome = await this.options.send({ url: job.endpoint.url, body: rendered.body, headers: rendered.headers, timeoutMs: this.timeoutMs, allowPrivate: this.options.allowPrivate });
      const disableAfterDays = job.tenant.settings.webhook_disable_after_days ?? DEFAULT_TENANT_SETTINGS.webhook_disable_after_days;
      const result = afterAttempt(job, outcome, disableAfterDays);
      const recorded = await store.recordAttempt(job.delivery, this.owner, result);
      const state = result.next.state === 'ready' ? 'retrying' : result.next.state;
      if (recorded) this.options.observe?.(job.endpoint.flavor, state, job.delivery.attempts === 0 ? now - job.event.created : null);
      else log.warn({ delivery: job.delivery.id }, 'webhook delivery: the claim lapsed before the attempt was recorded; another dispatcher retries it');
      if (result.endpoint?.disable) log.warn({ endpoint: job.endpoint.id, reason: result.endpoint.disable }, 'webhook endpoint disabled');
    } catch (err) {
      // Not recorded: the claim lapses and the delivery is sent again (at least once).
      log.error({ err: { message: (err as Error).message }, delivery: job.delivery.id }, 'webhook delivery failed to run');
    }
  }
}
