//! One simulated router: its place in the fleet, the few numbers that make it itself, the
//! values its owner or AcsDesk changed, and its behaviour over virtual time — periodic
//! informs with jitter, evolving load and traffic, outages and reboots, PPP failures,
//! and the CWMP methods GenieACS tasks become (with the faults a CPE answers).

use crate::model::{static_xsd, Gen, Identity, Model, Template};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A small deterministic generator (SplitMix64): the fleet is the same for the same seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// An integer in [lo, hi).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }
}

/// GenieACS's escaping of an id part: `-` and `%` become `%2D` and `%25`.
pub fn escape_part(part: &str) -> String {
    part.replace('%', "%25").replace('-', "%2D")
}

/// A distinct 32-bit number per device number and seed (a bijection on `u32`), for
/// serial numbers that never collide however large the fleet.
fn serial_bits(seed: u64, n: u64) -> u32 {
    let x = (n as u32) ^ (seed as u32).rotate_left(7);
    x.wrapping_mul(0x9E37_79B1).rotate_left(13) ^ 0x5A5A_1234
}

/// What GenieACS holds of a file, by name: the version it installs and whether it is
/// marked bad.
pub(crate) type Files<'a> = dyn Fn(&str) -> Option<(Option<String>, bool)> + 'a;

/// A task waiting for the device's next session.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedTask {
    /// The task document (with `_id`, `device`, `timestamp`).
    pub task: Value,
    /// When it was queued.
    pub at_ms: i64,
}

/// A CWMP fault a device answers: code (`cwmp.9005`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CwmpFault {
    /// `cwmp.<code>`.
    pub code: String,
    /// The CPE's fault string.
    pub message: String,
}

fn cwmp(code: &str, message: &str) -> CwmpFault {
    CwmpFault {
        code: format!("cwmp.{code}"),
        message: message.to_owned(),
    }
}

/// A firmware download the device accepted and is transferring.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    /// The GenieACS file name.
    pub file: String,
    /// The version the file installs, when its metadata says.
    pub version: Option<String>,
    /// The fault the transfer will end with, if it fails.
    pub fails: Option<CwmpFault>,
    /// When the transfer ends.
    pub done_at_ms: i64,
    /// The task that asked for it (its fault channel).
    pub task_id: String,
    /// The file type asked for.
    pub file_type: String,
    /// When the CPE accepted the Download.
    pub started_ms: i64,
}

/// A parameter added by `addObject` (or bookkeeping GenieACS keeps, like `Downloads`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Extra {
    pub(crate) value: Value,
    pub(crate) xsd: &'static str,
    /// `None` for values GenieACS declares itself (`Reboot`, `FactoryReset`), which
    /// it stores without `_writable`.
    pub(crate) writable: Option<bool>,
    pub(crate) ts_ms: i64,
}

/// One leaf of the tree as GenieACS holds it; what GenieACS never learnt is `None`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf<'a> {
    pub(crate) path: &'a str,
    pub(crate) value: Option<Value>,
    pub(crate) xsd: Option<&'static str>,
    pub(crate) writable: Option<bool>,
    pub(crate) ts: Option<i64>,
}

/// What happened at an inform, for the server to act on.
#[derive(Debug, Default)]
pub(crate) struct Informed {
    /// The instants of the informs (queued tasks run in each session).
    pub(crate) at: Vec<i64>,
    /// Downloads that ended with a fault: (task id, fault, when, provisions text).
    pub(crate) failed_downloads: Vec<(String, CwmpFault, i64, String)>,
}

