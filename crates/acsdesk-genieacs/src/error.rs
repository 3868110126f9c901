//! The client's errors: variants a caller can act on, each with a message a person
//! understands, never with credentials or full URLs.

/// Why a request to GenieACS failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server could not be reached.
    #[error("cannot connect to GenieACS ({0}); check the address, the port (7557) and that the NBI runs")]
    Connect(String),
    /// The server did not answer in time.
    #[error("GenieACS did not answer in time")]
    Timeout,
    /// TLS failed (unknown CA, wrong pin, bad certificate).
    #[error("TLS failed: {reason}{}", fingerprint.as_ref().map(|f| format!(" (the server's certificate SHA-256 is {f})")).unwrap_or_default())]
    Tls {
        /// What went wrong.
        reason: String,
        /// The SHA-256 of the certificate the server presented, when seen.
        fingerprint: Option<String>,
    },
    /// The credentials were refused (401/403 from the proxy in front of the NBI).
    #[error("the credentials were refused (HTTP {status})")]
    Auth {
        /// 401 or 403.
        status: u16,
    },
    /// The device, task or path does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// GenieACS refused the request as invalid, with its message.
    #[error("GenieACS refused the request: {0}")]
    Invalid(String),
    /// The device is in a session; try again shortly.
    #[error("the device is in a session with GenieACS; try again shortly")]
    InSession,
    /// Any other answer.
    #[error("GenieACS answered HTTP {status}: {body}")]
    Remote {
        /// The status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The answer could not be decoded.
    #[error("malformed answer from GenieACS at {path}: {message}")]
    Decode {
        /// Where in the JSON.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The request was refused before sending because GenieACS would crash on it.
    #[error("refused before sending: {0}")]
    Refused(String),
}

impl Error {
    /// Whether trying again later may succeed (connection problems, 5xx, in session).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Connect(_) | Error::Timeout | Error::InSession)
            || matches!(self, Error::Remote { status, .. } if *status >= 500)
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            return Error::Timeout;
        }
        let text = format!("{e:?}");
        if text.contains("InvalidCertificate")
            || text.contains("certificate")
            || text.contains("Tls")
        {
            let fingerprint = text
                .split("sha256=")
                .nth(1)
                .map(|s| s.chars().take(64).collect::<String>());
            return Error::Tls {
                reason: if fingerprint.is_some() {
                    "the certificate does not match the pinned fingerprint".into()
                } else {
                    "the server's certificate is not trusted".into()
                },
                fingerprint,
            };
        }
        if e.is_connect() {
            return Error::Connect(e.to_string());
        }
        if e.is_decode() || e.is_body() {
            return Error::Decode {
                path: "body".into(),
                message: e.to_string(),
            };
        }
        Error::Connect(e.to_string())
    }
}
