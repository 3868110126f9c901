//! What AcsDesk installs into a GenieACS server so that routers are configured and
//! monitored with AcsDesk closed, all named `acsdesk-…`:
//!
//! - provisions `acsdesk-configure` and `acsdesk-monitor` (`scripts`, generated from the
//!   parameter registry);
//! - presets `acsdesk-monitor` (`2 PERIODIC`) and `acsdesk-monitor-boot` (`1 BOOT`), which
//!   run the monitoring on every router;
//! - the provision and preset `acsdesk-bootstrap` (`0 BOOTSTRAP`): a router that
//!   bootstraps again — a factory reset — loses its AcsDesk tags, so the next sync
//!   configures it again (nothing else in GenieACS knows its configuration is gone);
//! - one preset per linked router whose configuration has not been confirmed yet,
//!   `acsdesk-cfg-<serial>`: precondition on the serial *and* on the absence of the
//!   change's tag `acsdesk-cfg-<version>`, the subscriber's values as the provision's
//!   `args`, no events — so it runs at the router's first contact or at its next inform
//!   of any kind, once: the script ends by tagging the router, after which the preset no
//!   longer matches. Secrets are therefore written once per change, never at every
//!   inform (a passphrase reads back empty, and rewriting it would drop the customer's
//!   WiFi clients every five minutes). Once a sync sees the tag, AcsDesk removes the
//!   preset, so the presets GenieACS evaluates at every session stay as many as the
//!   routers awaiting a change, not as many as the subscribers (GenieACS evaluates every
//!   preset's precondition in every session of every router).
//!
//! The version is a digest of the values applied, so a changed PPPoE password or WiFi
//! name is a new version and is applied again; the same values are never re-sent.

pub mod instructions;
pub mod scripts;

use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::provisioning::{PatternValues, ProvisioningProfile};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The configuration provision.
pub const CONFIGURE: &str = "acsdesk-configure";
/// The monitoring provision, and its periodic preset.
pub const MONITOR: &str = "acsdesk-monitor";
/// The monitoring preset for boots.
pub const MONITOR_BOOT: &str = "acsdesk-monitor-boot";
/// The provision, preset and channel that forget a bootstrapping router's AcsDesk tags.
pub const BOOTSTRAP: &str = "acsdesk-bootstrap";
/// Per-router presets are named this and the serial; configured routers carry this
/// and the version as a tag.
pub const CFG_PREFIX: &str = "acsdesk-cfg-";
/// A router whose PPPoE credentials of a version were written carries this and that
/// version as a tag, so they are written again only when they change.
pub const PPP_PREFIX: &str = "acsdesk-ppp-";
/// Likewise for its WiFi name and passphrase.
pub const WIFI_PREFIX: &str = "acsdesk-wifi-";
/// Likewise for its own connection-request credentials.
pub const CR_PREFIX: &str = "acsdesk-cr-";
/// The channel of the per-router presets (a fault there is a provisioning failure).
pub const CONFIG_CHANNEL: &str = "acsdesk-config";
/// The channel of the monitoring presets.
pub const MONITOR_CHANNEL: &str = "acsdesk-monitor";

/// What a stored object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A GenieACS preset (JSON).
    Preset,
    /// A GenieACS provision (JavaScript).
    Provision,
}

impl Step {
    /// `create`, `update`, `unchanged` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Update => "update",
            Step::Unchanged => "unchanged",
            Step::Remove => "remove",
        }
    }
}

impl Kind {
    /// `preset` or `provision`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Preset => "preset",
            Kind::Provision => "provision",
        }
    }
}

/// An object AcsDesk wants on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// Preset or provision.
    pub kind: Kind,
    /// Its `_id`.
    pub name: String,
    /// The preset's document (without `_id`), or the provision's script as a string.
    pub body: Value,
}

impl Desired {
    /// What is sent with `PUT`.
    pub fn wire(&self) -> String {
        match (&self.kind, &self.body) {
            (Kind::Provision, Value::String(s)) => s.clone(),
            (_, v) => v.to_string(),
        }
    }
}

/// A digest of what a connection should hold, to tell whether it changed.
pub fn digest(desired: &[Desired]) -> String {
    let mut h = Sha256::new();
    for d in desired {
        h.update(d.kind.as_str());
        h.update(&d.name);
        h.update(d.wire());
    }
    hex::encode(&h.finalize()[..12])
}

