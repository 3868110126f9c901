//! The error that crosses IPC: a stable machine-readable code and a human message.
//!
//! The UI branches on [`ErrorCode`], never on the message text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of failure happened, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input was rejected; the message says which field and why.
    Invalid,
    /// The thing asked for does not exist (in this tenant).
    NotFound,
    /// The request conflicts with the current state (e.g. a duplicate name).
    Conflict,
    /// A remote server (GenieACS) failed or could not be reached.
    Remote,
    /// The local store could not be opened or used.
    Store,
    /// The tenant needs its passphrase (none given, a wrong one, or no credential store
    /// to keep a key in): ask for it and call `unlock_tenant`.
    Locked,
    /// Anything else; a bug or an unexpected environment.
    Internal,
}

impl ErrorCode {
    /// The wire name of the code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Remote => "remote",
            Self::Store => "store",
            Self::Locked => "locked",
            Self::Internal => "internal",
        }
    }
}

/// An error returned by a backend command. `message` is meant for people and never
/// contains secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    /// What kind of failure happened.
    pub code: ErrorCode,
    /// A sentence saying what went wrong and, where possible, how to fix it.
    pub message: String,
}

impl IpcError {
    /// Builds an error from its code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialise_as_their_wire_names() {
        for code in [
            ErrorCode::Invalid,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::Remote,
            ErrorCode::Store,
            ErrorCode::Locked,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn ipc_error_round_trips_and_displays_its_code() {
        let err = IpcError::new(ErrorCode::NotFound, "No device 42 in this tenant.");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "not_found");
        let back: IpcError = serde_json::from_value(json).unwrap();
        assert_eq!(back, err);
        assert_eq!(back.to_string(), "No device 42 in this tenant. (not_found)");
    }
}
