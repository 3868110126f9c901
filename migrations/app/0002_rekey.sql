-- A re-key in progress: the key the tenant's file is being re-encrypted with, recorded
-- before the file changes, so that a crash between re-encrypting the file and recording
-- the new key never locks the tenant out. 'keyring': the new key waits in the credential
-- store's pending entry; 'passphrase': derived from the new passphrase and this salt.
ALTER TABLE tenants ADD COLUMN pending_kind TEXT CHECK (pending_kind IN ('keyring', 'passphrase'));
ALTER TABLE tenants ADD COLUMN pending_salt BLOB;
