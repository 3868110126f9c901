//! [`Secret`]: a password, token or passphrase on its way through AcsDesk — shown as
//! `<redacted>` by `Debug`, wiped from memory when dropped, read only through
//! [`Secret::expose`]. It crosses IPC as a plain JSON string (the window must send what
//! the user typed); nothing else prints it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// A secret string.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret (the `String` moves in; no copy is left behind).
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }

    /// The secret itself, for the one place that needs it (an HTTP header, a key
    /// derivation, a value written to a router).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_crosses_ipc_as_a_string_and_never_prints() {
        let s = Secret::from("hunter2-pw");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(<redacted>)");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"hunter2-pw\"");
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back.expose(), "hunter2-pw");
    }

    /// Every request that carries a password, token or passphrase prints without it.
    #[test]
    fn requests_with_secrets_never_print_them() {
        use crate::settings::*;
        use crate::subscribers::SaveSubscriberRequest;
        let pw = || Some(Secret::from("hunter2-pw"));
        let printed = [
            format!(
                "{:?}",
                AddAcsRequest {
                    tenant: "t".into(),
                    name: "main".into(),
                    url: "http://acs".into(),
                    auth: AuthKind::Basic,
                    user: Some("noc".into()),
                    secret: pw(),
                    interval_s: 60,
                    trust: Default::default(),
                    cwmp_url: None,
                    rate_per_s: crate::settings::DEFAULT_RATE_PER_S,
                }
            ),
            format!(
                "{:?}",
                UpdateAcsRequest {
                    name: "main".into(),
                    url: "http://acs".into(),
                    auth: AuthKind::Token,
                    user: None,
                    secret: pw(),
                    interval_s: 60,
                    trust: None,
                    cwmp_url: None,
                    rate_per_s: crate::settings::DEFAULT_RATE_PER_S,
                }
            ),
            format!(
                "{:?}",
                TestAcsRequest {
                    url: "http://acs".into(),
                    auth: AuthKind::Basic,
                    user: None,
                    secret: pw(),
                    saved: None,
                    trust: None,
                }
            ),
            format!(
                "{:?}",
                UnlockTenantRequest {
                    name: None,
                    passphrase: "hunter2-pw".into(),
                }
            ),
            format!(
                "{:?}",
                crate::alerts::SaveChannelRequest {
                    name: "noc".into(),
                    kind: crate::ChannelKind::Webhook,
                    url: "https://hook".into(),
                    secret: pw(),
                    phones: Vec::new(),
                    post_body: None,
                }
            ),
            format!(
                "{:?}",
                SaveSubscriberRequest {
                    original: None,
                    account: "A-1".into(),
                    name: "Ana".into(),
                    phone: None,
                    pppoe_username: Some("ana".into()),
                    pppoe_password: pw(),
                    wifi_ssid: None,
                    wifi_password: pw(),
                    plan: None,
                    notes: None,
                    status: "active".into(),
                    serial: None,
                }
            ),
        ];
        for p in printed {
            assert!(!p.contains("hunter2"), "{p}");
        }
    }
}
