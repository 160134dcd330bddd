-- Substring search (name~, email~, phone~) through an FTS5 trigram index, kept in the writing
-- transaction, so a search sees every acknowledged write.
--
-- The index is keyed by a stable integer: `seq`, the rowid made explicit (INTEGER PRIMARY KEY), so
-- no VACUUM can renumber the rows under the index. The table is rebuilt to get it, in list order.
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
  content = 'customers', content_rowid = 'seq', tokenize = 'trigram case_sensitive 1'
);
INSERT INTO customers_text (customers_text) VALUES ('rebuild');

-- Inserts are indexed by the store itself (sqlite/customer-text.ts), one statement per write or per
-- batch: an AFTER INSERT trigger measured 3.4x slower on a bulk import of 100,000 customers (38.6 s
-- against 11.3 s without the index; 12.9 s indexing each batch in one statement).
CREATE TRIGGER customers_text_update AFTER UPDATE OF name_lower, email_lower, phone_lower ON customers
  WHEN old.name_lower IS NOT new.name_lower OR old.email_lower IS NOT new.email_lower OR old.phone_lower IS NOT new.phone_lower
BEGIN
  INSERT INTO customers_text (customers_text, rowid, name_lower, email_lower, phone_lower)
    VALUES ('delete', old.seq, old.name_lower, old.email_lower, old.phone_lower);
  INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
    VALUES (new.seq, new.name_lower, new.email_lower, new.phone_lower);
END;
CREATE TRIGGER customers_text_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_text (customers_text, rowid, name_lower, email_lower, phone_lower)
    VALUES ('delete', old.seq, old.name_lower, old.email_lower, old.phone_lower);
END;
