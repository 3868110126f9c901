-- A PON router's optical receive power (dBm) as last synced: the low-light alert rule
-- reads the signal history of the routers that have one.
ALTER TABLE devices ADD COLUMN optical_rx_dbm REAL;
