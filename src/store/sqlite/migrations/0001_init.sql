-- Tenants and their secret keys are small reference tables; customers carry tenant_id first in
-- every key and index so that one tenant's rows stay together.
CREATE TABLE tenants (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  created          INTEGER NOT NULL,
  email_uniqueness TEXT NOT NULL DEFAULT 'enforced' CHECK (email_uniqueness IN ('enforced', 'off'))
);

CREATE TABLE api_keys (
  tenant_id  TEXT NOT NULL REFERENCES tenants (id),
  id         TEXT NOT NULL,
  mode       TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  hash       TEXT NOT NULL,
  last4      TEXT NOT NULL,
  created    INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);

CREATE TABLE customers (
  tenant_id             TEXT NOT NULL,
  mode                  TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  id                    TEXT NOT NULL,
  created               INTEGER NOT NULL,
  updated               INTEGER NOT NULL,
  deleted_at            INTEGER,
  version               INTEGER NOT NULL,
  email                 TEXT,
  email_lower           TEXT,
  -- lower(email) while the tenant enforces unique e-mails, else NULL: the unique index below.
  email_unique          TEXT,
  name                  TEXT,
  phone                 TEXT,
  description           TEXT,
  individual_name       TEXT,
  external_id           TEXT,
  company_name          TEXT,
  billing_email         TEXT,
  website               TEXT,
  status                TEXT NOT NULL,
  balance               INTEGER NOT NULL,
  currency              TEXT,
  default_source        TEXT,
  delinquent            INTEGER NOT NULL,
  invoice_prefix        TEXT NOT NULL,
  next_invoice_sequence INTEGER NOT NULL,
  tax_exempt            TEXT NOT NULL,
  test_clock            TEXT,
  seller_id             TEXT,
  stripe_customer_id    TEXT,
  address               TEXT,
  shipping              TEXT,
  invoice_settings      TEXT NOT NULL,
  metadata              TEXT NOT NULL,
  preferred_locales     TEXT NOT NULL,
  tax_ids               TEXT NOT NULL,
  contacts              TEXT NOT NULL,
  PRIMARY KEY (tenant_id, mode, id)
);
CREATE INDEX customers_by_created ON customers (tenant_id, mode, created, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customers_email_unique ON customers (tenant_id, mode, email_unique)
  WHERE email_unique IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customers_by_email ON customers (tenant_id, mode, email) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_email_lower ON customers (tenant_id, mode, email_lower) WHERE deleted_at IS NULL;
