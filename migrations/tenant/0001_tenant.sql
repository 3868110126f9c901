-- One tenant's database (encrypted with SQLCipher). Append-only: never edit a migration
-- that has landed; add the next one.

CREATE TABLE acs_connections (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL,
    auth_kind     TEXT NOT NULL DEFAULT 'none' CHECK (auth_kind IN ('none', 'basic', 'token')),
    auth_user     TEXT,
    -- Password or token; the whole file is encrypted, and the store returns it only
    -- through an explicit reveal call.
    auth_secret   TEXT,
    ca_pem        TEXT,
    pin_sha256    TEXT,
    cwmp_url      TEXT,
    rate_per_s    INTEGER NOT NULL DEFAULT 20 CHECK (rate_per_s > 0),
    interval_s    INTEGER NOT NULL DEFAULT 60 CHECK (interval_s >= 5),
    created_ms    INTEGER NOT NULL
) STRICT;

CREATE TABLE sync_state (
    acs_id        INTEGER PRIMARY KEY REFERENCES acs_connections(id) ON DELETE CASCADE,
    watermark_ms  INTEGER,
    full_done     INTEGER NOT NULL DEFAULT 0,
    generation    INTEGER NOT NULL DEFAULT 0,
    cursor_json   TEXT
) STRICT;

CREATE TABLE subscribers (
    id               INTEGER PRIMARY KEY,
    account          TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    phone            TEXT,
    pppoe_username   TEXT,
    pppoe_password   TEXT,
    wifi_ssid        TEXT,
    wifi_password    TEXT,
    plan             TEXT,
    notes            TEXT,
    status           TEXT NOT NULL DEFAULT 'active',
    serial           TEXT,
    created_ms       INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
    id                  INTEGER PRIMARY KEY,
    acs_id              INTEGER NOT NULL REFERENCES acs_connections(id) ON DELETE CASCADE,
    genie_id            TEXT NOT NULL,
    serial              TEXT NOT NULL,
    oui                 TEXT NOT NULL,
    product_class       TEXT NOT NULL,
    manufacturer        TEXT,
    model               TEXT,
    firmware            TEXT,
    hardware            TEXT,
    mac                 TEXT,
    wan_ip              TEXT,
    lan_ip              TEXT,
    uptime_s            INTEGER,
    cpu_pct             REAL,
    mem_pct             REAL,
    signal_dbm          REAL,
    pppoe_username      TEXT,
    wan_status          TEXT,
    wan_error           TEXT,
    inform_interval_s   INTEGER,
    last_inform_ms      INTEGER,
    last_boot_ms        INTEGER,
    data_model          TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    normalized          TEXT NOT NULL,
    counters_json       TEXT,
    ppp_failing_since_ms INTEGER,
    online              INTEGER NOT NULL DEFAULT 0,
    offline_since_ms    INTEGER,
    offline_deadline_ms INTEGER,
    seen_generation     INTEGER NOT NULL DEFAULT 0,
    missing             INTEGER NOT NULL DEFAULT 0,
    subscriber_id       INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
    created_ms          INTEGER NOT NULL,
    updated_ms          INTEGER NOT NULL,
    UNIQUE (acs_id, genie_id)
) STRICT;

CREATE INDEX devices_serial ON devices(serial);
CREATE INDEX devices_online ON devices(online, serial);
CREATE INDEX devices_model ON devices(model, serial);
CREATE INDEX devices_manufacturer ON devices(manufacturer, serial);
CREATE INDEX devices_firmware ON devices(firmware, serial);
CREATE INDEX devices_last_inform ON devices(last_inform_ms);
CREATE INDEX devices_wan_ip ON devices(wan_ip);
CREATE INDEX devices_mac ON devices(mac);
CREATE INDEX devices_subscriber ON devices(subscriber_id);
CREATE INDEX devices_deadline ON devices(acs_id, online, offline_deadline_ms);

CREATE TABLE device_logs (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    payload     TEXT NOT NULL DEFAULT '{}',
    created_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX device_logs_device ON device_logs(device_id, created_ms);

CREATE TABLE device_actions (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'completed', 'failed', 'cancelled')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    unique_key    TEXT NOT NULL UNIQUE,
    task_id       TEXT,
    fault_code    TEXT,
    fault_message TEXT,
    requested_by  TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    sent_ms       INTEGER,
    finished_ms   INTEGER,
    next_try_ms   INTEGER
) STRICT;
CREATE INDEX device_actions_status ON device_actions(status, next_try_ms);
CREATE INDEX device_actions_device ON device_actions(device_id, created_ms);

-- Samples: raw points (resolution 0), 5-minute averages (300) and hourly averages (3600).
CREATE TABLE device_samples (
    device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    resolution  INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL,
    cpu_pct     REAL,
    mem_pct     REAL,
    uptime_s    INTEGER,
    signal_dbm  REAL,
    rx_bps      REAL,
    tx_bps      REAL,
    PRIMARY KEY (device_id, resolution, at_ms)
) STRICT, WITHOUT ROWID;

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    subject_type    TEXT NOT NULL CHECK (subject_type IN ('device', 'acs')),
    subject_id      TEXT NOT NULL,
    severity        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    message         TEXT NOT NULL,
    first_seen_ms   INTEGER NOT NULL,
    last_seen_ms    INTEGER NOT NULL,
    resolved_ms     INTEGER,
    clear_since_ms  INTEGER,
    flaps           INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX alerts_state ON alerts(state, kind);
CREATE INDEX alerts_subject ON alerts(subject_type, subject_id, kind);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
