-- The operator console's sessions and one-time admin links, and Count's partner applications
-- with the codes and tokens they are granted. Tokens are kept as SHA-256 hashes only.
CREATE TABLE console_sessions (
  hash       text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('session', 'admin_link')),
  tenant_id  text,
  mode       text CHECK (mode IN ('test', 'live')),
  key_hash   text,
  created    bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

CREATE TABLE partner_apps (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  secret_sealed text NOT NULL,
  -- The secret before the last roll, still signing until previous_expires_at (unix s).
  previous_secret_sealed text,
  previous_expires_at    bigint,
  redirect_uris text NOT NULL,
  created       bigint NOT NULL
);

CREATE TABLE partner_grants (
  hash         text PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('code', 'access', 'refresh')),
  app_id       text NOT NULL REFERENCES partner_apps (id),
  tenant_id    text NOT NULL,
  mode         text NOT NULL CHECK (mode IN ('test', 'live')),
  grant_id     text NOT NULL,
  redirect_uri text,
  created      bigint NOT NULL,
  expires_at   bigint NOT NULL
);
CREATE INDEX partner_grants_expiry ON partner_grants (expires_at);
-- A workspace's connected applications, and revoking one consent.
CREATE INDEX partner_grants_by_workspace ON partner_grants (tenant_id, mode, grant_id);
