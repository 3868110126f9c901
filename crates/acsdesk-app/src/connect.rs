//! Talking to a tenant's GenieACS: the one way its client is set up (URL,
//! authentication, TLS trust, rate limit) for syncs, actions, live reads and the
//! connection test with its verdict.

use crate::Desk;
use acsdesk_core::store::acs::same_endpoint;
use acsdesk_core::store::TenantStore;
use acsdesk_types::secret::Secret;
use acsdesk_types::settings::{AcsTestReport, AuthKind, TestAcsRequest};
use acsdesk_types::{ErrorCode, IpcError};
use std::time::Duration;

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
    let secret = secret.expose();
    let tls = saved_tls(tenant, name).await?;
    let rate = u32::try_from(conn.rate_per_s).unwrap_or(20).max(1);
    let client = genie_client(
        &conn.url,
        auth_kind(&conn.auth_kind),
        conn.auth_user.as_deref(),
        secret,
        tls,
    )?
    .rate_limit(rate, rate.saturating_mul(2), 8)
    .build()
    .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
    Ok((conn, client))
}

/// The TLS trust saved with connection `name`: its extra CA, its pin, or the system's.
async fn saved_tls(tenant: &TenantStore, name: &str) -> Result<acsdesk_genieacs::Tls, IpcError> {
    Ok(match tenant.acs_tls(name).await? {
        (Some(pem), _) => acsdesk_genieacs::Tls::ExtraCa(pem.into_bytes()),
        (None, Some(pin)) => acsdesk_genieacs::Tls::PinnedSha256(pin),
        (None, None) => acsdesk_genieacs::Tls::System,
    })
}

/// The one way a GenieACS client is set up: URL, authentication and TLS trust (the
/// caller adds its rate limit or timeouts).
fn genie_client(
    url: &str,
    auth: AuthKind,
    user: Option<&str>,
    secret: &str,
    tls: acsdesk_genieacs::Tls,
) -> Result<acsdesk_genieacs::ClientBuilder, IpcError> {
    let auth = match auth {
        AuthKind::Basic => acsdesk_genieacs::Auth::Basic {
            user: user.unwrap_or_default().to_owned(),
            password: secret.to_owned(),
        },
        AuthKind::Token => acsdesk_genieacs::Auth::Bearer(secret.to_owned()),
        AuthKind::Header => acsdesk_genieacs::Auth::Header {
            name: user.unwrap_or_default().trim().to_owned(),
            value: secret.to_owned(),
        },
        AuthKind::None => acsdesk_genieacs::Auth::None,
    };
    Ok(acsdesk_genieacs::Client::builder(url.trim())
        .auth(auth)
        .tls(tls))
}

/// The authentication kind a connection stores as text (`none`, `basic`, `token`,
/// `header`).
pub fn auth_kind(s: &str) -> AuthKind {
    match s {
        "basic" => AuthKind::Basic,
        "token" => AuthKind::Token,
        "header" => AuthKind::Header,
        _ => AuthKind::None,
    }
}

/// The stored name of an authentication kind.
pub(crate) fn auth_name(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::None => "none",
        AuthKind::Basic => "basic",
        AuthKind::Token => "token",
        AuthKind::Header => "header",
    }
}

impl Desk {
    /// Tests a connection (see [`test_connection`]) of the tenant in use, or a new one.
    pub async fn test_acs(&self, request: TestAcsRequest) -> Result<AcsTestReport, IpcError> {
        let tenant = match &request.saved {
            Some(_) => Some(self.tenant().await?),
            None => None,
        };
        test_connection(tenant.as_ref(), request).await
    }
}

