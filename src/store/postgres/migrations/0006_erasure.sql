-- Erasure (Store.eraseCustomer): the tombstone says when and by whom (a key or client id, or
-- `cli`); its history entry's action is `erased`. Events are found by customer to be redacted.
ALTER TABLE customers ADD COLUMN erased_at bigint, ADD COLUMN erased_by text;

ALTER TABLE customer_history DROP CONSTRAINT customer_history_action_check;
ALTER TABLE customer_history ADD CONSTRAINT customer_history_action_check CHECK (action IN ('created', 'updated', 'deleted', 'erased'));

CREATE INDEX events_by_customer ON events (tenant_id, mode, customer_id);
