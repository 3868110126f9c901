//! The [`DeviceSource`] of a GenieACS northbound API: `HEAD /devices` for counts (the
//! `total` header), `GET /devices` with the registry's projection, sorted by `_id`, in
//! pages — the requests a real GenieACS 1.2 answers, as the recorded captures show.

use super::{DeviceSource, SyncError};
use crate::normalize::registry::projection;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Reads devices from one GenieACS NBI.
#[derive(Debug, Clone)]
pub struct NbiSource {
    client: reqwest::Client,
    base: reqwest::Url,
    projection: String,
}

impl NbiSource {
    /// A source for the NBI at `base` (e.g. `http://127.0.0.1:7557`) using `client`
    /// (which carries the connection's authentication, TLS and timeouts).
    pub fn new(client: reqwest::Client, base: &str) -> Result<Self, SyncError> {
        let mut base = reqwest::Url::parse(base)
            .map_err(|e| SyncError::Source(format!("invalid NBI URL: {e}")))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self {
            client,
            base,
            projection: projection().join(","),
        })
    }

    fn devices_url(&self, since_ms: Option<i64>) -> Result<reqwest::Url, SyncError> {
        let mut url = self
            .base
            .join("devices")
            .map_err(|e| SyncError::Source(e.to_string()))?;
        if let Some(since) = since_ms {
            let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(since) * 1_000_000)
                .map_err(|e| SyncError::Source(e.to_string()))?;
            let iso = at
                .format(&Rfc3339)
                .map_err(|e| SyncError::Source(e.to_string()))?;
            let query = json!({ "_lastInform": { "$gte": iso } }).to_string();
            url.query_pairs_mut().append_pair("query", &query);
        }
        Ok(url)
    }
}

fn describe(e: reqwest::Error) -> SyncError {
    let e = e.without_url();
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    SyncError::Source(format!("{kind}: {e}"))
}

impl DeviceSource for NbiSource {
    async fn count(&self, since_ms: Option<i64>) -> Result<u64, SyncError> {
        let url = self.devices_url(since_ms)?;
        let resp = self.client.head(url).send().await.map_err(describe)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(SyncError::Source(format!(
                "HEAD /devices answered {status}"
            )));
        }
        resp.headers()
            .get("total")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| SyncError::Source("the NBI sent no `total` header".into()))
    }

    async fn page(
        &self,
        since_ms: Option<i64>,
        skip: u64,
        limit: u64,
    ) -> Result<Vec<Value>, SyncError> {
        let mut url = self.devices_url(since_ms)?;
        url.query_pairs_mut()
            .append_pair("projection", &self.projection)
            .append_pair("sort", r#"{"_id":1}"#)
            .append_pair("skip", &skip.to_string())
            .append_pair("limit", &limit.to_string());
        let resp = self.client.get(url).send().await.map_err(describe)?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            let excerpt: String = body.chars().take(200).collect();
            return Err(SyncError::Source(format!(
                "GET /devices answered {status}: {excerpt}"
            )));
        }
        let bytes = resp.bytes().await.map_err(describe)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::Source(format!("GET /devices sent malformed JSON ({e})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{fake_nbi, fixture_docs};
    use axum::http::Method;

    fn client() -> reqwest::Client {
        crate::http::client(std::time::Duration::from_secs(5)).unwrap()
    }

    #[tokio::test]
    async fn counts_with_head_and_pages_sorted_by_id_with_the_projection() {
        let (base, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
        let source = NbiSource::new(client(), &base).unwrap();
        assert_eq!(source.count(None).await.unwrap(), 23);
        let first = source.page(None, 0, 10).await.unwrap();
        let last = source.page(None, 20, 10).await.unwrap();
        assert_eq!((first.len(), last.len()), (10, 3));
        assert_eq!(first[0]["_id"], "202BC1-BM632w-000000");
        source.count(Some(1_795_467_540_000)).await.unwrap();
        let seen = nbi.seen.lock().unwrap();
        assert_eq!(seen[0].0, Method::HEAD);
        let q = &seen[1].1;
        assert_eq!(q["sort"], r#"{"_id":1}"#);
        assert_eq!((q["skip"].as_str(), q["limit"].as_str()), ("0", "10"));
        let projection: Vec<&str> = q["projection"].split(',').collect();
        assert!(projection.contains(&"_lastInform"));
        assert!(projection.contains(&"InternetGatewayDevice.WANDevice"));
        assert!(projection.contains(&"Device.WiFi.SSID"));
        assert_eq!(
            seen[3].1["query"],
            r#"{"_lastInform":{"$gte":"2026-11-23T20:59:00Z"}}"#
        );
    }

    #[tokio::test]
    async fn failures_are_clear_and_carry_no_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let source =
            NbiSource::new(client(), &format!("http://127.0.0.1:{port}/?token=SECRET")).unwrap();
        let err = source.count(None).await.unwrap_err().to_string();
        assert!(err.contains("cannot connect"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
        assert!(NbiSource::new(client(), "not a url").is_err());
    }
}
