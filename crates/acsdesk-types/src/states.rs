//! The closed sets that cross IPC as words (`"completed"`, `"unreachable"`, `"2.4"`):
//! typed here, so both sides compare variants instead of text. Each serialises as its
//! word, so the wire format is the words the CLI's `--json` prints and the store keeps.

use serde::{Deserialize, Serialize};

/// Declares an enum of words: serde as the words, `as_str`, `Display`, `ALL`, and
/// `parse` (the word back, or `None`).
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant,)+
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
        /// A PON router's optical receive power below the threshold for the whole window.
        LowOpticalPower => "low_optical_power",
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
            AlertKind::LowOpticalPower => "Low optical power",
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

words! {
    /// A WiFi frequency band, as a device reports it.
    WifiBand {
        /// 2.4 GHz.
        Ghz2_4 => "2.4",
        /// 5 GHz.
        Ghz5 => "5",
        /// 6 GHz.
        Ghz6 => "6",
        /// The device does not say.
        Unknown => "unknown",
    }
}

impl WifiBand {
    /// The band for people ("2.4 GHz", "unknown band").
    pub fn label(self) -> &'static str {
        match self {
            WifiBand::Ghz2_4 => "2.4 GHz",
            WifiBand::Ghz5 => "5 GHz",
            WifiBand::Ghz6 => "6 GHz",
            WifiBand::Unknown => "unknown band",
        }
    }
}

words! {
    /// Which WiFi band a change applies to.
    BandChoice {
        /// The 2.4 GHz network(s).
        Ghz2_4 => "2.4",
        /// The 5 GHz network(s).
        Ghz5 => "5",
        /// Every band's main network.
        All => "all",
    }
}

impl BandChoice {
    /// Reads what a person types: `2.4`, `2.4GHz`, `2g`, `5`, `5GHz`, `5g` or `all`.
    pub fn read(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "2.4" | "2.4ghz" | "2g" => Some(BandChoice::Ghz2_4),
            "5" | "5ghz" | "5g" => Some(BandChoice::Ghz5),
            "all" => Some(BandChoice::All),
            _ => None,
        }
    }

    /// The choice for people ("2.4 GHz", "All bands").
    pub fn label(self) -> &'static str {
        match self {
            BandChoice::Ghz2_4 => "2.4 GHz",
            BandChoice::Ghz5 => "5 GHz",
            BandChoice::All => "All bands",
        }
    }
}

words! {
    /// Where an alert channel delivers.
    ChannelKind {
        /// A signed HTTP POST to a URL.
        Webhook => "webhook",
        /// Text messages through an SMS gateway's HTTP API.
        Sms => "sms",
    }
}

words! {
    /// What a maintenance window covers.
    MaintenanceScope {
        /// The whole tenant.
        Tenant => "tenant",
        /// One ACS connection.
        Acs => "acs",
        /// One device.
        Device => "device",
    }
}

words! {
    /// How serious a device log entry is.
    LogLevel {
        /// Worth knowing.
        Info => "info",
        /// Something to watch.
        Warning => "warning",
        /// Something is wrong.
        Error => "error",
    }
}

words! {
    /// A value charted over time.
    Metric {
        /// CPU usage, %.
        Cpu => "cpu",
        /// Memory usage, %.
        Memory => "memory",
        /// Download rate (stored in bytes/s, shown in Mbit/s).
        Rx => "rx",
        /// Upload rate (stored in bytes/s, shown in Mbit/s).
        Tx => "tx",
        /// Signal, dBm.
        Signal => "signal",
        /// Uptime (stored in seconds, shown in hours).
        Uptime => "uptime",
        /// Connected WiFi clients on 2.4 GHz.
        Clients2g => "clients_2g",
        /// Connected WiFi clients on 5 GHz.
        Clients5g => "clients_5g",
    }
}

