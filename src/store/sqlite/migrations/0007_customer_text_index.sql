-- Substring search (name~, email~, phone~) through an FTS5 trigram index, brought up to date in
-- the transaction of every write (sqlite/customer-text.ts), so a search sees every acknowledged one.
--
-- The store notes the rows a transaction wrote and indexes them at its end in two statements. Per
-- write (a trigger, or a statement each) it cost 200 µs and more (a group commit of creates ran at
-- a third of its speed). The index is contentless (it keeps no copy of the text) and keyed by
-- `seq`, the rowid made explicit (INTEGER PRIMARY KEY) so that no VACUUM renumbers the rows under
-- it; the table is rebuilt to get it, in list order.
CREATE TABLE customers_new (
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
  name_lower            TEXT,
  phone_lower           TEXT,
  seq                   INTEGER PRIMARY KEY,
  UNIQUE (tenant_id, mode, id)
);
INSERT INTO customers_new (tenant_id, mode, id, created, updated, deleted_at, version, email, email_lower, email_unique, name, phone, description, individual_name, external_id, company_name, billing_email, website, status, balance, currency, default_source, delinquent, invoice_prefix, next_invoice_sequence, tax_exempt, test_clock, seller_id, stripe_customer_id, address, shipping, invoice_settings, metadata, preferred_locales, tax_ids, contacts, name_lower, phone_lower)
  SELECT tenant_id, mode, id, created, updated, deleted_at, version, email, email_lower, email_unique, name, phone, description, individual_name, external_id, company_name, billing_email, website, status, balance, currency, default_source, delinquent, invoice_prefix, next_invoice_sequence, tax_exempt, test_clock, seller_id, stripe_customer_id, address, shipping, invoice_settings, metadata, preferred_locales, tax_ids, contacts, name_lower, phone_lower FROM customers ORDER BY created, id;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;

CREATE UNIQUE INDEX customers_email_unique ON customers (tenant_id, mode, email_unique)
  WHERE email_unique IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customers_by_email_lower ON customers (tenant_id, mode, email_lower) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_name_lower ON customers (tenant_id, mode, name_lower) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_created ON customers (tenant_id, mode, created, id, name_lower, email_lower, phone_lower)
  WHERE deleted_at IS NULL;

-- The folded text as the application folds it (JavaScript's toLowerCase), so the tokenizer keeps
-- it as it is (case_sensitive 1) and a query folded the same way finds it.
CREATE VIRTUAL TABLE customers_text USING fts5(
  name_lower, email_lower, phone_lower,
  content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
  SELECT seq, name_lower, email_lower, phone_lower FROM customers WHERE deleted_at IS NULL;
