//! `/devices/<id>/tasks` and `/tasks`: tasks with their outcome as GenieACS reports it
//! (200 done; 202 queued or faulted, told apart by the status line's reason phrase),
//! connection requests, and the task list.

use super::faults::{Fault, FaultsHandler};
use crate::client::{reason_phrase, Client};
use crate::error::Error;
use crate::id::{segment, DeviceId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// An xsd type of a TR-069 parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Xsd {
    /// `xsd:string`.
    String,
    /// `xsd:int` (32-bit signed).
    Int,
    /// `xsd:unsignedInt` (32-bit unsigned).
    UnsignedInt,
    /// `xsd:long` (64-bit signed).
    Long,
    /// `xsd:unsignedLong` (64-bit unsigned).
    UnsignedLong,
    /// `xsd:boolean`.
    Boolean,
    /// `xsd:dateTime` (ISO-8601).
    DateTime,
    /// `xsd:base64`.
    Base64,
    /// `xsd:hexBinary`.
    HexBinary,
}

impl Xsd {
    /// Every type, in the order they are listed to users.
    pub const ALL: [Xsd; 9] = [
        Xsd::String,
        Xsd::Int,
        Xsd::UnsignedInt,
        Xsd::Long,
        Xsd::UnsignedLong,
        Xsd::Boolean,
        Xsd::DateTime,
        Xsd::Base64,
        Xsd::HexBinary,
    ];

    /// The name GenieACS and CWMP use (`xsd:unsignedInt`).
    pub fn name(self) -> &'static str {
        match self {
            Xsd::String => "xsd:string",
            Xsd::Int => "xsd:int",
            Xsd::UnsignedInt => "xsd:unsignedInt",
            Xsd::Long => "xsd:long",
            Xsd::UnsignedLong => "xsd:unsignedLong",
            Xsd::Boolean => "xsd:boolean",
            Xsd::DateTime => "xsd:dateTime",
            Xsd::Base64 => "xsd:base64",
            Xsd::HexBinary => "xsd:hexBinary",
        }
    }

    /// The type with this name, with or without the `xsd:` prefix.
    pub fn parse(name: &str) -> Option<Xsd> {
        let bare = name.trim().trim_start_matches("xsd:");
        Xsd::ALL.into_iter().find(|x| {
            x.name()
                .trim_start_matches("xsd:")
                .eq_ignore_ascii_case(bare)
        })
    }

    /// The JSON value GenieACS stores for `raw` of this type (`"true"` → `true`,
    /// `"42"` → `42`), or why `raw` is not one.
    pub fn coerce(self, raw: &str) -> Result<Value, String> {
        let raw_t = raw.trim();
        let int = |lo: i128, hi: i128| -> Result<Value, String> {
            raw_t
                .parse::<i128>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .map(|n| {
                    if n < 0 {
                        Value::from(n as i64)
                    } else {
                        Value::from(n as u64)
                    }
                })
                .ok_or_else(|| {
                    format!(
                        "{raw:?} is not a whole number from {lo} to {hi} ({})",
                        self.name()
                    )
                })
        };
        match self {
            Xsd::String => Ok(Value::String(raw.to_owned())),
            Xsd::Int => int(i32::MIN.into(), i32::MAX.into()),
            Xsd::UnsignedInt => int(0, u32::MAX.into()),
            Xsd::Long => int(i64::MIN.into(), i64::MAX.into()),
            Xsd::UnsignedLong => int(0, u64::MAX.into()),
            Xsd::Boolean => match raw_t.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("{raw:?} is not a boolean (true, false, 1 or 0)")),
            },
            Xsd::DateTime => {
                let b = raw_t.as_bytes();
                let shaped = b.len() >= 19
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && b[10] == b'T'
                    && b[13] == b':'
                    && b[16] == b':';
                if shaped {
                    Ok(Value::String(raw_t.to_owned()))
                } else {
                    Err(format!(
                        "{raw:?} is not an ISO-8601 date and time (2026-12-02T10:00:00Z)"
                    ))
                }
            }
            Xsd::Base64 => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(raw_t)
                    .map(|_| Value::String(raw_t.to_owned()))
                    .map_err(|_| format!("{raw:?} is not base64"))
            }
            Xsd::HexBinary => {
                if raw_t.len().is_multiple_of(2) && raw_t.chars().all(|c| c.is_ascii_hexdigit()) {
                    Ok(Value::String(raw_t.to_owned()))
                } else {
                    Err(format!("{raw:?} is not hexBinary (pairs of hex digits)"))
                }
            }
        }
    }

    /// Whether a JSON value already has this type's shape.
    fn fits(self, value: &Value) -> bool {
        match self {
            Xsd::Boolean => value.is_boolean(),
            Xsd::Int => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Xsd::UnsignedInt => value.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            Xsd::Long => value.is_i64() || value.as_u64().is_some_and(|n| i64::try_from(n).is_ok()),
            Xsd::UnsignedLong => value.is_u64(),
            Xsd::String | Xsd::DateTime | Xsd::Base64 | Xsd::HexBinary => value.is_string(),
        }
    }
}

