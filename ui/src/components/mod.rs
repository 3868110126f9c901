//! Reusable components shared by pages.

pub(crate) mod nav;
