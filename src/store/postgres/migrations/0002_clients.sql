-- Client credentials (secret encrypted, see src/domain/client.ts) and the access tokens they obtain.
-- api_clients is a reference table like api_keys (a client is found by its id before its tenant is
-- known); access_tokens carry their tenant, so they distribute by tenant_id with customers.
CREATE TABLE api_clients (
  tenant_id     text NOT NULL REFERENCES tenants (id),
  id            text NOT NULL,
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  secret_sealed text NOT NULL,
  created       bigint NOT NULL,
  expires_at    bigint,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_clients_id ON api_clients (id);

CREATE TABLE access_tokens (
  tenant_id  text NOT NULL,
  hash       text NOT NULL,
  client_id  text NOT NULL,
  mode       text NOT NULL CHECK (mode IN ('test', 'live')),
  created    bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (tenant_id, hash)
);
CREATE INDEX access_tokens_expiry ON access_tokens (tenant_id, expires_at);
