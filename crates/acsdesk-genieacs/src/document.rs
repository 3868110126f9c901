//! A GenieACS device document: the parameter tree (`_value`, `_type`, `_timestamp`,
//! `_writable`, `_object`) and the device attributes (`_id`, `_deviceId`, `_lastInform`,
//! `_lastBoot`, `_registered`, `_tags`), with lookup by dotted path and wildcards.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One device document as GenieACS returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceDocument(pub Value);

impl DeviceDocument {
    /// `_id`.
    pub fn id(&self) -> Option<&str> {
        self.0.get("_id")?.as_str()
    }

    /// A `_deviceId` field (`_SerialNumber`, `_OUI`, `_ProductClass`, `_Manufacturer`).
    pub fn device_id(&self, field: &str) -> Option<&str> {
        self.0.get("_deviceId")?.get(field)?.as_str()
    }

    /// `_lastInform` as GenieACS wrote it (ISO-8601).
    pub fn last_inform(&self) -> Option<&str> {
        self.0.get("_lastInform")?.as_str()
    }

    /// `_lastBoot` (ISO-8601): the last inform carrying a `1 BOOT` event.
    pub fn last_boot(&self) -> Option<&str> {
        self.0.get("_lastBoot")?.as_str()
    }

    /// `_lastBootstrap` (ISO-8601): the last `0 BOOTSTRAP` inform.
    pub fn last_bootstrap(&self) -> Option<&str> {
        self.0.get("_lastBootstrap")?.as_str()
    }

    /// `_registered` (ISO-8601): when GenieACS first saw the device.
    pub fn registered(&self) -> Option<&str> {
        self.0.get("_registered")?.as_str()
    }

