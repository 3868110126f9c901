//! Finds a device's internet WAN connection among its WAN objects, whatever the data
//! model and vendor: bridged and management-only WANs are skipped, Huawei's
//! `X_HW_SERVICELIST` and connection names are honoured, instance numbers discovered.

use super::registry::objects;
use super::tree::Tree;

/// Whether a WAN connection is PPP (PPPoE) or IP (DHCP/static).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WanKind {
    /// `WANPPPConnection` / `PPP.Interface`.
    Ppp,
    /// `WANIPConnection` / `IP.Interface`.
    Ip,
}

/// The internet WAN connection of a device, as read from its tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Wan {
    /// Object path of the connection (e.g. `…WANConnectionDevice.2.WANPPPConnection.1`).
    pub path: String,
    /// PPP or IP.
    pub kind: WanKind,
    /// Connection status (`Connected`, `Up`, `Disconnected`, …).
    pub status: Option<String>,
    /// Last connection error (e.g. `ERROR_AUTHENTICATION_FAILURE`).
    pub last_error: Option<String>,
    /// The public (external) IPv4 address.
    pub ip: Option<String>,
    /// PPPoE username, for PPP connections.
    pub username: Option<String>,
    /// Seconds the connection has been in its present state, as of the reading: TR-098's
    /// `Uptime` (time connected), TR-181's `LastChange`. A new PPP session restarts it.
    #[serde(default)]
    pub uptime_s: Option<u64>,
    /// MAC address of the WAN side, where the connection reports it.
    pub mac: Option<String>,
    /// Path of the bytes-sent counter that measures this WAN.
    pub bytes_sent_path: Option<String>,
    /// Path of the bytes-received counter that measures this WAN.
    pub bytes_received_path: Option<String>,
    /// How it connects, for people: `PPPoE`, `IPoE (DHCP)`, `IPoE (static)`, with TR-098's
    /// `ConnectionType` when it is not the usual routed one.
    #[serde(default)]
    pub connection_type: Option<String>,
    /// The DNS servers it was given (TR-098 `DNSServers`; TR-181 `IPCP.DNSServers`, the
    /// DHCP client's `DNSServers`, or `DNS.Client.Server.{i}.DNSServer`).
    #[serde(default)]
    pub dns_servers: Vec<String>,
}

/// A comma-separated server list as addresses, without the `0.0.0.0` placeholders
/// routers report for none.
fn servers(list: Option<String>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "0.0.0.0" && *s != "::")
        .map(str::to_owned)
        .collect()
}

/// How a WAN connects, in words.
fn connection_label(kind: WanKind, addressing: Option<&str>, tr098_type: Option<&str>) -> String {
    let base = match (kind, addressing.map(str::to_ascii_lowercase).as_deref()) {
        (WanKind::Ppp, _) => "PPPoE".to_owned(),
        (WanKind::Ip, Some("static")) => "IPoE (static)".to_owned(),
        (WanKind::Ip, Some("dhcp")) => "IPoE (DHCP)".to_owned(),
        (WanKind::Ip, _) => "IPoE".to_owned(),
    };
    match tr098_type {
        Some(t) if !t.is_empty() && t != "IP_Routed" => format!("{base}, {t}"),
        _ => base,
    }
}

fn seconds(n: Option<f64>) -> Option<u64> {
    n.filter(|s| s.is_finite() && *s >= 0.0).map(|s| s as u64)
}

fn usable_ip(ip: Option<String>) -> Option<String> {
    ip.filter(|ip| ip != "0.0.0.0" && !ip.starts_with("127."))
}

