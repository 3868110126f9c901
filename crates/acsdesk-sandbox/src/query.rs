//! The subset of GenieACS's MongoDB-style queries the sandbox understands (`$and`,
//! `$or`, `$nor`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`, `$exists`,
//! `$regex` with `$options`), over devices or any JSON document. On devices the NBI's
//! value expansion applies: a string is also tried as a number and as a date, `/re/flags`
//! is a regular expression and `*` an anchored wildcard. Dates (`_lastInform`,
//! `_registered`, `_lastBoot`, `_lastBootstrap` on devices; `timestamp`, `expiry`,
//! `uploadDate` elsewhere) compare as instants whether written as ISO text or ms.

use crate::device::SimDevice;
use acsdesk_time::parse_iso;
use regex::Regex;
use serde_json::Value;
use std::cmp::Ordering;

/// Why a query cannot be evaluated (the NBI answers 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// Something a query can be evaluated against.
pub trait Fields {
    /// The value at a (dotted) field.
    fn field(&self, key: &str) -> Option<Value>;
    /// Whether the field holds an instant.
    fn is_date(&self, key: &str) -> bool;
    /// Whether the NBI's value expansion applies (device queries only).
    fn expands(&self) -> bool;
}

impl Fields for SimDevice {
    fn field(&self, key: &str) -> Option<Value> {
        SimDevice::field(self, key)
    }

    fn is_date(&self, key: &str) -> bool {
        matches!(
            key,
            "_lastInform" | "_registered" | "_lastBoot" | "_lastBootstrap"
        )
    }

    fn expands(&self) -> bool {
        true
    }
}

/// A stored JSON document (task, fault, file, preset, …).
impl Fields for Value {
    fn field(&self, key: &str) -> Option<Value> {
        key.split('.').try_fold(self, |v, seg| v.get(seg)).cloned()
    }

    fn is_date(&self, key: &str) -> bool {
        matches!(key, "timestamp" | "expiry" | "uploadDate")
    }

    fn expands(&self) -> bool {
        false
    }
}