/// One value of a `setParameterValues`: `[path, value, "xsd:type"]`, or `[path, value]`
/// to let GenieACS take the type from the device's cached data model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<Value>", try_from = "Vec<Value>")]
pub struct ParameterValue {
    path: String,
    value: Value,
    xsd: Option<Xsd>,
}

impl ParameterValue {
    /// A typed value; fails when the value does not have the type's shape.
    pub fn new(path: impl Into<String>, value: Value, xsd: Xsd) -> Result<Self, Error> {
        let path = path.into();
        if !xsd.fits(&value) {
            return Err(Error::Refused(format!(
                "{path}: {value} is not an {}",
                xsd.name()
            )));
        }
        Ok(Self {
            path,
            value,
            xsd: Some(xsd),
        })
    }

    /// A typed value parsed from text (`"42"` as `xsd:unsignedInt`).
    pub fn parse(path: impl Into<String>, raw: &str, xsd: Xsd) -> Result<Self, Error> {
        let path = path.into();
        let value = xsd
            .coerce(raw)
            .map_err(|why| Error::Refused(format!("{path}: {why}")))?;
        Ok(Self {
            path,
            value,
            xsd: Some(xsd),
        })
    }

    /// A string value (`xsd:string`).
    pub fn string(path: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            value: Value::String(value.into()),
            xsd: Some(Xsd::String),
        }
    }

    /// A value whose type GenieACS takes from the cached data model.
    pub fn untyped(path: impl Into<String>, value: Value) -> Self {
        Self {
            path: path.into(),
            value,
            xsd: None,
        }
    }

    /// The parameter's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The type, when given.
    pub fn xsd(&self) -> Option<Xsd> {
        self.xsd
    }
}

impl From<ParameterValue> for Vec<Value> {
    fn from(p: ParameterValue) -> Self {
        let mut v = vec![Value::String(p.path), p.value];
        if let Some(x) = p.xsd {
            v.push(Value::String(x.name().to_owned()));
        }
        v
    }
}

impl TryFrom<Vec<Value>> for ParameterValue {
    type Error = String;

    fn try_from(v: Vec<Value>) -> Result<Self, Self::Error> {
        let mut it = v.into_iter();
        let path = match it.next() {
            Some(Value::String(p)) => p,
            _ => return Err("a parameter value starts with its path".into()),
        };
        let value = it.next().ok_or("a parameter value needs a value")?;
        let xsd = match it.next() {
            None => None,
            Some(Value::String(t)) => {
                Some(Xsd::parse(&t).ok_or_else(|| format!("{t:?} is not an xsd type"))?)
            }
            Some(other) => return Err(format!("{other} is not an xsd type")),
        };
        Ok(Self { path, value, xsd })
    }
}

/// Which file a `download` installs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FileRef {
    /// A file uploaded to GenieACS, by its name (`_id`): `{"file": …}`.
    Id {
        /// The file's name.
        file: String,
    },
    /// A file by type and name: `{"fileType": …, "fileName": …}`.
    Named {
        /// e.g. `1 Firmware Upgrade Image`.
        #[serde(rename = "fileType")]
        file_type: String,
        /// The file's name.
        #[serde(rename = "fileName")]
        file_name: String,
    },
}

