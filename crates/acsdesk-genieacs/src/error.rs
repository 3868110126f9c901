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
    /// The connection broke after the request was on its way, before an answer came:
    /// GenieACS may or may not have acted on it.
    #[error("the connection to GenieACS broke before it answered ({0})")]
    Interrupted(String),
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
    /// An answer larger than AcsDesk reads for that kind of request (a huge or endless
    /// body): reading stopped at the limit.
    #[error("GenieACS's answer ({what}) is larger than {} KiB, the most AcsDesk reads for it", limit / 1024)]
    TooLarge {
        /// What was being read ("a device document", "the task list", …).
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
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
        matches!(
            self,
            Error::Connect(_) | Error::Timeout | Error::Interrupted(_) | Error::InSession
        ) || matches!(self, Error::Remote { status, .. } if *status >= 500)
    }

    /// Whether GenieACS may have received the request and acted on it although the
    /// answer says otherwise or never came (no answer in time, a broken connection, a
    /// server error, an answer that could not be read). A request refused before it
    /// was sent, or answered with a clear refusal (4xx, 503 "in session"), did nothing.
    /// Sending something that must not happen twice again after such an error needs
    /// proof first that it did not happen.
    pub fn may_have_arrived(&self) -> bool {
        matches!(
            self,
            Error::Timeout | Error::Interrupted(_) | Error::Decode { .. } | Error::TooLarge { .. }
        ) || matches!(self, Error::Remote { status, .. } if *status >= 500 && *status != 503)
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            return Error::Timeout;
        }
        if let Some(tls) = tls_failure(&e) {
            return tls;
        }
        if e.is_connect() {
            return Error::Connect(root_cause(&e));
        }
        if e.is_decode() || e.is_body() {
            return Error::Decode {
                path: "body".into(),
                message: root_cause(&e),
            };
        }
        Error::Interrupted(root_cause(&e))
    }
}

/// The innermost cause's text (reqwest's own is "error sending request").
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = next_cause(cause) {
        cause = next;
    }
    cause.to_string()
}

/// A TLS failure anywhere in the error's chain, with the fingerprint of the certificate
/// our verifiers refused.
fn tls_failure(e: &(dyn std::error::Error + 'static)) -> Option<Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(refused) = c.downcast_ref::<crate::client::Refused>() {
            return Some(Error::Tls {
                reason: refused.reason.clone(),
                fingerprint: Some(refused.fingerprint.clone()),
            });
        }
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            if let rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) = tls {
                if let Some(refused) = other.0.downcast_ref::<crate::client::Refused>() {
                    return Some(Error::Tls {
                        reason: refused.reason.clone(),
                        fingerprint: Some(refused.fingerprint.clone()),
                    });
                }
            }
            return Some(Error::Tls {
                reason: tls.to_string(),
                fingerprint: None,
            });
        }
        cause = next_cause(c);
    }
    None
}

/// The next error in a chain, looking inside `io::Error`s (whose `source()` skips the
/// error they wrap).
fn next_cause<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match e.downcast_ref::<std::io::Error>() {
        Some(io) => match io.get_ref() {
            Some(inner) => Some(inner),
            None => std::error::Error::source(io),
        },
        None => e.source(),
    }
}
