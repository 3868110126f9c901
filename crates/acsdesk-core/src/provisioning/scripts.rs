//! The provision scripts AcsDesk installs, generated from the one parameter registry
//! (`normalize::registry`): `acsdesk-configure` applies a subscriber's values once per
//! change and marks the router with the change's tag; `acsdesk-monitor` makes GenieACS
//! refresh the chosen values at each inform. Both run inside GenieACS, with AcsDesk closed.
//!
//! Written for GenieACS's sandbox: a script is re-run until what it declared has been
//! fetched, so it reads only through `declare` and keeps no state of its own between runs.

use crate::normalize::registry::{candidates, objects, Field};
use crate::normalize::DataModel;
use acsdesk_types::Monitored;
use serde_json::Value;

/// The configuration script. Its `args`: the change's version, PPPoE username and
/// password, WiFi name and passphrase, the 5 GHz suffix, the inform interval (an empty
/// value leaves that setting alone), the versions of the PPPoE and of the WiFi values
/// alone, and the router's own connection-request username, password and their version
/// (when the profile gives each router its own): a part whose version's tag the router already carries is not written
/// again (a PPPoE change does not rewrite the WiFi passphrase and drop the customer's
/// clients; a WiFi change does not restart the PPP session).
const CONFIGURE: &str = r#"
const now = Date.now();
const version = String(args[0] || "");
const pppUser = String(args[1] || "");
const pppPass = String(args[2] || "");
const ssid = String(args[3] || "");
const psk = String(args[4] || "");
const suffix = String(args[5] || "");
const interval = Number(args[6]) || 0;
const pppVersion = String(args[7] || "");
const wifiVersion = String(args[8] || "");
const crUser = String(args[9] || "");
const crPass = String(args[10] || "");
const crVersion = String(args[11] || "");
const tags = {};
for (const t of declare("Tags.*", {value: 1})) tags[t.path.slice(5)] = true;
// A router that bootstraps (first contact, or back from a factory reset) has lost
// whatever its tags say was written: everything is written again.
const booted = declare("Events.0_BOOTSTRAP", {value: 1}).value;
const bootstrap = booted !== undefined && Number(booted[0]) >= now;
function fresh(prefix, v) {
  return bootstrap || !v || !tags[prefix + v];
}
function retag(prefix, v) {
  for (const name of Object.keys(tags)) {
    if (name.indexOf(prefix) === 0 && name !== prefix + v) declare("Tags." + name, null, {value: false});
  }
  if (v) declare("Tags." + prefix + v, null, {value: true});
}