/// The objects every router shares: the two provisions and the monitoring presets.
pub fn shared_objects(profile: &ProvisioningProfile) -> Vec<Desired> {
    let interval = json!(profile.inform_interval_s);
    vec![
        Desired {
            kind: Kind::Provision,
            name: CONFIGURE.into(),
            body: Value::String(scripts::configure()),
        },
        Desired {
            kind: Kind::Provision,
            name: MONITOR.into(),
            body: Value::String(scripts::monitor(&profile.monitoring)),
        },
        Desired {
            kind: Kind::Provision,
            name: BOOTSTRAP.into(),
            body: Value::String(scripts::bootstrap()),
        },
        Desired {
            kind: Kind::Preset,
            name: BOOTSTRAP.into(),
            body: scripts::preset(BOOTSTRAP, 0, &["0 BOOTSTRAP"], "", BOOTSTRAP, vec![]),
        },
        Desired {
            kind: Kind::Preset,
            name: MONITOR.into(),
            body: scripts::preset(
                MONITOR_CHANNEL,
                100,
                &["2 PERIODIC"],
                "",
                MONITOR,
                vec![interval.clone()],
            ),
        },
        Desired {
            kind: Kind::Preset,
            name: MONITOR_BOOT.into(),
            body: scripts::preset(
                MONITOR_CHANNEL,
                100,
                &["1 BOOT"],
                "",
                MONITOR,
                vec![interval],
            ),
        },
    ]
}

/// A linked subscriber as provisioning reads it. Holds secrets: never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct RouterInput {
    /// Account number.
    pub account: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// The linked router's serial.
    pub serial: String,
    /// PPPoE username.
    pub pppoe_username: Option<String>,
    /// PPPoE password.
    pub pppoe_password: Option<String>,
    /// WiFi name.
    pub wifi_ssid: Option<String>,
    /// WiFi passphrase.
    pub wifi_password: Option<String>,
    /// The router's own connection-request username and password, when it has them.
    pub connection_request: Option<(String, String)>,
}

impl std::fmt::Debug for RouterInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterInput")
            .field("account", &self.account)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// What one router is to get. Its `args` hold secrets: never log them; [`masked`]
/// shows them.
///
/// [`masked`]: RouterConfig::masked
#[derive(Clone, PartialEq)]
pub struct RouterConfig {
    /// Account number.
    pub account: String,
    /// Serial.
    pub serial: String,
    /// The change's version (a digest of the values).
    pub version: String,
    /// PPPoE username applied (none: left alone).
    pub pppoe_username: Option<String>,
    /// Whether a PPPoE password is applied.
    pub pppoe_password: bool,
    /// WiFi name applied.
    pub ssid: Option<String>,
    /// Whether a WiFi passphrase is applied.
    pub passphrase: bool,
    /// The version of the PPPoE credentials alone (none: PPPoE left alone).
    pub ppp_version: Option<String>,
    /// The version of the WiFi name and passphrase alone (none: WiFi left alone).
    pub wifi_version: Option<String>,
    /// The router's own connection-request username (none: left alone).
    pub connection_request_username: Option<String>,
    /// The version of its connection-request credentials alone.
    pub cr_version: Option<String>,
    args: Vec<Value>,
}

impl std::fmt::Debug for RouterConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterConfig")
            .field("account", &self.account)
            .field("serial", &self.serial)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// Why a router's configuration cannot be built: the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Refused {
    /// The setting at fault.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

fn refuse(field: &'static str, reason: impl std::fmt::Display) -> Refused {
    Refused {
        field,
        reason: reason.to_string(),
    }
}

/// The configuration provision's arguments that are secrets (PPPoE password, WiFi
/// passphrase, connection-request password): masked wherever they are shown.
const SECRET_ARGS: [usize; 3] = [2, 4, 10];

/// Twelve hex digits of the SHA-256 of `values`: a version.
fn short_digest(values: &[Value]) -> String {
    let digest = Sha256::digest(Value::Array(values.to_vec()).to_string().as_bytes());
    hex::encode(&digest[..6])
}

/// The preset name for a router with this serial.
pub fn router_preset_name(serial: &str) -> String {
    format!("{CFG_PREFIX}{serial}")
}

