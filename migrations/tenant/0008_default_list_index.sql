-- The default device list (every present device by serial) reads this index in order
-- instead of sorting the fleet: the first page at 100,000 devices took 230 ms without it.
CREATE INDEX devices_missing_serial ON devices(missing, serial);