function paths(pattern) {
  const out = [];
  for (const p of declare(pattern, {path: now})) out.push(p.path);
  return out;
}
function text(path) {
  const v = declare(path, {value: 1}).value;
  return v === undefined ? "" : String(v[0]);
}
function set(path, value) {
  declare(path, {value: 1}, {value: value});
}
// How much a WAN connection looks like the internet service (the registry's rule).
function service(conn) {
  const list = text(conn + ".X_HW_SERVICELIST").toUpperCase();
  const name = text(conn + ".Name").toUpperCase();
  let score = 0;
  if (list) score += list.indexOf("INTERNET") >= 0 ? 8 : -8;
  if (name.indexOf("INTERNET") >= 0) score += 2;
  else if (/TR069|VOIP|IPTV|MGMT/.test(name)) score -= 2;
  return score;
}
function pppTr098() {
  const existing = paths(@PPP98@)
    .filter((c) => text(c + ".ConnectionType").toLowerCase().indexOf("bridged") < 0);
  let best = null, top = -1e9;
  for (const c of existing) {
    const s = service(c);
    if (s > top) { top = s; best = c; }
  }
  if (best) return best;
  // No PPP connection (a router shipped for DHCP): create one beside the internet service.
  let host = null;
  top = -1e9;
  for (const table of paths(@PPP98_TABLE@)) {
    const device = table.slice(0, table.lastIndexOf("."));
    const ips = paths(device + ".WANIPConnection.*");
    const s = ips.length ? Math.max.apply(null, ips.map(service)) : 0;
    if (s >= top) { top = s; host = table; }
  }
  if (!host) throw new Error("no WAN connection device to create a PPP connection in");
  declare(host + ".*", null, {path: 1});
  const created = paths(host + ".*");
  if (!created.length) throw new Error("the router did not create a PPP connection in " + host);
  set(created[0] + ".ConnectionType", "IP_Routed");
  return created[0];
}
function pppTr181() {
  let list = paths(@PPP181@);
  if (!list.length) {
    declare(@PPP181@, null, {path: 1});
    list = paths(@PPP181@);
  }
  if (!list.length) throw new Error("the router did not create a PPP interface");
  return list[0];
}
function band98(w) {
  const b = text(w + ".OperatingFrequencyBand");
  if (b) return b.charAt(0) === "5" ? 5 : 2;
  const channel = Number(text(w + ".Channel"));
  if (channel > 14) return 5;
  if (channel > 0) return 2;
  const std = text(w + ".Standard").toLowerCase();
  return std.indexOf("a") >= 0 && std.indexOf("b") < 0 && std.indexOf("g") < 0 ? 5 : 2;
}
function wifi98() {
  const done = {};
  for (const w of paths(@WLAN98@)) {
    const band = band98(w);
    if (done[band]) continue;
    done[band] = true;
    if (ssid) set(w + ".SSID", band === 5 ? ssid + suffix : ssid);
    if (psk) {
      const leaf = @PSK98@.map((l) => w + "." + l).find((p) => paths(p).length > 0);
      if (!leaf) throw new Error("no passphrase parameter on " + w);
      set(leaf, psk);
    }
  }
}
function wifi181() {
  const done = {};
  const aps = paths(@AP181@);
  for (const s of paths(@SSID181@)) {
    const radio = text(s + ".LowerLayers").split(",")[0].trim().replace(/\.$/, "");
    const band = radio && text(radio + ".OperatingFrequencyBand").charAt(0) === "5" ? 5 : 2;
    if (done[band]) continue;
    done[band] = true;
    if (ssid) set(s + ".SSID", band === 5 ? ssid + suffix : ssid);
    if (psk) {
      const ap = aps.find((a) => text(a + ".SSIDReference").replace(/\.$/, "") === s);
      if (!ap) throw new Error("no access point for " + s);
      set(ap + ".Security.KeyPassphrase", psk);
    }
  }
}

if (!version) throw new Error("acsdesk-configure needs the configuration's version");
const tr098 = paths("InternetGatewayDevice.DeviceInfo.SoftwareVersion").length > 0;
if (pppUser && fresh(@PPP_TAG@, pppVersion)) {
  const ppp = tr098 ? pppTr098() : pppTr181();
  set(ppp + ".Enable", true);
  set(ppp + ".Username", pppUser);
  if (pppPass) set(ppp + ".Password", pppPass);
}
if ((ssid || psk) && fresh(@WIFI_TAG@, wifiVersion)) {
  if (tr098) wifi98();
  else wifi181();
}
const ms = (tr098 ? "InternetGatewayDevice" : "Device") + ".ManagementServer";
if (interval) {
  set(ms + ".PeriodicInformEnable", true);
  set(ms + ".PeriodicInformInterval", interval);
}
// The router's own connection-request credentials: GenieACS keeps what it sets, and
// uses it for its connection requests from then on.
if (crUser && fresh(@CR_TAG@, crVersion)) {
  set(ms + ".ConnectionRequestUsername", crUser);
  set(ms + ".ConnectionRequestPassword", crPass);
}
retag(@PPP_TAG@, pppUser ? pppVersion : "");
retag(@WIFI_TAG@, ssid || psk ? wifiVersion : "");
retag(@CR_TAG@, crUser ? crVersion : "");
retag(@TAG@, version);
log("acsdesk: configuration " + version + " applied");
"#;

