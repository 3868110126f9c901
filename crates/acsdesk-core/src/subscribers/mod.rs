//! Subscribers beyond one at a time: the billing system's CSV files in and out
//! ([`csv`]). The subscribers themselves are kept by `store::subscribers`.

pub mod csv;
