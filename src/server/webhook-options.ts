/** How a process delivers webhooks (buildApp's `webhooks` option). */
export interface WebhookOptions {
  /** Run a dispatcher in this process (default true). */
  dispatch?: boolean;
  /** Receivers on loopback and private addresses, and http in live mode (CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivate?: boolean;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** How often to look for due deliveries when nothing wakes the dispatcher (default 1 s). */
  pollMs?: number;
  maxInFlight?: number;
  maxPerEndpoint?: number;
}
