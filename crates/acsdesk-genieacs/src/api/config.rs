//! `/presets`, `/provisions`, `/virtual_parameters`: list, get, put, delete. Provision and
//! virtual-parameter bodies are JavaScript; a syntax error surfaces GenieACS's message.

use crate::client::Client;
use crate::error::Error;
use crate::id::segment;
use serde_json::Value;

/// Which configuration collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// Presets (JSON).
    Presets,
    /// Provisions (JavaScript).
    Provisions,
    /// Virtual parameters (JavaScript).
    VirtualParameters,
}

impl ConfigKind {
    fn path(self) -> &'static str {
        match self {
            ConfigKind::Presets => "presets",
            ConfigKind::Provisions => "provisions",
            ConfigKind::VirtualParameters => "virtual_parameters",
        }
    }
}

/// Operations on one configuration collection.
#[derive(Debug)]
pub struct ConfigHandler<'c> {
    client: &'c Client,
    kind: ConfigKind,
}

impl<'c> ConfigHandler<'c> {
    pub(crate) fn new(client: &'c Client, kind: ConfigKind) -> Self {
        Self { client, kind }
    }

    /// Every entry (`{_id, …}` documents; scripts under `script`).
    pub async fn list(&self) -> Result<Vec<Value>, Error> {
        super::list(
            self.client
                .send(self.client.http().get(self.client.url(self.kind.path())))
                .await?,
            super::LIST,
        )
        .await
    }

    /// One entry by name, or `None`. GenieACS has no `GET /presets/<name>` (405): this
    /// is the list filtered by `_id`, as its own UI reads one.
    pub async fn get(&self, name: &str) -> Result<Option<Value>, Error> {
        let query = serde_json::json!({ "_id": name }).to_string();
        let req = self
            .client
            .http()
            .get(self.client.url(self.kind.path()))
            .query(&[("query", query)]);
        let found: Vec<Value> = super::list(self.client.send(req).await?, super::LIST).await?;
        Ok(found
            .into_iter()
            .find(|v| v.get("_id").and_then(Value::as_str) == Some(name)))
    }

    /// Creates or replaces an entry: a JSON preset, or a script's source.
    pub async fn put(&self, name: &str, body: &str) -> Result<(), Error> {
        let url = self
            .client
            .url(&format!("{}/{}", self.kind.path(), segment(name)));
        self.client
            .send(self.client.http().put(url).body(body.to_owned()))
            .await
            .map(|_| ())
    }

    /// Deletes an entry (a missing one succeeds).
    pub async fn delete(&self, name: &str) -> Result<(), Error> {
        let url = self
            .client
            .url(&format!("{}/{}", self.kind.path(), segment(name)));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }
}
