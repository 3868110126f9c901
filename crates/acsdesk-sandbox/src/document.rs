//! A device's GenieACS document, as the NBI returns it: the parameter tree (leaves with
//! `_value`, `_type`, `_timestamp`, `_writable`, `_object`; objects with their own
//! `_object`, `_writable`, `_timestamp`) and the device's attributes, optionally projected.
//! A projection keeps the nesting down to the projected paths; objects carry their own
//! attributes only at or below a projected object, as the captures show.

use crate::device::SimDevice;
use acsdesk_time::iso;
use serde_json::{json, Map, Value};

fn covers(p: &str, path: &str) -> bool {
    path == p || (path.len() > p.len() && path.starts_with(p) && path.as_bytes()[p.len()] == b'.')
}

/// The document of `dev`, with only `projection`'s paths when given.
pub(crate) fn render(dev: &SimDevice, projection: Option<&[String]>) -> Value {
    let wants = |path: &str| projection.is_none_or(|list| list.iter().any(|p| covers(p, path)));
    let mut doc = Map::new();
    doc.insert("_id".into(), json!(dev.id));
    let ident = dev.identity();
    let device_id = json!({
        "_Manufacturer": ident.manufacturer,
        "_OUI": ident.oui,
        "_ProductClass": ident.product_class,
        "_SerialNumber": dev.serial,
    });
    match projection {
        None => {
            doc.insert("_deviceId".into(), device_id);
        }
        Some(list) => {
            if list.iter().any(|p| p == "_deviceId") {
                doc.insert("_deviceId".into(), device_id);
            } else {
                let mut part = Map::new();
                for p in list {
                    if let Some(field) = p.strip_prefix("_deviceId.") {
                        if let Some(v) = device_id.get(field) {
                            part.insert(field.to_owned(), v.clone());
                        }
                    }
                }
                if !part.is_empty() {
                    doc.insert("_deviceId".into(), Value::Object(part));
                }
            }
        }
    }
    let dates = [
        ("_lastInform", Some(dev.last_inform_ms)),
        ("_registered", Some(dev.registered_ms)),
        ("_lastBoot", dev.last_boot_ms),
        ("_lastBootstrap", dev.last_bootstrap_ms),
        ("_timestamp", dev.root_ts),
    ];
    for (key, at) in dates {
        if let Some(at) = at {
            if wants(key) {
                doc.insert(key.into(), json!(iso(at)));
            }
        }
    }
    if !dev.tags.is_empty() && wants("_tags") {
        doc.insert("_tags".into(), json!(dev.tags));
    }
    for leaf in dev.leaves() {
        if !wants(leaf.path) {
            continue;
        }
        let segments: Vec<&str> = leaf.path.split('.').collect();
        let Some(node) = parent(&mut doc, &segments[..segments.len() - 1], dev, &wants) else {
            continue;
        };
        let mut m = Map::new();
        m.insert("_object".into(), json!(false));
        if let Some(v) = dev.held_secret(leaf.path).or(leaf.value) {
            m.insert("_value".into(), v);
        }
        if let Some(t) = leaf.xsd {
            m.insert("_type".into(), json!(t));
        }
        if let Some(ts) = leaf.ts {
            m.insert("_timestamp".into(), json!(iso(ts)));
        }
        if let Some(w) = leaf.writable {
            m.insert("_writable".into(), json!(w));
        }
        node.insert(segments[segments.len() - 1].to_owned(), Value::Object(m));
    }
    // Objects GenieACS knows with no parameters in them (an empty table, say).
    for path in dev.template.objects.keys() {
        if !wants(path) || dev.is_removed(&format!("{path}.")) {
            continue;
        }
        let segments: Vec<&str> = path.split('.').collect();
        let _ = parent(&mut doc, &segments, dev, &wants);
    }
    Value::Object(doc)
}

/// The node at `segments` (created with its attributes where the projection reaches).
fn parent<'a>(
    doc: &'a mut Map<String, Value>,
    segments: &[&str],
    dev: &SimDevice,
    wants: &dyn Fn(&str) -> bool,
) -> Option<&'a mut Map<String, Value>> {
    let mut node = doc;
    let mut at = String::new();
    for seg in segments {
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(seg);
        let map = node
            .entry((*seg).to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()?;
        if wants(&at) && !map.contains_key("_object") {
            object_attributes(dev, &at, seg, map);
        }
        node = map;
    }
    Some(node)
}

/// An object node's own attributes: as recorded for imported devices (GenieACS learns
/// `_writable` and `_timestamp` only when it reads the object), complete otherwise.
fn object_attributes(dev: &SimDevice, path: &str, seg: &str, map: &mut Map<String, Value>) {
    map.insert("_object".into(), json!(true));
    match dev.template.objects.get(path) {
        Some(recorded) => {
            if let Some(w) = recorded.writable {
                map.insert("_writable".into(), json!(w));
            }
            if recorded.ts.is_some() || dev.object_refreshed(path) {
                map.insert("_timestamp".into(), json!(iso(dev.object_ts(path))));
            }
        }
        // A router GenieACS has only met through informs: its objects as the names
        // listed them, without `_writable` or `_timestamp`, until one is read.
        None if dev.read.is_some() && !dev.object_refreshed(path) => {}
        None => {
            map.insert("_writable".into(), json!(seg.parse::<u32>().is_ok()));
            map.insert("_timestamp".into(), json!(iso(dev.object_ts(path))));
        }
    }
}
