-- Diagnostics a router ran (a ping today; traceroute and speed tests later): what was
-- asked, when it ended, why it failed or what it found, kept as the device's history.
CREATE TABLE diagnostics (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    action_id   INTEGER REFERENCES device_actions(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    -- Why it ended without results (none: it completed).
    error       TEXT,
    -- What it found, JSON of the kind's result.
    result_json TEXT
);
CREATE INDEX diagnostics_device ON diagnostics(device_id, at_ms);
