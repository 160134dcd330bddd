-- A trigram index of the folded name, e-mail and phone, for substring search (`name~"…"`): a
-- search that matches few customers, or none, no longer examines every customer of the tenant.
-- External content (the customers table itself, by rowid), detail=none: GLOB finds candidates
-- in the index and checks them against the row, so the index holds no positions (about a quarter
-- of the size). The text is folded already (the application's toLowerCase), hence case_sensitive.
CREATE VIRTUAL TABLE customers_text USING fts5(
  name_lower, email_lower, phone_lower,
  content = 'customers', content_rowid = 'rowid',
  tokenize = 'trigram case_sensitive 1', detail = none
);
INSERT INTO customers_text (customers_text) VALUES ('rebuild');

CREATE TRIGGER customers_text_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
    VALUES (new.rowid, new.name_lower, new.email_lower, new.phone_lower);
END;
CREATE TRIGGER customers_text_update AFTER UPDATE OF name_lower, email_lower, phone_lower ON customers
  WHEN old.name_lower IS NOT new.name_lower OR old.email_lower IS NOT new.email_lower OR old.phone_lower IS NOT new.phone_lower
BEGIN
  INSERT INTO customers_text (customers_text, rowid, name_lower, email_lower, phone_lower)
    VALUES ('delete', old.rowid, old.name_lower, old.email_lower, old.phone_lower);
  INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
    VALUES (new.rowid, new.name_lower, new.email_lower, new.phone_lower);
END;
CREATE TRIGGER customers_text_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_text (customers_text, rowid, name_lower, email_lower, phone_lower)
    VALUES ('delete', old.rowid, old.name_lower, old.email_lower, old.phone_lower);
END;