impl RouterConfig {
    /// The configuration `profile` gives the subscriber in `input`, every value
    /// checked as the router would need it.
    pub fn build(profile: &ProvisioningProfile, input: &RouterInput) -> Result<Self, Refused> {
        let values = PatternValues {
            account: &input.account,
            name: &input.name,
            serial: &input.serial,
            phone: input.phone.as_deref(),
        };
        let (user, pass) = if profile.pppoe {
            let user = input
                .pppoe_username
                .as_deref()
                .map(|u| PppoeUsername::parse(u).map_err(|e| refuse("pppoe_username", e)))
                .transpose()?
                .map(|u| u.as_str().to_owned());
            let pass = input
                .pppoe_password
                .as_deref()
                .map(|p| PppoePassword::parse(p).map_err(|e| refuse("pppoe_password", e)))
                .transpose()?
                .map(|p| p.reveal().to_owned());
            if pass.is_some() && user.is_none() {
                return Err(refuse(
                    "pppoe_username",
                    "a PPPoE password needs its username",
                ));
            }
            (user, pass)
        } else {
            (None, None)
        };
        let ssid = match &profile.ssid_pattern {
            Some(p) => Some(ProvisioningProfile::render(p, &values)),
            None => input.wifi_ssid.clone(),
        }
        .map(|s| {
            let with_suffix = format!("{s}{}", profile.ssid_5ghz_suffix);
            Ssid::parse(&with_suffix).map_err(|e| refuse("wifi_ssid", e))?;
            Ssid::parse(&s)
                .map(|s| s.as_str().to_owned())
                .map_err(|e| refuse("wifi_ssid", e))
        })
        .transpose()?;
        let psk = match &profile.passphrase_pattern {
            Some(p) => Some(ProvisioningProfile::render(p, &values)),
            None => input.wifi_password.clone(),
        }
        .map(|p| {
            WpaPassphrase::parse(&p)
                .map(|p| p.reveal().to_owned())
                .map_err(|e| refuse("wifi_password", e))
        })
        .transpose()?;
        let text = |v: &Option<String>| Value::String(v.clone().unwrap_or_default());
        let values = vec![
            text(&user),
            text(&pass),
            text(&ssid),
            text(&psk),
            Value::String(profile.ssid_5ghz_suffix.clone()),
            json!(profile.inform_interval_s),
        ];
        let cr = input
            .connection_request
            .as_ref()
            .filter(|_| profile.per_router_connection_request)
            .map(|(u, p)| vec![Value::String(u.clone()), Value::String(p.clone())]);
        // The connection-request credentials join the version only when given, so a
        // profile without them keeps every router's version.
        let version = match &cr {
            Some(cr) => short_digest(&[values.clone(), cr.clone()].concat()),
            None => short_digest(&values),
        };
        let ppp_version = user.is_some().then(|| short_digest(&values[..2]));
        let wifi_version = (ssid.is_some() || psk.is_some()).then(|| short_digest(&values[2..5]));
        let cr_version = cr.as_deref().map(short_digest);
        let mut args = vec![Value::String(version.clone())];
        args.extend(values);
        args.push(Value::String(ppp_version.clone().unwrap_or_default()));
        args.push(Value::String(wifi_version.clone().unwrap_or_default()));
        args.extend(
            cr.clone().unwrap_or_else(|| {
                vec![Value::String(String::new()), Value::String(String::new())]
            }),
        );
        args.push(Value::String(cr_version.clone().unwrap_or_default()));
        Ok(Self {
            account: input.account.clone(),
            serial: input.serial.clone(),
            version,
            pppoe_username: user,
            pppoe_password: pass.is_some(),
            ssid,
            passphrase: psk.is_some(),
            ppp_version,
            wifi_version,
            connection_request_username: input
                .connection_request
                .as_ref()
                .filter(|_| cr.is_some())
                .map(|(u, _)| u.clone()),
            cr_version,
            args,
        })
    }

    /// Every tag a router carries once this configuration is applied: its PPPoE part's,
    /// its WiFi part's (where it sets them) and its own, in the order the script adds them.
    pub fn tags(&self) -> Vec<String> {
        let part = |prefix: &str, v: &Option<String>| v.as_ref().map(|v| format!("{prefix}{v}"));
        part(PPP_PREFIX, &self.ppp_version)
            .into_iter()
            .chain(part(WIFI_PREFIX, &self.wifi_version))
            .chain(part(CR_PREFIX, &self.cr_version))
            .chain([self.tag()])
            .collect()
    }

    /// The tag a router carries once this configuration's PPPoE credentials were
    /// written (none when it sets none).
    pub fn ppp_tag(&self) -> Option<String> {
        self.ppp_version
            .as_ref()
            .map(|v| format!("{PPP_PREFIX}{v}"))
    }