/// A simulated router.
#[derive(Debug, Clone)]
pub struct SimDevice {
    /// GenieACS `_id`.
    pub id: String,
    pub(crate) template: Arc<Template>,
    pub(crate) identity: Arc<Identity>,
    /// Serial number.
    pub serial: String,
    /// Its number in the fleet.
    n: u64,
    /// Address bytes: public IP (3), MAC (3), management IP (2).
    addr: [u8; 8],
    /// Values changed by tasks (by slot), with when.
    overrides: BTreeMap<usize, (Value, i64)>,
    /// Parameters added by `addObject` and GenieACS's bookkeeping, by path.
    pub(crate) extra: BTreeMap<String, Extra>,
    /// Object instances deleted by `deleteObject` (path prefixes, with a trailing `.`).
    removed: Vec<String>,
    /// Subtrees re-read from the device (prefix, when): their timestamps move.
    refreshed: Vec<(String, i64)>,
    /// When the static parameters were last read (registration or bootstrap).
    static_ts_ms: i64,
    /// The document's own `_timestamp`: the last refresh of the whole tree.
    pub(crate) root_ts: Option<i64>,
    /// GenieACS tags.
    pub tags: Vec<String>,
    /// First registration.
    pub registered_ms: i64,
    /// Last inform.
    pub last_inform_ms: i64,
    /// When the router last booted (uptime counts from here).
    pub boot_ms: i64,
    /// The boot the last inform reported: GenieACS shows the uptime of that inform until
    /// the next one, even while the router is rebooting.
    pub informed_boot_ms: i64,
    /// `_lastBoot` as GenieACS records it: the inform carrying `1 BOOT`.
    pub last_boot_ms: Option<i64>,
    /// `_lastBootstrap`: the inform carrying `0 BOOTSTRAP`.
    pub last_bootstrap_ms: Option<i64>,
    /// A boot (and whether a bootstrap) the next inform will report.
    pending_boot: Option<bool>,
    /// Next periodic inform.
    pub next_inform_ms: i64,
    /// Periodic inform interval, seconds.
    pub interval_s: i64,
    /// Offline (no power or link) until this instant.
    pub offline_until_ms: i64,
    /// Forced offline by the scenario API.
    pub forced_offline: bool,
    /// Held in a CWMP session by the scenario API: new tasks get 503.
    pub in_session: bool,
    /// A PPP authentication failure forced by the scenario API.
    pub ppp_forced_fail: bool,
    /// CWMP methods this device answers with fault 9000 (by task name).
    pub unsupported: Vec<String>,
    /// A firmware download in progress.
    pub pending_download: Option<Download>,
    /// Tasks waiting for the next session.
    pub queue: Vec<QueuedTask>,
    /// Executed tasks: (when, name, task id).
    pub executed: Vec<(i64, String, String)>,
    /// Whether the simulation moves it (imported devices stay as recorded).
    simulated: bool,
    rng: Rng,
    cpu: f64,
    mem: f64,
    rate_rx: f64,
    rate_tx: f64,
    sent: u64,
    received: u64,
    optical: f64,
    rssi: i64,
}

