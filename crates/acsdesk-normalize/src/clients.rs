//! The devices on a router's LAN: its host table (TR-098 `LANDevice.{i}.Hosts.Host.{i}`,
//! TR-181 `Hosts.Host.{i}`) joined with the WiFi stations associated with each network
//! (`WLANConfiguration.{i}.AssociatedDevice.{i}`, `WiFi.AccessPoint.{i}.AssociatedDevice.{i}`),
//! each with its WiFi band when the router says how it is attached, and its signal where
//! the data model has one (TR-181 `SignalStrength`; TP-Link's `X_TP_Rssi`; TR-098 has no
//! standard field).

use super::registry::objects;
use super::tree::Tree;
use super::wifi::{Band, WifiNetwork};
use acsdesk_types::devices::LanClient;

fn yes(text: Option<String>) -> bool {
    text.is_some_and(|t| t == "true" || t == "1")
}

/// Whether `reference` (a path as a router writes it, maybe with a trailing `.`) names
/// the object `path`.
fn names(reference: &str, path: &str) -> bool {
    reference.trim().trim_end_matches('.') == path
}

/// A MAC address as one spelling (upper case, colons).
fn mac(text: &str) -> String {
    text.trim().to_ascii_uppercase().replace('-', ":")
}

/// Adds a station seen only in a network's association table.
fn add_station(out: &mut Vec<LanClient>, station: LanClient) {
    match out.iter_mut().find(|c| c.mac == station.mac) {
        Some(known) => {
            known.band = known.band.or(station.band);
            known.signal_dbm = known.signal_dbm.or(station.signal_dbm);
            known.wired = false;
            known.active = known.active || station.active;
        }
        None => out.push(station),
    }
}

/// The leaves of a WiFi station (`…AssociatedDevice.{i}`), which the data models name
/// differently.
struct StationLeaves {
    mac: &'static str,
    ip: Option<&'static str>,
    active: &'static str,
    signal: Option<&'static str>,
}

const TR098_STATION: StationLeaves = StationLeaves {
    mac: "AssociatedDeviceMACAddress",
    ip: Some("AssociatedDeviceIPAddress"),
    active: "AssociatedDeviceAuthenticationState",
    signal: None,
};

const TR181_STATION: StationLeaves = StationLeaves {
    mac: "MACAddress",
    ip: None,
    active: "Active",
    signal: Some("SignalStrength"),
};

/// A signal in dBm, when it is one.
fn dbm(tree: &Tree<'_>, path: &str) -> Option<i32> {
    tree.number(path)
        .filter(|s| (-120.0..0.0).contains(s))
        .map(|s| s as i32)
}

/// Adds the stations of the network (or access point) `object` on `band`.
fn add_stations(
    tree: &Tree<'_>,
    out: &mut Vec<LanClient>,
    object: &str,
    band: Option<Band>,
    leaves: &StationLeaves,
) {
    for station in tree.expand(&format!("{object}.AssociatedDevice.*")) {
        let get = |leaf: &str| tree.text(&format!("{station}.{leaf}"));
        let Some(address) = get(leaves.mac) else {
            continue;
        };
        add_station(
            out,
            LanClient {
                mac: mac(&address),
                name: None,
                ip: leaves.ip.and_then(get),
                // A station listed without the leaf is associated.
                active: get(leaves.active).is_none_or(|a| a == "true" || a == "1"),
                wired: false,
                band,
                signal_dbm: leaves
                    .signal
                    .and_then(|s| dbm(tree, &format!("{station}.{s}"))),
            },
        );
    }
}

/// A TR-098 router's LAN clients.
pub(crate) fn tr098(tree: &Tree<'_>, wifi: &[WifiNetwork]) -> Vec<LanClient> {
    let band_of = |l2: &str| wifi.iter().find(|w| names(l2, &w.path)).map(|w| w.band);
    let mut out: Vec<LanClient> = tree
        .expand(objects::TR098_HOSTS)
        .into_iter()
        .filter_map(|host| {
            let get = |leaf: &str| tree.text(&format!("{host}.{leaf}"));
            let l2 = get("Layer2Interface").unwrap_or_default();
            let band = band_of(&l2);
            let kind = get("InterfaceType").unwrap_or_default();
            Some(LanClient {
                mac: mac(&get("MACAddress")?),
                name: get("HostName"),
                ip: get("IPAddress"),
                active: yes(get("Active")),
                wired: band.is_none()
                    && (kind.eq_ignore_ascii_case("Ethernet") || l2.contains("Ethernet")),
                band,
                signal_dbm: None,
            })
        })
        .collect();
    for w in wifi {
        add_stations(tree, &mut out, &w.path, Some(w.band), &TR098_STATION);
    }
    out
}