    /// `_tags`.
    pub fn tags(&self) -> Vec<&str> {
        self.0
            .get("_tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The node at a dotted path.
    pub fn node(&self, path: &str) -> Option<&Value> {
        path.split('.')
            .filter(|s| !s.is_empty())
            .try_fold(&self.0, |n, s| n.get(s))
    }

    /// The `_value` at a dotted path.
    pub fn value(&self, path: &str) -> Option<&Value> {
        self.node(path)?.get("_value")
    }

    /// Whether the parameter at `path` is writable.
    pub fn writable(&self, path: &str) -> Option<bool> {
        self.node(path)?.get("_writable")?.as_bool()
    }

    /// The xsd type GenieACS recorded for a parameter (`xsd:unsignedInt`).
    pub fn xsd_type(&self, path: &str) -> Option<&str> {
        self.node(path)?.get("_type")?.as_str()
    }

    /// When GenieACS last read the node at `path` from the device (ISO-8601; objects
    /// and leaves both carry one).
    pub fn timestamp(&self, path: &str) -> Option<&str> {
        self.node(path)?.get("_timestamp")?.as_str()
    }

    /// Whether the node is an object (`_object: true`) rather than a leaf; `None` when
    /// GenieACS has not learnt which yet.
    pub fn is_object(&self, path: &str) -> Option<bool> {
        self.node(path)?.get("_object")?.as_bool()
    }

    /// The instance numbers under a multi-instance object (`…WLANConfiguration` →
    /// `[1, 5]`), ascending. Instance numbers are never assumed to start at 1.
    pub fn instances(&self, object: &str) -> Vec<u64> {
        let mut n: Vec<u64> = self
            .node(object)
            .and_then(Value::as_object)
            .map(|m| m.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        n.sort_unstable();
        n
    }

    /// Every leaf parameter (a node with `_value`) under `prefix` (all when empty), as
    /// `(path, value)` in path order.
    pub fn leaves(&self, prefix: &str) -> Vec<(String, &Value)> {
        self.parameters(prefix)
            .into_iter()
            .map(|p| (p.path, p.value))
            .collect()
    }

    /// Every leaf parameter under `prefix` (all when empty) with what GenieACS recorded
    /// of it — type, writability, when it was read — in path order.
    pub fn parameters(&self, prefix: &str) -> Vec<Parameter<'_>> {
        fn walk<'a>(node: &'a Value, path: String, out: &mut Vec<Parameter<'a>>) {
            let Some(map) = node.as_object() else { return };
            if let Some(v) = map.get("_value") {
                out.push(Parameter {
                    path: path.clone(),
                    value: v,
                    xsd: map.get("_type").and_then(Value::as_str),
                    writable: map.get("_writable").and_then(Value::as_bool),
                    timestamp: map.get("_timestamp").and_then(Value::as_str),
                });
            }
            for (k, child) in map {
                if k.starts_with('_') {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(child, p, out);
            }
        }
        let mut out = Vec::new();
        let start = prefix.trim_end_matches('.');
        if let Some(node) = self.node(start) {
            walk(node, start.to_owned(), &mut out);
        }
        out.retain(|p| !p.path.starts_with('_'));
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// The concrete paths matching a pattern whose `*` segments are instance numbers, in
    /// ascending instance order.
    pub fn expand(&self, pattern: &str) -> Vec<String> {
        fn walk(node: &Value, segs: &[&str], prefix: String, out: &mut Vec<String>) {
            let Some((first, rest)) = segs.split_first() else {
                out.push(prefix);
                return;
            };
            let join = |k: &str| {
                if prefix.is_empty() {
                    k.to_owned()
                } else {
                    format!("{prefix}.{k}")
                }
            };
            if *first == "*" {
                let Some(map) = node.as_object() else { return };
                let mut keys: Vec<(u64, &String, &Value)> = map
                    .iter()
                    .filter_map(|(k, v)| k.parse().ok().map(|n| (n, k, v)))
                    .collect();
                keys.sort_by_key(|k| k.0);
                for (_, k, v) in keys {
                    walk(v, rest, join(k), out);
                }
            } else if let Some(child) = node.get(*first) {
                walk(child, rest, join(first), out);
            }
        }
        let segs: Vec<&str> = pattern.split('.').filter(|s| !s.is_empty()).collect();
        let mut out = Vec::new();
        walk(&self.0, &segs, String::new(), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str) -> DeviceDocument {
        let mut docs: Vec<DeviceDocument> =
            serde_json::from_slice(&acsdesk_captures::fixture_bytes(name)).unwrap();
        docs.remove(0)
    }

    #[test]
    fn the_recorded_tr098_document_reads_by_path() {
        let d = doc("device-full-tr098.json");
        assert_eq!(d.id(), Some("202BC1-BM632w-000000"));
        assert_eq!(d.device_id("_OUI"), Some("202BC1"));
        assert_eq!(d.device_id("_ProductClass"), Some("BM632w"));
        assert!(d.last_inform().is_some_and(|t| t.ends_with('Z')));
        assert!(d.registered().is_some());
        let up = "InternetGatewayDevice.DeviceInfo.UpTime";
        assert_eq!(d.xsd_type(up), Some("xsd:unsignedInt"));
        assert!(d.value(up).is_some_and(Value::is_u64));
        assert_eq!(d.writable(up), Some(false));
        assert!(d.timestamp(up).is_some());
        assert_eq!(d.is_object("InternetGatewayDevice.DeviceInfo"), Some(true));
        assert_eq!(d.is_object(up), Some(false));
        let ssid = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID";
        assert_eq!(d.writable(ssid), Some(true));
        assert_eq!(
            d.instances("InternetGatewayDevice.LANDevice.1.WLANConfiguration"),
            vec![1]
        );
        assert_eq!(
            d.expand("InternetGatewayDevice.LANDevice.*.WLANConfiguration.*.SSID"),
            vec![ssid.to_owned()]
        );
        let leaves = d.leaves("");
        assert_eq!(leaves.len(), 792, "the capture holds 792 leaf parameters");
        assert!(leaves.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(d
            .leaves("InternetGatewayDevice.DeviceInfo")
            .iter()
            .all(|(p, _)| p.starts_with("InternetGatewayDevice.DeviceInfo.")));
        assert!(d.node("InternetGatewayDevice.NoSuch").is_none());
        assert!(d.instances("InternetGatewayDevice.NoSuch").is_empty());
    }

    #[test]
    fn the_recorded_tr181_document_reads_by_path() {
        let d = doc("device-full-tr181.json");
        assert_eq!(d.id(), Some("9CA2F4-EC220%2DG5-000100"));
        assert_eq!(d.device_id("_ProductClass"), Some("EC220-G5"));
        // 753 data-model parameters plus the virtual parameter WiFiSSID.
        assert_eq!(d.leaves("Device").len(), 753);
        assert_eq!(d.leaves("").len(), 754);
        assert_eq!(
            d.value("VirtualParameters.WiFiSSID"),
            Some(&Value::from("TP-Link_0CE8"))
        );
        assert!(!d.expand("Device.WiFi.SSID.*.SSID").is_empty());
        assert!(!d.instances("Device.WiFi.SSID").is_empty());
        assert_eq!(d.tags(), vec!["tr181", "lab-reference"]);
        assert_eq!(d.instances("Device.WiFi.SSID"), vec![1, 2, 3, 4]);
    }
}

/// A leaf parameter of a device document.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter<'a> {
    /// Its full path.
    pub path: String,
    /// Its value as GenieACS stores it.
    pub value: &'a Value,
    /// `xsd:string`, `xsd:unsignedInt`, … when recorded.
    pub xsd: Option<&'a str>,
    /// Whether the device lets it be set, when recorded.
    pub writable: Option<bool>,
    /// When GenieACS last read it (ISO-8601).
    pub timestamp: Option<&'a str>,
}