    /// Whether applying this configuration to a router tagged `tags` writes its PPPoE
    /// credentials (they are new to it): its PPP session will then restart.
    pub fn rewrites_ppp(&self, tags: &[String]) -> bool {
        self.ppp_tag().is_some_and(|t| !tags.contains(&t))
    }

    /// The tag a router carries once this configuration is applied.
    pub fn tag(&self) -> String {
        format!("{CFG_PREFIX}{}", self.version)
    }

    /// The router's preset.
    pub fn preset(&self) -> Desired {
        let precondition = format!(
            "DeviceID.SerialNumber = {} AND Tags.{} IS NULL",
            serde_json::to_string(&self.serial).unwrap_or_default(),
            self.tag()
        );
        Desired {
            kind: Kind::Preset,
            name: router_preset_name(&self.serial),
            body: scripts::preset(
                CONFIG_CHANNEL,
                50,
                &[],
                &precondition,
                CONFIGURE,
                self.args.clone(),
            ),
        }
    }

    /// The provision's arguments with the secrets masked, for showing.
    pub fn masked(&self) -> Value {
        let mut args = self.args.clone();
        for i in SECRET_ARGS {
            if let Some(v) = args.get_mut(i) {
                if v.as_str().is_some_and(|s| !s.is_empty()) {
                    *v = Value::String("••••••".into());
                }
            }
        }
        json!({
            "preset": router_preset_name(&self.serial),
            "provision": CONFIGURE,
            "version": self.version,
            "tag": self.tag(),
            "args": args,
        })
    }
}

/// What installing does to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Not on the server: created.
    Create,
    /// On the server, different: replaced (the diff says how).
    Update,
    /// As wanted.
    Unchanged,
    /// AcsDesk's, no longer wanted: removed.
    Remove,
}

/// One object's step.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Preset or provision.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// What happens.
    pub step: Step,
    /// For an update, how the server's copy differs (secrets masked).
    pub diff: Option<String>,
    /// What is written (`None` for a removal).
    pub desired: Option<Desired>,
}

/// A preset as GenieACS lists it, without what it adds itself.
fn comparable(kind: Kind, stored: &Value) -> Value {
    match kind {
        Kind::Provision => stored.get("script").cloned().unwrap_or(Value::Null),
        Kind::Preset => {
            let mut v = stored.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("_id");
            }
            v
        }
    }
}

/// A line diff: what the server holds (`-`) and what is wanted (`+`), secrets masked.
fn diff(kind: Kind, old: &Value, new: &Value) -> String {
    let lines = |v: &Value| -> Vec<String> {
        match (kind, v) {
            (Kind::Provision, Value::String(s)) => s.lines().map(str::to_owned).collect(),
            (_, v) => serde_json::to_string_pretty(&mask_args(v))
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect(),
        }
    };
    let (a, b) = (lines(old), lines(new));
    let mut out = Vec::new();
    for l in &a {
        if !b.contains(l) {
            out.push(format!("- {l}"));
        }
    }
    for l in &b {
        if !a.contains(l) {
            out.push(format!("+ {l}"));
        }
    }
    out.join("\n")
}

/// A preset with the configuration provision's secret arguments masked.
fn mask_args(preset: &Value) -> Value {
    let mut v = preset.clone();
    if let Some(configs) = v.get_mut("configurations").and_then(Value::as_array_mut) {
        for c in configs {
            if c.get("name").and_then(Value::as_str) != Some(CONFIGURE) {
                continue;
            }
            if let Some(args) = c.get_mut("args").and_then(Value::as_array_mut) {
                for i in SECRET_ARGS {
                    if let Some(a) = args.get_mut(i) {
                        if a.as_str().is_some_and(|s| !s.is_empty()) {
                            *a = Value::String("••••••".into());
                        }
                    }
                }
            }
        }
    }
    v
}

/// What on a server works against AcsDesk's objects under `profile`: with per-router
/// connection-request credentials, any provision of someone else's that sets them too
/// (GenieACS-UI's first-run wizard writes an `inform` provision that re-declares them
/// daily, which would overwrite each router's own).
pub fn conflicts(profile: &ProvisioningProfile, provisions: &[Value]) -> Vec<String> {
    if !profile.per_router_connection_request {
        return Vec::new();
    }
    provisions
        .iter()
        .filter_map(|p| {
            let name = p.get("_id")?.as_str()?;
            let script = p.get("script")?.as_str()?;
            (!is_ours(Kind::Provision, name) && script.contains("ConnectionRequestPassword"))
                .then(|| format!(
                    "the provision \"{name}\" also sets the connection-request credentials and overwrites each router's own whenever it runs: remove those lines from it, or turn per-router credentials off"
                ))
        })
        .collect()
}