/// The bootstrap script: a router that bootstraps again (a factory reset) has lost what
/// its AcsDesk tags say was written, so the tags go; AcsDesk then gives it its
/// configuration again (its next sync writes the router's preset and, when the router
/// is online, asks it to apply it at once).
const BOOTSTRAP: &str = r#"
const prefixes = @PREFIXES@;
let had = false;
for (const t of declare("Tags.*", {value: 1})) {
  const name = t.path.slice(5);
  if (prefixes.some((p) => name.indexOf(p) === 0)) {
    declare(t.path, null, {value: false});
    had = true;
  }
}
if (had) log("acsdesk: the router bootstrapped; its configuration will be applied again");
"#;

/// The monitoring script. Its `args`: the inform interval to keep (0: leave it).
const MONITOR: &str = r#"
const now = Date.now();
const hour = Date.now(3600000);
const interval = Number(args[0]) || 0;
const tr098 = declare("InternetGatewayDevice.DeviceInfo.SoftwareVersion", {path: hour}).size > 0;
const refresh = tr098 ? @REFRESH98@ : @REFRESH181@;
for (const p of refresh) declare(p, {path: hour, value: now});
if (interval) {
  const ms = (tr098 ? "InternetGatewayDevice" : "Device") + ".ManagementServer";
  declare(ms + ".PeriodicInformInterval", {value: hour}, {value: interval});
}
"#;

fn js(v: impl serde::Serialize) -> String {
    serde_json::to_string(&v).unwrap_or_else(|_| "null".into())
}

fn header(name: &str, what: &str) -> String {
    format!(
        "// {name}: {what}\n// Generated by AcsDesk from its parameter registry and rewritten by\n// `acsdesk provision install`; changes made here are overwritten.\n"
    )
}

/// The `acsdesk-configure` provision; its tags are named with the prefixes of
/// [`super`] (`acsdesk-cfg-`, `acsdesk-ppp-`, `acsdesk-wifi-`).
pub fn configure() -> String {
    let table = objects::TR098_WAN_PPP
        .strip_suffix(".*")
        .unwrap_or(objects::TR098_WAN_PPP);
    let body = CONFIGURE
        .replace("@PPP98_TABLE@", &js(table))
        .replace("@PPP98@", &js(objects::TR098_WAN_PPP))
        .replace("@PPP181@", &js(objects::TR181_PPP))
        .replace("@WLAN98@", &js(objects::TR098_WLAN))
        .replace("@PSK98@", &js(objects::TR098_WLAN_PASSPHRASE))
        .replace("@AP181@", &js(objects::TR181_ACCESS_POINT))
        .replace("@SSID181@", &js(objects::TR181_SSID))
        .replace("@PPP_TAG@", &js(super::PPP_PREFIX))
        .replace("@WIFI_TAG@", &js(super::WIFI_PREFIX))
        .replace("@CR_TAG@", &js(super::CR_PREFIX))
        .replace("@TAG@", &js(super::CFG_PREFIX));
    header(
        "acsdesk-configure",
        "a subscriber's PPPoE, WiFi and inform interval, applied once per change.",
    ) + body.trim_start()
}

/// The `acsdesk-bootstrap` provision.
pub fn bootstrap() -> String {
    let body = BOOTSTRAP.replace(
        "@PREFIXES@",
        &js([
            super::CFG_PREFIX,
            super::PPP_PREFIX,
            super::WIFI_PREFIX,
            super::CR_PREFIX,
        ]),
    );
    header(
        "acsdesk-bootstrap",
        "a router that bootstraps again loses its AcsDesk tags, to be configured again.",
    ) + body.trim_start()
}

