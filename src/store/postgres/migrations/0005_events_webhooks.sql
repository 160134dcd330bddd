-- Events: one per customer write, recorded in the write's own transaction (the outbox). The
-- customer as it became, and on updates the old values of the fields that changed, as JSON in the
-- domain's field names; each surface renders them its own way. Ids are time-ordered: newest first
-- is id order.
CREATE TABLE events (
  tenant_id        TEXT NOT NULL,
  mode             TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  id               TEXT NOT NULL,
  created          BIGINT NOT NULL,
  type             TEXT NOT NULL,
  customer_id      TEXT NOT NULL,
  customer_version INTEGER NOT NULL,
  customer         TEXT NOT NULL,
  previous         TEXT,
  request_id       TEXT,
  idempotency_key  TEXT,
  surface          TEXT NOT NULL,
  PRIMARY KEY (tenant_id, mode, id)
);
CREATE INDEX events_by_age ON events (tenant_id, created);

-- Receivers: Stripe-style endpoints and Count subscriptions. event_mask: the customer event
-- types received (1 created, 2 updated, 4 deleted). Secrets are sealed (AES-256-GCM).
CREATE TABLE webhook_endpoints (
  tenant_id               TEXT NOT NULL,
  mode                    TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  id                      TEXT NOT NULL,
  flavor                  TEXT NOT NULL CHECK (flavor IN ('stripe', 'count')),
  url                     TEXT NOT NULL,
  description             TEXT,
  enabled_events          TEXT NOT NULL,
  event_mask              INTEGER NOT NULL,
  status                  TEXT NOT NULL CHECK (status IN ('enabled', 'paused', 'disabled')),
  disabled_reason         TEXT,
  api_version             TEXT,
  metadata                TEXT NOT NULL,
  secret                  TEXT,
  previous_secret         TEXT,
  previous_secret_expires BIGINT,
  created                 BIGINT NOT NULL,
  updated                 BIGINT NOT NULL,
  failing_since           BIGINT,
  PRIMARY KEY (tenant_id, mode, id)
);
CREATE INDEX webhook_endpoints_by_flavor ON webhook_endpoints (tenant_id, mode, flavor, id);

-- One delivery per event and endpoint, queued in the event's transaction. A customer's deliveries
-- to one endpoint go out in seq (customer version) order: only the earliest undone is ready (or
-- held, while its endpoint is not delivering); the later ones wait. next_attempt_at: when a ready
-- delivery is due, or, while claimed_by holds it, when that claim lapses.
CREATE TABLE webhook_deliveries (
  tenant_id       TEXT NOT NULL,
  mode            TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  id              TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  customer_id     TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('ready', 'waiting', 'held', 'succeeded', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  schedule_from   INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  claimed_by      TEXT,
  created         BIGINT NOT NULL,
  completed_at    BIGINT,
  last_status     INTEGER,
  PRIMARY KEY (tenant_id, mode, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'ready';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (tenant_id, mode, endpoint_id, customer_id, seq) WHERE state IN ('ready', 'waiting', 'held');
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (tenant_id, mode, endpoint_id, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (tenant_id, mode, event_id);

-- Every HTTP attempt of a delivery: what the receiver answered, or why nothing came.
CREATE TABLE webhook_attempts (
  tenant_id     TEXT NOT NULL,
  mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  delivery_id   TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  at            BIGINT NOT NULL,
  duration_ms   INTEGER NOT NULL,
  status_code   INTEGER,
  error         TEXT,
  response_body TEXT,
  PRIMARY KEY (tenant_id, mode, delivery_id, attempt)
);

-- Every delivery row is updated two or three times within seconds (claimed, attempted, released):
-- vacuum it early, or index scans of the queue wade through dead entries.
ALTER TABLE webhook_deliveries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0.02);
