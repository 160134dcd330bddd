-- A counter every change to a secret key or a tenant moves on, whichever process makes it: a
-- server that caches key lookups reads it on each request (one row, no join) and drops its cache
-- when it moved, so a rolled or revoked key stops working at once on every server.
CREATE TABLE credential_epoch (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO credential_epoch (id, epoch) VALUES (1, 0);

CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys BEGIN UPDATE credential_epoch SET epoch = epoch + 1; END;
CREATE TRIGGER api_keys_updated AFTER UPDATE ON api_keys BEGIN UPDATE credential_epoch SET epoch = epoch + 1; END;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys BEGIN UPDATE credential_epoch SET epoch = epoch + 1; END;
CREATE TRIGGER tenants_updated AFTER UPDATE ON tenants BEGIN UPDATE credential_epoch SET epoch = epoch + 1; END;
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants BEGIN UPDATE credential_epoch SET epoch = epoch + 1; END;