/// A TR-181 router's LAN clients.
pub(crate) fn tr181(tree: &Tree<'_>, wifi: &[WifiNetwork]) -> Vec<LanClient> {
    let access_points = tree.expand(objects::TR181_ACCESS_POINT);
    // Each access point's band: the band of the SSID it serves.
    let ap_band = |ap: &str| {
        let ssid = tree.text(&format!("{ap}.SSIDReference"))?;
        wifi.iter().find(|w| names(&ssid, &w.path)).map(|w| w.band)
    };
    let signal = |station: &str| dbm(tree, &format!("{station}.SignalStrength"));
    let mut out: Vec<LanClient> = tree
        .expand(objects::TR181_HOSTS)
        .into_iter()
        .filter_map(|host| {
            let get = |leaf: &str| tree.text(&format!("{host}.{leaf}"));
            let l1 = get("Layer1Interface").unwrap_or_default();
            let station = get("AssociatedDevice").map(|s| s.trim_end_matches('.').to_owned());
            let mut band = wifi
                .iter()
                .find(|w| names(&l1, &w.path))
                .map(|w| w.band)
                .or_else(|| {
                    let s = station.as_deref()?;
                    let ap = s.rsplit_once(".AssociatedDevice.")?.0;
                    ap_band(ap)
                });
            let mut signal_dbm = station.as_deref().and_then(signal);
            // TP-Link's own: connection type 1 is WiFi, band 0 is 2.4 GHz and 1 is 5 GHz.
            let tp_wifi = get("X_TP_LanConnType").as_deref() == Some("1");
            if tp_wifi {
                band = band.or(match get("X_TP_WlConnBand").as_deref() {
                    Some("0") => Some(Band::Ghz2_4),
                    Some("1") => Some(Band::Ghz5),
                    _ => Some(Band::Unknown),
                });
                signal_dbm = signal_dbm.or_else(|| dbm(tree, &format!("{host}.X_TP_Rssi")));
            }
            let wired = band.is_none()
                && (l1.contains("Ethernet")
                    || get("X_TP_LanConnType").as_deref() == Some("0")
                    || get("X_TP_EthPort").is_some());
            Some(LanClient {
                mac: mac(&get("PhysAddress")?),
                name: get("HostName"),
                ip: get("IPAddress"),
                active: yes(get("Active")),
                wired,
                band,
                signal_dbm,
            })
        })
        .collect();
    for ap in &access_points {
        add_stations(tree, &mut out, ap, ap_band(ap), &TR181_STATION);
    }
    out
}

/// Active WiFi clients per band, from the client list; a network whose stations the
/// router only counts (TR-098 `TotalAssociations`, TR-181's
/// `AssociatedDeviceNumberOfEntries`) counts by that number when the list has none.
pub(crate) fn per_band(
    tree: &Tree<'_>,
    wifi: &[WifiNetwork],
    clients: &[LanClient],
) -> Vec<(Band, u32)> {
    let mut out: Vec<(Band, u32)> = Vec::new();
    let mut add = |band: Band, n: u32| match out.iter_mut().find(|(b, _)| *b == band) {
        Some((_, c)) => *c += n,
        None => out.push((band, n)),
    };
    for c in clients.iter().filter(|c| c.active) {
        if let Some(band) = c.band {
            add(band, 1);
        }
    }
    if clients.iter().all(|c| c.band.is_none()) {
        let access_points = tree.expand(objects::TR181_ACCESS_POINT);
        for w in wifi {
            let counted = tree
                .number(&format!("{}.TotalAssociations", w.path))
                .or_else(|| {
                    access_points
                        .iter()
                        .find(|ap| {
                            tree.text(&format!("{ap}.SSIDReference"))
                                .is_some_and(|r| names(&r, &w.path))
                        })
                        .and_then(|ap| {
                            tree.number(&format!("{ap}.AssociatedDeviceNumberOfEntries"))
                        })
                });
            if let Some(n) = counted.filter(|n| *n >= 0.0) {
                add(w.band, n as u32);
            }
        }
    }
    out.sort_by_key(|(b, _)| *b);
    out
}
