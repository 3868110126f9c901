//! `/devices/<id>/tasks` and `/tasks`: tasks with their outcome as GenieACS reports it
//! (200 done; 202 queued or faulted, told apart by the status line's reason phrase),
//! connection requests, and the task list.

use crate::client::{reason_phrase, Client};
use crate::error::Error;
use crate::id::{segment, DeviceId};
use crate::query::Query;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

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
    /// Set parameters: `[path, value, xsd type]`.
    #[serde(rename_all = "camelCase")]
    SetParameterValues {
        /// Triples.
        parameter_values: Vec<(String, Value, String)>,
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
    /// Download a file uploaded to GenieACS.
    Download {
        /// The file's name.
        file: String,
    },
    /// Run named provisions with arguments.
    Provisions {
        /// `[name, args…]` lists.
        provisions: Vec<Vec<Value>>,
    },
}

impl Task {
    fn check(&self) -> Result<(), Error> {
        let empty = match self {
            Task::GetParameterValues { parameter_names } => parameter_names.is_empty(),
            Task::SetParameterValues { parameter_values } => parameter_values.is_empty(),
            Task::RefreshObject { object_name }
            | Task::AddObject { object_name }
            | Task::DeleteObject { object_name } => object_name.is_empty(),
            Task::Download { file } => file.is_empty(),
            Task::Provisions { provisions } => provisions.is_empty(),
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
    Faulted(Value),
}

impl TaskOutcome {
    /// The task's `_id`.
    pub fn task_id(&self) -> Option<&str> {
        match self {
            TaskOutcome::Done(t)
            | TaskOutcome::Faulted(t)
            | TaskOutcome::Queued { task: t, .. } => t.get("_id")?.as_str(),
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
    connection_request: Option<Duration>,
    unique_key: Option<String>,
    expiry_s: Option<u64>,
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
        let url = self.client.url(&format!(
            "devices/{}/tasks?connection_request&timeout={}",
            device.path_segment(),
            timeout.as_millis()
        ));
        match self.client.send(self.client.http().post(url)).await {
            Ok(_) => Ok(true),
            Err(Error::Remote { status: 504, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Tasks waiting (or faulted) in GenieACS.
    pub async fn list(&self, query: Query) -> Result<Vec<Value>, Error> {
        let mut req = self.client.http().get(self.client.url("tasks"));
        if !query.is_all() {
            req = req.query(&[("query", query.to_value().to_string())]);
        }
        super::json(self.client.send(req).await?).await
    }

    /// Deletes a task (404 when it no longer exists).
    pub async fn delete(&self, task_id: &str) -> Result<(), Error> {
        task_id_ok(task_id)?;
        let url = self.client.url(&format!("tasks/{}", segment(task_id)));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }

    /// Retries a faulted task at the device's next session.
    pub async fn retry(&self, task_id: &str) -> Result<(), Error> {
        task_id_ok(task_id)?;
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
        self.connection_request = Some(timeout);
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

    /// Sends it and reports the outcome.
    pub async fn send(self) -> Result<TaskOutcome, Error> {
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
        let mut path = format!("devices/{}/tasks", self.device.path_segment());
        if let Some(t) = self.connection_request {
            path.push_str(&format!("?connection_request&timeout={}", t.as_millis()));
        }
        let req = self.client.http().post(self.client.url(&path)).json(&body);
        let resp = self.client.send(req).await?;
        let status = resp.status().as_u16();
        let reason = reason_phrase(&resp);
        let task: Value = super::json(resp).await?;
        Ok(match (status, reason.as_str()) {
            (202, "Task faulted") => TaskOutcome::Faulted(task),
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