/// Whether `doc` matches the query document.
pub fn matches(doc: &impl Fields, query: &Value) -> Result<bool, QueryError> {
    let Some(obj) = query.as_object() else {
        return Err(QueryError("a query must be a JSON object".into()));
    };
    for (key, cond) in obj {
        let ok = match key.as_str() {
            "$and" => {
                let mut all = true;
                for q in list(cond)? {
                    all &= matches(doc, q)?;
                }
                all
            }
            "$or" => {
                let mut any = false;
                for q in list(cond)? {
                    any |= matches(doc, q)?;
                }
                any
            }
            "$nor" => {
                let mut any = false;
                for q in list(cond)? {
                    any |= matches(doc, q)?;
                }
                !any
            }
            k if k.starts_with('$') => return Err(QueryError(format!("unsupported operator {k}"))),
            field => condition(doc, field, cond)?,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn list(v: &Value) -> Result<&Vec<Value>, QueryError> {
    v.as_array()
        .ok_or_else(|| QueryError("$and, $or and $nor take an array".into()))
}

fn regex(pattern: &str, options: &str) -> Result<Regex, QueryError> {
    let flags: String = options.chars().filter(|c| "imsx".contains(*c)).collect();
    let pattern = if flags.is_empty() {
        pattern.to_owned()
    } else {
        format!("(?{flags}){pattern}")
    };
    Regex::new(&pattern).map_err(|e| QueryError(format!("bad regular expression: {e}")))
}

fn condition(doc: &impl Fields, field: &str, cond: &Value) -> Result<bool, QueryError> {
    let value = doc.field(field);
    let is_date = doc.is_date(field);
    let expand = doc.expands();
    let ops = match cond.as_object() {
        Some(ops) if !ops.is_empty() && ops.keys().all(|k| k.starts_with('$')) => ops,
        _ => return equals(value.as_ref(), cond, is_date, expand),
    };
    for (op, arg) in ops {
        let ok = match op.as_str() {
            "$eq" => equals(value.as_ref(), arg, is_date, expand)?,
            "$ne" => !equals(value.as_ref(), arg, is_date, expand)?,
            "$in" | "$nin" => {
                let mut any = false;
                for a in list(arg)? {
                    any |= equals(value.as_ref(), a, is_date, expand)?;
                }
                any == (op == "$in")
            }
            "$exists" => value.is_some() == arg.as_bool().unwrap_or(true),
            "$regex" => {
                let options = ops.get("$options").and_then(Value::as_str).unwrap_or("");
                let re = regex(arg.as_str().unwrap_or_default(), options)?;
                match &value {
                    Some(Value::String(s)) => re.is_match(s),
                    Some(Value::Array(items)) => items
                        .iter()
                        .any(|i| i.as_str().is_some_and(|s| re.is_match(s))),
                    _ => false,
                }
            }
            "$options" => true,
            "$gt" | "$gte" | "$lt" | "$lte" => {
                match compare(value.as_ref(), arg, is_date, expand) {
                    Some(ord) => match op.as_str() {
                        "$gt" => ord == Ordering::Greater,
                        "$gte" => ord != Ordering::Less,
                        "$lt" => ord == Ordering::Less,
                        _ => ord != Ordering::Greater,
                    },
                    None => false,
                }
            }
            other => return Err(QueryError(format!("unsupported operator {other}"))),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn instant(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_iso(s),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// Equality with GenieACS's expansion; arrays (tags) match when an element matches.
fn equals(
    value: Option<&Value>,
    arg: &Value,
    is_date: bool,
    expand: bool,
) -> Result<bool, QueryError> {
    let Some(value) = value else {
        return Ok(arg.is_null());
    };
    if let Value::Array(items) = value {
        if value == arg {
            return Ok(true);
        }
        for item in items {
            if equals(Some(item), arg, is_date, expand)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if is_date {
        return Ok(instant(value).is_some() && instant(value) == instant(arg));
    }
    if value == arg {
        return Ok(true);
    }
    if !expand {
        return Ok(false);
    }
    if let (Some(text), Some(v)) = (arg.as_str(), value.as_str()) {
        if let Some((pattern, flags)) = text.strip_prefix('/').and_then(|t| t.rsplit_once('/')) {
            return Ok(regex(pattern, flags)?.is_match(v));
        }
        if text.contains('*') {
            let pattern = format!("^{}$", regex::escape(text).replace("\\*", ".*"));
            return Ok(Regex::new(&pattern).is_ok_and(|re| re.is_match(v)));
        }
    }
    if let (Some(text), Some(n)) = (arg.as_str(), value.as_f64()) {
        return Ok(text.trim().parse::<f64>().ok() == Some(n));
    }
    Ok(false)
}

/// Ordering for `$gt`…`$lte`: no comparison across types (MongoDB's rule), except the
/// NBI's expansion of a string argument to a number on devices.
fn compare(value: Option<&Value>, arg: &Value, is_date: bool, expand: bool) -> Option<Ordering> {
    let value = value?;
    if is_date {
        return Some(instant(value)?.cmp(&instant(arg)?));
    }
    match (value, arg) {
        (Value::Number(v), Value::Number(a)) => v.as_f64()?.partial_cmp(&a.as_f64()?),
        (Value::Number(v), Value::String(a)) if expand => {
            v.as_f64()?.partial_cmp(&a.trim().parse::<f64>().ok()?)
        }
        (Value::String(v), Value::String(a)) => Some(v.cmp(a)),
        _ => None,
    }
}

/// MongoDB's order of values of different types (null and missing first, then numbers,
/// strings, objects, arrays, booleans), used to sort.
pub fn order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(v: Option<&Value>) -> u8 {
        match v {
            None | Some(Value::Null) => 0,
            Some(Value::Number(_)) => 1,
            Some(Value::String(_)) => 2,
            Some(Value::Object(_)) => 3,
            Some(Value::Array(_)) => 4,
            Some(Value::Bool(_)) => 5,
        }
    }
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            order(x.first(), y.first()).then(x.len().cmp(&y.len()))
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// A sort document's keys in the order written (`{"_lastInform":-1,"_id":1}` sorts by
/// `_lastInform` first), which `serde_json::Map` would lose.
pub fn sort_keys(text: &str) -> Result<Vec<(String, i64)>, String> {
    struct Pairs(Vec<(String, i64)>);
    impl<'de> serde::Deserialize<'de> for Pairs {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Pairs;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a sort object such as {\"_id\": 1}")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Pairs, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        out.push((
                            k,
                            if v.as_f64().is_some_and(|d| d < 0.0) {
                                -1
                            } else {
                                1
                            },
                        ));
                    }
                    Ok(Pairs(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<Pairs>(text)
        .map(|p| p.0)
        .map_err(|e| format!("SyntaxError: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_match_without_the_device_expansion() {
        let task = json!({"_id": "6b01", "name": "download", "device": "A", "timestamp": "2026-11-23T20:59:00.102Z"});
        assert!(matches(&task, &json!({"name": "download"})).unwrap());
        assert!(
            !matches(&task, &json!({"name": "/down/"})).unwrap(),
            "no /re/ outside devices"
        );
        assert!(matches(
            &task,
            &json!({"timestamp": {"$gt": "2026-11-23T20:00:00.000Z"}})
        )
        .unwrap());
        assert!(matches(&task, &json!({"timestamp": {"$lt": 1_795_467_600_000_i64}})).unwrap());
        assert!(matches(
            &task,
            &json!({"name": {"$regex": "^DOWN", "$options": "i"}})
        )
        .unwrap());
        assert!(matches(&task, &json!({"$nor": [{"device": "B"}]})).unwrap());
        let file = json!({"_id": "fw.bin", "metadata": {"productClass": "BM632w"}});
        assert!(matches(&file, &json!({"metadata.productClass": "BM632w"})).unwrap());
        assert!(matches(&file, &json!({"$bad": 1})).is_err());
    }

    #[test]
    fn sort_keys_keep_their_written_order_and_mixed_types_follow_mongodb() {
        assert_eq!(
            sort_keys(r#"{"_lastInform":-1,"_id":1}"#).unwrap(),
            vec![("_lastInform".into(), -1), ("_id".into(), 1)]
        );
        assert!(sort_keys("{_id:1}").unwrap_err().starts_with("SyntaxError"));
        let mut v = [
            Some(json!("b")),
            None,
            Some(json!(2)),
            Some(json!(true)),
            Some(json!("a")),
        ];
        v.sort_by(|a, b| order(a.as_ref(), b.as_ref()));
        assert_eq!(
            v,
            [
                None,
                Some(json!(2)),
                Some(json!("a")),
                Some(json!("b")),
                Some(json!(true))
            ]
        );
    }
}
