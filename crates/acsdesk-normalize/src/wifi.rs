//! A device's WiFi networks: SSID, band and the passphrase parameter it actually has,
//! per data model, with band and instance discovered from the tree.

use super::registry::objects;
use super::tree::Tree;
use serde::{Deserialize, Serialize};

pub use acsdesk_types::WifiBand as Band;

/// Reads `OperatingFrequencyBand`-style text (`2.4GHz`, `5GHz`, `6GHz`).
fn band_from_text(text: &str) -> Option<Band> {
    let t = text.to_ascii_lowercase().replace([' ', '_'], "");
    if t.starts_with("2.4") {
        Some(Band::Ghz2_4)
    } else if t.starts_with('5') {
        Some(Band::Ghz5)
    } else if t.starts_with('6') {
        Some(Band::Ghz6)
    } else {
        None
    }
}

/// Infers the band from a channel number.
fn band_from_channel(channel: f64) -> Option<Band> {
    match channel as i64 {
        1..=14 => Some(Band::Ghz2_4),
        32..=177 => Some(Band::Ghz5),
        _ => None,
    }
}

/// One WiFi network (SSID) of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WifiNetwork {
    /// Object path of the SSID (`…WLANConfiguration.5` or `Device.WiFi.SSID.3`).
    pub path: String,
    /// The frequency band.
    pub band: Band,
    /// The network name, when set.
    pub ssid: Option<String>,
    /// Whether the network is enabled, when the device says.
    pub enabled: Option<bool>,
    /// The writable passphrase parameter this device has (devices read it back empty).
    pub passphrase_path: Option<String>,
    /// The channel in use (Huawei's `X_HUAWEI_ChannelUsed` when it picks one itself).
    #[serde(default)]
    pub channel: Option<u32>,
    /// Channel width (TR-181 `OperatingChannelBandwidth`, e.g. `80MHz`; TR-098 has no
    /// standard field).
    #[serde(default)]
    pub bandwidth: Option<String>,
    /// The 802.11 standards it runs (`b/g/n`, `a,n,ac`).
    #[serde(default)]
    pub standard: Option<String>,
}

/// A channel number as reported (0 is "auto", not a channel).
fn channel(n: Option<f64>) -> Option<u32> {
    n.filter(|c| *c >= 1.0 && *c <= 233.0).map(|c| c as u32)
}

/// The WiFi networks of a TR-098 device, in instance order.
pub(crate) fn tr098(tree: &Tree<'_>) -> Vec<WifiNetwork> {
    tree.expand(objects::TR098_WLAN)
        .into_iter()
        .map(|path| {
            let get = |leaf: &str| tree.text(&format!("{path}.{leaf}"));
            let band = get("OperatingFrequencyBand")
                .and_then(|b| band_from_text(&b))
                .or_else(|| {
                    tree.number(&format!("{path}.Channel"))
                        .filter(|c| *c > 0.0)
                        .and_then(band_from_channel)
                })
                .or_else(|| {
                    // 802.11a/ac/ax without b/g is 5 GHz; b/g/n is 2.4 GHz.
                    get("Standard").map(|s| {
                        let s = s.to_ascii_lowercase();
                        if s.contains('b') || s.contains('g') {
                            Band::Ghz2_4
                        } else if s.contains('a') {
                            Band::Ghz5
                        } else {
                            Band::Unknown
                        }
                    })
                })
                .unwrap_or(Band::Unknown);
            // Probe which passphrase parameter exists (Huawei and ZTE differ by firmware).
            let passphrase_path = objects::TR098_WLAN_PASSPHRASE
                .iter()
                .map(|leaf| format!("{path}.{leaf}"))
                .find(|p| tree.node(p).is_some());
            let used = if get("AutoChannelEnable").as_deref() == Some("true") {
                channel(tree.number(&format!("{path}.X_HUAWEI_ChannelUsed")))
            } else {
                None
            };
            WifiNetwork {
                band,
                ssid: get("SSID"),
                enabled: get("Enable").map(|e| e == "true" || e == "1"),
                passphrase_path,
                channel: used.or_else(|| channel(tree.number(&format!("{path}.Channel")))),
                bandwidth: get("OperatingChannelBandwidth"),
                standard: get("Standard"),
                path,
            }
        })
        .collect()
}

/// The WiFi networks of a TR-181 device, in instance order: the band comes from the
/// radio named by `LowerLayers`, the passphrase from the access point whose
/// `SSIDReference` names the SSID.
pub(crate) fn tr181(tree: &Tree<'_>) -> Vec<WifiNetwork> {
    let access_points = tree.expand(objects::TR181_ACCESS_POINT);
    tree.expand(objects::TR181_SSID)
        .into_iter()
        .map(|path| {
            let get = |leaf: &str| tree.text(&format!("{path}.{leaf}"));
            let radio = get("LowerLayers").and_then(|radio| {
                Some(
                    radio
                        .split(',')
                        .next()?
                        .trim()
                        .trim_end_matches('.')
                        .to_owned(),
                )
            });
            let of_radio = |leaf: &str| {
                radio
                    .as_ref()
                    .and_then(|r| tree.text(&format!("{r}.{leaf}")))
            };
            let band = of_radio("OperatingFrequencyBand")
                .and_then(|b| band_from_text(&b))
                .unwrap_or(Band::Unknown);
            let passphrase_path = access_points
                .iter()
                .find(|ap| {
                    tree.text(&format!("{ap}.SSIDReference"))
                        .is_some_and(|r| r.trim_end_matches('.') == path)
                })
                .map(|ap| format!("{ap}.Security.KeyPassphrase"));
            WifiNetwork {
                band,
                ssid: get("SSID"),
                enabled: get("Enable").map(|e| e == "true" || e == "1"),
                passphrase_path,
                channel: channel(of_radio("Channel").and_then(|c| c.parse().ok())),
                bandwidth: of_radio("OperatingChannelBandwidth"),
                standard: of_radio("OperatingStandards"),
                path,
            }
        })
        .collect()
}
