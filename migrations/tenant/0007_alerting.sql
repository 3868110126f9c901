-- Alerting: a per-device offline threshold, maintenance windows, delivery channels,
-- each alert's history, and the faults GenieACS holds for the tenant's devices.

-- Minutes offline before an alert for this device, overriding the tenant's (sync never
-- writes this column).
ALTER TABLE devices ADD COLUMN offline_after_min INTEGER;

-- Delivery is silenced (alerts still recorded) while a window is open; no subject
-- covers the whole tenant.
CREATE TABLE maintenance_windows (
    id            INTEGER PRIMARY KEY,
    subject_type  TEXT CHECK (subject_type IN ('device', 'acs')),
    subject_id    TEXT,
    from_ms       INTEGER NOT NULL,
    until_ms      INTEGER NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_ms    INTEGER NOT NULL,
    CHECK (until_ms > from_ms),
    CHECK ((subject_type IS NULL) = (subject_id IS NULL))
) STRICT;
CREATE INDEX maintenance_windows_until ON maintenance_windows(until_ms);

-- Webhook and SMS gateway channels; the secret (HMAC key, gateway token) is kept apart
-- from the configuration so listings never carry it.
CREATE TABLE alert_channels (
    name         TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('webhook', 'sms')),
    config_json  TEXT NOT NULL,
    secret       TEXT,
    enabled      INTEGER NOT NULL DEFAULT 1,
    created_ms   INTEGER NOT NULL
) STRICT;

-- What happened to each alert: raised, reopened, acknowledged, resolved, delivered or
-- silenced, with a detail line.
CREATE TABLE alert_events (
    id        INTEGER PRIMARY KEY,
    alert_id  INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    at_ms     INTEGER NOT NULL,
    event     TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX alert_events_alert ON alert_events(alert_id, at_ms);

-- The faults GenieACS holds, as of each connection's last sync.
CREATE TABLE device_faults (
    acs_id        INTEGER NOT NULL REFERENCES acs_connections(id) ON DELETE CASCADE,
    fault_id      TEXT NOT NULL,
    genie_id      TEXT NOT NULL,
    channel       TEXT NOT NULL,
    code          TEXT NOT NULL,
    message       TEXT NOT NULL,
    provisions    TEXT,
    retries       INTEGER NOT NULL DEFAULT 0,
    at_ms         INTEGER,
    PRIMARY KEY (acs_id, fault_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX device_faults_device ON device_faults(genie_id);
