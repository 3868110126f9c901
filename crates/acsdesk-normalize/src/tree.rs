//! Read-only access to a GenieACS device document's parameter tree: leaf values by dotted
//! path and expansion of `*` over instance numbers, as GenieACS stores them.

use serde_json::Value;

/// A borrowed GenieACS device document (`{"_id": …, "InternetGatewayDevice": {…}}`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tree<'a>(pub(crate) &'a Value);

impl<'a> Tree<'a> {
    /// The node at a dotted path (object or leaf), if the document has it.
    pub(crate) fn node(&self, path: &str) -> Option<&'a Value> {
        path.split('.')
            .filter(|s| !s.is_empty())
            .try_fold(self.0, |node, segment| node.get(segment))
    }

    /// The `_value` of the leaf at `path`; `None` when absent or the path is an object.
    pub(crate) fn value(&self, path: &str) -> Option<&'a Value> {
        self.node(path)?.get("_value")
    }

    /// The leaf's value as text: strings as they are, numbers and booleans formatted.
    /// Empty strings count as absent: GenieACS devices report unset values as `""`.
    pub(crate) fn text(&self, path: &str) -> Option<String> {
        let text = match self.value(path)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    /// The leaf's value as a number: JSON numbers, or strings that parse as one (some
    /// vendors report counters and percentages as `xsd:string`).
    pub(crate) fn number(&self, path: &str) -> Option<f64> {
        match self.value(path)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|n| n.is_finite())
    }

    /// Whether `path` is a leaf GenieACS lists without a value: seen by
    /// GetParameterNames, never read (`{"_object": false, "_writable": true}`).
    pub(crate) fn unread(&self, path: &str) -> bool {
        self.node(path).is_some_and(|n| {
            n.get("_object") == Some(&Value::Bool(false)) && n.get("_value").is_none()
        })
    }

    /// The leaf's declared type (`xsd:unsignedInt`, …).
    pub(crate) fn xsd_type(&self, path: &str) -> Option<&'a str> {
        self.node(path)?.get("_type")?.as_str()
    }

    /// Expands a pattern whose `*` segments stand for instance numbers into the concrete
    /// object or leaf paths present in the document, in ascending instance order.
    ///
    /// `InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANPPPConnection.*` gives
    /// e.g. `…WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1`.
    pub(crate) fn expand(&self, pattern: &str) -> Vec<String> {
        let mut found = Vec::new();
        let segments: Vec<&str> = pattern.split('.').filter(|s| !s.is_empty()).collect();
        expand_into(self.0, &segments, String::new(), &mut found);
        found
    }
}

fn expand_into(node: &Value, segments: &[&str], prefix: String, out: &mut Vec<String>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(prefix);
        return;
    };
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    if *first == "*" {
        let Some(map) = node.as_object() else { return };
        let mut instances: Vec<(u64, &String, &Value)> = map
            .iter()
            .filter_map(|(k, v)| k.parse::<u64>().ok().map(|n| (n, k, v)))
            .collect();
        instances.sort_by_key(|(n, _, _)| *n);
        for (_, key, child) in instances {
            expand_into(child, rest, join(key), out);
        }
    } else if let Some(child) = node.get(*first) {
        expand_into(child, rest, join(first), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "_id": "X",
            "IGD": {
                "_object": true,
                "WAN": {
                    "2": { "Conn": { "7": { "User": { "_value": "bob", "_type": "xsd:string" } } } },
                    "10": { "Conn": { "1": { "User": { "_value": "", "_type": "xsd:string" } } } },
                    "1": { "Other": { "_value": 5 } },
                    "_object": true
                },
                "Up": { "_value": "  42 ", "_type": "xsd:string" },
                "Flag": { "_value": true, "_type": "xsd:boolean" }
            }
        })
    }

    #[test]
    fn expands_instances_in_numeric_order_and_skips_missing_branches() {
        let d = doc();
        let tree = Tree(&d);
        assert_eq!(
            tree.expand("IGD.WAN.*.Conn.*.User"),
            vec!["IGD.WAN.2.Conn.7.User", "IGD.WAN.10.Conn.1.User"]
        );
        assert!(tree.expand("IGD.LAN.*").is_empty());
    }

    #[test]
    fn values_text_and_numbers() {
        let d = doc();
        let tree = Tree(&d);
        assert_eq!(tree.text("IGD.WAN.2.Conn.7.User").as_deref(), Some("bob"));
        assert_eq!(tree.text("IGD.WAN.10.Conn.1.User"), None, "empty is absent");
        assert_eq!(tree.number("IGD.Up"), Some(42.0));
        assert_eq!(tree.text("IGD.Flag").as_deref(), Some("true"));
        assert_eq!(tree.value("IGD.WAN"), None, "objects have no value");
        assert_eq!(tree.xsd_type("IGD.Flag"), Some("xsd:boolean"));
    }
}
