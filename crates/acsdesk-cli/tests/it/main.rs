//! Integration tests of the `acsdesk` binary, run as a user would run it.

mod about;
