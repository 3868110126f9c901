//! The [`DeviceSource`] of a GenieACS northbound API: `HEAD /devices` for counts (the
//! `total` header), `GET /devices` with the registry's projection, sorted by `_id`, in
//! pages — the requests a real GenieACS 1.2 answers, as the recorded captures show.

use super::{DeviceSource, SyncError};
use crate::normalize::registry::projection;
use acsdesk_genieacs::{Client, Query};
use serde_json::Value;
use std::collections::HashSet;

/// Reads devices from one GenieACS NBI through the typed client.
#[derive(Debug, Clone)]
pub struct NbiSource {
    client: Client,
    projection: Vec<String>,
}

impl NbiSource {
    /// A source reading through `client` (which carries the connection's URL,
    /// authentication, TLS, timeouts and rate limit).
    pub fn new(client: Client) -> Self {
        Self {
            client,
            projection: projection(),
        }
    }
}

fn since(since_ms: Option<i64>) -> Query {
    match since_ms {
        Some(ms) => Query::all().informed_since(ms),
        None => Query::all(),
    }
}

fn source_error(e: acsdesk_genieacs::Error) -> SyncError {
    SyncError::Source(e)
}

impl DeviceSource for NbiSource {
    async fn count(&self, since_ms: Option<i64>) -> Result<u64, SyncError> {
        self.client
            .devices()
            .query(since(since_ms))
            .count()
            .await
            .map_err(source_error)
    }

    async fn page(
        &self,
        since_ms: Option<i64>,
        skip: u64,
        limit: u64,
    ) -> Result<Vec<Value>, SyncError> {
        let docs = self
            .client
            .devices()
            .query(since(since_ms))
            .projection(self.projection.iter().cloned())
            .sort("_id", true)
            .skip(skip)
            .limit(limit)
            .send()
            .await
            .map_err(source_error)?;
        Ok(docs.into_iter().map(|d| d.0).collect())
    }

    async fn informs(
        &self,
        from_ms: i64,
        to_ms: i64,
        skip: u64,
        limit: u64,
    ) -> Result<Vec<(String, Option<i64>)>, SyncError> {
        let docs = self
            .client
            .devices()
            .query(Query::all().informed_since(from_ms).informed_before(to_ms))
            .projection(["_lastInform"])
            .sort("_id", true)
            .skip(skip)
            .limit(limit)
            .send()
            .await
            .map_err(source_error)?;
        Ok(docs
            .iter()
            .filter_map(|d| {
                let id = d.0.get("_id").and_then(Value::as_str)?.to_owned();
                let inform = crate::normalize::timestamp(d.0.get("_lastInform"));
                Some((id, inform))
            })
            .collect())
    }

