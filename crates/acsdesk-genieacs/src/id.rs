//! Device ids: GenieACS builds `OUI-ProductClass-Serial` and escapes `-` (and `%`) inside
//! each part as `%2D` (`%25`); in URL paths the whole id is percent-encoded again, so a
//! `%2D` travels as `%252D`. Path segments keep only letters, digits, `-` and `_`: the
//! NBI's routes match exactly those and `%`-escapes (a raw `.` in a tag is a 404), and it
//! decodes every escape, so anything else is sent escaped.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;

/// What the NBI's route patterns (`[a-zA-Z0-9\-_%]+`) take unescaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// encodeURIComponent's set (everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`), which the
/// NBI's file route takes as it is.
const URI_COMPONENT: &AsciiSet = &COMPONENT
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// A GenieACS device id, as GenieACS stores it (`9CA2F4-EC220%2DG5-000100`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(String);

fn escape_part(part: &str) -> String {
    part.replace('%', "%25").replace('-', "%2D")
}

impl DeviceId {
    /// An id as GenieACS stores it (e.g. read from `_id`).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id GenieACS gives a device from its Inform identity.
    pub fn from_parts(oui: &str, product_class: &str, serial: &str) -> Self {
        Self(format!(
            "{}-{}-{}",
            escape_part(oui),
            escape_part(product_class),
            escape_part(serial)
        ))
    }

    /// The id as GenieACS stores it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id percent-encoded for a URL path segment.
    pub fn path_segment(&self) -> String {
        utf8_percent_encode(&self.0, COMPONENT).to_string()
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-encodes a path segment (task ids, tags, preset names, fault ids) for the
/// NBI's routes.
pub(crate) fn segment(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Percent-encodes a file name as encodeURIComponent does (the file route accepts `.`).
pub(crate) fn file_segment(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_escape_like_genieacs_and_again_in_paths() {
        let id = DeviceId::from_parts("9CA2F4", "EC220-G5", "000100");
        assert_eq!(id.as_str(), "9CA2F4-EC220%2DG5-000100");
        assert_eq!(id.path_segment(), "9CA2F4-EC220%252DG5-000100");
        let odd = DeviceId::new("A B/%é.x");
        assert_eq!(odd.path_segment(), "A%20B%2F%25%C3%A9%2Ex");
        assert_eq!(file_segment("fw 1.2(b).bin"), "fw%201.2(b).bin");
        assert_eq!(segment("v1.2"), "v1%2E2");
        assert_eq!(
            DeviceId::from_parts("00E0FC", "HG8245H", "4857").as_str(),
            "00E0FC-HG8245H-4857"
        );
    }
}
