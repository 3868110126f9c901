-- Rollouts at a pace and with a history: the rate limit's next dispatch time, when each
-- router was queued and ended (the estimate of the finish learns from them), and the
-- rollout's own log (started, batches, failures, halts, windows, what people did).
ALTER TABLE rollouts ADD COLUMN next_dispatch_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN queued_ms INTEGER;
ALTER TABLE rollout_devices ADD COLUMN ended_ms INTEGER;

CREATE TABLE rollout_log (
    id         INTEGER PRIMARY KEY,
    rollout_id INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    at_ms      INTEGER NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    kind       TEXT NOT NULL,
    message    TEXT NOT NULL
);
CREATE INDEX rollout_log_rollout ON rollout_log(rollout_id, id);
