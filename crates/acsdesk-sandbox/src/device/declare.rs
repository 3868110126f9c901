//! What a provision's `declare` does to one router, as GenieACS carries it out in the
//! session: paths with `*` and aliases (`[Key:Value]`) matched against the router's tree,
//! instance counts made true (objects added or deleted — a factory-fresh router may lack
//! the object a provision configures), values re-read when GenieACS's copy is older
//! than asked, values set when GenieACS's copy differs (so a password, which reads back
//! empty, is set again whenever it was re-read), tags, and `DeviceID.*`. Also what
//! GenieACS records of a factory-fresh router, and such a router's first contact.

use super::cwmp::{coerce, cwmp};
use super::*;
use crate::model::Model;

/// One node a declaration matched, with the attributes GenieACS holds for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declared {
    pub(crate) path: String,
    /// `[value, type]` when GenieACS holds a value.
    pub(crate) value: Option<(Value, &'static str)>,
    pub(crate) writable: Option<bool>,
    pub(crate) object: bool,
}

impl Declared {
    /// As the sandbox's script host hands it to JavaScript.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "path": self.path,
            "value": self.value.as_ref().map(|(v, t)| json!([v, t])),
            "writable": self.writable,
            "object": self.object,
        })
    }
}

/// What a session changed on the router, for the `executed` log.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Changes {
    /// Parameters set (paths only: values may be secrets).
    pub(crate) set: Vec<String>,
    /// Objects added (`X.Y.3`) or deleted (`-X.Y.3`).
    pub(crate) objects: Vec<String>,
    /// Parameters re-read from the router.
    pub(crate) refreshed: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Name(String),
    Any,
    Alias(Vec<(String, String)>),
}

fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut out = Vec::new();
    let mut rest = path.trim_end_matches('.');
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner
                .find(']')
                .ok_or_else(|| format!("Invalid alias in {path}"))?;
            let mut pairs = Vec::new();
            for pair in inner[..end].split(',') {
                let (k, v) = pair
                    .split_once(':')
                    .ok_or_else(|| format!("Invalid alias in {path}"))?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|x| x.strip_suffix('"'))
                    .unwrap_or(v);
                pairs.push((k.trim().to_owned(), v.to_owned()));
            }
            out.push(Seg::Alias(pairs));
            rest = inner[end + 1..].trim_start_matches('.');
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let name = &rest[..end];
            if name.is_empty() {
                return Err(format!("Invalid path {path}"));
            }
            out.push(if name == "*" {
                Seg::Any
            } else {
                Seg::Name(name.to_owned())
            });
            rest = rest[end..].trim_start_matches('.');
        }
    }
    Ok(out)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The GenieACS parameter paths every Inform carries (under the data model's root).
const INFORM_PARAMS: [&str; 6] = [
    "DeviceInfo.HardwareVersion",
    "DeviceInfo.SoftwareVersion",
    "DeviceInfo.ProvisioningCode",
    "DeviceInfo.SpecVersion",
    "ManagementServer.ConnectionRequestURL",
    "ManagementServer.ParameterKey",
];

impl SimDevice {
    /// A router fresh from the factory making first contact at `at`: GenieACS has never
    /// seen it, so its record holds only what the Inform carries; the subscriber's PPPoE
    /// credentials are not set (and a Huawei shipped for DHCP has no PPP connection at
    /// all); it informs every hour, the vendors' default, until a provision says
    /// otherwise. Its first session carries `0 BOOTSTRAP` and `1 BOOT`.
    pub fn factory_new(model: Model, serial: &str, n: u64, at: i64) -> Self {
        let mut dev = SimDevice::generate(0x5eed, n, at);
        let (oui, pc, manufacturer, _, _) = model.identity();
        dev.template = model.template();
        dev.identity = Arc::new(Identity {
            oui: oui.into(),
            product_class: pc.into(),
            manufacturer: manufacturer.into(),
        });
        dev.serial = serial.to_owned();
        dev.id = format!(
            "{}-{}-{}",
            escape_part(oui),
            escape_part(pc),
            escape_part(serial)
        );
        dev.overrides.clear();
        dev.extra.clear();
        dev.removed.clear();
        dev.refreshed.clear();
        dev.tags.clear();
        if let Some(slot) = dev.template.slot_of(&Gen::PppUser) {
            dev.overrides.insert(slot, (json!(""), at));
        }
        if model == Model::Huawei {
            if let Some(wan) = dev.template.wan.clone() {
                dev.removed.push(format!("{wan}."));
            }
        }
        dev.interval_s = 3600;
        dev.registered_ms = at;
        dev.static_ts_ms = at;
        dev.root_ts = None;
        dev.last_inform_ms = at;
        dev.boot_ms = at - 40_000;
        dev.informed_boot_ms = dev.boot_ms;
        dev.last_boot_ms = None;
        dev.last_bootstrap_ms = None;
        dev.pending_boot = Some(true);
        dev.next_inform_ms = at;
        dev.offline_until_ms = 0;
        dev.ppp_forced_fail = false;
        dev.known = Some(BTreeMap::new());
        dev
    }

    /// Whether the Inform carries `path` (GenieACS holds its value from the first
    /// contact).
    pub(crate) fn carried_by_inform(&self, path: &str) -> bool {
        let root = &self.template.root;
        let Some(rest) = path
            .strip_prefix(root.as_str())
            .and_then(|r| r.strip_prefix('.'))
        else {
            return false;
        };
        INFORM_PARAMS.contains(&rest)
            || (root == "InternetGatewayDevice"
                && self
                    .template
                    .wan
                    .as_deref()
                    .is_some_and(|wan| path.strip_prefix(wan) == Some(".ExternalIPAddress")))
    }

    /// What GenieACS learns at every Inform of a router it keeps a record of.
    pub(super) fn learn_inform(&mut self, at: i64) {
        if self.known.is_none() {
            return;
        }
        let root = self.template.root.clone();
        let mut paths: Vec<String> = INFORM_PARAMS
            .iter()
            .map(|p| format!("{root}.{p}"))
            .collect();
        if let Some(wan) = &self.template.wan {
            if root == "InternetGatewayDevice" {
                paths.push(format!("{wan}.ExternalIPAddress"));
            }
        }
        for p in paths {
            self.learn(&p, at);
        }
    }

    /// GenieACS reads `prefix` (a parameter or a whole subtree) from the router at `at`.
    pub(crate) fn learn(&mut self, prefix: &str, at: i64) -> usize {
        let prefix = prefix.trim_end_matches('.');
        if !self.unread.is_empty() {
            let under = format!("{prefix}.");
            self.unread
                .retain(|p, _| !(prefix.is_empty() || p == prefix || p.starts_with(&under)));
        }
        if self.known.is_none() {
            return self.read_slots(prefix);
        }
        let under =
            |p: &str| prefix.is_empty() || p == prefix || p.starts_with(&format!("{prefix}."));
        let leaves: Vec<Leaf<'_>> = match self.live_leaf(prefix) {
            Some(leaf) => vec![leaf],
            None => {
                let paths: Vec<&str> = self.live_paths().filter(|p| under(p)).collect();
                paths
                    .into_iter()
                    .filter_map(|p| self.live_leaf(p))
                    .collect()
            }
        };
        let fresh: Vec<(String, Known)> = leaves
            .into_iter()
            .filter_map(|l| {
                Some((
                    l.path.to_owned(),
                    Known {
                        value: l.value?,
                        xsd: l.xsd.unwrap_or("xsd:string"),
                        writable: l.writable,
                        ts_ms: at,
                    },
                ))
            })
            .collect();
        let n = fresh.len();
        if let Some(known) = &mut self.known {
            known.retain(|p, _| !under(p));
            known.extend(fresh);
        }
        n
    }

    /// GenieACS forgets what it holds under `prefix` (the instance was deleted).
    pub(super) fn forget(&mut self, prefix: &str) {
        if let Some(known) = &mut self.known {
            let prefix = format!("{}.", prefix.trim_end_matches('.'));
            known.retain(|p, _| !p.starts_with(&prefix));
        }
    }

    /// A provision's `clear(path, timestamp)`: GenieACS drops what it read under `path`
    /// before `timestamp`, to read it again.
    pub(crate) fn clear(&mut self, path: &str, timestamp: i64) {
        if let Some(known) = &mut self.known {
            let path = path.trim_end_matches('.');
            known.retain(|p, k| {
                let under = path.is_empty() || p == path || p.starts_with(&format!("{path}."));
                !(under && k.ts_ms < timestamp)
            });
        }
    }

    /// When GenieACS last read `path`'s value (`None`: it holds none).
    fn known_ts(&self, path: &str) -> Option<i64> {
        match &self.known {
            Some(known) => known.get(path).map(|k| k.ts_ms),
            None => {
                let slot = self.template.slot(path);
                match slot {
                    Some(s) => self.slot_ts(s),
                    None => self.extra.get(path).map(|e| e.ts_ms),
                }
            }
        }
    }

    /// The value GenieACS holds for `path` and would compare a declared value with: for
    /// a secret, the value it last set, until a refresh read the empty one back.
    fn held_value(&self, path: &str) -> Option<Value> {
        if self.known.is_some() {
            return self.value(path);
        }
        self.held_secret(path).or_else(|| self.value(path))
    }

    /// For a secret set since its last refresh, the value set: GenieACS keeps what it
    /// wrote, in clear, in the device's document until a refresh reads the router's own
    /// (empty) value back.
    pub(crate) fn held_secret(&self, path: &str) -> Option<Value> {
        let slot = self.template.slot(path)?;
        if self.template.slots[slot].gen != Gen::Secret {
            return None;
        }
        let (v, set_at) = self.overrides.get(&slot)?;
        self.refreshed_at(path)
            .is_none_or(|r| r <= *set_at)
            .then(|| v.clone())
    }

    /// Every node of the router's tree (parameters and objects) with `depth` segments.
    fn nodes_at(&self, depth: usize) -> BTreeMap<String, bool> {
        let mut out = BTreeMap::new();
        for path in self.live_paths() {
            let mut cut = path.match_indices('.').map(|(i, _)| i);
            match cut.nth(depth - 1) {
                None if path.split('.').count() == depth => {
                    out.insert(path.to_owned(), false);
                }
                None => {}
                Some(end) if !out.contains_key(&path[..end]) => {
                    out.insert(path[..end].to_owned(), true);
                }
                Some(_) => {}
            }
        }
        // A table whose every instance is gone is still an object of the tree.
        for removed in &self.removed {
            let instance = removed.trim_end_matches('.');
            if let Some((table, n)) = instance.rsplit_once('.') {
                if n.parse::<u32>().is_ok() && table.split('.').count() == depth {
                    out.entry(table.to_owned()).or_insert(true);
                }
            }
        }
        out
    }

    /// The concrete nodes a parsed path matches: (path, is an object).
    fn resolve(&self, segs: &[Seg]) -> Vec<(String, bool)> {
        if segs.iter().all(|s| matches!(s, Seg::Name(_))) {
            let path = segs
                .iter()
                .map(|s| match s {
                    Seg::Name(n) => n.as_str(),
                    _ => "",
                })
                .collect::<Vec<_>>()
                .join(".");
            return if self.live_leaf(&path).is_some() {
                vec![(path, false)]
            } else if self.has_object(&path) || self.is_empty_table(&path) {
                vec![(path, true)]
            } else {
                Vec::new()
            };
        }
        self.nodes_at(segs.len())
            .into_iter()
            .filter(|(path, _)| {
                let parts: Vec<&str> = path.split('.').collect();
                segs.iter().enumerate().all(|(i, seg)| match seg {
                    Seg::Name(n) => parts[i] == n,
                    Seg::Any => true,
                    Seg::Alias(pairs) => {
                        parts[i].parse::<u32>().is_ok()
                            && pairs.iter().all(|(k, v)| {
                                let p = format!("{}.{k}", parts[..=i].join("."));
                                self.live_value(&p).is_some_and(|x| text_of(&x) == *v)
                            })
                    }
                })
            })
            .collect()
    }

    /// Whether `path` is a table whose every instance was deleted.
    fn is_empty_table(&self, path: &str) -> bool {
        self.removed.iter().any(|r| {
            r.trim_end_matches('.')
                .rsplit_once('.')
                .is_some_and(|(table, n)| table == path && n.parse::<u32>().is_ok())
        })
    }

    /// Makes the count of instances `segs` matches under each parent equal `want`.
    fn make_instances(
        &mut self,
        segs: &[Seg],
        want: u64,
        at: i64,
        changes: &mut Changes,
    ) -> Result<(), CwmpFault> {
        let Some((last, parent)) = segs.split_last() else {
            return Ok(());
        };
        if matches!(last, Seg::Name(_)) {
            return Ok(());
        }
        let parents: Vec<String> = if parent.is_empty() {
            Vec::new()
        } else {
            let mut p: Vec<String> = self
                .resolve(parent)
                .into_iter()
                .filter(|(_, obj)| *obj)
                .map(|(p, _)| p)
                .collect();
            // A multi-instance object with no instance left is no node of the tree.
            if p.is_empty() && parent.iter().all(|s| matches!(s, Seg::Name(_))) {
                p.push(
                    parent
                        .iter()
                        .map(|s| match s {
                            Seg::Name(n) => n.as_str(),
                            _ => "",
                        })
                        .collect::<Vec<_>>()
                        .join("."),
                );
            }
            p
        };
        for object in parents {
            let mut here: Vec<u32> = self
                .resolve(segs)
                .into_iter()
                .filter(|(p, _)| p.starts_with(&format!("{object}.")))
                .filter_map(|(p, _)| p.rsplit('.').next()?.parse().ok())
                .collect();
            here.sort_unstable();
            while (here.len() as u64) < want {
                let n = self.add_object(&object, at)?;
                if let Seg::Alias(pairs) = last {
                    for (k, v) in pairs {
                        let p = format!("{object}.{n}.{k}");
                        if let Some((xsd, _)) = self.meta(&p) {
                            let typed = coerce(&json!(v), xsd).unwrap_or(json!(v));
                            self.set_value(&p, typed, at);
                        }
                    }
                }
                self.learn(&format!("{object}.{n}"), at);
                changes.objects.push(format!("{object}.{n}"));
                here.push(n);
            }
            while (here.len() as u64) > want {
                let Some(n) = here.pop() else { break };
                let instance = format!("{object}.{n}");
                self.delete_object(&instance)?;
                changes.objects.push(format!("-{instance}"));
            }
        }
        Ok(())
    }

    /// Carries out one `declare(path, timestamps, values)` at `at`, as GenieACS would in
    /// the session, and answers what GenieACS then holds for the matched nodes. A CPE
    /// fault (a non-writable parameter set, a value of the wrong type) is the error.
    pub(crate) fn declare(
        &mut self,
        path: &str,
        timestamps: &Value,
        values: &Value,
        at: i64,
        changes: &mut Changes,
    ) -> Result<Vec<Declared>, CwmpFault> {
        let ts = |attr: &str| {
            timestamps
                .get(attr)
                .and_then(Value::as_f64)
                .map(|t| t as i64)
        };
        if let Some(field) = path.strip_prefix("DeviceID.") {
            let v = match field {
                "ID" => Some(self.id.clone()),
                "SerialNumber" => Some(self.serial.clone()),
                "OUI" => Some(self.identity.oui.clone()),
                "ProductClass" => Some(self.identity.product_class.clone()),
                "Manufacturer" => Some(self.identity.manufacturer.clone()),
                _ => None,
            };
            return Ok(v
                .map(|v| Declared {
                    path: path.to_owned(),
                    value: Some((json!(v), "xsd:string")),
                    writable: Some(false),
                    object: false,
                })
                .into_iter()
                .collect());
        }
        if let Some(tag) = path.strip_prefix("Tags.") {
            if let Some(want) = values.get("value") {
                let want = match want {
                    Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
                    v => v.clone(),
                };
                let on = want.as_bool().unwrap_or(false);
                let has = self.tags.iter().any(|t| t == tag);
                if on && !has {
                    self.tags.push(tag.to_owned());
                } else if !on && has {
                    self.tags.retain(|t| t != tag);
                }
            }
            let tags: Vec<&String> = if tag == "*" {
                self.tags.iter().collect()
            } else {
                self.tags.iter().filter(|t| *t == tag).collect()
            };
            return Ok(tags
                .into_iter()
                .map(|t| Declared {
                    path: format!("Tags.{t}"),
                    value: Some((json!(true), "xsd:boolean")),
                    writable: Some(true),
                    object: false,
                })
                .collect());
        }
        let segs = parse_path(path).map_err(|m| cwmp("9005", &m))?;
        if segs.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(want) = values.get("path").and_then(Value::as_u64) {
            self.make_instances(&segs, want, at, changes)?;
        }
        let want_value = values.get("value").map(|v| match v {
            Value::Array(a) => (
                a.first().cloned().unwrap_or(Value::Null),
                a.get(1).and_then(Value::as_str).map(static_xsd),
            ),
            v => (v.clone(), None),
        });
        let mut out = Vec::new();
        for (node, object) in self.resolve(&segs) {
            if object {
                if ts("path").is_some() || ts("value").is_some() {
                    changes.refreshed += self.learn(&node, at);
                }
                out.push(Declared {
                    path: node,
                    value: None,
                    writable: None,
                    object: true,
                });
                continue;
            }
            let stale = |dev: &Self, t: Option<i64>| {
                t.is_some_and(|t| dev.known_ts(&node).is_none_or(|k| k < t))
            };
            // A value to compare with is read first when GenieACS holds none.
            if stale(self, ts("value"))
                || (want_value.is_some() && self.known_ts(&node).is_none())
                || (ts("writable").is_some() && self.known_ts(&node).is_none())
            {
                if self.known.is_some() {
                    changes.refreshed += self.learn(&node, at);
                } else {
                    self.mark_refreshed(node.clone(), at);
                    changes.refreshed += 1;
                }
            }
            if let Some((want, asked_xsd)) = &want_value {
                let Some((xsd, writable)) = self.meta(&node) else {
                    return Err(cwmp("9005", "Invalid parameter name"));
                };
                let xsd = asked_xsd.unwrap_or(xsd);
                let Some(typed) = coerce(want, xsd) else {
                    return Err(cwmp("9007", "Invalid parameter value"));
                };
                if self.held_value(&node).as_ref() != Some(&typed) {
                    if writable == Some(false) {
                        return Err(cwmp("9008", "Attempt to set a non-writable parameter"));
                    }
                    self.set_value(&node, typed, at);
                    changes.set.push(node.clone());
                }
            }
            let (xsd, writable) = self
                .meta(&node)
                .map(|(x, w)| (Some(x), w))
                .unwrap_or((None, None));
            let value = self
                .held_value(&node)
                .filter(|_| self.known_ts(&node).is_some())
                .map(|v| (v, xsd.unwrap_or("xsd:string")));
            out.push(Declared {
                path: node,
                value,
                writable,
                object: false,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declare(dev: &mut SimDevice, path: &str, ts: Value, vals: Value) -> Vec<Declared> {
        dev.declare(path, &ts, &vals, 2_000, &mut Changes::default())
            .unwrap_or_else(|f| panic!("{path}: {f:?}"))
    }

    #[test]
    fn a_factory_fresh_huawei_gets_its_ppp_connection_created_and_set() {
        let mut dev = SimDevice::factory_new(Model::Huawei, "48575443AABBCCDD", 1, 1_000);
        let wan = dev.wan_path().expect("a WAN").to_owned();
        let (conns, _) = wan.rsplit_once('.').expect("an instance");
        assert!(!dev.ppp_ok(), "no PPP connection at the factory");
        assert_eq!(dev.value(&format!("{wan}.Username")), None);
        let mut changes = Changes::default();
        dev.declare(
            &format!("{conns}.*"),
            &json!({}),
            &json!({"path": 1}),
            2_000,
            &mut changes,
        )
        .expect("created");
        assert_eq!(changes.objects, std::slice::from_ref(&wan));
        let set = declare(
            &mut dev,
            &format!("{conns}.*.Username"),
            json!({}),
            json!({"value": "sub-1001"}),
        );
        assert_eq!(set.len(), 1);
        assert_eq!(set[0].value, Some((json!("sub-1001"), "xsd:string")));
        assert!(dev.ppp_ok(), "credentials set");
        // Declaring the count again changes nothing.
        let mut again = Changes::default();
        dev.declare(
            &format!("{conns}.*"),
            &json!({}),
            &json!({"path": 1}),
            3_000,
            &mut again,
        )
        .expect("kept");
        assert!(again.objects.is_empty());
    }

    #[test]
    fn a_secret_is_set_again_only_after_it_was_read_back_empty() {
        let mut dev = SimDevice::factory_new(Model::TpLink, "2200000001", 1, 1_000);
        let psk = dev
            .template
            .slots
            .iter()
            .find(|s| s.gen == Gen::Secret && s.path.contains("WLANConfiguration"))
            .map(|s| s.path.to_string())
            .expect("a WiFi passphrase");
        let mut c = Changes::default();
        dev.declare(
            &psk,
            &json!({}),
            &json!({"value": "s3cret-pass"}),
            2_000,
            &mut c,
        )
        .unwrap();
        assert_eq!(c.set, std::slice::from_ref(&psk));
        let mut c = Changes::default();
        dev.declare(
            &psk,
            &json!({}),
            &json!({"value": "s3cret-pass"}),
            3_000,
            &mut c,
        )
        .unwrap();
        assert!(c.set.is_empty(), "GenieACS holds the value it set");
        // Refreshed every session, the empty read-back makes it set the secret every time.
        let mut c = Changes::default();
        dev.declare(
            &psk,
            &json!({"value": 4_000}),
            &json!({"value": "s3cret-pass"}),
            4_000,
            &mut c,
        )
        .unwrap();
        assert_eq!(c.set, [psk]);
    }

    #[test]
    fn values_are_read_when_older_than_asked_and_faults_are_the_cpes() {
        let mut dev = SimDevice::factory_new(Model::MikroTik, "HG00000001", 1, 1_000);
        let up = "Device.DeviceInfo.UpTime";
        assert_eq!(dev.value(up), None, "never read");
        let r = declare(&mut dev, up, json!({"value": 2_000}), json!({}));
        assert!(r[0].value.is_some());
        assert_eq!(dev.field(&format!("{up}._timestamp")), Some(json!(2_000)));
        // Not older than asked: not read again.
        dev.declare(
            up,
            &json!({"value": 1_500}),
            &json!({}),
            5_000,
            &mut Changes::default(),
        )
        .unwrap();
        assert_eq!(dev.field(&format!("{up}._timestamp")), Some(json!(2_000)));
        let err = dev
            .declare(
                up,
                &json!({}),
                &json!({"value": 5}),
                6_000,
                &mut Changes::default(),
            )
            .expect_err("read-only");
        assert_eq!(err.code, "cwmp.9008");
        let err = dev
            .declare(
                "Device.ManagementServer.PeriodicInformInterval",
                &json!({}),
                &json!({"value": "often"}),
                6_000,
                &mut Changes::default(),
            )
            .expect_err("not a number");
        assert_eq!(err.code, "cwmp.9007");
        let r = declare(
            &mut dev,
            "Device.ManagementServer.PeriodicInformInterval",
            json!({}),
            json!({"value": 300}),
        );
        assert_eq!(r[0].value, Some((json!(300), "xsd:unsignedInt")));
        assert_eq!(dev.interval_s, 300);
        let tagged = declare(
            &mut dev,
            "Tags.acsdesk-cfg-1",
            json!({}),
            json!({"value": true}),
        );
        assert_eq!(tagged.len(), 1);
        assert_eq!(dev.tags, ["acsdesk-cfg-1"]);
        let id = declare(
            &mut dev,
            "DeviceID.SerialNumber",
            json!({"value": 1}),
            json!({}),
        );
        assert_eq!(id[0].value, Some((json!("HG00000001"), "xsd:string")));
    }
}