/// Picks the internet WAN of a TR-098 device.
pub(crate) fn tr098(tree: &Tree<'_>) -> Option<Wan> {
    let ppp = tree
        .expand(objects::TR098_WAN_PPP)
        .into_iter()
        .map(|p| (p, WanKind::Ppp));
    let ip = tree
        .expand(objects::TR098_WAN_IP)
        .into_iter()
        .map(|p| (p, WanKind::Ip));
    let mut best: Option<(i32, Wan)> = None;
    for (path, kind) in ppp.chain(ip) {
        let get = |leaf: &str| tree.text(&format!("{path}.{leaf}"));
        let connection_type = get("ConnectionType").unwrap_or_default();
        if connection_type.to_ascii_lowercase().contains("bridged") {
            continue;
        }
        let mut score = 0;
        match get("X_HW_SERVICELIST") {
            Some(list) if list.to_ascii_uppercase().contains("INTERNET") => score += 8,
            Some(_) => score -= 8, // TR069, VOIP, IPTV only: a management WAN.
            None => {}
        }
        let name = get("Name").unwrap_or_default().to_ascii_uppercase();
        if name.contains("INTERNET") {
            score += 2;
        } else if ["TR069", "VOIP", "IPTV", "MGMT"]
            .iter()
            .any(|n| name.contains(n))
        {
            score -= 2;
        }
        let status = get("ConnectionStatus");
        if status.as_deref() == Some("Connected") {
            score += 4;
        }
        if get("Enable").as_deref() == Some("false") {
            score -= 4;
        }
        let ip = usable_ip(get("ExternalIPAddress"));
        if ip.is_some() {
            score += 2;
        }
        if kind == WanKind::Ppp {
            score += 1;
        }
        // The WANDevice's totals measure the whole WAN interface; the connection's own
        // Ethernet stats are the fallback.
        let wan_device = path
            .split(".WANConnectionDevice.")
            .next()
            .unwrap_or_default();
        let common = format!("{wan_device}.WANCommonInterfaceConfig");
        let (sent, received) = if tree.value(&format!("{common}.TotalBytesSent")).is_some() {
            (
                format!("{common}.TotalBytesSent"),
                format!("{common}.TotalBytesReceived"),
            )
        } else {
            (
                format!("{path}.Stats.EthernetBytesSent"),
                format!("{path}.Stats.EthernetBytesReceived"),
            )
        };
        let wan = Wan {
            kind,
            status,
            last_error: get("LastConnectionError"),
            ip,
            username: (kind == WanKind::Ppp).then(|| get("Username")).flatten(),
            uptime_s: seconds(tree.number(&format!("{path}.Uptime"))),
            mac: get("MACAddress"),
            bytes_sent_path: tree.value(&sent).is_some().then_some(sent),
            bytes_received_path: tree.value(&received).is_some().then_some(received),
            connection_type: Some(connection_label(
                kind,
                get("AddressingType").as_deref(),
                Some(connection_type.as_str()),
            )),
            dns_servers: servers(get("DNSServers")),
            path,
        };
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, wan));
        }
    }
    best.map(|(_, wan)| wan)
}

fn lan_like(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["lan", "br", "bridge", "loopback", "lo"]
        .iter()
        .any(|n| name == *n || name.starts_with(n))
}

/// Picks the internet WAN of a TR-181 device: the IP interface stacked on a PPP
/// interface, or else the first non-LAN IP interface that is up with an address.
pub(crate) fn tr181(tree: &Tree<'_>) -> Option<Wan> {
    let ip_interfaces = tree.expand(objects::TR181_IP);
    let address_of = |ip_path: &str| {
        tree.expand(&format!("{ip_path}.IPv4Address.*"))
            .into_iter()
            .find_map(|a| usable_ip(tree.text(&format!("{a}.IPAddress"))))
    };
    let mut chosen: Option<(String, Option<String>)> = None; // (IP.Interface path, PPP path)
    for ip_path in &ip_interfaces {
        let lower = tree
            .text(&format!("{ip_path}.LowerLayers"))
            .unwrap_or_default();
        if let Some(ppp) = lower
            .split(',')
            .map(|l| l.trim().trim_end_matches('.'))
            .find(|l| l.starts_with("Device.PPP.Interface."))
        {
            chosen = Some((ip_path.clone(), Some(ppp.to_owned())));
            break;
        }
    }
    if chosen.is_none() {
        chosen = ip_interfaces
            .iter()
            .filter(|p| !lan_like(&tree.text(&format!("{p}.Name")).unwrap_or_default()))
            .find(|p| address_of(p).is_some())
            .map(|p| (p.clone(), None));
    }
    // A PPP interface with no IP interface above it (e.g. a trimmed projection).
    if chosen.is_none() {
        chosen = tree
            .expand(objects::TR181_PPP)
            .into_iter()
            .next()
            .map(|ppp| (String::new(), Some(ppp)));
    }
    let (ip_path, ppp_path) = chosen?;
    let ip_get = |leaf: &str| {
        (!ip_path.is_empty())
            .then(|| tree.text(&format!("{ip_path}.{leaf}")))
            .flatten()
    };
    let counter = |leaf: &str| {
        let path = format!("{ip_path}.Stats.{leaf}");
        (!ip_path.is_empty() && tree.value(&path).is_some()).then_some(path)
    };
    match ppp_path {
        Some(ppp) => {
            let get = |leaf: &str| tree.text(&format!("{ppp}.{leaf}"));
            let ppp_counter = |leaf: &str| {
                let path = format!("{ppp}.Stats.{leaf}");
                tree.value(&path).is_some().then_some(path)
            };
            Some(Wan {
                kind: WanKind::Ppp,
                status: get("ConnectionStatus").or_else(|| ip_get("Status")),
                last_error: get("LastConnectionError"),
                ip: usable_ip(get("IPCP.LocalIPAddress")).or_else(|| {
                    (!ip_path.is_empty())
                        .then(|| address_of(&ip_path))
                        .flatten()
                }),
                username: get("Username"),
                uptime_s: seconds(tree.number(&format!("{ppp}.LastChange"))),
                mac: stack_mac(tree, &ppp),
                bytes_sent_path: counter("BytesSent").or_else(|| ppp_counter("BytesSent")),
                bytes_received_path: counter("BytesReceived")
                    .or_else(|| ppp_counter("BytesReceived")),
                connection_type: Some(connection_label(WanKind::Ppp, None, None)),
                dns_servers: {
                    let own = servers(get("IPCP.DNSServers"));
                    if own.is_empty() {
                        tr181_dns(tree, &ip_path)
                    } else {
                        own
                    }
                },
                path: ppp,
            })
        }
        None => Some(Wan {
            kind: WanKind::Ip,
            status: ip_get("Status"),
            last_error: None,
            ip: address_of(&ip_path),
            username: None,
            uptime_s: seconds(
                (!ip_path.is_empty())
                    .then(|| tree.number(&format!("{ip_path}.LastChange")))
                    .flatten(),
            ),
            mac: stack_mac(tree, &ip_path),
            bytes_sent_path: counter("BytesSent"),
            bytes_received_path: counter("BytesReceived"),
            connection_type: Some(connection_label(
                WanKind::Ip,
                dhcp_client(tree, &ip_path).map(|_| "DHCP"),
                None,
            )),
            dns_servers: tr181_dns(tree, &ip_path),
            path: ip_path,
        }),
    }
}

