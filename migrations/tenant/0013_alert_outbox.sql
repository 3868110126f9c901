-- Alert notifications to the tenant's channels, kept until delivered: each row is one
-- notification to one channel (one phone of an SMS gateway), with the delivery id the
-- receiver sees on every attempt (so it can drop a repeat), its attempts and when it is
-- tried next. A process that stops mid-send leaves it to be tried again.
CREATE TABLE alert_outbox (
    id            INTEGER PRIMARY KEY,
    delivery_id   TEXT NOT NULL UNIQUE,
    channel       TEXT NOT NULL,
    target        TEXT,
    message_json  TEXT NOT NULL,
    problems_json TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_try_ms   INTEGER NOT NULL,
    last_error    TEXT,
    created_ms    INTEGER NOT NULL,
    finished_ms   INTEGER
) STRICT;
CREATE INDEX alert_outbox_due ON alert_outbox(status, next_try_ms);
