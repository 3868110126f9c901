-- The device list scans and sorts device rows: the normalised document and the counters
-- (kilobytes a device) move to their own table so a row of `devices` stays a few hundred
-- bytes, and indexes cover the list's counts and its most common order.
CREATE TABLE device_documents (
    device_id      INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    normalized     TEXT NOT NULL,
    counters_json  TEXT
) STRICT;
INSERT INTO device_documents (device_id, normalized, counters_json)
    SELECT id, normalized, counters_json FROM devices;
ALTER TABLE devices DROP COLUMN normalized;
ALTER TABLE devices DROP COLUMN counters_json;
-- Counts read (missing, online) from the first index; each serves the list's default
-- order (last seen) with or without the online/offline filter. They replace indexes
-- that every sync had to rewrite for nothing.
CREATE INDEX devices_presence_last_inform ON devices(missing, online, last_inform_ms, serial);
CREATE INDEX devices_missing_last_inform ON devices(missing, last_inform_ms, serial);
DROP INDEX devices_online;
DROP INDEX devices_online_last_inform;
DROP INDEX devices_online_model;
DROP INDEX devices_last_inform;
