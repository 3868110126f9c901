-- Sync runs a full sync again on a schedule (so devices deleted from GenieACS are found
-- even when incremental syncs keep succeeding), remembers each connection's health
-- across restarts, and rolls samples up from where it stopped instead of from scratch.
ALTER TABLE sync_state ADD COLUMN full_done_ms INTEGER;
ALTER TABLE sync_state ADD COLUMN health_json TEXT;
-- Roll-ups and pruning select by resolution and time across all devices.
CREATE INDEX device_samples_by_time ON device_samples(resolution, at_ms);
-- How far each roll-up got: the end (exclusive, Unix ms) of the last bucket averaged.
CREATE TABLE rollup_state (
    resolution  INTEGER PRIMARY KEY,
    done_ms     INTEGER NOT NULL
) STRICT;
