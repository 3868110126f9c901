-- Each router's own connection-request credentials, when the provisioning profile gives
-- every router its own (random, made once, written to the router once). Keyed by the
-- router's serial, so a replaced router gets new ones. The database is encrypted.
CREATE TABLE router_credentials (
    serial      TEXT PRIMARY KEY COLLATE NOCASE,
    username    TEXT NOT NULL,
    password    TEXT NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;
