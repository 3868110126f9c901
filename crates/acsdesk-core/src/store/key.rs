//! Database keys: a random 256-bit key kept in the OS credential store, or a key derived
//! from a passphrase with Argon2id and a stored salt. Keys never appear in `Debug`.

use super::StoreError;
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;

/// A 256-bit SQLCipher key.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

/// The key's bytes are wiped when it is dropped (every clone its own).
impl Drop for DbKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

impl DbKey {
    /// A fresh random key.
    pub fn random() -> Result<Self, StoreError> {
        let mut key = [0_u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError::Key(format!("no randomness: {e}")))?;
        Ok(Self(key))
    }

    /// Derives a key from a passphrase and salt with Argon2id (64 MiB, 3 passes).
    pub fn from_passphrase(passphrase: &str, salt: &[u8]) -> Result<Self, StoreError> {
        if passphrase.is_empty() {
            return Err(StoreError::Key("the passphrase is empty".into()));
        }
        let params =
            Params::new(64 * 1024, 3, 1, Some(32)).map_err(|e| StoreError::Key(e.to_string()))?;
        let mut key = [0_u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, &mut key)
            .map_err(|e| StoreError::Key(e.to_string()))?;
        Ok(Self(key))
    }

    /// The value of SQLCipher's `PRAGMA key` for this raw key: `"x'…'"`.
    pub(crate) fn pragma(&self) -> String {
        format!("\"x'{}'\"", hex::encode(self.0))
    }

    pub(crate) fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub(crate) fn from_hex(text: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| StoreError::Key("the stored key is malformed".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Key("the stored key has the wrong length".into()))?;
        Ok(Self(key))
    }
}

/// A fresh random salt for a passphrase-derived key.
pub fn random_salt() -> Result<Vec<u8>, StoreError> {
    let mut salt = vec![0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Key(format!("no randomness: {e}")))?;
    Ok(salt)
}

const SERVICE: &str = "net.acsdesk.desktop";

/// The OS credential store's entry for a tenant's key.
fn entry(file: &str) -> Result<keyring::Entry, StoreError> {
    keyring::Entry::new(SERVICE, &format!("tenant-db:{file}"))
        .map_err(|e| StoreError::Keyring(e.to_string()))
}

/// Saves a tenant's key in the OS credential store.
pub fn keyring_save(file: &str, key: &DbKey) -> Result<(), StoreError> {
    entry(file)?
        .set_password(&key.to_hex())
        .map_err(|e| StoreError::Keyring(e.to_string()))
}

/// Loads a tenant's key from the OS credential store.
pub fn keyring_load(file: &str) -> Result<DbKey, StoreError> {
    let text = entry(file)?.get_password().map_err(|e| match e {
        keyring::Error::NoEntry => StoreError::Keyring(
            "the credential store has no key for this tenant (was it created on another account or machine?)".into(),
        ),
        other => StoreError::Keyring(other.to_string()),
    })?;
    DbKey::from_hex(&text)
}

/// Deletes a tenant's key from the OS credential store (missing is fine).
pub fn keyring_delete(file: &str) -> Result<(), StoreError> {
    match entry(file)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(StoreError::Keyring(e.to_string())),
    }
}

/// Whether an OS credential store answers here.
pub fn keyring_available() -> bool {
    let Ok(probe) = keyring::Entry::new(SERVICE, "probe") else {
        return false;
    };
    match probe.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_keys_depend_on_passphrase_and_salt_and_never_print() {
        let a = DbKey::from_passphrase("correct horse", b"0123456789abcdef").unwrap();
        let b = DbKey::from_passphrase("correct horse", b"0123456789abcdef").unwrap();
        let c = DbKey::from_passphrase("correct horsf", b"0123456789abcdef").unwrap();
        let d = DbKey::from_passphrase("correct horse", b"fedcba9876543210").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(format!("{a:?}"), "DbKey(<redacted>)");
        assert!(DbKey::from_passphrase("", b"0123456789abcdef").is_err());
        assert_eq!(DbKey::from_hex(&a.to_hex()).unwrap(), a);
        assert_ne!(DbKey::random().unwrap(), DbKey::random().unwrap());
    }
}