impl Metric {
    /// The chart title.
    pub fn title(self) -> &'static str {
        match self {
            Metric::Cpu => "CPU",
            Metric::Memory => "Memory",
            Metric::Rx => "Download",
            Metric::Tx => "Upload",
            Metric::Signal => "Signal",
            Metric::Uptime => "Uptime",
            Metric::Clients2g => "WiFi clients 2.4 GHz",
            Metric::Clients5g => "WiFi clients 5 GHz",
        }
    }

    /// The unit shown on the axis.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Cpu | Metric::Memory => "%",
            Metric::Rx | Metric::Tx => "Mbit/s",
            Metric::Signal => "dBm",
            Metric::Uptime => "h",
            Metric::Clients2g | Metric::Clients5g => "clients",
        }
    }

    /// Converts a stored value to the unit shown.
    pub fn display_value(self, stored: f64) -> f64 {
        match self {
            Metric::Rx | Metric::Tx => stored * 8.0 / 1_000_000.0,
            Metric::Uptime => stored / 3600.0,
            _ => stored,
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
        // Words that are not identifiers cross as themselves.
        assert_eq!(serde_json::to_string(&WifiBand::Ghz2_4).unwrap(), "\"2.4\"");
        assert_eq!(
            serde_json::from_str::<BandChoice>("\"all\"").unwrap(),
            BandChoice::All
        );
        assert_eq!(BandChoice::read(" 5GHz "), Some(BandChoice::Ghz5));
        assert_eq!(BandChoice::read("6"), None);
        assert_eq!(Metric::parse("memory"), Some(Metric::Memory));
        assert!((Metric::Rx.display_value(1_000_000.0) - 8.0).abs() < 1e-9);
        for scope in MaintenanceScope::ALL {
            let json = serde_json::to_string(scope).unwrap();
            assert_eq!(
                serde_json::from_str::<MaintenanceScope>(&json).unwrap(),
                *scope
            );
        }
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

words! {
    /// What a device log entry is about, to filter the log by.
    LogGroup {
        /// Presence and life: online, offline, rebooted, discovered.
        Status => "status",
        /// AcsDesk's actions: requested, sent, their stages, results and failures.
        Action => "action",
        /// Auto-provisioning: configured, failed, recovered.
        Provisioning => "provisioning",
        /// GenieACS faults on tasks AcsDesk did not send.
        Fault => "fault",
        /// What the router reports as wrong: its WAN's errors, PPP failing.
        RouterError => "router_error",
    }
}

impl LogGroup {
    /// The group of a log entry's kind.
    pub fn of(kind: &str) -> Self {
        if kind.starts_with("action_") {
            LogGroup::Action
        } else if kind.starts_with("provision") || kind.starts_with("configuration") {
            LogGroup::Provisioning
        } else if kind.starts_with("router_error") || kind.starts_with("ppp_") {
            LogGroup::RouterError
        } else if kind.contains("fault") || kind.ends_with("_failed") {
            LogGroup::Fault
        } else {
            LogGroup::Status
        }
    }

    /// The group for people ("Router errors").
    pub fn label(self) -> &'static str {
        match self {
            LogGroup::Status => "Status",
            LogGroup::Action => "Actions",
            LogGroup::Provisioning => "Provisioning",
            LogGroup::Fault => "Faults",
            LogGroup::RouterError => "Router errors",
        }
    }
}

words! {
    /// What a router's TR-069 diagnostic measures.
    DiagnosticKind {
        /// Echoes to a host (`IPPingDiagnostics`, `IP.Diagnostics.IPPing`).
        Ping => "ping",
        /// The path to a host, hop by hop (`TraceRouteDiagnostics`, `IP.Diagnostics.TraceRoute`).
        Traceroute => "traceroute",
        /// A timed download from a test server (TR-143 `DownloadDiagnostics`).
        Download => "download",
        /// A timed upload to a test server (TR-143 `UploadDiagnostics`).
        Upload => "upload",
    }
}

impl DiagnosticKind {
    /// The kind in words for people ("Traceroute").
    pub fn label(self) -> &'static str {
        match self {
            DiagnosticKind::Ping => "Ping",
            DiagnosticKind::Traceroute => "Traceroute",
            DiagnosticKind::Download => "Download test",
            DiagnosticKind::Upload => "Upload test",
        }
    }
}

words! {
    /// A group of values the monitoring provision makes GenieACS refresh at every
    /// periodic inform.
    Monitored {
        /// CPU use.
        Cpu => "cpu",
        /// Memory use.
        Memory => "memory",
        /// Uptime.
        Uptime => "uptime",
        /// WAN traffic counters.
        Traffic => "traffic",
        /// Optical and cellular signal.
        Signal => "signal",
        /// The WAN connection: status, last error, address, PPPoE user.
        Wan => "wan",
        /// WiFi networks: names and whether they are on.
        Wifi => "wifi",
        /// The devices on the LAN: the host table and each network's client count (new
        /// hosts found hourly).
        Clients => "clients",
    }
}

words! {
    /// What to do with AcsDesk's objects on the ACS connections.
    ProvisionMode {
        /// Compare what each server holds with what it should; write nothing.
        Status => "status",
        /// Write what differs; remove per-router presets no longer needed.
        Install => "install",
        /// Remove everything AcsDesk installed.
        Uninstall => "uninstall",
    }
}

words! {
    /// A problem with a subscriber's router, to list the subscribers who have it.
    RouterProblem {
        /// The linked router is offline.
        Offline => "offline",
        /// GenieACS could not apply a provisioning to the linked router.
        ProvisioningFailed => "provisioning_failed",
    }
}
