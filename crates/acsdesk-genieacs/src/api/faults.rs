//! `/faults`: list and delete (deleting a task's fault deletes the task too).

use super::tasks::Filter;
use crate::client::Client;
use crate::error::Error;
use crate::id::segment;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A fault as GenieACS stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// `<device id>:<channel>`.
    #[serde(rename = "_id")]
    pub id: String,
    /// The device.
    pub device: String,
    /// `task_<id>` or a provision channel.
    pub channel: String,
    /// e.g. `cwmp.9010`.
    pub code: String,
    /// The device's message.
    pub message: String,
    /// CWMP detail.
    #[serde(default)]
    pub detail: Value,
    /// Retries so far.
    #[serde(default)]
    pub retries: u32,
    /// The provisions that were running (GenieACS's JSON text).
    #[serde(default)]
    pub provisions: Option<String>,
    /// When (ISO-8601).
    pub timestamp: String,
}

/// Operations on faults.
#[derive(Debug)]
pub struct FaultsHandler<'c> {
    client: &'c Client,
}

impl<'c> FaultsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Faults matching a filter (`Filter::all().device(&id)`, `.code("cwmp.9000")`).
    pub async fn list(&self, filter: Filter) -> Result<Vec<Fault>, Error> {
        let req = filter.apply(self.client.http().get(self.client.url("faults")));
        super::list(self.client.send(req).await?, super::LIST).await
    }

    /// Deletes a fault (and the task it belongs to).
    pub async fn delete(&self, fault_id: &str) -> Result<(), Error> {
        let url = self.client.url(&format!("faults/{}", segment(fault_id)));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }
}
