-- Who sends and follows each ACS connection's actions: one process at a time (the
-- desktop, `acsdesk watch`, `acsdesk act`). A lease is renewed with every pass and every
-- claim; another process takes it over only once it has expired or its owner is known
-- to be dead.
CREATE TABLE action_leases (
    acs_id INTEGER PRIMARY KEY REFERENCES acs_connections(id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    taken_ms INTEGER NOT NULL,
    heartbeat_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