/// A task GenieACS knows. Anything else would crash its NBI, so it cannot be built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "camelCase")]
pub enum Task {
    /// Read parameters.
    #[serde(rename_all = "camelCase")]
    GetParameterValues {
        /// Paths.
        parameter_names: Vec<String>,
    },
    /// Set parameters.
    #[serde(rename_all = "camelCase")]
    SetParameterValues {
        /// The values.
        parameter_values: Vec<ParameterValue>,
    },
    /// Re-read an object (or the root).
    #[serde(rename_all = "camelCase")]
    RefreshObject {
        /// Object path.
        object_name: String,
    },
    /// Add an object instance.
    #[serde(rename_all = "camelCase")]
    AddObject {
        /// Object path.
        object_name: String,
    },
    /// Delete an object instance.
    #[serde(rename_all = "camelCase")]
    DeleteObject {
        /// Object path with the instance.
        object_name: String,
    },
    /// Reboot.
    Reboot,
    /// Factory reset.
    FactoryReset,
    /// Download a file (firmware, configuration).
    Download {
        /// Which file.
        #[serde(flatten)]
        file: FileRef,
    },
    /// Run named provisions with arguments.
    Provisions {
        /// `[name, args…]` lists.
        provisions: Vec<Vec<Value>>,
    },
}

impl Task {
    /// `download` of a file uploaded to GenieACS.
    pub fn download(file: impl Into<String>) -> Self {
        Task::Download {
            file: FileRef::Id { file: file.into() },
        }
    }

    fn check(&self) -> Result<(), Error> {
        let empty = match self {
            Task::GetParameterValues { parameter_names } => {
                parameter_names.is_empty() || parameter_names.iter().any(|p| p.is_empty())
            }
            Task::SetParameterValues { parameter_values } => {
                parameter_values.is_empty() || parameter_values.iter().any(|p| p.path.is_empty())
            }
            Task::RefreshObject { .. } => false, // "" is the whole tree
            Task::AddObject { object_name } | Task::DeleteObject { object_name } => {
                object_name.is_empty()
            }
            Task::Download {
                file: FileRef::Id { file },
            } => file.is_empty(),
            Task::Download {
                file:
                    FileRef::Named {
                        file_type,
                        file_name,
                    },
            } => file_type.is_empty() || file_name.is_empty(),
            Task::Provisions { provisions } => {
                provisions.is_empty()
                    || provisions
                        .iter()
                        .any(|p| p.first().and_then(Value::as_str).is_none_or(str::is_empty))
            }
            Task::Reboot | Task::FactoryReset => false,
        };
        if empty {
            return Err(Error::Refused(
                "the task misses its required fields (GenieACS would drop the connection)".into(),
            ));
        }
        Ok(())
    }
}

/// Equality filters on GenieACS's task or fault collections. Only equality is offered:
/// other operators on these collections (e.g. `$regex` on `timestamp`) make the NBI
/// drop the connection, as the captures show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter(serde_json::Map<String, Value>);

impl Filter {
    /// Everything.
    pub fn all() -> Self {
        Self::default()
    }

    /// Those of one device.
    pub fn device(self, id: &DeviceId) -> Self {
        self.field("device", id.as_str())
    }

    /// By `_id`.
    pub fn id(self, id: &str) -> Self {
        self.field("_id", id)
    }

    /// Tasks by name (`download`, `reboot`…).
    pub fn name(self, name: &str) -> Self {
        self.field("name", name)
    }

    /// Tasks by the `uniqueKey` they were created with.
    pub fn unique_key(self, key: &str) -> Self {
        self.field("uniqueKey", key)
    }

    /// Faults by code (`cwmp.9000`).
    pub fn code(self, code: &str) -> Self {
        self.field("code", code)
    }

    /// Faults by channel (`task_<id>` or a provision's channel).
    pub fn channel(self, channel: &str) -> Self {
        self.field("channel", channel)
    }

    fn field(mut self, key: &str, value: &str) -> Self {
        self.0
            .insert(key.to_owned(), Value::String(value.to_owned()));
        self
    }

    pub(crate) fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.0.is_empty() {
            req
        } else {
            req.query(&[("query", Value::Object(self.0.clone()).to_string())])
        }
    }
}

/// Why a created task is waiting in GenieACS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueReason {
    /// No connection request was asked for (`202 Accepted`).
    NotRequested,
    /// The connection request failed (`202 Device is offline`).
    DeviceOffline,
    /// The session did not start or end in time (`202 Task queued but not processed`).
    NotProcessed,
    /// Another reason phrase.
    Other(String),
}

