//! What a technician does on the router so that it reaches GenieACS, per vendor, filled
//! in with the tenant's CWMP URL and the profile's inform interval — and which vendor a
//! serial most likely belongs to, to show those steps first.

/// The vendors AcsDesk has router-side steps for, in the order they are offered.
pub const VENDORS: &[&str] = &["MikroTik", "TP-Link", "Huawei", "ZTE"];

/// One vendor's steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps {
    /// The vendor.
    pub vendor: &'static str,
    /// The steps, in order; a command to type is the whole step.
    pub steps: Vec<String>,
}

/// The vendor a serial most likely belongs to: GPON vendor ids (`HWTC`, `ZTEG`, also as
/// the hexadecimal a GPON ONT reports), TP-Link's all-digit serials, MikroTik's
/// twelve-character ones. `None` when nothing says.
pub fn guess_vendor(serial: &str) -> Option<&'static str> {
    let s = serial.trim().to_ascii_uppercase();
    if s.starts_with("HWTC") || s.starts_with("48575443") {
        Some("Huawei")
    } else if s.starts_with("ZTEG") || s.starts_with("5A544547") {
        Some("ZTE")
    } else if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        Some("TP-Link")
    } else if (10..=12).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
        Some("MikroTik")
    } else {
        None
    }
}

/// Every vendor's steps. Without a CWMP URL on the tenant's connections, the steps say
/// where to set one.
pub fn steps(cwmp_url: Option<&str>, interval_s: u32) -> Vec<Steps> {
    let url = cwmp_url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("<the CWMP URL of your GenieACS, set in Settings → ACS connections>");
    let common = format!(
        "ACS username and password: as your GenieACS's CWMP authentication asks (often none); periodic inform every {interval_s} s."
    );
    vec![
        Steps {
            vendor: "MikroTik",
            steps: vec![
                "RouterOS 7 with the tr069-client package (System → Packages; install it and reboot if it is missing).".into(),
                format!(
                    "/tr069-client set enabled=yes acs-url={url} periodic-inform-enabled=yes periodic-inform-interval={interval_s}s"
                ),
                "/tr069-client print".into(),
                "Its status turns to connected within a minute.".into(),
                common.clone(),
            ],
        },
        Steps {
            vendor: "TP-Link",
            steps: vec![
                "Web interface → Advanced → System Tools → CWMP Settings (TR-069).".into(),
                format!("Enable CWMP, ACS URL {url}, Periodic Inform on, interval {interval_s}, Save."),
                common.clone(),
            ],
        },
        Steps {
            vendor: "Huawei",
            steps: vec![
                "Web interface as the administrator (telecomadmin on EchoLife ONTs) → System Tools → TR-069 (Advanced Configuration on some firmware).".into(),
                format!("Enable the ACS, URL {url}, periodic inform on, interval {interval_s}, Apply."),
                "The WAN that reaches the ACS must carry the TR069 service (service list TR069 or TR069_INTERNET).".into(),
                common.clone(),
            ],
        },
        Steps {
            vendor: "ZTE",
            steps: vec![
                "Web interface as the administrator → Administration → TR-069 (Remote Management).".into(),
                format!("Enable, ACS URL {url}, periodic inform on, interval {interval_s}, bound to the management WAN; Submit."),
                common,
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_carry_the_url_and_interval_and_the_serial_picks_the_vendor() {
        let all = steps(Some("http://acs.isp.net:7547"), 300);
        assert_eq!(all.iter().map(|s| s.vendor).collect::<Vec<_>>(), VENDORS);
        assert!(all[0].steps.contains(
            &"/tr069-client set enabled=yes acs-url=http://acs.isp.net:7547 periodic-inform-enabled=yes periodic-inform-interval=300s".to_owned()
        ));
        assert!(steps(None, 600)[1].steps[1].contains("set in Settings"));
        assert_eq!(guess_vendor("48575443C0FFEE01"), Some("Huawei"));
        assert_eq!(guess_vendor("hwtc1a2b3c4d"), Some("Huawei"));
        assert_eq!(guess_vendor("ZTEG0C0FFEE2"), Some("ZTE"));
        assert_eq!(guess_vendor("2200000003"), Some("TP-Link"));
        assert_eq!(guess_vendor("HE108C9A7B2D"), Some("MikroTik"));
        assert_eq!(guess_vendor("x"), None);
    }
}
