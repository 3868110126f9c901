//! Typed async client of the GenieACS 1.2 northbound API (NBI), shaped like octocrab: a
//! [`Client`] built once per connection (base URL, authentication, TLS, timeouts, rate
//! limit shared by every clone), a handler per resource (`client.devices()`,
//! `.tasks()`, `.faults()`, `.files()`, `.config(...)`), a builder per operation, and
//! models apart from builders. It knows nothing of AcsDesk's database.
//!
//! Behaviour follows the recorded GenieACS 1.2 captures: counts come from the `total`
//! header (and `HEAD`), a task's 202 is read from the status line's reason phrase, ids
//! are escaped the way GenieACS escapes them and percent-encoded again in paths, and the
//! requests that make GenieACS's NBI drop the connection are refused before sending.

pub mod api;
mod client;
mod document;
mod error;
mod id;
mod pace;
mod query;
mod stream;

pub use client::{Auth, Client, ClientBuilder, Tls};
pub use document::{DeviceDocument, Parameter};
pub use error::Error;
pub use id::DeviceId;
pub use query::Query;

#[cfg(test)]
mod test_support {
    /// The `query` parameter of a recorded request, as JSON.
    pub(crate) fn decoded_query(capture: &str) -> serde_json::Value {
        let c = acsdesk_captures::Capture::load(capture);
        let pairs = acsdesk_captures::query_pairs(c.request.query.as_deref().unwrap_or_default());
        match pairs.get("query").and_then(|v| v.first()) {
            Some(acsdesk_captures::QueryValue::Json(j)) => j.clone(),
            other => panic!("{capture} has no JSON query: {other:?}"),
        }
    }
}
