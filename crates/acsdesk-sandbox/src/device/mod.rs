//! One simulated router: its place in the fleet, the few numbers that make it itself, the
//! values its owner or AcsDesk changed, and its behaviour over virtual time — periodic
//! informs with jitter, evolving load and traffic, outages and reboots, PPP failures,
//! and the CWMP methods GenieACS tasks become (with the faults a CPE answers).

use crate::model::{static_xsd, Gen, Identity, Model, Template};
use acsdesk_time::{iso, parse_iso};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How long after a boot a router's PPP session is up.
pub const PPP_DIAL_MS: i64 = 20_000;
/// How long after its credentials are written a router's new PPP session is up.
pub const PPP_REDIAL_MS: i64 = 3_000;

mod cwmp;
mod declare;
mod diagnostics;
mod generate;
mod life;

pub(crate) use diagnostics::ping_object;
pub use diagnostics::Diagnostic;
pub use diagnostics::Test;

pub(crate) use declare::Changes;

pub use generate::{escape_part, Rng};

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

/// A value GenieACS holds for a router whose document is GenieACS's own record (a
/// factory-fresh router): what it last read or set, and when.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Known {
    pub(crate) value: Value,
    pub(crate) xsd: &'static str,
    pub(crate) writable: Option<bool>,
    pub(crate) ts_ms: i64,
}

/// What happened at an inform, for the server to act on.
#[derive(Debug, Default)]
pub(crate) struct Informed {
    /// The sessions: when, and the events the Inform carried (queued tasks and the
    /// presets for those events run in each).
    pub(crate) sessions: Vec<(i64, Vec<&'static str>)>,
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
    /// Held steady by the scenario API: no spontaneous outage or reboot (a test that
    /// follows one router through many sessions).
    pub steady: bool,
    /// Held in a CWMP session by the scenario API: new tasks get 503.
    pub in_session: bool,
    /// A PPP authentication failure forced by the scenario API.
    pub ppp_forced_fail: bool,
    /// PPPoE usernames the access server refuses (scenario API), as a wrong account would be.
    pub ppp_rejected: Vec<String>,
    /// When the PPP connection last entered its present state because its credentials
    /// were written or its failure forced (0: at boot, [`PPP_DIAL_MS`] after it).
    pub ppp_since_ms: i64,
    /// The same for the session before, shown while the new one is being dialled.
    pub ppp_before_ms: i64,
    /// CWMP methods this device answers with fault 9000 (by task name).
    pub unsupported: Vec<String>,
    /// A firmware download in progress.
    pub pending_download: Option<Download>,
    /// A diagnostic under way (a ping asked for by `DiagnosticsState = Requested`).
    pub pending_diagnostic: Option<Diagnostic>,
    /// The periodic inform a diagnostic's session was brought before, to go back to.
    pub(crate) periodic_after_diagnostic_ms: Option<i64>,
    /// For the generated fleet: values the router changed by itself (a diagnostic's
    /// results) that GenieACS has not read since, with what GenieACS still holds (value,
    /// timestamp) — shown until a read of them.
    /// `None`: GenieACS holds no such leaf (a traceroute's new hop).
    pub(crate) unread: BTreeMap<String, Option<(Value, i64)>>,
    /// The firmware version a completed transfer installs at the next boot.
    pub(crate) boots_image: Option<String>,
    /// Tasks waiting for the next session.
    pub queue: Vec<QueuedTask>,
    /// Executed tasks: (when, name, task id).
    pub executed: Vec<(i64, String, String)>,
    /// Provisions run by presets, newest last (bounded): what each did.
    pub(crate) ran: Vec<Value>,
    /// GenieACS's own record of the tree, for routers it met factory-fresh: only what an
    /// inform carried or a provision or task read or set, with the value of that moment.
    /// `None` for the generated fleet, whose documents show every value as of its last
    /// inform (as if a monitoring provision refreshed them).
    pub(crate) known: Option<BTreeMap<String, Known>>,
    /// For a router of the generated fleet GenieACS has not read in full (it only
    /// informed): the template slots whose values GenieACS read since, as bits. The
    /// others show as GetParameterNames left them (`_writable`, no value), the Inform's
    /// own values without `_writable`. `None`: every value is held (a full refresh, or a
    /// router generated as refreshed).
    pub(crate) read: Option<Vec<u64>>,
    /// The next session was summoned by a connection request.
    pub(crate) summoned: bool,
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
    /// Loss on the router's fibre, dB (its receive power is this much lower).
    pub(crate) fibre_db: f64,
    rssi: i64,
}

impl SimDevice {
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

