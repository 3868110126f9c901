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
