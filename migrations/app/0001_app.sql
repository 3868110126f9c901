-- The app-level database: the list of tenants and app settings. It holds no secrets:
-- each tenant's data lives in its own encrypted file.
CREATE TABLE tenants (
    name        TEXT PRIMARY KEY NOT NULL,
    file        TEXT NOT NULL UNIQUE,
    -- 'keyring': a random 256-bit key in the OS credential store;
    -- 'passphrase': Argon2id(passphrase, salt) — the store always asks for it.
    key_kind    TEXT NOT NULL CHECK (key_kind IN ('keyring', 'passphrase')),
    salt        BLOB,
    created_ms  INTEGER NOT NULL
) STRICT;

CREATE TABLE app_settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