    async fn documents(&self, ids: &[String]) -> Result<Vec<Value>, SyncError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let docs = self
            .client
            .devices()
            .query(Query::all().one_of("_id", ids.iter().map(String::as_str)))
            .projection(self.projection.iter().cloned())
            .send()
            .await
            .map_err(source_error)?;
        Ok(docs.into_iter().map(|d| d.0).collect())
    }

    async fn existing(&self, ids: &[String]) -> Result<HashSet<String>, SyncError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let docs = self
            .client
            .devices()
            .query(Query::all().one_of("_id", ids.iter().map(String::as_str)))
            .projection(["_id"])
            .send()
            .await
            .map_err(source_error)?;
        Ok(docs
            .iter()
            .filter_map(|d| d.0.get("_id").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, CounterWidth, Vendor};
    use crate::testkit::{fake_nbi, fixture_docs};
    use acsdesk_types::WifiBand as Band;
    use axum::http::Method;

    fn client(url: &str) -> acsdesk_genieacs::Client {
        acsdesk_genieacs::Client::builder(url).build().unwrap()
    }

    #[tokio::test]
    async fn counts_with_head_and_pages_sorted_by_id_with_the_projection() {
        let (base, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
        let source = NbiSource::new(client(&base));
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
            r#"{"_lastInform":{"$gte":"2026-11-23T20:59:00.000Z"}}"#
        );
    }

    #[tokio::test]
    async fn failures_are_clear_and_carry_no_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let source = NbiSource::new(client(&format!("http://noc:SECRET@127.0.0.1:{port}/")));
        let err = source.count(None).await.unwrap_err();
        assert!(
            matches!(err, SyncError::Source(acsdesk_genieacs::Error::Connect(_))),
            "{err:?}"
        );
        let err = err.to_string();
        assert!(err.contains("cannot connect"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
    }

    /// Refused credentials and an outage are different failures, not two strings.
    #[tokio::test]
    async fn refused_credentials_are_told_apart_from_an_outage() {
        let app = axum::Router::new().fallback(|| async { axum::http::StatusCode::UNAUTHORIZED });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let source = NbiSource::new(client(&format!("http://{addr}")));
        let err = source.page(None, 0, 10).await.unwrap_err();
        assert!(
            matches!(
                err,
                SyncError::Source(acsdesk_genieacs::Error::Auth { status: 401 })
            ),
            "{err:?}"
        );
    }

    /// Routers GenieACS has only met through informs, through the sync's projection:
    /// every one normalises with its identity and the Inform's firmware, and names what
    /// the router has but GenieACS has not read — nothing fails, nothing is guessed.
    #[tokio::test]
    async fn partial_documents_normalise_and_name_what_is_not_fetched() {
        let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
            .devices(60)
            .speed(0.0)
            .partial(1.0)
            .start()
            .await
            .unwrap();
        let source = NbiSource::new(client(&sandbox.url()));
        let docs = source.page(None, 0, 500).await.unwrap();
        assert_eq!(docs.len(), 60);
        for doc in &docs {
            let d = normalize(doc).unwrap();
            assert!(d.firmware.is_some(), "{}", d.id);
            assert_eq!(d.uptime_s, None, "{}", d.id);
            for what in ["uptime", "inform_interval", "wifi", "wan_status"] {
                assert!(
                    d.is_unfetched(what),
                    "{}: {what} in {:?}",
                    d.id,
                    d.not_fetched
                );
            }
        }
    }

    /// Every simulated vendor's documents, as the sandbox serves them to the sync (with
    /// its projection), normalise with their identity, WAN, WiFi and firmware.
    #[tokio::test]
    async fn every_simulated_vendor_normalises_through_the_projection() {
        let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
            .devices(120)
            .speed(0.0)
            .partial(0.0)
            .start()
            .await
            .unwrap();
        // The sync's own path: pages with the registry's projection.
        let source = NbiSource::new(client(&sandbox.url()));
        let docs = source.page(None, 0, 500).await.unwrap();
        assert_eq!(docs.len(), 120);
        let mut seen = std::collections::BTreeSet::new();
        for doc in &docs {
            let d = normalize(doc).unwrap();
            seen.insert(format!("{:?}", d.vendor));
            assert!(d.firmware.is_some(), "{}", d.id);
            assert!(d.wan.is_some(), "{}: a WAN", d.id);
            assert!(
                d.pppoe_username().is_some_and(|u| u.starts_with("cust")),
                "{}",
                d.id
            );
            assert!(
                d.ssid(Band::Ghz2_4).is_some() && d.ssid(Band::Ghz5).is_some(),
                "{}",
                d.id
            );
            assert!(d.counters.is_some(), "{}", d.id);
            match d.vendor {
                Vendor::Huawei => {
                    // The internet WAN is on WANConnectionDevice 2, not the TR069 one.
                    assert!(d
                        .wan
                        .as_ref()
                        .unwrap()
                        .path
                        .contains("WANConnectionDevice.2"));
                    assert!(d.signal_dbm.is_some() && d.cpu_pct.is_some() && d.mem_pct.is_some());
                }
                Vendor::Zte => assert!(d
                    .wan
                    .as_ref()
                    .unwrap()
                    .path
                    .contains("WANConnectionDevice.3")),
                Vendor::MikroTik => assert_eq!(d.counters.unwrap().width, CounterWidth::Bits64),
                Vendor::TpLink => assert_eq!(d.cpu_pct, None, "this model has no CPU figure"),
                Vendor::Other => panic!("unexpected vendor for {}", d.id),
            }
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
    }
}