    /// Whether the PPP session is up: credentials set, accepted, and no forced failure.
    pub fn ppp_ok(&self) -> bool {
        if self.ppp_forced_fail {
            return false;
        }
        if !self.ppp_rejected.is_empty() {
            if let Some(slot) = self.template.slot_of(&Gen::PppUser) {
                if let Some(user) = self.value_of_slot(slot).as_str() {
                    if self.ppp_rejected.iter().any(|r| r == user) {
                        return false;
                    }
                }
            }
        }
        if let Some(wan) = &self.template.wan {
            if self.is_removed(&format!("{wan}.")) {
                return false;
            }
        }
        match self.template.slot_of(&Gen::PppUser) {
            Some(slot) => self
                .value_of_slot(slot)
                .as_str()
                .is_some_and(|u| !u.is_empty()),
            None => true,
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

    /// Makes this router one GenieACS has only met through informs: it holds the
    /// Inform's values and the names (and writability) of the rest, until a refresh or a
    /// provision reads them.
    pub fn forget_values(&mut self) {
        if self.known.is_none() {
            self.read = Some(vec![0; self.template.slots.len().div_ceil(64)]);
            self.root_ts = None;
            self.refreshed.clear();
        }
    }

    /// Whether GenieACS holds a value for slot `i` (read, set, or carried by informs).
    pub(crate) fn slot_read(&self, i: usize) -> bool {
        match &self.read {
            None => true,
            Some(bits) => {
                bits[i / 64] & (1 << (i % 64)) != 0
                    || self.overrides.contains_key(&i)
                    || self.carried_by_inform(&self.template.slots[i].path)
            }
        }
    }

    /// GenieACS reads the slots under `prefix` (a parameter or a subtree).
    pub(crate) fn read_slots(&mut self, prefix: &str) -> usize {
        let Some(bits) = &mut self.read else {
            return 0;
        };
        let mut n = 0;
        for (i, s) in self.template.slots.iter().enumerate() {
            let p: &str = &s.path;
            let under = prefix.is_empty()
                || p == prefix
                || (p.len() > prefix.len()
                    && p.starts_with(prefix)
                    && p.as_bytes()[prefix.len()] == b'.');
            if under {
                bits[i / 64] |= 1 << (i % 64);
                n += 1;
            }
        }
        if prefix.is_empty() || prefix == self.template.root {
            self.read = None;
        }
        n
    }

    /// When GenieACS last read a slot from the device (`None`: never recorded).
    pub(crate) fn slot_ts(&self, slot: usize) -> Option<i64> {
        if !self.slot_read(slot) {
            return None;
        }
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

    /// Every leaf of the device's document, by path: GenieACS's record where it keeps
    /// one, else the router's tree as of its last inform.
    pub(crate) fn leaves(&self) -> Vec<Leaf<'_>> {
        match &self.known {
            Some(known) => known
                .iter()
                .map(|(p, k)| Leaf {
                    path: p.as_str(),
                    value: Some(k.value.clone()),
                    xsd: Some(k.xsd),
                    writable: k.writable,
                    ts: Some(k.ts_ms),
                })
                .collect(),
            None => {
                let mut out = self.live_leaves();
                if !self.unread.is_empty() {
                    for l in &mut out {
                        if let Some(Some((value, ts))) = self.unread.get(l.path) {
                            l.value = Some(value.clone());
                            l.ts = Some(*ts);
                        }
                    }
                    out.retain(|l| !matches!(self.unread.get(l.path), Some(None)));
                }
                out
            }
        }
    }

    /// Every leaf the router itself has now, by path.
    pub(crate) fn live_leaves(&self) -> Vec<Leaf<'_>> {
        let mut out: Vec<Leaf<'_>> = (0..self.template.slots.len())
            .filter(|i| !self.is_removed(&self.template.slots[*i].path))
            .map(|i| self.slot_leaf(i))
            .collect();
        out.extend(self.extra.iter().map(|(p, e)| self.extra_leaf(p, e)));
        out.sort_by(|a, b| a.path.cmp(b.path));
        out
    }

    fn slot_leaf(&self, i: usize) -> Leaf<'_> {
        let s = &self.template.slots[i];
        let set = self.overrides.contains_key(&i);
        let read = self.slot_read(i);
        let known = (s.gen != Gen::Unknown || set) && read;
        // Values only an Inform carried have no `_writable` until GenieACS reads them.
        let writable = match &self.read {
            Some(bits) if read && !set && bits[i / 64] & (1 << (i % 64)) == 0 => None,
            _ => s.writable,
        };
        Leaf {
            path: &s.path,
            value: known.then(|| self.value_of_slot(i)),
            xsd: (known && (s.typed || set)).then_some(s.xsd),
            writable,
            ts: if known { self.slot_ts(i) } else { None },
        }
    }

