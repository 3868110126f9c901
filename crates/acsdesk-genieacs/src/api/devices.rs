//! `/devices`: query with projection, sort and paging, counts, delete, tags.

use crate::client::Client;
use crate::document::DeviceDocument;
use crate::error::Error;
use crate::id::{segment, DeviceId};
use crate::query::Query;

/// What a `HEAD /devices` tells of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Devices matching the query (all, for an empty one).
    pub total: u64,
    /// The version in GenieACS's `GenieACS-Version` header, when it sends one.
    pub version: Option<String>,
}

/// Operations on devices.
#[derive(Debug)]
pub struct DevicesHandler<'c> {
    client: &'c Client,
}

/// A device query being built.
#[derive(Debug)]
pub struct DevicesQuery<'c> {
    client: &'c Client,
    query: Query,
    projection: Vec<String>,
    sort: Option<(String, bool)>,
    skip: Option<u64>,
    limit: Option<u64>,
}

impl<'c> DevicesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Starts a query.
    pub fn query(&self, query: Query) -> DevicesQuery<'c> {
        DevicesQuery {
            client: self.client,
            query,
            projection: Vec::new(),
            sort: None,
            skip: None,
            limit: None,
        }
    }

    /// Deletes a device (and its tasks and faults). Deleting a missing device succeeds.
    pub async fn delete(&self, id: &DeviceId) -> Result<(), Error> {
        let url = self.client.url(&format!("devices/{}", id.path_segment()));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }

    /// Adds a tag (any text; GenieACS stores it decoded, so `building A` or `v1.2` work).
    pub async fn add_tag(&self, id: &DeviceId, tag: &str) -> Result<(), Error> {
        check_tag(tag)?;
        let url = self.client.url(&format!(
            "devices/{}/tags/{}",
            id.path_segment(),
            segment(tag)
        ));
        self.client
            .send(self.client.http().post(url))
            .await
            .map(|_| ())
    }

    /// Removes a tag (removing an absent tag succeeds).
    pub async fn remove_tag(&self, id: &DeviceId, tag: &str) -> Result<(), Error> {
        check_tag(tag)?;
        let url = self.client.url(&format!(
            "devices/{}/tags/{}",
            id.path_segment(),
            segment(tag)
        ));
        self.client
            .send(self.client.http().delete(url))
            .await
            .map(|_| ())
    }
}

fn check_tag(tag: &str) -> Result<(), Error> {
    if tag.trim().is_empty() {
        return Err(Error::Refused("a tag cannot be empty".into()));
    }
    Ok(())
}

impl DevicesQuery<'_> {
    /// Only these paths (objects return their whole subtree).
    pub fn projection<S: Into<String>>(mut self, paths: impl IntoIterator<Item = S>) -> Self {
        self.projection = paths.into_iter().map(Into::into).collect();
        self
    }

    /// Sort by a field, ascending or not.
    pub fn sort(mut self, field: &str, ascending: bool) -> Self {
        self.sort = Some((field.to_owned(), ascending));
        self
    }

    /// Skip this many matches.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// At most this many.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.query.is_all() {
            p.push(("query", self.query.to_value().to_string()));
        }
        if !self.projection.is_empty() {
            p.push(("projection", self.projection.join(",")));
        }
        if let Some((f, asc)) = &self.sort {
            p.push((
                "sort",
                serde_json::json!({ f.as_str(): if *asc { 1 } else { -1 } }).to_string(),
            ));
        }
        if let Some(s) = self.skip {
            p.push(("skip", s.to_string()));
        }
        if let Some(l) = self.limit {
            p.push(("limit", l.to_string()));
        }
        p
    }

    /// The matching devices (one request).
    pub async fn send(self) -> Result<Vec<DeviceDocument>, Error> {
        let mut out = Vec::new();
        self.each(|d| out.push(d)).await?;
        Ok(out)
    }

    /// The matching devices handed to `each` one at a time as the answer streams in
    /// (one request): memory holds one document however many match. Returns how many.
    pub async fn each(self, each: impl FnMut(DeviceDocument)) -> Result<u64, Error> {
        let req = self
            .client
            .http()
            .get(self.client.url("devices"))
            .query(&self.params());
        let resp = self.client.send(req).await?;
        super::each(resp, super::DEVICE_DOCUMENT, each).await
    }

    /// How many devices match (the `total` header of a `HEAD`), ignoring skip/limit.
    pub async fn count(self) -> Result<u64, Error> {
        Ok(self.probe().await?.total)
    }

    /// A `HEAD`: how many devices match, and the GenieACS version the server names
    /// (what a connection test reports).
    pub async fn probe(self) -> Result<Probe, Error> {
        let req = self
            .client
            .http()
            .head(self.client.url("devices"))
            .query(&self.params());
        let resp = self.client.send(req).await?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
        };
        let total = header("total")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Decode {
                path: "total header".into(),
                message: "missing or not a number: this does not look like GenieACS's NBI".into(),
            })?;
        Ok(Probe {
            total,
            version: header("GenieACS-Version"),
        })
    }

    /// Every match, `page_size` at a time sorted by `_id`, handing each page to
    /// `on_page` before fetching the next: memory stays at one page however large the
    /// fleet. Returns how many were read.
    pub async fn for_each_page(
        self,
        page_size: u64,
        mut on_page: impl FnMut(Vec<DeviceDocument>),
    ) -> Result<u64, Error> {
        let page_size = page_size.max(1);
        let mut done = 0;
        loop {
            let page = DevicesQuery {
                client: self.client,
                query: self.query.clone(),
                projection: self.projection.clone(),
                sort: Some(("_id".into(), true)),
                skip: Some(done),
                limit: Some(page_size),
            }
            .send()
            .await?;
            let n = page.len() as u64;
            done += n;
            on_page(page);
            if n < page_size {
                return Ok(done);
            }
        }
    }
}
