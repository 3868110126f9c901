//! Talking to a tenant's GenieACS: the HTTP client of a connection (its authentication,
//! TLS settings and rate limit) and the connection test with its verdict.

use crate::Desk;
use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::DeviceSource;
use acsdesk_types::settings::{AcsTestReport, AuthKind, TestAcsRequest};
use acsdesk_types::{ErrorCode, IpcError};
use std::time::Duration;

/// An HTTP client for one ACS connection, carrying its authentication.
pub fn acs_client(
    auth: AuthKind,
    user: Option<&str>,
    secret: Option<&str>,
) -> Result<reqwest::Client, IpcError> {
    acsdesk_core::http::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    let value = match auth {
        AuthKind::None => None,
        AuthKind::Basic => {
            use base64::Engine;
            let raw = format!(
                "{}:{}",
                user.unwrap_or_default(),
                secret.unwrap_or_default()
            );
            Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            ))
        }
        AuthKind::Token => Some(format!("Bearer {}", secret.unwrap_or_default())),
    };
    if let Some(v) = value {
        let mut v = reqwest::header::HeaderValue::from_str(&v).map_err(|_| {
            IpcError::new(
                ErrorCode::Invalid,
                "the credentials contain characters HTTP cannot carry",
            )
        })?;
        v.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, v);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("could not set up HTTPS: {e}")))
}

/// One of a tenant's connections and a GenieACS client carrying its URL, credentials
/// and rate limit.
pub async fn connection_client(
    tenant: &TenantStore,
    name: &str,
) -> Result<
    (
        acsdesk_core::store::acs::AcsConnection,
        acsdesk_genieacs::Client,
    ),
    IpcError,
> {
    let conn = tenant.acs(name).await?;
    let secret = tenant.reveal_acs_secret(name).await?.unwrap_or_default();
    let auth = match conn.auth_kind.as_str() {
        "basic" => acsdesk_genieacs::Auth::Basic {
            user: conn.auth_user.clone().unwrap_or_default(),
            password: secret,
        },
        "token" => acsdesk_genieacs::Auth::Bearer(secret),
        _ => acsdesk_genieacs::Auth::None,
    };
    let tls = match tenant.acs_tls(name).await? {
        (Some(pem), _) => acsdesk_genieacs::Tls::ExtraCa(pem.into_bytes()),
        (None, Some(pin)) => acsdesk_genieacs::Tls::PinnedSha256(pin),
        (None, None) => acsdesk_genieacs::Tls::System,
    };
    let rate = u32::try_from(conn.rate_per_s).unwrap_or(20).max(1);
    let client = acsdesk_genieacs::Client::builder(conn.url.clone())
        .auth(auth)
        .tls(tls)
        .rate_limit(rate, rate.saturating_mul(2), 8)
        .build()
        .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
    Ok((conn, client))
}

pub(crate) fn auth_kind(s: &str) -> AuthKind {
    match s {
        "basic" => AuthKind::Basic,
        "token" => AuthKind::Token,
        _ => AuthKind::None,
    }
}

/// The stored name of an authentication kind.
pub(crate) fn auth_name(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::None => "none",
        AuthKind::Basic => "basic",
        AuthKind::Token => "token",
    }
}

/// Counts the devices a source holds (for `acsdesk acs test` and tests).
pub async fn count_devices<S: DeviceSource>(source: &S) -> Result<u64, IpcError> {
    source
        .count(None)
        .await
        .map_err(|e| IpcError::new(ErrorCode::Remote, e.to_string()))
}

impl Desk {
    /// Tests a connection: reachable, TLS, credentials, GenieACS NBI, device count.
    pub async fn test_acs(&self, request: TestAcsRequest) -> Result<AcsTestReport, IpcError> {
        let secret = match (&request.secret, &request.saved) {
            (None, Some(saved)) if request.auth != AuthKind::None => {
                let tenant = self.tenant().await?;
                // An unknown name is an error, not "no secret".
                tenant.acs(saved).await?;
                tenant.reveal_acs_secret(saved).await?
            }
            _ => request.secret.clone(),
        };
        let client = acs_client(request.auth, request.user.as_deref(), secret.as_deref())?;
        let mut report = AcsTestReport::default();
        let url = match reqwest::Url::parse(request.url.trim()).and_then(|u| u.join("devices")) {
            Ok(u) => u,
            Err(e) => {
                report.problem = Some(format!(
                    "The URL is not valid ({e}). Use for example http://acs.example.net:7557"
                ));
                return Ok(report);
            }
        };
        match client
            .head(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
        {
            Err(e) => {
                let e = e.without_url();
                report.reachable = !e.is_connect() && !e.is_timeout();
                report.problem = Some(if e.is_timeout() {
                    "The ACS did not answer within 10 s: check the address and the firewall.".into()
                } else if e.is_connect() {
                    format!("Cannot connect ({e}): check the host, the port (GenieACS's NBI uses 7557) and that the service runs.")
                } else {
                    format!("The request failed: {e}. If the ACS uses HTTPS with its own certificate, add its CA or pin.")
                });
            }
            Ok(resp) => {
                report.reachable = true;
                report.tls_ok = true;
                let status = resp.status();
                report.auth_ok = status != 401 && status != 403;
                report.version = resp
                    .headers()
                    .get("GenieACS-Version")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                report.devices = resp
                    .headers()
                    .get("total")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                report.nbi = status.is_success() && report.devices.is_some();
                if !report.auth_ok {
                    report.problem = Some(format!("The credentials were refused (HTTP {status})."));
                } else if !report.nbi {
                    report.problem = Some(format!(
                        "This server answered HTTP {status} but does not look like GenieACS's NBI (no `total` header on /devices)."
                    ));
                }
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_connection_test_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path(), acsdesk_core::clock::system())
            .await
            .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let report = desk
            .test_acs(TestAcsRequest {
                url: format!("http://127.0.0.1:{port}"),
                auth: AuthKind::None,
                user: None,
                secret: None,
                saved: None,
            })
            .await
            .unwrap();
        assert!(!report.reachable);
        assert!(report.problem.unwrap().contains("Cannot connect"));
        let sandbox = acsdesk_sandbox::Sandbox::builder(0)
            .devices(7)
            .start()
            .await
            .unwrap();
        let ok = desk
            .test_acs(TestAcsRequest {
                url: sandbox.url(),
                auth: AuthKind::Basic,
                user: Some("noc".into()),
                secret: Some("pw".into()),
                saved: None,
            })
            .await
            .unwrap();
        assert!(ok.reachable && ok.tls_ok && ok.auth_ok && ok.nbi, "{ok:?}");
        assert_eq!(ok.devices, Some(7));
        assert!(ok.version.unwrap().starts_with("1.2"));
        let bad = desk
            .test_acs(TestAcsRequest {
                url: "not a url".into(),
                auth: AuthKind::None,
                user: None,
                secret: None,
                saved: None,
            })
            .await
            .unwrap();
        assert!(bad.problem.unwrap().contains("not valid"));
    }
}