/// A value as a device stores it after a `setParameterValues` with this type: GenieACS
/// sends the value typed, the CPE keeps it typed. `None` when it is not of the type.
fn coerce(value: &Value, xsd: &str) -> Option<Value> {
    match (xsd, value) {
        ("xsd:boolean", Value::Bool(_)) => Some(value.clone()),
        ("xsd:boolean", Value::String(s)) => match s.trim() {
            "true" | "1" => Some(json!(true)),
            "false" | "0" => Some(json!(false)),
            _ => None,
        },
        ("xsd:boolean", Value::Number(n)) => match n.as_u64() {
            Some(1) => Some(json!(true)),
            Some(0) => Some(json!(false)),
            _ => None,
        },
        ("xsd:int" | "xsd:long", Value::Number(n)) => n.as_i64().map(Value::from),
        ("xsd:unsignedInt" | "xsd:unsignedLong", Value::Number(n)) => n.as_u64().map(Value::from),
        ("xsd:int" | "xsd:long", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        ("xsd:unsignedInt" | "xsd:unsignedLong", Value::String(s)) => {
            s.trim().parse::<u64>().ok().map(Value::from)
        }
        (_, Value::String(_)) => Some(value.clone()),
        (_, Value::Number(n)) => Some(Value::String(n.to_string())),
        (_, Value::Bool(b)) => Some(Value::String(b.to_string())),
        _ => None,
    }
}

fn default_of(xsd: &str) -> Value {
    match xsd {
        "xsd:boolean" => json!(false),
        "xsd:int" | "xsd:long" | "xsd:unsignedInt" | "xsd:unsignedLong" => json!(0),
        _ => json!(""),
    }
}

impl SimDevice {
    /// Generates device number `n` of a fleet from `seed`, registered at `start_ms`.
    pub fn generate(seed: u64, n: u64, start_ms: i64) -> Self {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n));
        let model = Model::pick(rng.next_u64(), rng.next_u64());
        let (oui, pc, manufacturer, _, _) = model.identity();
        let bits = serial_bits(seed, n);
        let serial = match model {
            Model::MikroTik | Model::MikroTikLte => format!("HG{bits:08X}"),
            Model::TpLink => format!("22{n:010}"),
            Model::Huawei => format!("48575443{bits:08X}"),
            Model::Zte => format!("ZTEG{bits:08X}"),
        };
        let id = format!(
            "{}-{}-{}",
            escape_part(oui),
            escape_part(pc),
            escape_part(&serial)
        );
        let interval_s = [300, 300, 300, 600, 60][rng.range(0, 5) as usize];
        let mut addr = [0_u8; 8];
        for b in &mut addr {
            *b = rng.range(0, 256) as u8;
        }
        let registered_ms = start_ms - rng.range(30, 400) as i64 * 86_400_000;
        let uptime_s = rng.range(600, 40 * 86_400) as i64;
        let last_inform_ms = start_ms - rng.range(0, interval_s as u64 * 1000) as i64;
        let mut dev = SimDevice {
            id,
            template: model.template(),
            identity: Arc::new(Identity {
                oui: oui.into(),
                product_class: pc.into(),
                manufacturer: manufacturer.into(),
            }),
            serial,
            n,
            addr,
            overrides: BTreeMap::new(),
            extra: BTreeMap::new(),
            removed: Vec::new(),
            refreshed: Vec::new(),
            static_ts_ms: registered_ms,
            root_ts: None,
            tags: Vec::new(),
            registered_ms,
            last_inform_ms,
            boot_ms: last_inform_ms - uptime_s * 1000,
            informed_boot_ms: last_inform_ms - uptime_s * 1000,
            last_boot_ms: Some(last_inform_ms - uptime_s * 1000 + 20_000),
            last_bootstrap_ms: Some(registered_ms),
            pending_boot: None,
            next_inform_ms: last_inform_ms + interval_s * 1000,
            interval_s,
            offline_until_ms: 0,
            forced_offline: false,
            in_session: false,
            ppp_forced_fail: false,
            unsupported: Vec::new(),
            pending_download: None,
            queue: Vec::new(),
            executed: Vec::new(),
            simulated: true,
            cpu: 5.0 + rng.unit() * 30.0,
            mem: 20.0 + rng.unit() * 40.0,
            rate_rx: rng.unit() * 2_000_000.0,
            rate_tx: rng.unit() * 400_000.0,
            sent: rng.range(0, 4_000_000_000),
            received: rng.range(0, 4_000_000_000),
            optical: (rng.unit() - 0.5) * 2.0,
            rssi: -70,
            rng,
        };
        // A few routers start broken: 5 % unplugged for hours, 2 % failing PPP auth.
        let fate = dev.rng.range(0, 100);
        if fate < 5 {
            dev.offline_until_ms = start_ms + dev.rng.range(1, 12) as i64 * 3_600_000;
            dev.last_inform_ms = start_ms - dev.rng.range(20, 600) as i64 * 60_000;
            dev.next_inform_ms = dev.offline_until_ms;
        } else if fate < 7 {
            dev.ppp_forced_fail = true;
        }
        dev
    }

    /// A device made from a GenieACS device document, holding exactly what the document
    /// holds (values, types, writability, timestamps, tags, dates). It informs at its
    /// recorded interval but its values stay as recorded until tasks change them.
    pub fn import(doc: &Value) -> Result<Self, String> {
        let id = doc
            .get("_id")
            .and_then(Value::as_str)
            .ok_or("the document has no _id")?
            .to_owned();
        let template = Template::from_document(doc)?;
        let did = doc.get("_deviceId").cloned().unwrap_or(Value::Null);
        let text = |k: &str| {
            did.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let date = |k: &str| doc.get(k).and_then(Value::as_str).and_then(parse_iso);
        let last_inform_ms = date("_lastInform").unwrap_or(0);
        let root = template.root.clone();
        let interval_s = doc
            .get(&root)
            .and_then(|r| r.get("ManagementServer"))
            .and_then(|m| m.get("PeriodicInformInterval"))
            .and_then(|p| p.get("_value"))
            .and_then(Value::as_i64)
            .unwrap_or(300)
            .max(10);
        let uptime = template
            .slots
            .iter()
            .find(|s| s.path.ends_with(".DeviceInfo.UpTime"))
            .and_then(|s| match &s.gen {
                Gen::Const(v) => v.as_i64(),
                _ => None,
            })
            .unwrap_or(0);
        let tags = doc
            .get("_tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let registered_ms = date("_registered").unwrap_or(last_inform_ms);
        let mut rng = Rng::new(
            id.bytes()
                .fold(7_u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)),
        );
        let mut addr = [0_u8; 8];
        for b in &mut addr {
            *b = rng.range(0, 256) as u8;
        }
        Ok(SimDevice {
            id,
            identity: Arc::new(Identity {
                oui: text("_OUI"),
                product_class: text("_ProductClass"),
                manufacturer: text("_Manufacturer"),
            }),
            serial: text("_SerialNumber"),
            template: Arc::new(template),
            n: 0,
            addr,
            overrides: BTreeMap::new(),
            extra: BTreeMap::new(),
            removed: Vec::new(),
            refreshed: Vec::new(),
            static_ts_ms: registered_ms,
            root_ts: date("_timestamp"),
            tags,
            registered_ms,
            last_inform_ms,
            boot_ms: last_inform_ms - uptime * 1000,
            informed_boot_ms: last_inform_ms - uptime * 1000,
            last_boot_ms: date("_lastBoot"),
            last_bootstrap_ms: date("_lastBootstrap"),
            pending_boot: None,
            next_inform_ms: last_inform_ms + interval_s * 1000,
            interval_s,
            offline_until_ms: 0,
            forced_offline: false,
            in_session: false,
            ppp_forced_fail: false,
            unsupported: Vec::new(),
            pending_download: None,
            queue: Vec::new(),
            executed: Vec::new(),
            simulated: false,
            cpu: 0.0,
            mem: 0.0,
            rate_rx: 0.0,
            rate_tx: 0.0,
            sent: 0,
            received: 0,
            optical: 0.0,
            rssi: 0,
            rng,
        })
    }

    /// The model, for generated devices.
    pub fn model(&self) -> Option<Model> {
        self.template.model
    }

    /// The root of its data model (`InternetGatewayDevice` or `Device`).
    pub fn root(&self) -> &str {
        &self.template.root
    }

    /// `_deviceId` fields.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    fn ppp_user(&self) -> String {
        format!("cust{:05}", self.n)
    }

    /// Whether the PPP session is up: credentials set and no forced failure.
    pub fn ppp_ok(&self) -> bool {
        if self.ppp_forced_fail {
            return false;
        }
        match self.template.slot_of(&Gen::PppUser) {
            Some(slot) => self
                .value_of_slot(slot)
                .as_str()
                .is_some_and(|u| !u.is_empty()),
            None => true,
        }
    }

    fn generated(&self, gen: &Gen) -> Value {
        let a = self.addr;
        match gen {
            Gen::Const(v) => v.clone(),
            Gen::Secret => json!(""),
            Gen::Serial => json!(self.serial),
            Gen::Mac => {
                let oui = &self.identity.oui;
                let part = |i: usize| oui.get(i..i + 2).unwrap_or("00");
                json!(format!(
                    "{}:{}:{}:{:02X}:{:02X}:{:02X}",
                    part(0),
                    part(2),
                    part(4),
                    a[3],
                    a[4],
                    a[5]
                ))
            }
            Gen::PublicIp => {
                if self.ppp_ok() {
                    json!(format!(
                        "100.{}.{}.{}",
                        64 + a[0] % 63,
                        a[1],
                        1 + a[2] % 253
                    ))
                } else {
                    json!("")
                }
            }
            Gen::MgmtIp => json!(format!("10.50.{}.{}", a[6], 1 + a[7] % 253)),
            Gen::PppUser => json!(self.ppp_user()),
            Gen::Ssid(suffix) => {
                let word = self
                    .identity
                    .manufacturer
                    .split(' ')
                    .next()
                    .unwrap_or("WiFi");
                let tail = &self.serial[self.serial.len().saturating_sub(4)..];
                json!(format!("{word}-{tail}{suffix}"))
            }
            Gen::Identity => json!(format!("site-{}", self.n)),
            Gen::Uptime => json!(((self.last_inform_ms - self.informed_boot_ms) / 1000).max(0)),
            Gen::Cpu => json!(self.cpu.round() as u64),
            Gen::MemUsedPct => json!(self.mem.round() as u64),
            Gen::MemFree(total) => json!(((1.0 - self.mem / 100.0) * *total as f64) as u64),
            Gen::BytesSent { wraps32 } => json!(if *wraps32 {
                self.sent % (1 << 32)
            } else {
                self.sent
            }),
            Gen::BytesReceived { wraps32 } => json!(if *wraps32 {
                self.received % (1 << 32)
            } else {
                self.received
            }),
            Gen::OpticalRx(base) => json!(format!("{:.2}", base + self.optical)),
            Gen::Rssi => json!(self.rssi),
            Gen::PppStatus => json!(if self.ppp_ok() {
                "Connected"
            } else {
                "Disconnected"
            }),
            Gen::PppError => json!(if self.ppp_ok() {
                "ERROR_NONE"
            } else {
                "ERROR_AUTHENTICATION_FAILURE"
            }),
            Gen::Interval => json!(self.interval_s),
            Gen::Unknown => Value::Null,
        }
    }

    /// A slot's value as GenieACS holds it (secrets empty).
    pub(crate) fn value_of_slot(&self, slot: usize) -> Value {
        let s = &self.template.slots[slot];
        if s.gen == Gen::Secret {
            return json!("");
        }
        if s.gen == Gen::Interval {
            return json!(self.interval_s);
        }
        match self.overrides.get(&slot) {
            Some((v, _)) => v.clone(),
            None => self.generated(&s.gen),
        }
    }

    pub(crate) fn is_removed(&self, path: &str) -> bool {
        self.removed.iter().any(|p| path.starts_with(p.as_str()))
    }

    fn refreshed_at(&self, path: &str) -> Option<i64> {
        self.refreshed
            .iter()
            .filter(|(p, _)| p.is_empty() || path == p || path.starts_with(&format!("{p}.")))
            .map(|(_, t)| *t)
            .max()
    }

    /// When GenieACS last read a slot from the device (`None`: never recorded).
    pub(crate) fn slot_ts(&self, slot: usize) -> Option<i64> {
        let s = &self.template.slots[slot];
        let base = if self.simulated {
            Some(if s.gen.is_dynamic() {
                self.last_inform_ms
            } else {
                self.static_ts_ms
            })
        } else {
            s.recorded_ts
        };
        let later = [
            self.overrides.get(&slot).map(|(_, t)| *t),
            self.refreshed_at(&s.path),
        ];
        later.into_iter().flatten().chain(base).max()
    }

    /// Whether an object was re-read since it was recorded.
    pub(crate) fn object_refreshed(&self, path: &str) -> bool {
        self.refreshed_at(path).is_some()
    }

    /// When GenieACS last read an object node.
    pub(crate) fn object_ts(&self, path: &str) -> i64 {
        let recorded = self.template.objects.get(path).and_then(|o| o.ts);
        recorded
            .unwrap_or(self.static_ts_ms)
            .max(self.refreshed_at(path).unwrap_or(i64::MIN))
    }

    /// Every leaf the device has now, by path.
    pub(crate) fn leaves(&self) -> Vec<Leaf<'_>> {
        let mut out: Vec<Leaf<'_>> = self
            .template
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !self.is_removed(&s.path))
            .map(|(i, s)| {
                let set = self.overrides.contains_key(&i);
                let known = s.gen != Gen::Unknown || set;
                Leaf {
                    path: &s.path,
                    value: known.then(|| self.value_of_slot(i)),
                    xsd: (known && (s.typed || set)).then_some(s.xsd),
                    writable: s.writable,
                    ts: if known { self.slot_ts(i) } else { None },
                }
            })
            .collect();
        out.extend(self.extra.iter().map(|(p, e)| Leaf {
            path: p.as_str(),
            value: Some(e.value.clone()),
            xsd: Some(e.xsd),
            writable: e.writable,
            ts: Some(e.ts_ms.max(self.refreshed_at(p).unwrap_or(i64::MIN))),
        }));
        out.sort_by(|a, b| a.path.cmp(b.path));
        out
    }

    /// The value of a parameter path, as GenieACS holds it.
    pub fn value(&self, path: &str) -> Option<Value> {
        if self.is_removed(path) {
            return None;
        }
        match self.template.slot(path) {
            Some(slot)
                if self.template.slots[slot].gen == Gen::Unknown
                    && !self.overrides.contains_key(&slot) =>
            {
                None
            }
            Some(slot) => Some(self.value_of_slot(slot)),
            None => self.extra.get(path).map(|e| e.value.clone()),
        }
    }

    /// A parameter's type and writability.
    fn meta(&self, path: &str) -> Option<(&'static str, Option<bool>)> {
        if self.is_removed(path) {
            return None;
        }
        match self.template.slot(path) {
            Some(slot) => {
                let s = &self.template.slots[slot];
                Some((s.xsd, s.writable))
            }
            None => self.extra.get(path).map(|e| (e.xsd, e.writable)),
        }
    }

    /// Sets a parameter as a `setParameterValues` would (typed), at `at`.
    fn set_value(&mut self, path: &str, value: Value, at: i64) {
        match self.template.slot(path) {
            Some(slot) => {
                if self.template.slots[slot].gen == Gen::Interval {
                    if let Some(s) = value.as_i64() {
                        // The new period counts from now.
                        self.interval_s = s.max(10);
                        self.next_inform_ms = self.next_inform_ms.min(at + self.interval_s * 1000);
                    }
                }
                self.overrides.insert(slot, (value, at));
            }
            None => {
                if let Some(e) = self.extra.get_mut(path) {
                    e.value = value;
                    e.ts_ms = at;
                }
            }
        }
    }

    /// The path of the internet WAN object, when the device has one.
    pub fn wan_path(&self) -> Option<&str> {
        self.template.wan.as_deref()
    }

    /// Starts or ends a PPP authentication failure.
    pub fn set_ppp_failing(&mut self, failing: bool) {
        self.ppp_forced_fail = failing;
    }

    /// Whether the device is reachable at `now_ms`.
    pub fn is_up(&self, now_ms: i64) -> bool {
        !self.forced_offline && now_ms >= self.offline_until_ms
    }

    /// Advances the simulation to `now_ms`: periodic informs (with jitter) while the
    /// device is up, metrics evolving between them, random outages and reboots, boots
    /// reported at the first inform after them, downloads completing.
    pub(crate) fn step(&mut self, now_ms: i64) -> Informed {
        let mut out = Informed::default();
        while self.next_inform_ms <= now_ms && out.at.len() < 10_000 {
            let at = self.next_inform_ms;
            if !self.is_up(at) {
                if self.forced_offline {
                    self.next_inform_ms = now_ms + 1;
                    break;
                }
                // Back from an outage: the power came back, so the router booted.
                self.next_inform_ms = self.offline_until_ms;
                if self.simulated && self.pending_boot.is_none() {
                    self.boot_ms = self.offline_until_ms - 30_000;
                    self.pending_boot = Some(false);
                    self.sent = 0;
                    self.received = 0;
                }
                continue;
            }
            let dt = ((at - self.last_inform_ms).max(0) as f64) / 1000.0;
            if self.simulated {
                self.cpu = (self.cpu + (self.rng.unit() - 0.5) * 12.0).clamp(1.0, 99.0);
                self.mem = (self.mem + (self.rng.unit() - 0.5) * 4.0).clamp(10.0, 95.0);
                self.rate_rx =
                    (self.rate_rx * (0.7 + self.rng.unit() * 0.6)).clamp(1_000.0, 40_000_000.0);
                self.rate_tx =
                    (self.rate_tx * (0.7 + self.rng.unit() * 0.6)).clamp(500.0, 8_000_000.0);
                if self.ppp_ok() {
                    self.received = self.received.wrapping_add((self.rate_rx * dt) as u64);
                    self.sent = self.sent.wrapping_add((self.rate_tx * dt) as u64);
                }
                self.optical = (self.rng.unit() - 0.5) * 2.0;
                self.rssi = -70 + (self.rng.unit() * 16.0) as i64 - 8;
            }
            self.last_inform_ms = at;
            self.informed_boot_ms = self.boot_ms;
            if let Some(bootstrap) = self.pending_boot.take() {
                self.last_boot_ms = Some(at);
                if bootstrap {
                    self.last_bootstrap_ms = Some(at);
                    self.static_ts_ms = at;
                }
            }
            if let Some(d) = self.pending_download.clone() {
                if at >= d.done_at_ms {
                    self.pending_download = None;
                    self.finish_download(&d, at, &mut out);
                }
            }
            out.at.push(at);
            if self.simulated {
                // Rare events: an outage (0.2 %) or a spontaneous reboot (0.1 %) per inform.
                let roll = self.rng.range(0, 1000);
                if roll < 2 {
                    self.offline_until_ms = at + self.rng.range(5, 90) as i64 * 60_000;
                } else if roll < 3 {
                    self.reboot(at + 1000);
                }
            }
            let jitter = if self.simulated {
                self.rng.range(0, 20_000) as i64 - 10_000
            } else {
                0
            };
            if self.next_inform_ms <= at {
                self.next_inform_ms = at + self.interval_s * 1000 + jitter;
            }
        }
        out
    }

    fn finish_download(&mut self, d: &Download, at: i64, out: &mut Informed) {
        let dl = "Downloads.1";
        for (leaf, value, xsd) in [
            ("LastFileType", json!(d.file_type), "xsd:string"),
            ("LastFileName", json!(d.file), "xsd:string"),
            ("LastTargetFileName", json!(""), "xsd:string"),
            ("LastDownload", json!(iso(d.started_ms)), "xsd:dateTime"),
            ("StartTime", json!(iso(d.started_ms)), "xsd:dateTime"),
            ("CompleteTime", json!(iso(at)), "xsd:dateTime"),
        ] {
            self.extra.insert(
                format!("{dl}.{leaf}"),
                Extra {
                    value,
                    xsd,
                    writable: Some(false),
                    ts_ms: at,
                },
            );
        }
        match &d.fails {
            Some(fault) => out.failed_downloads.push((
                d.task_id.clone(),
                fault.clone(),
                at,
                json!([["download", d.file_type, d.file, ""]]).to_string(),
            )),
            None => {
                if let Some(v) = &d.version {
                    let root = self.template.root.clone();
                    let path = format!("{root}.DeviceInfo.SoftwareVersion");
                    if let Some(slot) = self.template.slot(&path) {
                        self.overrides.insert(slot, (json!(v), at));
                    }
                }
                // The new image boots.
                self.reboot(at);
            }
        }
    }

    /// Reboots at `at_ms`: the router is away for about 45 s and informs with `1 BOOT`
    /// when it returns; uptime and counters restart.
    pub fn reboot(&mut self, at_ms: i64) {
        self.boot_ms = at_ms + 45_000;
        self.offline_until_ms = at_ms + 45_000;
        self.next_inform_ms = at_ms + 50_000;
        self.pending_boot = Some(self.pending_boot.unwrap_or(false));
        self.sent = 0;
        self.received = 0;
    }

    /// Factory reset at `at_ms`: every value set since goes back to the model's default
    /// (the subscriber's PPPoE credentials are gone, so PPP fails until they are set
    /// again), added objects disappear, and the router reboots and bootstraps.
    /// GenieACS's tags are GenieACS's and stay.
    pub fn factory_reset(&mut self, at_ms: i64) {
        self.overrides.clear();
        self.removed.clear();
        // GenieACS's own bookkeeping survives the device's reset.
        self.extra
            .retain(|p, _| p.starts_with("Downloads.") || p == "Reboot" || p == "FactoryReset");
        if self.simulated {
            // The vendors' factory default.
            self.interval_s = 300;
        }
        if let Some(slot) = self.template.slot_of(&Gen::PppUser) {
            self.overrides.insert(slot, (json!(""), at_ms));
        }
        self.reboot(at_ms);
        self.pending_boot = Some(true);
    }

    /// Runs a task in a session at `at`, as the CPE would answer the CWMP methods it
    /// becomes. `files` says what GenieACS holds (name → (version, fails)); `fail_roll`
    /// is a random draw in [0, 1) against `failure_rate` for downloads.
    pub(crate) fn execute(
        &mut self,
        task: &Value,
        at: i64,
        files: &Files<'_>,
        download_failure_rate: f64,
    ) -> Result<(), CwmpFault> {
        let name = task["name"].as_str().unwrap_or_default();
        if self.unsupported.iter().any(|u| u == name) {
            return Err(cwmp("9000", "Method not supported"));
        }
        match name {
            "getParameterValues" => {
                let names: Vec<String> = task["parameterNames"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                // An imported device's tree is what GenieACS had recorded; the router
                // itself may hold more, so only simulated devices refuse unknown names.
                for p in &names {
                    let known = self.template.slot(p).is_some()
                        || self.extra.contains_key(p.as_str())
                        || self.has_object(p);
                    if self.simulated && !known {
                        return Err(cwmp("9005", "Invalid parameter name"));
                    }
                }
                for p in names {
                    self.mark_refreshed(p, at);
                }
            }
            "refreshObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_owned();
                if !object.is_empty() && !self.has_object(&object) && self.value(&object).is_none()
                {
                    return Err(cwmp("9005", "Invalid parameter name"));
                }
                self.mark_refreshed(object, at);
            }
            "provisions" => {}
            "setParameterValues" => {
                let values = task["parameterValues"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let mut typed = Vec::new();
                for v in &values {
                    let path = v[0].as_str().unwrap_or_default();
                    let Some((xsd, writable)) = self.meta(path) else {
                        return Err(cwmp("9005", "Invalid parameter name"));
                    };
                    if writable == Some(false) {
                        return Err(cwmp("9008", "Attempt to set a non-writable parameter"));
                    }
                    let xsd = v
                        .get(2)
                        .and_then(Value::as_str)
                        .map(static_xsd)
                        .unwrap_or(xsd);
                    let Some(value) = coerce(&v[1], xsd) else {
                        return Err(cwmp("9007", "Invalid parameter value"));
                    };
                    typed.push((path.to_owned(), value));
                }
                for (path, value) in typed {
                    self.set_value(&path, value, at);
                }
            }
            "addObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.');
                self.add_object(object, at)?;
            }
            "deleteObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.');
                let is_instance = object
                    .rsplit('.')
                    .next()
                    .is_some_and(|s| s.parse::<u32>().is_ok());
                if !is_instance || !self.has_object(object) {
                    return Err(cwmp("9005", "Invalid parameter name"));
                }
                let prefix = format!("{object}.");
                self.extra.retain(|p, _| !p.starts_with(&prefix));
                self.removed.push(prefix);
            }
            // GenieACS records when it ran them, at the root of the document.
            "reboot" => {
                self.reboot(at);
                self.declare_time("Reboot", at);
            }
            "factoryReset" => {
                self.factory_reset(at);
                self.declare_time("FactoryReset", at);
            }
            "download" => {
                let file = task["file"]
                    .as_str()
                    .or_else(|| task["fileName"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let file_type = task["fileType"]
                    .as_str()
                    .unwrap_or("1 Firmware Upgrade Image")
                    .to_owned();
                let stored = files(&file);
                let fails = match &stored {
                    None => Some(cwmp("9016", "Unexpected response 404")),
                    Some((_, true)) => {
                        Some(cwmp("9010", "Download failed: the image was rejected"))
                    }
                    Some(_) if self.rng.unit() < download_failure_rate => {
                        Some(cwmp("9010", "Download failed: transfer interrupted"))
                    }
                    Some(_) => None,
                };
                let transfer_ms = 20_000 + self.rng.range(0, 100_000) as i64;
                let task_id = task["_id"].as_str().unwrap_or_default().to_owned();
                let dl = "Downloads.1";
                for (leaf, value, xsd) in [
                    ("FileType", json!(file_type), "xsd:string"),
                    ("FileName", json!(file), "xsd:string"),
                    ("TargetFileName", json!(""), "xsd:string"),
                    ("Download", json!(iso(at)), "xsd:dateTime"),
                ] {
                    self.extra.insert(
                        format!("{dl}.{leaf}"),
                        Extra {
                            value,
                            xsd,
                            writable: Some(true),
                            ts_ms: at,
                        },
                    );
                }
                self.pending_download = Some(Download {
                    file,
                    version: stored.and_then(|(v, _)| v),
                    fails,
                    done_at_ms: at + transfer_ms,
                    task_id,
                    file_type,
                    started_ms: at,
                });
                // The CPE reports the transfer in a session right after it.
                self.next_inform_ms = self.next_inform_ms.min(at + transfer_ms);
            }
            _ => return Err(cwmp("9000", "Method not supported")),
        }
        let id = task["_id"].as_str().unwrap_or_default().to_owned();
        self.executed.push((at, name.to_owned(), id));
        Ok(())
    }

    /// A value GenieACS declares at the document's root (`Reboot`, `FactoryReset`): the
    /// instant it ran that task.
    fn declare_time(&mut self, path: &str, at: i64) {
        self.extra.insert(
            path.to_owned(),
            Extra {
                value: json!(iso(at)),
                xsd: "xsd:dateTime",
                writable: None,
                ts_ms: at,
            },
        );
    }

    fn mark_refreshed(&mut self, prefix: String, at: i64) {
        let prefix = prefix.trim_end_matches('.').to_owned();
        if prefix.is_empty() || prefix == self.template.root {
            self.refreshed.clear();
            self.static_ts_ms = self.static_ts_ms.max(at);
            self.root_ts = Some(at);
        }
        self.refreshed
            .retain(|(p, _)| !(p.starts_with(&prefix) || prefix.is_empty()));
        self.refreshed.push((prefix, at));
        if self.refreshed.len() > 32 {
            self.refreshed.remove(0);
        }
    }

    /// Whether an object path exists (some parameter lives under it).
    pub(crate) fn has_object(&self, path: &str) -> bool {
        let prefix = format!("{}.", path.trim_end_matches('.'));
        self.template
            .slots
            .iter()
            .any(|s| s.path.starts_with(&prefix) && !self.is_removed(&s.path))
            || self.extra.keys().any(|p| p.starts_with(&prefix))
    }

    /// `addObject`: a new instance of a multi-instance object, with the parameters of its
    /// lowest instance at their type's default.
    fn add_object(&mut self, object: &str, at: i64) -> Result<u32, CwmpFault> {
        let prefix = format!("{object}.");
        let mut instances: Vec<u32> = Vec::new();
        let mut all_paths: Vec<(String, &'static str, bool)> = Vec::new();
        for leaf in self.leaves() {
            if let Some(rest) = leaf.path.strip_prefix(&prefix) {
                if let Some((inst, _)) = rest.split_once('.') {
                    if let Ok(i) = inst.parse::<u32>() {
                        instances.push(i);
                        all_paths.push((
                            leaf.path.to_owned(),
                            leaf.xsd.unwrap_or("xsd:string"),
                            leaf.writable.unwrap_or(true),
                        ));
                    }
                }
            }
        }
        let Some(lowest) = instances.iter().min().copied() else {
            return Err(cwmp("9005", "Invalid parameter name"));
        };
        let next = instances.iter().max().copied().unwrap_or(0) + 1;
        let from = format!("{prefix}{lowest}.");
        for (path, xsd, writable) in all_paths {
            if let Some(rest) = path.strip_prefix(&from) {
                self.extra.insert(
                    format!("{prefix}{next}.{rest}"),
                    Extra {
                        value: default_of(xsd),
                        xsd,
                        writable: Some(writable),
                        ts_ms: at,
                    },
                );
            }
        }
        Ok(next)
    }

    /// The value of a field for queries: `_id`, `_lastInform` / `_registered` /
    /// `_lastBoot` / `_lastBootstrap` (ms), `_tags`, `_deviceId._X`, or a parameter path
    /// (with or without `._value`; `._type`, `._writable` and `._timestamp` too).
    pub fn field(&self, key: &str) -> Option<Value> {
        match key {
            "_id" => Some(json!(self.id)),
            "_lastInform" => Some(json!(self.last_inform_ms)),
            "_registered" => Some(json!(self.registered_ms)),
            "_lastBoot" => self.last_boot_ms.map(Value::from),
            "_lastBootstrap" => self.last_bootstrap_ms.map(Value::from),
            "_tags" => (!self.tags.is_empty()).then(|| json!(self.tags)),
            "_deviceId._SerialNumber" => Some(json!(self.serial)),
            "_deviceId._OUI" => Some(json!(self.identity.oui)),
            "_deviceId._ProductClass" => Some(json!(self.identity.product_class)),
            "_deviceId._Manufacturer" => Some(json!(self.identity.manufacturer)),
            path => {
                for (suffix, what) in [("._type", 1), ("._writable", 2), ("._timestamp", 3)] {
                    if let Some(p) = path.strip_suffix(suffix) {
                        let (xsd, writable) = self.meta(p)?;
                        return match what {
                            1 => Some(json!(xsd)),
                            2 => writable.map(Value::from),
                            _ => self
                                .template
                                .slot(p)
                                .and_then(|s| self.slot_ts(s))
                                .map(Value::from),
                        };
                    }
                }
                self.value(path.strip_suffix("._value").unwrap_or(path))
            }
        }
    }
}

/// GenieACS's timestamp format: ISO-8601 with milliseconds and `Z`.
pub fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            )
        })
        .unwrap_or_default()
}

/// An ISO-8601 instant (as GenieACS writes them) in Unix ms.
pub fn parse_iso(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}
