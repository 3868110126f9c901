-- Firmware rollouts: an image installed on a fleet's routers in a canary and batches,
-- through the action queue, halting itself when a batch fails beyond its threshold.
CREATE TABLE rollouts (
    id           INTEGER PRIMARY KEY,
    acs_id       INTEGER NOT NULL REFERENCES acs_connections(id) ON DELETE CASCADE,
    file         TEXT NOT NULL,
    version      TEXT,
    spec_json    TEXT NOT NULL,
    state        TEXT NOT NULL,
    reason       TEXT,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    -- When the last batch ended: the next starts after the pause.
    batch_done_ms INTEGER
);
CREATE INDEX rollouts_state ON rollouts(state);

-- Its routers: which batch, where each stands, the firmware action that updates it.
CREATE TABLE rollout_devices (
    rollout_id INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
    device_id  INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    batch      INTEGER NOT NULL,
    -- waiting | queued | done | failed | skipped
    state      TEXT NOT NULL,
    action_id  INTEGER REFERENCES device_actions(id),
    reason     TEXT,
    PRIMARY KEY (rollout_id, device_id)
);
CREATE INDEX rollout_devices_batch ON rollout_devices(rollout_id, batch, state);
