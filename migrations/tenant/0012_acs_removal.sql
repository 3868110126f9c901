-- A removed ACS connection stays as a row, marked and renamed, so that the history of
-- its devices and actions stays readable; it no longer syncs, sends, lists or counts,
-- and its name is free for a new connection.
ALTER TABLE acs_connections ADD COLUMN removed_ms INTEGER;