/// What happened to a created task.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// Executed in the session (200); GenieACS has removed it.
    Done(Value),
    /// Stored, waiting for the device.
    Queued {
        /// The task with its `_id`.
        task: Value,
        /// Why it waits.
        reason: QueueReason,
    },
    /// The device reported a fault (`202 Task faulted`); the task stays until retried or
    /// its fault is deleted.
    Faulted {
        /// The task with its `_id`.
        task: Value,
        /// The fault GenieACS recorded for it (fetched right after), when found.
        fault: Option<Fault>,
    },
    /// GenieACS does not know the device (404 `No such device`).
    UnknownDevice,
    /// GenieACS refused the task as invalid (400), with its message.
    Invalid(String),
}

impl TaskOutcome {
    /// The task's `_id`.
    pub fn task_id(&self) -> Option<&str> {
        match self {
            TaskOutcome::Done(t)
            | TaskOutcome::Faulted { task: t, .. }
            | TaskOutcome::Queued { task: t, .. } => t.get("_id")?.as_str(),
            TaskOutcome::UnknownDevice | TaskOutcome::Invalid(_) => None,
        }
    }
}

/// Operations on tasks.
#[derive(Debug)]
pub struct TasksHandler<'c> {
    client: &'c Client,
}

/// A task being created.
#[derive(Debug)]
pub struct CreateTask<'c> {
    client: &'c Client,
    device: DeviceId,
    task: Task,
    /// `None`: no connection request; `Some(None)`: one, waiting GenieACS's own
    /// device-online threshold; `Some(Some(t))`: one, waiting up to `t`.
    connection_request: Option<Option<Duration>>,
    unique_key: Option<String>,
    expiry_s: Option<u64>,
}

fn connection_request_query(timeout: Option<Duration>) -> String {
    match timeout {
        Some(t) => format!("connection_request&timeout={}", t.as_millis()),
        None => "connection_request".into(),
    }
}

fn task_id_ok(id: &str) -> Result<(), Error> {
    if id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "{id:?} is not a task id (24 hex digits)"
        )))
    }
}

