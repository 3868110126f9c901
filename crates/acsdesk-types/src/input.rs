//! Validated user input shared by the UI (inline validation, before submit) and the core
//! (validation before anything is queued): one set of rules, one set of messages.
//!
//! Each type is built only through `parse`, which says precisely what is wrong. Secret
//! values redact themselves in `Debug`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused, naming the field so forms can show it in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidInput {
    /// The field that holds the bad value (`ssid`, `passphrase`, …).
    pub field: &'static str,
    /// What is wrong and how to fix it, in a sentence.
    pub reason: String,
}

impl InvalidInput {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidInput {}

/// A WiFi network name: 1 to 32 bytes of UTF-8 (IEEE 802.11 counts bytes, not
/// characters), no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ssid(String);

impl Ssid {
    /// Validates an SSID.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "ssid";
        if value.is_empty() {
            return Err(InvalidInput::new(FIELD, "the network name is empty"));
        }
        if value.len() > 32 {
            return Err(InvalidInput::new(
                FIELD,
                format!(
                    "the network name is {} bytes long; at most 32 bytes are allowed \
                     (accented letters and emoji take several bytes)",
                    value.len()
                ),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                FIELD,
                "the network name contains a control character (tab, newline…)",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The SSID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Ssid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A WPA/WPA2/WPA3-Personal passphrase: 8 to 63 printable ASCII characters, or exactly
/// 64 hexadecimal digits (a raw pre-shared key).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WpaPassphrase(crate::secret::Secret);

impl WpaPassphrase {
    /// Validates a passphrase.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "passphrase";
        let len = value.chars().count();
        if len == 64 {
            return if value.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(Self(value.into()))
            } else {
                Err(InvalidInput::new(
                    FIELD,
                    "a 64-character key must be hexadecimal (0-9, a-f); \
                     a passphrase has at most 63 characters",
                ))
            };
        }
        if len < 8 {
            return Err(InvalidInput::new(
                FIELD,
                format!("the password has {len} characters; at least 8 are needed"),
            ));
        }
        if len > 63 {
            return Err(InvalidInput::new(
                FIELD,
                format!("the password has {len} characters; at most 63 are allowed"),
            ));
        }
        if let Some(bad) = value.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(InvalidInput::new(
                FIELD,
                format!(
                    "the password may use only printable ASCII characters; {:?} is not one",
                    bad
                ),
            ));
        }
        Ok(Self(value.into()))
    }

    /// The passphrase itself. Call only to send it to the device or store it encrypted.
    pub fn reveal(&self) -> &str {
        self.0.expose()
    }

    /// Whether this is a 64-hex-digit pre-shared key rather than a passphrase.
    pub fn is_raw_key(&self) -> bool {
        self.0.expose().len() == 64
    }
}

impl fmt::Debug for WpaPassphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WpaPassphrase(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for WpaPassphrase {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A PPPoE username: 1 to 64 characters, no whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PppoeUsername(String);

impl PppoeUsername {
    /// Validates a PPPoE username.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "username";
        if value.is_empty() {
            return Err(InvalidInput::new(FIELD, "the PPPoE username is empty"));
        }
        let len = value.chars().count();
        if len > 64 {
            return Err(InvalidInput::new(
                FIELD,
                format!("the PPPoE username has {len} characters; at most 64 are allowed"),
            ));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidInput::new(
                FIELD,
                "the PPPoE username may not contain spaces or control characters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PppoeUsername {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A PPPoE password: 1 to 64 characters, no control characters.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PppoePassword(crate::secret::Secret);

impl PppoePassword {
    /// Validates a PPPoE password.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "password";
        if value.is_empty() {
            return Err(InvalidInput::new(FIELD, "the PPPoE password is empty"));
        }
        let len = value.chars().count();
        if len > 64 {
            return Err(InvalidInput::new(
                FIELD,
                format!("the PPPoE password has {len} characters; at most 64 are allowed"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                FIELD,
                "the PPPoE password may not contain control characters",
            ));
        }
        Ok(Self(value.into()))
    }

    /// The password itself. Call only to send it to the device or store it encrypted.
    pub fn reveal(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for PppoePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PppoePassword(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for PppoePassword {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A router's serial number as technicians type it: 1 to 64 characters of letters,
/// digits and `- _ . : /`, no spaces; kept upper-cased. GPON ONT labels print the vendor
/// code as letters (`HWTC1A2B3C4D`) where TR-069 reports it in hex (`485754431A2B3C4D`):
/// both forms are the same serial.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SerialNumber(String);

/// GPON vendor codes whose serials have a fixed form, with the vendor's name.
const GPON_VENDORS: &[(&str, &str)] = &[
    ("HWTC", "Huawei"),
    ("ZTEG", "ZTE"),
    ("ALCL", "Nokia"),
    ("FHTT", "FiberHome"),
];

impl SerialNumber {
    /// Validates a serial number.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        const FIELD: &str = "serial";
        let v = value.trim();
        if v.is_empty() {
            return Err(InvalidInput::new(FIELD, "the serial number is empty"));
        }
        let len = v.chars().count();
        if len > 64 {
            return Err(InvalidInput::new(
                FIELD,
                format!("the serial number has {len} characters; at most 64 are allowed"),
            ));
        }
        if let Some(bad) = v
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "-_.:/".contains(*c)))
        {
            return Err(InvalidInput::new(
                FIELD,
                format!(
                    "a serial number holds letters, digits and - _ . : / only, not {bad:?} (copy it from the router's label)"
                ),
            ));
        }
        if len < 4 {
            return Err(InvalidInput::new(
                FIELD,
                format!(
                    "{v:?} is too short to be a router's serial number (copy it from the label)"
                ),
            ));
        }
        let upper = v.to_ascii_uppercase();
        // A GPON ONT's serial is its vendor's code and 8 hexadecimal digits: `HWTC1A2B3C4D`
        // on the label, `485754431A2B3C4D` as TR-069 reports it.
        for (code, vendor) in GPON_VENDORS {
            let hex_code: String = code.bytes().map(|b| format!("{b:02X}")).collect();
            let rest = upper
                .strip_prefix(code)
                .or_else(|| upper.strip_prefix(hex_code.as_str()));
            if let Some(rest) = rest {
                if rest.len() != 8 || !rest.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(InvalidInput::new(
                        FIELD,
                        format!(
                            "a {vendor} GPON serial is {code} and 8 hexadecimal digits ({code}1A2B3C4D), or {hex_code} and the same 8 as the router reports it; {v:?} is not"
                        ),
                    ));
                }
            }
        }
        Ok(Self(upper))
    }

    /// The serial as typed (upper-cased).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The other way of writing the same GPON serial, if it is one: `HWTC1A2B3C4D` ↔
    /// `485754431A2B3C4D`.
    pub fn gpon_alternate(&self) -> Option<String> {
        let s = &self.0;
        let hex8 = |t: &str| t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit());
        if s.len() == 12 && s[..4].chars().all(|c| c.is_ascii_uppercase()) && hex8(&s[4..]) {
            let vendor: String = s[..4].bytes().map(|b| format!("{b:02X}")).collect();
            return Some(format!("{vendor}{}", &s[4..]));
        }
        if s.len() == 16 && hex8(&s[..8]) && hex8(&s[8..]) {
            let bytes: Vec<u8> = (0..4)
                .filter_map(|i| u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok())
                .collect();
            if bytes.len() == 4 && bytes.iter().all(u8::is_ascii_uppercase) {
                return Some(format!("{}{}", String::from_utf8_lossy(&bytes), &s[8..]));
            }
        }
        None
    }
}

impl<'de> Deserialize<'de> for SerialNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssid_counts_bytes_not_characters() {
        assert!(Ssid::parse("a").is_ok());
        assert!(Ssid::parse(&"x".repeat(32)).is_ok());
        let err = Ssid::parse(&"x".repeat(33)).unwrap_err();
        assert_eq!(err.field, "ssid");
        assert!(err.reason.contains("33 bytes"), "{err}");
        // 11 × "é" (2 bytes) = 22 bytes: fine; 17 × "é" = 34 bytes: refused.
        assert!(Ssid::parse(&"é".repeat(11)).is_ok());
        assert!(Ssid::parse(&"é".repeat(17)).is_err());
        assert!(Ssid::parse("").unwrap_err().reason.contains("empty"));
        assert!(Ssid::parse("a\nb").is_err());
    }

    #[test]
    fn wpa_passphrase_rules() {
        assert!(WpaPassphrase::parse("12345678").is_ok());
        assert!(WpaPassphrase::parse(&"p".repeat(63)).is_ok());
        assert!(WpaPassphrase::parse("with space ok").is_ok());
        let short = WpaPassphrase::parse("1234567").unwrap_err();
        assert!(short.reason.contains("7 characters"), "{short}");
        assert!(WpaPassphrase::parse(&"p".repeat(65)).is_err());
        let hex = "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789";
        assert_eq!(hex.len(), 64);
        assert!(WpaPassphrase::parse(hex).unwrap().is_raw_key());
        let not_hex = WpaPassphrase::parse(&"g".repeat(64)).unwrap_err();
        assert!(not_hex.reason.contains("hexadecimal"), "{not_hex}");
        let accented = WpaPassphrase::parse("contraseña1").unwrap_err();
        assert!(accented.reason.contains("printable ASCII"), "{accented}");
        assert!(WpaPassphrase::parse("tab\there1").is_err());
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let p = WpaPassphrase::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
        let p = PppoePassword::parse("s3cret!").unwrap();
        assert!(!format!("{p:?}").contains("s3cret"));
        // Validation errors never echo a refused password either.
        let err = WpaPassphrase::parse("short").unwrap_err();
        assert!(!err.to_string().contains("short"));
    }

    #[test]
    fn pppoe_rules() {
        assert!(PppoeUsername::parse("cust-0042@isp").is_ok());
        assert!(PppoeUsername::parse("").is_err());
        assert!(PppoeUsername::parse("has space").is_err());
        assert!(PppoeUsername::parse(&"u".repeat(65)).is_err());
        assert!(PppoePassword::parse("pw with space").is_ok());
        assert!(PppoePassword::parse("").is_err());
        assert!(PppoePassword::parse(&"p".repeat(65)).is_err());
    }

    #[test]
    fn serial_numbers_and_their_gpon_forms() {
        let s = SerialNumber::parse(" hwtc1a2b3c4d ").unwrap();
        assert_eq!(s.as_str(), "HWTC1A2B3C4D");
        assert_eq!(s.gpon_alternate().as_deref(), Some("485754431A2B3C4D"));
        let hex = SerialNumber::parse("485754431A2B3C4D").unwrap();
        assert_eq!(hex.gpon_alternate().as_deref(), Some("HWTC1A2B3C4D"));
        assert_eq!(
            SerialNumber::parse("22000000042").unwrap().gpon_alternate(),
            None
        );
        assert!(SerialNumber::parse("")
            .unwrap_err()
            .reason
            .contains("empty"));
        let spaced = SerialNumber::parse("AB 12").unwrap_err();
        assert!(spaced.reason.contains("' '"), "{spaced}");
        assert!(SerialNumber::parse(&"A".repeat(65)).is_err());
        assert!(SerialNumber::parse("SN-1234_5.6:7/8").is_ok());
        // GPON serials have their vendor's fixed form, in either spelling.
        assert!(SerialNumber::parse("zteg0c0ffee2").is_ok());
        assert!(SerialNumber::parse("5A5445470C0FFEE2").is_ok());
        for bad in [
            "HWTC1A2B3C4",
            "HWTC1A2B3C4D5",
            "ZTEG-1234_5.6",
            "48575443XYZ00001",
        ] {
            let e = SerialNumber::parse(bad).unwrap_err();
            assert!(e.reason.contains("8 hexadecimal digits"), "{bad}: {e}");
        }
        assert!(SerialNumber::parse("HWTC1A2B3C4")
            .unwrap_err()
            .reason
            .contains("Huawei"));
        assert!(SerialNumber::parse("A1")
            .unwrap_err()
            .reason
            .contains("too short"));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Ssid>("\"\"").is_err());
        assert!(serde_json::from_str::<WpaPassphrase>("\"1234\"").is_err());
        let ok: PppoeUsername = serde_json::from_str("\"bob\"").unwrap();
        assert_eq!(ok.as_str(), "bob");
    }
}
