//! The closed sets of states that cross IPC as words (`"completed"`, `"unreachable"`):
//! typed here, so both sides compare variants instead of text. Each serialises as its
//! snake_case word, so the wire format is the words the CLI's `--json` prints.

use serde::{Deserialize, Serialize};

/// Declares an enum of words: serde as snake_case, `as_str`, `Display`, and `parse`
/// (the word back, or `None`).
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word, as it crosses IPC and as the CLI prints it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The variant of a word; `None` for anything else.
            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// Where an action stands: `pending → sent → completed | failed | cancelled`.
    ActionStatus {
        /// Queued, not sent yet.
        Pending => "pending",
        /// Claimed and sent to GenieACS (or being followed there).
        Sent => "sent",
        /// Done and proven on the device.
        Completed => "completed",
        /// Failed, with the reason.
        Failed => "failed",
        /// Cancelled before it ran.
        Cancelled => "cancelled",
    }
}

impl ActionStatus {
    /// Whether the action has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ActionStatus::Completed | ActionStatus::Failed | ActionStatus::Cancelled
        )
    }

    /// Whether moving to `next` is allowed: only forward, and never completed without
    /// having been sent.
    pub fn can_move_to(self, next: ActionStatus) -> bool {
        use ActionStatus::*;
        matches!(
            (self, next),
            (Pending, Sent)
                | (Pending, Cancelled)
                | (Pending, Failed)
                | (Sent, Completed)
                | (Sent, Failed)
                | (Sent, Cancelled)
        )
    }
}

words! {
    /// An ACS connection's health.
    HealthState {
        /// No sync has run yet.
        Unknown => "unknown",
        /// The last sync succeeded.
        Ok => "ok",
        /// Recent syncs failed; it may recover.
        Degraded => "degraded",
        /// Several syncs in a row failed.
        Unreachable => "unreachable",
    }
}

words! {
    /// Where an alert stands.
    AlertState {
        /// The problem is ongoing and nobody has acknowledged it.
        Open => "open",
        /// Somebody is on it.
        Acknowledged => "acknowledged",
        /// Over.
        Resolved => "resolved",
    }
}

words! {
    /// What kind of problem an alert reports.
    AlertKind {
        /// The device has not informed for longer than the offline threshold.
        DeviceOffline => "device_offline",
        /// A firmware update failed (action failure, transfer fault, old version after).
        FirmwareFailed => "firmware_failed",
        /// Provisioning failed (a GenieACS fault on a provisioning channel or task).
        ProvisioningFailed => "provisioning_failed",
        /// PPP negotiation keeps failing (authentication failure, PPPoE down while online).
        PppFailing => "ppp_failing",
        /// CPU above the threshold for the whole window.
        HighCpu => "high_cpu",
        /// Memory above the threshold for the whole window.
        HighMemory => "high_memory",
        /// The ACS has been unreachable for longer than the threshold.
        AcsUnreachable => "acs_unreachable",
    }
}

impl AlertKind {
    /// Whether the problem ends by itself when the condition clears (offline, PPP, load,
    /// ACS, and a provisioning fault GenieACS no longer holds — it was retried, or
    /// cleared) or stays until someone resolves it (a failed firmware update: the
    /// router may be on the old image, or worse, and someone must look).
    pub fn clears_by_itself(self) -> bool {
        !matches!(self, AlertKind::FirmwareFailed)
    }

    /// Whether the alert is about an ACS connection rather than a device.
    pub fn is_about_acs(self) -> bool {
        matches!(self, AlertKind::AcsUnreachable)
    }

    /// The kind in words for people ("Device offline").
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::DeviceOffline => "Device offline",
            AlertKind::FirmwareFailed => "Firmware failed",
            AlertKind::ProvisioningFailed => "Provisioning failed",
            AlertKind::PppFailing => "PPP failing",
            AlertKind::HighCpu => "High CPU",
            AlertKind::HighMemory => "High memory",
            AlertKind::AcsUnreachable => "ACS unreachable",
        }
    }
}

words! {
    /// How urgent an alert is, least first.
    Severity {
        /// Worth knowing.
        Info => "info",
        /// Needs attention soon.
        Warning => "warning",
        /// A customer is affected now.
        Critical => "critical",
    }
}

impl Severity {
    /// The severity in words for people ("Critical").
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Warning => "Warning",
            Severity::Critical => "Critical",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_cross_ipc_as_their_words() {
        for s in ActionStatus::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<ActionStatus>(&json).unwrap(), *s);
            assert_eq!(ActionStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(HealthState::Unreachable.to_string(), "unreachable");
        assert_eq!(
            AlertState::parse("acknowledged"),
            Some(AlertState::Acknowledged)
        );
        assert_eq!(AlertState::parse("Open"), None, "words are exact");
        assert!(serde_json::from_str::<HealthState>("\"down\"").is_err());
        assert!(ActionStatus::Failed.is_final() && !ActionStatus::Sent.is_final());
        for k in AlertKind::ALL {
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(serde_json::from_str::<AlertKind>(&json).unwrap(), *k);
            assert_eq!(AlertKind::parse(k.as_str()), Some(*k));
            assert!(!k.label().is_empty());
        }
        assert_eq!(
            serde_json::to_string(&AlertKind::PppFailing).unwrap(),
            "\"ppp_failing\""
        );
        assert!(AlertKind::AcsUnreachable.is_about_acs() && !AlertKind::HighCpu.is_about_acs());
        assert!(!AlertKind::FirmwareFailed.clears_by_itself());
        // Severities order from the least urgent.
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Critical);
        assert_eq!(Severity::parse("critical"), Some(Severity::Critical));
        assert!(serde_json::from_str::<Severity>("\"urgent\"").is_err());
    }

    #[test]
    fn actions_only_move_forward() {
        use ActionStatus::*;
        assert!(Pending.can_move_to(Sent));
        assert!(Sent.can_move_to(Completed));
        assert!(Sent.can_move_to(Cancelled));
        assert!(!Completed.can_move_to(Pending));
        assert!(
            !Pending.can_move_to(Completed),
            "never completed without being sent"
        );
        assert!(!Failed.can_move_to(Sent));
    }
}
