//! Integration tests of the GenieACS client against local servers: one replaying the
//! recorded GenieACS captures (`acsdesk-captures`), misbehaving ones, and TLS servers with
//! generated certificates.

// A test binary: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod failures;
mod replay;
mod tls;