/// The paths the monitoring refreshes for `what`, per data model.
pub fn monitored_paths(what: &[Monitored], model: DataModel) -> Vec<String> {
    let fields = |fs: &[Field]| -> Vec<String> {
        fs.iter()
            .flat_map(|f| candidates(*f).iter())
            .filter(|c| c.model == model)
            .map(|c| c.path.to_owned())
            .collect()
    };
    let under = |object: &str, leaves: &[&str]| -> Vec<String> {
        leaves.iter().map(|l| format!("{object}.{l}")).collect()
    };
    let tr098 = model == DataModel::Tr098;
    let mut out = Vec::new();
    for m in what {
        let add: Vec<String> = match (m, tr098) {
            (Monitored::Cpu, _) => fields(&[Field::CpuUsage]),
            (Monitored::Memory, _) => fields(&[
                Field::MemoryUsedPercent,
                Field::MemoryFree,
                Field::MemoryTotal,
            ]),
            (Monitored::Uptime, _) => fields(&[Field::UpTime]),
            (Monitored::Signal, _) => fields(&[
                Field::OpticalRxPower,
                Field::OpticalTxPower,
                Field::CellularRssi,
            ]),
            (Monitored::Traffic, true) => [
                under(
                    objects::TR098_WAN_COMMON,
                    &["TotalBytesSent", "TotalBytesReceived"],
                ),
                under(
                    objects::TR098_WAN_PPP,
                    &["Stats.EthernetBytesSent", "Stats.EthernetBytesReceived"],
                ),
            ]
            .concat(),
            (Monitored::Traffic, false) => [
                under(
                    objects::TR181_IP,
                    &["Stats.BytesSent", "Stats.BytesReceived"],
                ),
                under(
                    objects::TR181_PPP,
                    &["Stats.BytesSent", "Stats.BytesReceived"],
                ),
            ]
            .concat(),
            (Monitored::Wan, true) => [
                under(
                    objects::TR098_WAN_PPP,
                    &[
                        "ConnectionStatus",
                        "LastConnectionError",
                        "ExternalIPAddress",
                        "Username",
                        "Uptime",
                    ],
                ),
                under(
                    objects::TR098_WAN_IP,
                    &["ConnectionStatus", "ExternalIPAddress", "Uptime"],
                ),
            ]
            .concat(),
            (Monitored::Wan, false) => [
                under(
                    objects::TR181_PPP,
                    &[
                        "ConnectionStatus",
                        "LastConnectionError",
                        "Username",
                        "IPCP.LocalIPAddress",
                        "LastChange",
                    ],
                ),
                under(
                    objects::TR181_IP,
                    &["Status", "IPv4Address.*.IPAddress", "LastChange"],
                ),
            ]
            .concat(),
            (Monitored::Wifi, true) => under(objects::TR098_WLAN, &["SSID", "Enable"]),
            (Monitored::Wifi, false) => under(objects::TR181_SSID, &["SSID", "Enable"]),
            (Monitored::Clients, true) => [
                under(
                    objects::TR098_HOSTS,
                    &[
                        "MACAddress",
                        "HostName",
                        "IPAddress",
                        "Active",
                        "Layer2Interface",
                    ],
                ),
                under(objects::TR098_WLAN, &["TotalAssociations"]),
            ]
            .concat(),
            (Monitored::Clients, false) => [
                under(
                    objects::TR181_HOSTS,
                    &[
                        "PhysAddress",
                        "HostName",
                        "IPAddress",
                        "Active",
                        "Layer1Interface",
                    ],
                ),
                under(
                    objects::TR181_ACCESS_POINT,
                    &["AssociatedDeviceNumberOfEntries"],
                ),
            ]
            .concat(),
        };
        for p in add {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The `acsdesk-monitor` provision, refreshing `what`.
pub fn monitor(what: &[Monitored]) -> String {
    let body = MONITOR
        .replace("@REFRESH98@", &js(monitored_paths(what, DataModel::Tr098)))
        .replace("@REFRESH181@", &js(monitored_paths(what, DataModel::Tr181)));
    let names: Vec<&str> = what.iter().map(|m| m.as_str()).collect();
    header(
        "acsdesk-monitor",
        &format!("refreshes {} at each inform.", names.join(", ")),
    ) + body.trim_start()
}

/// A preset's document as GenieACS stores it (without `_id`).
pub fn preset(
    channel: &str,
    weight: i64,
    events: &[&str],
    precondition: &str,
    provision: &str,
    args: Vec<Value>,
) -> Value {
    let events: serde_json::Map<String, Value> = events
        .iter()
        .map(|e| ((*e).to_owned(), Value::Bool(true)))
        .collect();
    serde_json::json!({
        "weight": weight,
        "channel": channel,
        "events": events,
        "precondition": precondition,
        "configurations": [{"type": "provision", "name": provision, "args": args}],
    })
}