/// Whether a stored object's name is one AcsDesk writes.
pub fn is_ours(kind: Kind, name: &str) -> bool {
    match kind {
        Kind::Provision => name == CONFIGURE || name == MONITOR || name == BOOTSTRAP,
        Kind::Preset => {
            name == MONITOR
                || name == MONITOR_BOOT
                || name == BOOTSTRAP
                || name.starts_with(CFG_PREFIX)
        }
    }
}

/// The steps from what the server holds (`presets`, `provisions` as GenieACS lists
/// them) to `desired`. AcsDesk's objects the server holds and `desired` lacks are
/// removed when `prune` (per-router presets of routers now configured, or everything at
/// uninstall); anything not named like AcsDesk's is never touched.
pub fn plan(
    desired: &[Desired],
    presets: &[Value],
    provisions: &[Value],
    prune: bool,
) -> Vec<Change> {
    let stored = |kind: Kind| match kind {
        Kind::Preset => presets,
        Kind::Provision => provisions,
    };
    let index: std::collections::HashMap<(Kind, &str), &Value> = [Kind::Preset, Kind::Provision]
        .into_iter()
        .flat_map(|k| {
            stored(k)
                .iter()
                .filter_map(move |v| Some(((k, v.get("_id")?.as_str()?), v)))
        })
        .collect();
    let find = |kind: Kind, name: &str| index.get(&(kind, name)).copied();
    let mut out: Vec<Change> = desired
        .iter()
        .map(|d| {
            let (step, diff) = match find(d.kind, &d.name) {
                None => (Step::Create, None),
                Some(v) => {
                    let old = comparable(d.kind, v);
                    if old == d.body {
                        (Step::Unchanged, None)
                    } else {
                        (Step::Update, Some(diff(d.kind, &old, &d.body)))
                    }
                }
            };
            Change {
                kind: d.kind,
                name: d.name.clone(),
                step,
                diff,
                desired: Some(d.clone()),
            }
        })
        .collect();
    if prune {
        let wanted: std::collections::HashSet<(Kind, &str)> =
            desired.iter().map(|d| (d.kind, d.name.as_str())).collect();
        for kind in [Kind::Provision, Kind::Preset] {
            for v in stored(kind) {
                let Some(name) = v.get("_id").and_then(Value::as_str) else {
                    continue;
                };
                if is_ours(kind, name) && !wanted.contains(&(kind, name)) {
                    out.push(Change {
                        kind,
                        name: name.to_owned(),
                        step: Step::Remove,
                        diff: None,
                        desired: None,
                    });
                }
            }
        }
    }
    out
}

/// Carries out `changes` on a GenieACS server: presets removed first and provisions
/// written before the presets that run them, so no session finds a preset naming a
/// provision that is not there. Stops at the first error, naming the object.
pub async fn apply(
    client: &acsdesk_genieacs::Client,
    changes: &[Change],
) -> Result<usize, (String, acsdesk_genieacs::Error)> {
    use acsdesk_genieacs::api::config::ConfigKind;
    let handler = |k: Kind| match k {
        Kind::Preset => client.config(ConfigKind::Presets),
        Kind::Provision => client.config(ConfigKind::Provisions),
    };
    let order = |c: &Change| match (c.step, c.kind) {
        (Step::Remove, Kind::Preset) => 0,
        (Step::Remove, Kind::Provision) => 3,
        (_, Kind::Provision) => 1,
        (_, Kind::Preset) => 2,
    };
    let mut sorted: Vec<&Change> = changes
        .iter()
        .filter(|c| c.step != Step::Unchanged)
        .collect();
    sorted.sort_by_key(|c| order(c));
    let mut done = 0;
    for c in sorted {
        let what = format!("{} {}", c.kind.as_str(), c.name);
        let r = match (&c.step, &c.desired) {
            (Step::Remove, _) => handler(c.kind).delete(&c.name).await,
            (_, Some(d)) => handler(c.kind).put(&c.name, &d.wire()).await,
            (_, None) => Ok(()),
        };
        r.map_err(|e| (what, e))?;
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests;
