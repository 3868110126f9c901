//! Monitoring arithmetic shared by sync, alerts and charts: whether a device is online
//! from its last inform, and traffic rates from byte counters that wrap and reset.
//! Pure functions of their inputs and an injected `now`.

pub mod presence;
pub mod rates;