/// Tests a connection: reachable, TLS, credentials, GenieACS NBI, device count — through
/// the same client the syncs use. With `request.saved`, the saved connection of `tenant`
/// lends its CA or pin, and its password or token when none is typed (only for the
/// address it was saved for). The desktop's *Test connection* and `acsdesk acs test`.
pub async fn test_connection(
    tenant: Option<&TenantStore>,
    request: TestAcsRequest,
) -> Result<AcsTestReport, IpcError> {
    let (secret, tls) = match &request.saved {
        Some(saved) => {
            let tenant = tenant.ok_or_else(|| {
                IpcError::new(ErrorCode::Invalid, "a saved connection needs its tenant")
            })?;
            // An unknown name is an error, not "no secret".
            let conn = tenant.acs(saved).await?;
            let secret = match &request.secret {
                Some(s) => Some(s.clone()),
                None if request.auth == AuthKind::None => None,
                None if same_endpoint(&conn.url, &request.url) => {
                    tenant.reveal_acs_secret(saved).await?
                }
                // Never sent to another address than the one it was saved for.
                None => {
                    return Ok(AcsTestReport {
                        problem: Some(crate::manage::SECRET_FOR_NEW_ADDRESS.into()),
                        ..AcsTestReport::default()
                    })
                }
            };
            (secret, saved_tls(tenant, saved).await?)
        }
        None => (request.secret.clone(), acsdesk_genieacs::Tls::System),
    };
    // A trust given with the request (a CA or a pin being tried) goes before the saved.
    let tls = match &request.trust {
        Some(trust) => {
            let (ca, pin) = trust.parts();
            match acsdesk_core::store::acs::check_tls(ca, pin) {
                Ok(pin) => match (ca, pin) {
                    (Some(pem), _) => acsdesk_genieacs::Tls::ExtraCa(pem.as_bytes().to_vec()),
                    (None, Some(pin)) => acsdesk_genieacs::Tls::PinnedSha256(pin),
                    (None, None) => acsdesk_genieacs::Tls::System,
                },
                Err(e) => {
                    return Ok(AcsTestReport {
                        problem: Some(e.to_string()),
                        ..AcsTestReport::default()
                    })
                }
            }
        }
        None => tls,
    };
    let mut report = AcsTestReport::default();
    if let Err(e) = reqwest::Url::parse(request.url.trim()) {
        report.problem = Some(format!(
            "The URL is not valid ({e}). Use for example http://acs.example.net:7557"
        ));
        return Ok(report);
    }
    let client = match genie_client(
        &request.url,
        request.auth,
        request.user.as_deref(),
        secret.as_ref().map(Secret::expose).unwrap_or_default(),
        tls,
    )?
    .timeouts(TEST_TIMEOUT, TEST_TIMEOUT)
    .build()
    {
        Ok(c) => c,
        Err(e) => {
            report.problem = Some(e.to_string());
            return Ok(report);
        }
    };
    use acsdesk_genieacs::Error as E;
    match client
        .devices()
        .query(acsdesk_genieacs::Query::all())
        .probe()
        .await
    {
        Ok(probe) => {
            report.reachable = true;
            report.tls_ok = true;
            report.auth_ok = true;
            report.nbi = true;
            report.devices = Some(probe.total);
            report.version = probe.version;
            report.setup = setup_of(&client).await;
        }
        Err(E::Timeout) => {
            report.problem = Some(format!(
                "The ACS did not answer within {} s: check the address and the firewall.",
                TEST_TIMEOUT.as_secs()
            ));
        }
        Err(e @ E::Connect(_)) => {
            report.problem = Some(format!(
                "Cannot connect ({e}): check the host, the port (GenieACS's NBI uses 7557) and that the service runs."
            ));
        }
        Err(E::Tls {
            reason,
            fingerprint,
        }) => {
            report.reachable = true;
            report.problem = Some(match &fingerprint {
                Some(f) => format!(
                    "TLS failed: {reason}. The server's certificate has SHA-256 {f}: if it is your ACS's own, trust it by pinning it (Trust this certificate in the connection form, or acsdesk acs add --pin)."
                ),
                None => format!(
                    "TLS failed: {reason}. If the ACS uses HTTPS with its own certificate, add its CA or pin it (Certificate in the connection form, or acsdesk acs add --ca / --pin)."
                ),
            });
            report.fingerprint = fingerprint;
        }
        Err(E::Auth { status }) => {
            report.reachable = true;
            report.tls_ok = true;
            report.problem = Some(format!("The credentials were refused (HTTP {status})."));
        }
        Err(e @ (E::Decode { .. } | E::Remote { .. } | E::NotFound(_))) => {
            report.reachable = true;
            report.tls_ok = true;
            report.auth_ok = true;
            report.problem = Some(format!(
                "This server answered but does not look like GenieACS's NBI: {e}"
            ));
        }
        Err(e) => {
            report.reachable = true;
            report.problem = Some(e.to_string());
        }
    }
    Ok(report)
}

/// What a GenieACS already runs, in words: a bare server has no presets or provisions at
/// all (GenieACS-UI's first-run wizard creates `bootstrap`, `default` and `inform`).
/// `None` when the configuration cannot be read (it is not part of the verdict).
async fn setup_of(client: &acsdesk_genieacs::Client) -> Option<String> {
    use acsdesk_genieacs::api::config::ConfigKind;
    let names = |docs: Vec<serde_json::Value>| -> Vec<String> {
        docs.iter()
            .filter_map(|d| d["_id"].as_str().map(str::to_owned))
            .collect()
    };
    let presets = names(client.config(ConfigKind::Presets).list().await.ok()?);
    let provisions = names(client.config(ConfigKind::Provisions).list().await.ok()?);
    if presets.is_empty() && provisions.is_empty() {
        return Some("a bare GenieACS: no presets or provisions yet".into());
    }
    let stock = ["bootstrap", "default", "inform"]
        .iter()
        .filter(|s| presets.iter().any(|p| p == *s))
        .count();
    let ours = presets.iter().filter(|p| p.starts_with("acsdesk-")).count();
    let others = presets.len() - stock - ours;
    let mut parts = Vec::new();
    if stock > 0 {
        parts.push(format!(
            "GenieACS-UI's stock presets ({stock} of bootstrap, default, inform)"
        ));
    }
    if ours > 0 {
        parts.push(format!("AcsDesk's provisioning ({ours} presets)"));
    }
    if others > 0 {
        parts.push(format!("{others} other presets"));
    }
    if parts.is_empty() {
        parts.push(format!("{} provisions and no presets", provisions.len()));
    }
    Some(parts.join(", "))
}

/// How long a connection test waits for each step.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);

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
                trust: None,
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
                trust: None,
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
                trust: None,
            })
            .await
            .unwrap();
        assert!(bad.problem.unwrap().contains("not valid"));
        // A proxy that refuses the credentials, and a web server that is not GenieACS.
        let test = |url: String| TestAcsRequest {
            url,
            auth: AuthKind::Basic,
            user: Some("noc".into()),
            secret: Some("wrong-pw".into()),
            saved: None,
            trust: None,
        };
        let (refusing, _) = acsdesk_captures::receiver::start(401).await;
        let refused = desk.test_acs(test(refusing)).await.unwrap();
        assert!(
            refused.reachable && refused.tls_ok && !refused.auth_ok,
            "{refused:?}"
        );
        let problem = refused.problem.unwrap();
        assert!(problem.contains("refused (HTTP 401)"), "{problem}");
        assert!(!problem.contains("wrong-pw"), "{problem}");
        let (other, _) = acsdesk_captures::receiver::start(200).await;
        let other = desk.test_acs(test(other)).await.unwrap();
        assert!(other.auth_ok && !other.nbi, "{other:?}");
        assert!(
            other
                .problem
                .unwrap()
                .contains("does not look like GenieACS"),
            "a server without GenieACS's total header"
        );
    }
}
