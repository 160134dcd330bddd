-- tenant_id leads every key and index of the customer tables, so they can be distributed by
-- tenant_id (Citus) unchanged. tenants and api_keys are small reference tables: an API key is
-- looked up by its hash before the tenant is known. See docs/scaling.md.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE tenants (
  id               text PRIMARY KEY,
  name             text NOT NULL,
  created          bigint NOT NULL,
  email_uniqueness text NOT NULL DEFAULT 'enforced' CHECK (email_uniqueness IN ('enforced', 'off'))
);

CREATE TABLE api_keys (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         text NOT NULL,
  mode       text NOT NULL CHECK (mode IN ('test', 'live')),
  hash       text NOT NULL,
  last4      text NOT NULL,
  created    bigint NOT NULL,
  expires_at bigint,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);

CREATE TABLE customers (
  tenant_id             text NOT NULL,
  mode                  text NOT NULL CHECK (mode IN ('test', 'live')),
  id                    text NOT NULL,
  created               bigint NOT NULL,
  updated               bigint NOT NULL,
  deleted_at            bigint,
  version               integer NOT NULL,
  email                 text,
  -- Case-folded copies computed by the application (JavaScript's toLowerCase), so both stores
  -- fold identically whatever the database's locale: the targets of the search indexes.
  email_lower           text,
  name_lower            text,
  phone_lower           text,
  -- lower(email) while the tenant enforces unique e-mails and the customer is not deleted, else NULL.
  email_unique          text,
  name                  text,
  phone                 text,
  description           text,
  individual_name       text,
  external_id           text,
  company_name          text,
  billing_email         text,
  website               text,
  status                text NOT NULL,
  balance               bigint NOT NULL,
  currency              text,
  default_source        text,
  delinquent            boolean NOT NULL,
  invoice_prefix        text NOT NULL,
  next_invoice_sequence bigint NOT NULL,
  tax_exempt            text NOT NULL,
  test_clock            text,
  seller_id             text,
  stripe_customer_id    text,
  -- json (not jsonb) keeps the client's key order, so both stores answer byte for byte alike.
  address               json,
  shipping              json,
  invoice_settings      json NOT NULL,
  metadata              json NOT NULL,
  preferred_locales     json NOT NULL,
  tax_ids               json NOT NULL,
  contacts              json NOT NULL,
  -- metadata with case-folded values, for indexed metadata["key"]:"value" search.
  metadata_lower        jsonb NOT NULL,
  -- The other searchable text fields, case-folded the same way (matched within a tenant's rows).
  fields_lower          jsonb NOT NULL,
  PRIMARY KEY (tenant_id, mode, id)
);

CREATE INDEX customers_by_created ON customers (tenant_id, mode, created, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customers_email_unique ON customers (tenant_id, mode, email_unique)
  WHERE email_unique IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customers_by_email ON customers (tenant_id, mode, email) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_email_lower ON customers (tenant_id, mode, email_lower) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_name_lower ON customers (tenant_id, mode, name_lower) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_phone_lower ON customers (tenant_id, mode, phone_lower) WHERE deleted_at IS NULL;
-- Substring search (name~, email~, phone~) through trigrams; btree_gin lets tenant_id lead.
CREATE INDEX customers_trgm ON customers
  USING gin (tenant_id, mode, name_lower gin_trgm_ops, email_lower gin_trgm_ops, phone_lower gin_trgm_ops)
  WHERE deleted_at IS NULL;
CREATE INDEX customers_metadata ON customers USING gin (tenant_id, mode, metadata_lower jsonb_path_ops)
  WHERE deleted_at IS NULL;
