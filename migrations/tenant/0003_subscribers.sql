-- Subscribers are linked to a router by its serial, which GPON labels also print in a
-- second form (HWTC1A2B3C4D for 485754431A2B3C4D): both are kept, each serial belongs to
-- one subscriber at most, and the sync links devices by either.
ALTER TABLE subscribers ADD COLUMN serial_alt TEXT;
CREATE UNIQUE INDEX subscribers_serial ON subscribers(serial) WHERE serial IS NOT NULL;
CREATE INDEX subscribers_serial_alt ON subscribers(serial_alt) WHERE serial_alt IS NOT NULL;
CREATE INDEX subscribers_name ON subscribers(name);
