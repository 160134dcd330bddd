-- Erasure (Store.eraseCustomer): the tombstone says when and by whom (a key or client id, or
-- `cli`); its history entry's action is `erased`, which the action's CHECK must let in (SQLite
-- changes a CHECK only by rebuilding the table). Events are found by customer to be redacted.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;
ALTER TABLE customers ADD COLUMN erased_by TEXT;

CREATE TABLE customer_history_new (
  tenant_id   TEXT NOT NULL,
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  customer_id TEXT NOT NULL,
  version     INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted', 'erased')),
  actor       TEXT NOT NULL,
  surface     TEXT NOT NULL,
  request_id  TEXT,
  changes     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, mode, customer_id, version)
);
INSERT INTO customer_history_new (tenant_id, mode, customer_id, version, created, action, actor, surface, request_id, changes)
  SELECT tenant_id, mode, customer_id, version, created, action, actor, surface, request_id, changes FROM customer_history;
DROP TABLE customer_history;
ALTER TABLE customer_history_new RENAME TO customer_history;
CREATE INDEX customer_history_by_created ON customer_history (tenant_id, created);

CREATE INDEX events_by_customer ON events (tenant_id, mode, customer_id);
