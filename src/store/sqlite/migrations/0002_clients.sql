-- Client credentials (secret encrypted, see src/domain/client.ts) and the access tokens they obtain.
CREATE TABLE api_clients (
  tenant_id     TEXT NOT NULL REFERENCES tenants (id),
  id            TEXT NOT NULL,
  mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  secret_sealed TEXT NOT NULL,
  created       INTEGER NOT NULL,
  expires_at    INTEGER,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_clients_id ON api_clients (id);

CREATE TABLE access_tokens (
  tenant_id  TEXT NOT NULL,
  hash       TEXT NOT NULL,
  client_id  TEXT NOT NULL,
  mode       TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  created    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, hash)
);
CREATE INDEX access_tokens_expiry ON access_tokens (tenant_id, expires_at);
