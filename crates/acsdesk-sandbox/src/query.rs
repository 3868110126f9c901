//! The subset of GenieACS's device query language the sandbox understands, with the
//! NBI's value expansion: a string is also tried as a number and as a date, `/re/flags`
//! is a regular expression and `*` an anchored wildcard; dates compare with
//! `_lastInform`, `_registered` and `_lastBoot`.

use crate::fleet::SimDevice;
use regex::Regex;
use serde_json::Value;
use std::cmp::Ordering;

/// Why a query cannot be evaluated (the NBI answers 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

const DATE_FIELDS: &[&str] = &["_lastInform", "_registered", "_lastBoot"];

fn parse_date(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Whether `device` matches the query document.
pub fn matches(device: &SimDevice, query: &Value) -> Result<bool, QueryError> {
    let Some(obj) = query.as_object() else {
        return Err(QueryError("a query must be a JSON object".into()));
    };
    for (key, cond) in obj {
        let ok = match key.as_str() {
            "$and" => list(cond)?.iter().try_fold(true, |acc, q| {
                Ok::<_, QueryError>(acc && matches(device, q)?)
            })?,
            "$or" => {
                let mut any = false;
                for q in list(cond)? {
                    any |= matches(device, q)?;
                }
                any
            }
            k if k.starts_with('$') => return Err(QueryError(format!("unsupported operator {k}"))),
            field => condition(device, field, cond)?,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn list(v: &Value) -> Result<&Vec<Value>, QueryError> {
    v.as_array()
        .ok_or_else(|| QueryError("$and/$or take an array".into()))
}

fn condition(device: &SimDevice, field: &str, cond: &Value) -> Result<bool, QueryError> {
    let value = device.field(field);
    let is_date = DATE_FIELDS.contains(&field);
    match cond.as_object() {
        Some(ops) if ops.keys().all(|k| k.starts_with('$')) => {
            for (op, arg) in ops {
                let ok = match op.as_str() {
                    "$eq" => equals(value.as_ref(), arg, is_date)?,
                    "$ne" => !equals(value.as_ref(), arg, is_date)?,
                    "$in" => {
                        let mut any = false;
                        for a in list(arg)? {
                            any |= equals(value.as_ref(), a, is_date)?;
                        }
                        any
                    }
                    "$nin" => {
                        let mut any = false;
                        for a in list(arg)? {
                            any |= equals(value.as_ref(), a, is_date)?;
                        }
                        !any
                    }
                    "$exists" => value.is_some() == arg.as_bool().unwrap_or(true),
                    "$regex" => {
                        let re = Regex::new(arg.as_str().unwrap_or_default())
                            .map_err(|e| QueryError(format!("bad regular expression: {e}")))?;
                        value
                            .as_ref()
                            .and_then(Value::as_str)
                            .is_some_and(|s| re.is_match(s))
                    }
                    "$gt" | "$gte" | "$lt" | "$lte" => {
                        match compare(value.as_ref(), arg, is_date) {
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
        _ => equals(value.as_ref(), cond, is_date),
    }
}

/// Equality with GenieACS's expansion; arrays (tags) match when an element matches.
fn equals(value: Option<&Value>, arg: &Value, is_date: bool) -> Result<bool, QueryError> {
    let Some(value) = value else {
        return Ok(arg.is_null());
    };
    if let Value::Array(items) = value {
        for item in items {
            if equals(Some(item), arg, is_date)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if is_date {
        return Ok(compare(Some(value), arg, true) == Some(Ordering::Equal));
    }
    if value == arg {
        return Ok(true);
    }
    if let (Some(text), Some(v)) = (arg.as_str(), value.as_str()) {
        if let Some(re) = text.strip_prefix('/').and_then(|t| t.rsplit_once('/')) {
            let (pattern, flags) = re;
            let pattern = if flags.contains('i') {
                format!("(?i){pattern}")
            } else {
                pattern.to_owned()
            };
            let re = Regex::new(&pattern)
                .map_err(|e| QueryError(format!("bad regular expression: {e}")))?;
            return Ok(re.is_match(v));
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

fn compare(value: Option<&Value>, arg: &Value, is_date: bool) -> Option<Ordering> {
    let value = value?;
    if is_date {
        let v = value.as_i64()?;
        let a = match arg {
            Value::String(s) => parse_date(s)?,
            Value::Number(n) => n.as_i64()?,
            _ => return None,
        };
        return Some(v.cmp(&a));
    }
    match (value, arg) {
        (Value::Number(v), Value::Number(a)) => v.as_f64()?.partial_cmp(&a.as_f64()?),
        (Value::Number(v), Value::String(a)) => {
            v.as_f64()?.partial_cmp(&a.trim().parse::<f64>().ok()?)
        }
        (Value::String(v), Value::String(a)) => Some(v.cmp(a)),
        _ => None,
    }
}
