-- Tenant settings beyond email_uniqueness (history retention, rate limits), as one JSON document.
ALTER TABLE tenants ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- Idempotency keys: the first request's response, replayed to retries for 24 hours. While the
-- first request runs, `owner` holds it until `locked_until` (unix ms); a write completes its key in
-- its own transaction, so a write and its stored response are never separated.
CREATE TABLE idempotency_keys (
  tenant_id        TEXT NOT NULL,
  mode             TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  key              TEXT NOT NULL,
  fingerprint      TEXT NOT NULL,
  owner            TEXT,
  locked_until     INTEGER,
  created          INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  response_status  INTEGER,
  response_headers TEXT,
  response_body    TEXT,
  PRIMARY KEY (tenant_id, mode, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- One row per write of a customer, written in the write's transaction. Versions number a
-- customer's writes, so (customer, version) identifies an entry and orders them.
CREATE TABLE customer_history (
  tenant_id   TEXT NOT NULL,
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  customer_id TEXT NOT NULL,
  version     INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
  actor       TEXT NOT NULL,
  surface     TEXT NOT NULL,
  request_id  TEXT,
  changes     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, mode, customer_id, version)
);
CREATE INDEX customer_history_by_created ON customer_history (tenant_id, created);