impl<'c> TasksHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Starts creating a task for a device.
    pub fn create(&self, device: &DeviceId, task: Task) -> CreateTask<'c> {
        CreateTask {
            client: self.client,
            device: device.clone(),
            task,
            connection_request: None,
            unique_key: None,
            expiry_s: None,
        }
    }

    /// A connection request alone: `true` when the device answered, `false` when it is
    /// offline (504).
    pub async fn summon(&self, device: &DeviceId, timeout: Duration) -> Result<bool, Error> {
        self.summon_inner(device, Some(timeout)).await
    }

    /// A connection request alone, waiting GenieACS's own device-online threshold.
    pub async fn summon_default(&self, device: &DeviceId) -> Result<bool, Error> {
        self.summon_inner(device, None).await
    }

    async fn summon_inner(
        &self,
        device: &DeviceId,
        timeout: Option<Duration>,
    ) -> Result<bool, Error> {
        let url = self.client.url(&format!(
            "devices/{}/tasks?{}",
            device.path_segment(),
            connection_request_query(timeout)
        ));
        match self.client.send(self.client.http().post(url)).await {
            Ok(_) => Ok(true),
            Err(Error::Remote { status: 504, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Tasks waiting (or faulted) in GenieACS.
    pub async fn list(&self, filter: Filter) -> Result<Vec<Value>, Error> {
        let req = filter.apply(self.client.http().get(self.client.url("tasks")));
        super::list(self.client.send(req).await?, super::LIST).await
    }

    /// Deletes a task (`NotFound` when it no longer exists).
    pub async fn delete(&self, task_id: &str) -> Result<(), Error> {
        task_id_ok(task_id)?;
        let url = self.client.url(&format!("tasks/{}", segment(task_id)));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }

    /// Retries a faulted task at the device's next session. GenieACS drops the
    /// connection when asked to retry a task it does not have, so the task is looked up
    /// first and a missing one is `NotFound`.
    pub async fn retry(&self, task_id: &str) -> Result<(), Error> {
        task_id_ok(task_id)?;
        if self.list(Filter::all().id(task_id)).await?.is_empty() {
            return Err(Error::NotFound(format!("task {task_id}")));
        }
        let url = self
            .client
            .url(&format!("tasks/{}/retry", segment(task_id)));
        self.client
            .send(self.client.http().post(url))
            .await
            .map(|_| ())
    }
}

impl CreateTask<'_> {
    /// Ask GenieACS to connect to the device now and wait up to `timeout` for it.
    pub fn connection_request(mut self, timeout: Duration) -> Self {
        self.connection_request = Some(Some(timeout));
        self
    }

    /// Ask GenieACS to connect to the device now, waiting as long as its own
    /// device-online threshold.
    pub fn connection_request_default_timeout(mut self) -> Self {
        self.connection_request = Some(None);
        self
    }

    /// A key that replaces a queued task carrying the same key (no duplicates).
    pub fn unique_key(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    /// Drop the task if it has not run within this many seconds.
    pub fn expiry(mut self, seconds: u64) -> Self {
        self.expiry_s = Some(seconds);
        self
    }

    /// The JSON body GenieACS receives: the task, its `uniqueKey` and `expiry`.
    fn body(&self) -> Result<Value, Error> {
        self.task.check()?;
        let mut body =
            serde_json::to_value(&self.task).map_err(|e| Error::Refused(e.to_string()))?;
        if let Some(obj) = body.as_object_mut() {
            if let Some(k) = &self.unique_key {
                obj.insert("uniqueKey".into(), Value::String(k.clone()));
            }
            if let Some(e) = self.expiry_s {
                obj.insert("expiry".into(), Value::from(e));
            }
        }
        Ok(body)
    }

    /// Sends it and reports the outcome.
    pub async fn send(self) -> Result<TaskOutcome, Error> {
        let body = self.body()?;
        let mut path = format!("devices/{}/tasks", self.device.path_segment());
        if let Some(t) = self.connection_request {
            path.push('?');
            path.push_str(&connection_request_query(t));
        }
        let req = self.client.http().post(self.client.url(&path)).json(&body);
        let resp = match self.client.send(req).await {
            Ok(resp) => resp,
            Err(Error::NotFound(_)) => return Ok(TaskOutcome::UnknownDevice),
            Err(Error::Invalid(message)) => return Ok(TaskOutcome::Invalid(message)),
            Err(e) => return Err(e),
        };
        let status = resp.status().as_u16();
        let reason = reason_phrase(&resp);
        let task: Value = super::json(resp, super::TASK).await?;
        Ok(match (status, reason.as_str()) {
            (202, "Task faulted") => {
                let fault = match task.get("_id").and_then(Value::as_str) {
                    Some(id) => {
                        let fault_id = format!("{}:task_{id}", self.device.as_str());
                        FaultsHandler::new(self.client)
                            .list(Filter::all().id(&fault_id))
                            .await?
                            .into_iter()
                            .next()
                    }
                    None => None,
                };
                TaskOutcome::Faulted { task, fault }
            }
            (202, r) => TaskOutcome::Queued {
                task,
                reason: match r {
                    "Accepted" => QueueReason::NotRequested,
                    "Device is offline" => QueueReason::DeviceOffline,
                    "Task queued but not processed" => QueueReason::NotProcessed,
                    other => QueueReason::Other(other.to_owned()),
                },
            },
            _ => TaskOutcome::Done(task),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_key_and_expiry_travel_in_the_body() {
        let client = Client::builder("http://127.0.0.1:1").build().unwrap();
        let create = client
            .tasks()
            .create(&DeviceId::new("d"), Task::Reboot)
            .unique_key("acsdesk-42")
            .expiry(3600);
        assert_eq!(
            create.body().unwrap(),
            serde_json::json!({"name": "reboot", "uniqueKey": "acsdesk-42", "expiry": 3600})
        );
        let plain = client
            .tasks()
            .create(&DeviceId::new("d"), Task::FactoryReset);
        assert_eq!(
            plain.body().unwrap(),
            serde_json::json!({"name": "factoryReset"})
        );
        let empty = client.tasks().create(
            &DeviceId::new("d"),
            Task::Provisions {
                provisions: vec![vec![]],
            },
        );
        assert!(matches!(empty.body(), Err(Error::Refused(_))));
    }
}