    fn extra_leaf<'a>(&'a self, path: &'a str, e: &'a Extra) -> Leaf<'a> {
        Leaf {
            path,
            value: Some(e.value.clone()),
            xsd: Some(e.xsd),
            writable: e.writable,
            ts: Some(e.ts_ms.max(self.refreshed_at(path).unwrap_or(i64::MIN))),
        }
    }

    /// One leaf of the router's own tree.
    pub(crate) fn live_leaf(&self, path: &str) -> Option<Leaf<'_>> {
        if self.is_removed(path) {
            return None;
        }
        match self.template.slot(path) {
            Some(i) => Some(self.slot_leaf(i)),
            None => self
                .extra
                .get_key_value(path)
                .map(|(p, e)| self.extra_leaf(p, e)),
        }
    }

    /// The paths of the router's own leaves, unsorted, without their values.
    pub(crate) fn live_paths(&self) -> impl Iterator<Item = &str> + '_ {
        self.template
            .slots
            .iter()
            .map(|s| &*s.path)
            .filter(|p| !self.is_removed(p))
            .chain(self.extra.keys().map(String::as_str))
    }

    /// The value of a parameter path, as GenieACS holds it.
    pub fn value(&self, path: &str) -> Option<Value> {
        if let Some(known) = &self.known {
            return known.get(path).map(|k| k.value.clone());
        }
        if let Some(slot) = self.template.slot(path) {
            if !self.slot_read(slot) {
                return None;
            }
        }
        self.live_value(path)
    }

    /// The value of a parameter path on the router itself (secrets read back empty).
    pub(crate) fn live_value(&self, path: &str) -> Option<Value> {
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
    pub(crate) fn meta(&self, path: &str) -> Option<(&'static str, Option<bool>)> {
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
    pub(crate) fn set_value(&mut self, path: &str, value: Value, at: i64) {
        let wan_credential = self.template.wan.as_deref().is_some_and(|wan| {
            path.strip_prefix(wan)
                .is_some_and(|leaf| leaf == ".Username" || leaf == ".Password")
        });
        if wan_credential {
            // New credentials: the router dials a new PPP session once the CWMP session
            // is over; what this session reads is still the old one.
            if self.ppp_since_ms <= at {
                self.ppp_before_ms = self.ppp_since_ms;
            }
            self.ppp_since_ms = at + PPP_REDIAL_MS;
        }
        match self.template.slot(path) {
            Some(slot) => {
                if self.template.slots[slot].gen == Gen::Interval {
                    if let Some(s) = value.as_i64() {
                        // The new period counts from now.
                        self.interval_s = s.max(10);
                        self.next_inform_ms = self.next_inform_ms.min(at + self.interval_s * 1000);
                    }
                }
                self.overrides.insert(slot, (value.clone(), at));
            }
            None => {
                if let Some(e) = self.extra.get_mut(path) {
                    e.value = value.clone();
                    e.ts_ms = at;
                }
            }
        }
        // GenieACS records the value it set.
        if let Some((xsd, writable)) = self.meta(path) {
            if let Some(known) = &mut self.known {
                known.insert(
                    path.to_owned(),
                    Known {
                        value,
                        xsd,
                        writable,
                        ts_ms: at,
                    },
                );
            }
        }
    }

    /// The path of the internet WAN object, when the device has one.
    pub fn wan_path(&self) -> Option<&str> {
        self.template.wan.as_deref()
    }

    /// Starts or ends a PPP authentication failure at `at`.
    pub fn set_ppp_failing(&mut self, failing: bool, at: i64) {
        if self.ppp_forced_fail != failing {
            self.ppp_before_ms = self.ppp_since_ms;
            self.ppp_since_ms = at;
        }
        self.ppp_forced_fail = failing;
    }

    /// Makes the access server refuse (or accept again) the PPPoE username `user`.
    pub fn set_ppp_rejected(&mut self, user: &str, rejected: bool) {
        self.ppp_rejected.retain(|u| u != user);
        if rejected {
            self.ppp_rejected.push(user.to_owned());
        }
    }

    /// Whether the device is reachable at `now_ms`.
    pub fn is_up(&self, now_ms: i64) -> bool {
        !self.forced_offline && now_ms >= self.offline_until_ms
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
                        if let Some(known) = &self.known {
                            let k = known.get(p)?;
                            return match what {
                                1 => Some(json!(k.xsd)),
                                2 => k.writable.map(Value::from),
                                _ => Some(json!(k.ts_ms)),
                            };
                        }
                        if self.template.slot(p).is_some_and(|i| !self.slot_read(i)) {
                            // Only listed by GetParameterNames: no value, no type yet.
                            return if what == 2 {
                                writable.map(Value::from)
                            } else {
                                None
                            };
                        }
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