/// The DHCPv4 client serving a TR-181 IP interface, if one does.
fn dhcp_client(tree: &Tree<'_>, ip_path: &str) -> Option<String> {
    if ip_path.is_empty() {
        return None;
    }
    tree.expand(objects::TR181_DHCP_CLIENT)
        .into_iter()
        .find(|c| {
            tree.text(&format!("{c}.Interface"))
                .is_some_and(|i| i.trim_end_matches('.') == ip_path)
        })
}

/// A TR-181 WAN's DNS servers: its DHCP client's, else the resolver's configured ones.
fn tr181_dns(tree: &Tree<'_>, ip_path: &str) -> Vec<String> {
    let from_dhcp = dhcp_client(tree, ip_path)
        .map(|c| servers(tree.text(&format!("{c}.DNSServers"))))
        .unwrap_or_default();
    if !from_dhcp.is_empty() {
        return from_dhcp;
    }
    tree.expand(objects::TR181_DNS_SERVER)
        .into_iter()
        .filter(|s| {
            tree.text(&format!("{s}.Enable"))
                .is_none_or(|e| e == "true" || e == "1")
        })
        .flat_map(|s| servers(tree.text(&format!("{s}.DNSServer"))))
        .collect()
}

/// The WAN's MAC on TR-181: the first `MACAddress` found going down the interface stack
/// from `top` (`PPP.Interface` → `Ethernet.VLANTermination` → `Ethernet.Link`, say)
/// through each layer's first `LowerLayers` entry. `Ethernet.Link.1` is usually the LAN
/// bridge, so the first link of the tree is not the WAN's.
fn stack_mac(tree: &Tree<'_>, top: &str) -> Option<String> {
    let mut at = top.trim_end_matches('.').to_owned();
    for _ in 0..8 {
        if at.is_empty() {
            return None;
        }
        if let Some(mac) = tree.text(&format!("{at}.MACAddress")) {
            return Some(mac);
        }
        at = tree
            .text(&format!("{at}.LowerLayers"))?
            .split(',')
            .next()?
            .trim()
            .trim_end_matches('.')
            .to_owned();
    }
    None
}

/// The LAN address of a TR-181 device: the first LAN-like IP interface's address, or the
/// first address of an interface other than the WAN.
pub(crate) fn tr181_lan_ip(tree: &Tree<'_>, wan: Option<&Wan>) -> Option<String> {
    let interfaces = tree.expand(objects::TR181_IP);
    let first_address = |p: &str| {
        tree.expand(&format!("{p}.IPv4Address.*"))
            .into_iter()
            .find_map(|a| usable_ip(tree.text(&format!("{a}.IPAddress"))))
    };
    let wan_ip = wan.and_then(|w| w.ip.clone());
    interfaces
        .iter()
        .filter(|p| lan_like(&tree.text(&format!("{p}.Name")).unwrap_or_default()))
        .find_map(|p| first_address(p))
        .or_else(|| {
            interfaces
                .iter()
                .filter_map(|p| first_address(p))
                .find(|ip| Some(ip) != wan_ip.as_ref())
        })
}

/// The LAN address of a TR-098 device.
pub(crate) fn tr098_lan_ip(tree: &Tree<'_>) -> Option<String> {
    tree.expand(objects::TR098_LAN_IP)
        .into_iter()
        .find_map(|p| usable_ip(tree.text(&format!("{p}.IPInterfaceIPAddress"))))
}
