//! A typed builder of GenieACS's device query language (MongoDB-style JSON, with the
//! NBI's rewriting: parameter paths get `._value`, strings are also tried as numbers and
//! dates, `/re/flags` is a regular expression).

use serde_json::{json, Map, Value};

/// A device query. `Query::all()` matches every device.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query(Map<String, Value>);

/// Whether GenieACS's NBI would try a query value as several types (a string that may
/// also read as a number, a date, a `/regex/` or a `*` wildcard). Erring towards `true`
/// only makes a query take its longer, equivalent form.
fn expands(value: &Value) -> bool {
    match value {
        Value::String(s) => s
            .chars()
            .any(|c| c.is_ascii_digit() || c == '/' || c == '*'),
        _ => false,
    }
}

impl Query {
    /// Every device.
    pub fn all() -> Self {
        Self::default()
    }

    fn with(mut self, key: &str, cond: Value) -> Self {
        match self.0.get_mut(key) {
            Some(Value::Object(existing)) if cond.is_object() => {
                let Value::Object(c) = cond else {
                    return self;
                };
                let mixes_ne = |a: &Map<String, Value>, b: &Map<String, Value>| {
                    a.get("$ne").or_else(|| b.get("$ne")).is_some_and(expands)
                };
                if mixes_ne(existing, &c) {
                    // GenieACS's NBI drops the connection when `$ne` on a value that
                    // expands to several types shares an object with another operator;
                    // as its own `$and` clause it is the same query and safe.
                    let clause = json!({ key: Value::Object(c) });
                    match self.0.get_mut("$and") {
                        Some(Value::Array(list)) => list.push(clause),
                        _ => {
                            self.0.insert("$and".into(), Value::Array(vec![clause]));
                        }
                    }
                } else {
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
        self.gte("_lastInform", acsdesk_time::iso(ms))
    }

    /// Devices that informed strictly after `ms` (Unix ms).
    pub fn informed_after(self, ms: i64) -> Self {
        self.gt("_lastInform", acsdesk_time::iso(ms))
    }

    /// Devices whose last inform was before `ms` (Unix ms): the silent ones.
    pub fn informed_before(self, ms: i64) -> Self {
        self.lt("_lastInform", acsdesk_time::iso(ms))
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

    /// `field` matches a regular expression (`$regex`; works on `_id`, `_tags` and
    /// `_deviceId.*` as on parameters).
    pub fn regex(self, field: &str, pattern: &str) -> Self {
        self.with(field, json!({ "$regex": pattern }))
    }

    /// A parameter's value matches a regular expression, optionally ignoring case: the
    /// NBI's `"/pattern/i"` value form.
    pub fn matches(self, parameter: &str, pattern: &str, ignore_case: bool) -> Self {
        let flags = if ignore_case { "i" } else { "" };
        self.with(parameter, Value::String(format!("/{pattern}/{flags}")))
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
        assert_eq!(
            Query::all()
                .informed_after(1_795_467_540_000)
                .informed_before(1_795_467_600_123)
                .to_value(),
            json!({"_lastInform": {
                "$gt": "2026-11-23T20:59:00.000Z",
                "$lt": "2026-11-23T21:00:00.123Z"
            }})
        );
        let or = Query::or([Query::all().eq("_id", "a"), Query::all().tag("vip")]);
        assert_eq!(
            or.to_value(),
            json!({"$or": [{"_id": "a"}, {"_tags": "vip"}]})
        );
        let and = Query::and([Query::all().gt("n", 1), Query::all().lte("n", 9)]);
        assert_eq!(
            and.to_value(),
            json!({"$and": [{"n": {"$gt": 1}}, {"n": {"$lte": 9}}]})
        );
        assert_eq!(
            Query::all()
                .one_of("_id", ["a", "b"])
                .exists("Device.WiFi", true)
                .regex("_deviceId._SerialNumber", "^00")
                .matches("Device.WiFi.SSID.1.SSID", "^lab-wifi", true)
                .to_value(),
            json!({
                "_id": {"$in": ["a", "b"]},
                "Device.WiFi": {"$exists": true},
                "_deviceId._SerialNumber": {"$regex": "^00"},
                "Device.WiFi.SSID.1.SSID": "/^lab-wifi/i"
            })
        );
        assert!(Query::all().is_all());
    }

    #[test]
    fn ne_keeps_the_recorded_form_unless_the_nbi_would_crash_on_it() {
        // Accepted by GenieACS (devices-query-ne-and-exists): "x" has one type.
        let ok = Query::all()
            .ne("InternetGatewayDevice.DeviceInfo.SoftwareVersion", "x")
            .exists("InternetGatewayDevice.DeviceInfo.SoftwareVersion", true);
        assert_eq!(
            ok.to_value(),
            json!({"InternetGatewayDevice.DeviceInfo.SoftwareVersion": {"$ne": "x", "$exists": true}})
        );
        // Dropped connection (error-query-mix-ne-with-other-operator-crash): "40501" is
        // also a number, so the `$ne` moves to its own clause.
        let hw = "InternetGatewayDevice.DeviceInfo.HardwareVersion";
        let split = Query::all().ne(hw, "40501").exists(hw, true);
        assert_eq!(
            split.to_value(),
            json!({hw: {"$ne": "40501"}, "$and": [{hw: {"$exists": true}}]})
        );
        let other_order = Query::all().exists(hw, true).ne(hw, "40501").gt(hw, "1");
        assert_eq!(
            other_order.to_value(),
            json!({hw: {"$exists": true, "$gt": "1"}, "$and": [{hw: {"$ne": "40501"}}]})
        );
        // The crash's exact form can no longer be built.
        let crash =
            crate::test_support::decoded_query("error-query-mix-ne-with-other-operator-crash");
        assert_ne!(split.to_value(), crash);
        assert_ne!(other_order.to_value(), crash);
    }
}
