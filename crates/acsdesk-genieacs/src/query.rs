//! A typed builder of GenieACS's device query language (MongoDB-style JSON, with the
//! NBI's rewriting: parameter paths get `._value`, strings are also tried as numbers and
//! dates, `/re/flags` is a regular expression).

use serde_json::{json, Map, Value};

/// A device query. `Query::all()` matches every device.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query(Map<String, Value>);

/// An ISO-8601 instant for `_lastInform` comparisons, from Unix milliseconds.
fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

impl Query {
    /// Every device.
    pub fn all() -> Self {
        Self::default()
    }

    fn with(mut self, key: &str, cond: Value) -> Self {
        match self.0.get_mut(key) {
            Some(Value::Object(existing)) if cond.is_object() => {
                if let Value::Object(c) = cond {
                    existing.extend(c);
                }
            }
            _ => {
                self.0.insert(key.to_owned(), cond);
            }
        }
        self
    }

    /// `field == value`.
    pub fn eq(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, value.into())
    }

    /// `field != value`.
    pub fn ne(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, json!({ "$ne": value.into() }))
    }

    /// `field > value`.
    pub fn gt(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, json!({ "$gt": value.into() }))
    }

    /// `field >= value`.
    pub fn gte(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, json!({ "$gte": value.into() }))
    }

    /// `field < value`.
    pub fn lt(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, json!({ "$lt": value.into() }))
    }

    /// `field <= value`.
    pub fn lte(self, field: &str, value: impl Into<Value>) -> Self {
        self.with(field, json!({ "$lte": value.into() }))
    }

    /// Devices that informed at or after `ms` (Unix ms).
    pub fn informed_since(self, ms: i64) -> Self {
        self.gte("_lastInform", iso(ms))
    }

    /// `field` is one of `values`.
    pub fn one_of(self, field: &str, values: impl IntoIterator<Item = impl Into<Value>>) -> Self {
        let list: Vec<Value> = values.into_iter().map(Into::into).collect();
        self.with(field, json!({ "$in": list }))
    }

    /// `field` exists (or not).
    pub fn exists(self, field: &str, exists: bool) -> Self {
        self.with(field, json!({ "$exists": exists }))
    }

    /// `field` matches a regular expression.
    pub fn regex(self, field: &str, pattern: &str) -> Self {
        self.with(field, json!({ "$regex": pattern }))
    }

    /// Devices with a tag.
    pub fn tag(self, tag: &str) -> Self {
        self.eq("_tags", tag)
    }

    /// Any of the queries.
    pub fn or(queries: impl IntoIterator<Item = Query>) -> Self {
        Self::default().with(
            "$or",
            Value::Array(queries.into_iter().map(|q| Value::Object(q.0)).collect()),
        )
    }

    /// All of the queries.
    pub fn and(queries: impl IntoIterator<Item = Query>) -> Self {
        Self::default().with(
            "$and",
            Value::Array(queries.into_iter().map(|q| Value::Object(q.0)).collect()),
        )
    }

    /// The query document.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// Whether this is the empty query.
    pub fn is_all(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_genieacs_query_json() {
        let q = Query::all()
            .eq("_deviceId._SerialNumber", "000100")
            .gte("InternetGatewayDevice.DeviceInfo.UpTime", 60)
            .lt("InternetGatewayDevice.DeviceInfo.UpTime", 600);
        assert_eq!(
            q.to_value(),
            json!({
                "_deviceId._SerialNumber": "000100",
                "InternetGatewayDevice.DeviceInfo.UpTime": {"$gte": 60, "$lt": 600}
            })
        );
        assert_eq!(
            Query::all().informed_since(1_795_467_540_000).to_value(),
            json!({"_lastInform": {"$gte": "2026-11-23T20:59:00.000Z"}})
        );
        let or = Query::or([Query::all().eq("_id", "a"), Query::all().tag("vip")]);
        assert_eq!(
            or.to_value(),
            json!({"$or": [{"_id": "a"}, {"_tags": "vip"}]})
        );
        assert_eq!(
            Query::all()
                .one_of("_id", ["a", "b"])
                .exists("Device.WiFi", true)
                .to_value(),
            json!({"_id": {"$in": ["a", "b"]}, "Device.WiFi": {"$exists": true}})
        );
        assert!(Query::all().is_all());
    }
}
