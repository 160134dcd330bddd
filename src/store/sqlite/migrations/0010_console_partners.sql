-- The operator console's sessions and one-time admin links, and Count's partner applications
-- with the codes and tokens they are granted. Tokens are kept as SHA-256 hashes only.
CREATE TABLE console_sessions (
  hash       TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('session', 'admin_link')),
  tenant_id  TEXT,
  mode       TEXT CHECK (mode IN ('test', 'live')),
  key_hash   TEXT,
  created    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

CREATE TABLE partner_apps (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  -- The secret before the last roll, still signing until previous_expires_at (unix s).
  previous_secret_sealed TEXT,
  previous_expires_at    INTEGER,
  redirect_uris TEXT NOT NULL,
  created       INTEGER NOT NULL
);

CREATE TABLE partner_grants (
  hash         TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('code', 'access', 'refresh')),
  app_id       TEXT NOT NULL REFERENCES partner_apps (id),
  tenant_id    TEXT NOT NULL,
  mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  grant_id     TEXT NOT NULL,
  redirect_uri TEXT,
  created      INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX partner_grants_expiry ON partner_grants (expires_at);
-- A workspace's connected applications, and revoking one consent.
CREATE INDEX partner_grants_by_workspace ON partner_grants (tenant_id, mode, grant_id);
