//! The CWMP methods GenieACS tasks become, as a CPE executes them: get, set (typed),
//! add and delete objects, refresh, reboot, factory reset, download — with the faults a
//! CPE answers.

use super::*;

pub(super) fn cwmp(code: &str, message: &str) -> CwmpFault {
    CwmpFault {
        code: format!("cwmp.{code}"),
        message: message.to_owned(),
    }
}

/// A value as a device stores it after a `setParameterValues` with this type: GenieACS
/// sends the value typed, the CPE keeps it typed. `None` when it is not of the type.
pub(super) fn coerce(value: &Value, xsd: &str) -> Option<Value> {
    match (xsd, value) {
        ("xsd:boolean", Value::Bool(_)) => Some(value.clone()),
        ("xsd:boolean", Value::String(s)) => match s.trim() {
            "true" | "1" => Some(json!(true)),
            "false" | "0" => Some(json!(false)),
            _ => None,
        },
        ("xsd:boolean", Value::Number(n)) => match n.as_u64() {
            Some(1) => Some(json!(true)),
            Some(0) => Some(json!(false)),
            _ => None,
        },
        ("xsd:int" | "xsd:long", Value::Number(n)) => n.as_i64().map(Value::from),
        ("xsd:unsignedInt" | "xsd:unsignedLong", Value::Number(n)) => n.as_u64().map(Value::from),
        ("xsd:int" | "xsd:long", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        ("xsd:unsignedInt" | "xsd:unsignedLong", Value::String(s)) => {
            s.trim().parse::<u64>().ok().map(Value::from)
        }
        (_, Value::String(_)) => Some(value.clone()),
        (_, Value::Number(n)) => Some(Value::String(n.to_string())),
        (_, Value::Bool(b)) => Some(Value::String(b.to_string())),
        _ => None,
    }
}

pub(super) fn default_of(xsd: &str) -> Value {
    match xsd {
        "xsd:boolean" => json!(false),
        "xsd:int" | "xsd:long" | "xsd:unsignedInt" | "xsd:unsignedLong" => json!(0),
        _ => json!(""),
    }
}

impl SimDevice {
    /// Runs a task in a session at `at`, as the CPE would answer the CWMP methods it
    /// becomes. `files` says what GenieACS holds (name → (version, fails)); `fail_roll`
    /// is a random draw in [0, 1) against `failure_rate` for downloads.
    pub(crate) fn execute(
        &mut self,
        task: &Value,
        at: i64,
        files: &Files<'_>,
        download_failure_rate: f64,
    ) -> Result<(), CwmpFault> {
        let name = task["name"].as_str().unwrap_or_default();
        if self.unsupported.iter().any(|u| u == name) {
            return Err(cwmp("9000", "Method not supported"));
        }
        match name {
            "getParameterValues" => {
                let names: Vec<String> = task["parameterNames"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                // GenieACS answers its own aliases (`DeviceID.*`, `Tags.*`, `Events.*`)
                // from what it holds; the router never sees them.
                let names: Vec<String> = names
                    .into_iter()
                    .filter(|p| {
                        !["DeviceID.", "Tags.", "Events."]
                            .iter()
                            .any(|alias| p.starts_with(alias) || p == alias.trim_end_matches('.'))
                    })
                    .collect();
                // An imported device's tree is what GenieACS had recorded; the router
                // itself may hold more, so only simulated devices refuse unknown names.
                for p in &names {
                    let known = self.template.slot(p).is_some()
                        || self.extra.contains_key(p.as_str())
                        || self.has_object(p);
                    if self.simulated && !known {
                        return Err(cwmp("9005", "Invalid parameter name"));
                    }
                }
                for p in names {
                    self.mark_refreshed(p, at);
                }
            }
            "refreshObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_owned();
                if !object.is_empty()
                    && !self.has_object(&object)
                    && self.live_value(&object).is_none()
                {
                    return Err(cwmp("9005", "Invalid parameter name"));
                }
                self.mark_refreshed(object, at);
            }
            "provisions" => {}
            "setParameterValues" => {
                let values = task["parameterValues"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let mut typed = Vec::new();
                for v in &values {
                    let path = v[0].as_str().unwrap_or_default();
                    let Some((xsd, writable)) = self.meta(path) else {
                        return Err(cwmp("9005", "Invalid parameter name"));
                    };
                    if writable == Some(false) {
                        return Err(cwmp("9008", "Attempt to set a non-writable parameter"));
                    }
                    let xsd = v
                        .get(2)
                        .and_then(Value::as_str)
                        .map(static_xsd)
                        .unwrap_or(xsd);
                    let Some(value) = coerce(&v[1], xsd) else {
                        return Err(cwmp("9007", "Invalid parameter value"));
                    };
                    typed.push((path.to_owned(), value));
                }
                for (path, value) in &typed {
                    self.set_value(path, value.clone(), at);
                }
                self.request_diagnostics(&typed, at);
            }
            "addObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.');
                self.add_object(object, at)?;
            }
            "deleteObject" => {
                let object = task["objectName"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_owned();
                self.delete_object(&object)?;
            }
            // GenieACS records when it ran them, at the root of the document.
            "reboot" => {
                self.reboot(at);
                self.declare_time("Reboot", at);
            }
            "factoryReset" => {
                self.factory_reset(at);
                self.declare_time("FactoryReset", at);
            }
            "download" => {
                let file = task["file"]
                    .as_str()
                    .or_else(|| task["fileName"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                let file_type = task["fileType"]
                    .as_str()
                    .unwrap_or("1 Firmware Upgrade Image")
                    .to_owned();
                let stored = files(&file);
                let fails = match &stored {
                    None => Some(cwmp("9016", "Unexpected response 404")),
                    Some((_, true)) => {
                        Some(cwmp("9010", "Download failed: the image was rejected"))
                    }
                    Some(_) if self.rng.unit() < download_failure_rate => {
                        Some(cwmp("9010", "Download failed: transfer interrupted"))
                    }
                    Some(_) => None,
                };
                let transfer_ms = 20_000 + self.rng.range(0, 100_000) as i64;
                let task_id = task["_id"].as_str().unwrap_or_default().to_owned();
                let dl = "Downloads.1";
                for (leaf, value, xsd) in [
                    ("FileType", json!(file_type), "xsd:string"),
                    ("FileName", json!(file), "xsd:string"),
                    ("TargetFileName", json!(""), "xsd:string"),
                    ("Download", json!(iso(at)), "xsd:dateTime"),
                ] {
                    self.extra.insert(
                        format!("{dl}.{leaf}"),
                        Extra {
                            value,
                            xsd,
                            writable: Some(true),
                            ts_ms: at,
                        },
                    );
                }
                self.pending_download = Some(Download {
                    file,
                    version: stored.and_then(|(v, _)| v),
                    fails,
                    done_at_ms: at + transfer_ms,
                    task_id,
                    file_type,
                    started_ms: at,
                });
                // GenieACS deleted the task at the DownloadResponse; the CPE reports
                // the transfer at its next session after it (periodic, or a
                // connection request's), then boots the image.
            }
            _ => return Err(cwmp("9000", "Method not supported")),
        }
        let id = task["_id"].as_str().unwrap_or_default().to_owned();
        self.executed.push((at, name.to_owned(), id));
        Ok(())
    }

    /// A value GenieACS declares at the document's root (`Reboot`, `FactoryReset`): the
    /// instant it ran that task.
    pub(super) fn declare_time(&mut self, path: &str, at: i64) {
        self.extra.insert(
            path.to_owned(),
            Extra {
                value: json!(iso(at)),
                xsd: "xsd:dateTime",
                writable: None,
                ts_ms: at,
            },
        );
    }

    /// `deleteObject` of an instance (`X.Y.2`).
    pub(super) fn delete_object(&mut self, object: &str) -> Result<(), CwmpFault> {
        let is_instance = object
            .rsplit('.')
            .next()
            .is_some_and(|s| s.parse::<u32>().is_ok());
        if !is_instance || !self.has_object(object) {
            return Err(cwmp("9005", "Invalid parameter name"));
        }
        let prefix = format!("{object}.");
        self.extra.retain(|p, _| !p.starts_with(&prefix));
        self.removed.push(prefix);
        self.forget(object);
        Ok(())
    }

    pub(super) fn mark_refreshed(&mut self, prefix: String, at: i64) {
        let prefix = prefix.trim_end_matches('.').to_owned();
        self.learn(&prefix, at);
        if prefix.is_empty() || prefix == self.template.root {
            self.refreshed.clear();
            self.static_ts_ms = self.static_ts_ms.max(at);
            self.root_ts = Some(at);
        }
        self.refreshed
            .retain(|(p, _)| !(p.starts_with(&prefix) || prefix.is_empty()));
        self.refreshed.push((prefix, at));
        if self.refreshed.len() > 32 {
            self.refreshed.remove(0);
        }
    }

    /// Whether an object path exists (some parameter lives under it).
    pub(crate) fn has_object(&self, path: &str) -> bool {
        let prefix = format!("{}.", path.trim_end_matches('.'));
        self.template
            .slots
            .iter()
            .any(|s| s.path.starts_with(&prefix) && !self.is_removed(&s.path))
            || self.extra.keys().any(|p| p.starts_with(&prefix))
    }

    /// `addObject`: a new instance of a multi-instance object, with the parameters of its
    /// lowest instance at their type's default.
    pub(super) fn add_object(&mut self, object: &str, at: i64) -> Result<u32, CwmpFault> {
        let prefix = format!("{object}.");
        if let Some(n) = self.restore_instance(&prefix, at) {
            return Ok(n);
        }
        let mut instances: Vec<u32> = Vec::new();
        let mut all_paths: Vec<(String, &'static str, bool)> = Vec::new();
        for leaf in self.live_leaves() {
            if let Some(rest) = leaf.path.strip_prefix(&prefix) {
                if let Some((inst, _)) = rest.split_once('.') {
                    if let Ok(i) = inst.parse::<u32>() {
                        instances.push(i);
                        all_paths.push((
                            leaf.path.to_owned(),
                            leaf.xsd.unwrap_or("xsd:string"),
                            leaf.writable.unwrap_or(true),
                        ));
                    }
                }
            }
        }
        let Some(lowest) = instances.iter().min().copied() else {
            return Err(cwmp("9005", "Invalid parameter name"));
        };
        let next = instances.iter().max().copied().unwrap_or(0) + 1;
        let from = format!("{prefix}{lowest}.");
        for (path, xsd, writable) in all_paths {
            if let Some(rest) = path.strip_prefix(&from) {
                self.extra.insert(
                    format!("{prefix}{next}.{rest}"),
                    Extra {
                        value: default_of(xsd),
                        xsd,
                        writable: Some(writable),
                        ts_ms: at,
                    },
                );
            }
        }
        self.learn(&format!("{prefix}{next}"), at);
        Ok(next)
    }

    /// An `addObject` on an object whose every instance is gone (a factory-fresh router
    /// without the connection): the model's own instance comes back, its writable
    /// values at their type's default.
    fn restore_instance(&mut self, prefix: &str, at: i64) -> Option<u32> {
        let live = self
            .live_leaves()
            .iter()
            .any(|l| l.path.strip_prefix(prefix).is_some_and(|r| r.contains('.')));
        if live {
            return None;
        }
        let n: u32 = self
            .removed
            .iter()
            .filter_map(|r| r.strip_prefix(prefix)?.strip_suffix('.')?.parse().ok())
            .min()?;
        let instance = format!("{prefix}{n}.");
        self.removed.retain(|r| *r != instance);
        let defaults: Vec<(usize, Value)> = self
            .template
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.path.starts_with(&instance) && s.writable != Some(false))
            .map(|(i, s)| (i, default_of(s.xsd)))
            .collect();
        for (slot, v) in defaults {
            self.overrides.insert(slot, (v, at));
        }
        self.learn(&format!("{prefix}{n}"), at);
        Some(n)
    }
}
