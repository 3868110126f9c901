//! Outbound alert channels over HTTP: a webhook (JSON POST signed with HMAC-SHA256,
//! retried with backoff) and an SMS gateway driven by a URL template, the way the
//! gateways small ISPs use work. Secrets (the HMAC key, API keys inside the URL) never
//! appear in errors or `Debug` output.

use backon::{BackoffBuilder, ExponentialBuilder};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;
use std::time::Duration;

/// What a channel delivers: one alert or a digest, already worded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertMessage {
    /// The tenant it comes from.
    pub tenant: String,
    /// One line (the notification's summary).
    pub summary: String,
    /// The details.
    pub body: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The alert kind (`device_offline`, …) or `digest`.
    pub kind: String,
    /// The device id or ACS name it is about, if one.
    pub subject: Option<String>,
    /// When it was raised, Unix ms.
    pub at_ms: i64,
    /// The same on every attempt of one notification to one channel (from the outbox):
    /// a receiver that sees it twice can drop the repeat. Also sent as the
    /// `Idempotency-Key` and `X-AcsDesk-Delivery` headers, and `{delivery}` in an SMS
    /// template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_id: Option<String>,
}

/// A webhook endpoint.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Where to POST.
    pub url: String,
    /// The HMAC-SHA256 key; when set, requests carry `X-AcsDesk-Signature`.
    pub secret: Option<acsdesk_types::secret::Secret>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &redact_url(&self.url))
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// An SMS gateway reached over HTTP.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsGateway {
    /// URL template with `{phone}` and `{message}` placeholders (percent-encoded when
    /// substituted), e.g. `https://sms.example/send?key=K&to={phone}&text={message}`.
    pub url_template: String,
    /// POST the form body template instead of a GET, when set (placeholders likewise).
    pub post_body_template: Option<String>,
    /// Who receives alerts.
    pub phones: Vec<String>,
}

impl fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url_template", &redact_url(&self.url_template))
            .field("post", &self.post_body_template.is_some())
            .field("phones", &self.phones.len())
            .finish()
    }
}

/// Shows only the scheme and host of a URL: paths and queries often carry API keys.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("?")),
        Err(_) => "<invalid URL>".to_owned(),
    }
}

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The channel's configuration is unusable.
    #[error("the {channel} is misconfigured: {reason}")]
    Config {
        /// `webhook` or `SMS gateway`.
        channel: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The endpoint refused the request (4xx other than 429): retrying will not help.
    #[error("{endpoint} refused the alert with HTTP {status}")]
    Rejected {
        /// Scheme and host.
        endpoint: String,
        /// The status code.
        status: u16,
    },
    /// Every attempt failed (network errors, timeouts, 5xx, 429).
    #[error("{endpoint} could not be reached after {attempts} attempts: {last}")]
    Unreachable {
        /// Scheme and host.
        endpoint: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure, without the URL.
        last: String,
    },
}

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// Delay before the second attempt; it doubles, with jitter, up to `max_delay`.
    pub min_delay: Duration,
    /// Longest delay between attempts.
    pub max_delay: Duration,
    /// Timeout of each attempt.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The signature of a webhook body: `sha256=` and the hex HMAC-SHA256 of
/// `"{timestamp}.{body}"` under the secret. Receivers recompute it and compare, and
/// reject stale timestamps to stop replays.
pub fn signature(secret: &str, timestamp_s: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(timestamp_s.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends alerts over HTTP with retries.
#[derive(Debug, Clone)]
pub struct Outbound {
    client: reqwest::Client,
    retry: RetryPolicy,
}

impl Outbound {
    /// An outbound sender with its own HTTP client.
    pub fn new(retry: RetryPolicy) -> Result<Self, ChannelError> {
        let client = crate::http::client(retry.timeout).map_err(|e| ChannelError::Config {
            channel: "HTTP client",
            reason: e,
        })?;
        Ok(Self { client, retry })
    }

    /// POSTs the message as JSON to the webhook, signed when it has a secret. Returns
    /// the number of attempts it took.
    pub async fn send_webhook(
        &self,
        hook: &Webhook,
        message: &AlertMessage,
        now_ms: i64,
    ) -> Result<u32, ChannelError> {
        let url = reqwest::Url::parse(&hook.url).map_err(|e| ChannelError::Config {
            channel: "webhook",
            reason: format!("invalid URL ({e})"),
        })?;
        let body = serde_json::to_vec(message).map_err(|e| ChannelError::Config {
            channel: "webhook",
            reason: e.to_string(),
        })?;
        let timestamp = now_ms / 1000;
        let build = || {
            let mut req = self
                .client
                .post(url.clone())
                .header("content-type", "application/json")
                .header("user-agent", concat!("AcsDesk/", env!("CARGO_PKG_VERSION")))
                .header("x-acsdesk-timestamp", timestamp.to_string())
                .body(body.clone());
            if let Some(secret) = &hook.secret {
                req = req.header(
                    "x-acsdesk-signature",
                    signature(secret.expose(), timestamp, &body),
                );
            }
            if let Some(id) = &message.delivery_id {
                req = req
                    .header("idempotency-key", id)
                    .header("x-acsdesk-delivery", id);
            }
            req
        };
        self.with_retries(&hook.url, build).await
    }

    /// Sends the message's summary to every phone of the gateway. Returns the total
    /// number of attempts.
    pub async fn send_sms(
        &self,
        gateway: &SmsGateway,
        message: &AlertMessage,
    ) -> Result<u32, ChannelError> {
        if gateway.phones.is_empty() {
            return Err(ChannelError::Config {
                channel: "SMS gateway",
                reason: "no phone number to send to".into(),
            });
        }
        let mut attempts = 0;
        for phone in &gateway.phones {
            attempts += self.send_sms_to(gateway, phone, message).await?;
        }
        Ok(attempts)
    }

    /// Sends the message's summary to one phone through the gateway. Returns the
    /// number of attempts.
    pub async fn send_sms_to(
        &self,
        gateway: &SmsGateway,
        phone: &str,
        message: &AlertMessage,
    ) -> Result<u32, ChannelError> {
        let text = format!("{}: {}", message.summary, message.body);
        let delivery = message.delivery_id.as_deref().unwrap_or_default();
        {
            let url = fill(&gateway.url_template, phone, &text, delivery);
            let parsed = reqwest::Url::parse(&url).map_err(|_| ChannelError::Config {
                channel: "SMS gateway",
                reason: "the URL template does not give a valid URL".into(),
            })?;
            let form = gateway
                .post_body_template
                .as_ref()
                .map(|t| fill(t, phone, &text, delivery));
            let build = || match &form {
                Some(body) => self
                    .client
                    .post(parsed.clone())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone()),
                None => self.client.get(parsed.clone()),
            };
            self.with_retries(&gateway.url_template, build).await
        }
    }

    async fn with_retries(
        &self,
        url: &str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<u32, ChannelError> {
        let endpoint = redact_url(url);
        let mut delays = ExponentialBuilder::default()
            .with_min_delay(self.retry.min_delay)
            .with_max_delay(self.retry.max_delay)
            .with_jitter()
            .without_max_times()
            .build();
        let attempts = self.retry.attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=attempts {
            match build().send().await {
                Ok(resp) if resp.status().is_success() => return Ok(attempt),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if status != 429 && (400..500).contains(&status) {
                        return Err(ChannelError::Rejected { endpoint, status });
                    }
                    last = format!("HTTP {status}");
                }
                Err(e) => last = e.without_url().to_string(),
            }
            if attempt < attempts {
                tokio::time::sleep(delays.next().unwrap_or(self.retry.max_delay)).await;
            }
        }
        Err(ChannelError::Unreachable {
            endpoint,
            attempts,
            last,
        })
    }
}

/// Substitutes `{phone}`, `{message}` and `{delivery}`, percent-encoded.
fn fill(template: &str, phone: &str, message: &str, delivery: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    template
        .replace("{phone}", &enc(phone))
        .replace("{message}", &enc(message))
        .replace("{delivery}", &enc(delivery))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::Router;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Seen {
        requests: Vec<(HeaderMap, Vec<u8>, String)>,
        fail_first: usize,
        status_after: u16,
    }

    type Shared = Arc<Mutex<Seen>>;

    async fn record(
        State(seen): State<Shared>,
        uri: axum::http::Uri,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> StatusCode {
        let mut s = seen.lock().unwrap();
        s.requests.push((headers, body.to_vec(), uri.to_string()));
        if s.requests.len() <= s.fail_first {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::from_u16(s.status_after).unwrap_or(StatusCode::OK)
        }
    }

    async fn server(fail_first: usize, status_after: u16) -> (String, Shared) {
        let seen: Shared = Arc::new(Mutex::new(Seen {
            fail_first,
            status_after,
            ..Seen::default()
        }));
        let app = Router::new()
            .route("/hook", post(record))
            .route("/sms", get(record).post(record))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}"), seen)
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            timeout: Duration::from_secs(5),
        }
    }

    fn message() -> AlertMessage {
        AlertMessage {
            tenant: "Acme ISP".into(),
            summary: "000042 (Ana Pérez) offline".into(),
            body: "Offline for 11 min".into(),
            severity: "critical".into(),
            kind: "device_offline".into(),
            subject: Some("202BC1-BM632w-000042".into()),
            at_ms: 1_800_000_000_000,
            delivery_id: None,
        }
    }

    #[tokio::test]
    async fn webhook_is_signed_and_retried_through_5xx() {
        let (base, seen) = server(2, 200).await;
        let out = Outbound::new(quick()).unwrap();
        let hook = Webhook {
            url: format!("{base}/hook"),
            secret: Some("s3cret-key".into()),
        };
        let attempts = out
            .send_webhook(&hook, &message(), 1_800_000_000_000)
            .await
            .unwrap();
        assert_eq!(attempts, 3, "two 503s, then delivered");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.requests.len(), 3);
        let (headers, body, _) = &seen.requests[2];
        let json: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["summary"], "000042 (Ana Pérez) offline");
        let ts: i64 = headers["x-acsdesk-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(ts, 1_800_000_000);
        // The receiver recomputes the HMAC over "{timestamp}.{body}" with the shared key.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret-key").unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(headers["x-acsdesk-signature"].to_str().unwrap(), expected);
        assert_ne!(
            signature("other-key", ts, body),
            expected,
            "the key matters"
        );
    }

    #[tokio::test]
    async fn a_4xx_is_not_retried_and_errors_hide_secrets() {
        let (base, seen) = server(0, 401).await;
        let out = Outbound::new(quick()).unwrap();
        let hook = Webhook {
            url: format!("{base}/hook?token=TOPSECRET"),
            secret: Some("hmac-key".into()),
        };
        let err = out.send_webhook(&hook, &message(), 0).await.unwrap_err();
        assert!(matches!(err, ChannelError::Rejected { status: 401, .. }));
        assert_eq!(seen.lock().unwrap().requests.len(), 1);
        let text = format!("{err} {err:?} {hook:?}");
        assert!(
            !text.contains("TOPSECRET") && !text.contains("hmac-key"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_endpoint_gives_up_after_the_attempts() {
        // Bind then drop a listener: nothing accepts on that port.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = Outbound::new(quick()).unwrap();
        let hook = Webhook {
            url: format!("http://127.0.0.1:{port}/hook?key=SECRET"),
            secret: None,
        };
        let err = out.send_webhook(&hook, &message(), 0).await.unwrap_err();
        match &err {
            ChannelError::Unreachable { attempts, .. } => assert_eq!(*attempts, 4),
            other => panic!("{other:?}"),
        }
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }

    #[tokio::test]
    async fn sms_gateway_fills_the_template_per_phone() {
        let (base, seen) = server(0, 200).await;
        let out = Outbound::new(quick()).unwrap();
        let gw = SmsGateway {
            url_template: format!("{base}/sms?key=K&to={{phone}}&text={{message}}"),
            post_body_template: None,
            phones: vec!["+51 999 111 222".into(), "+51999333444".into()],
        };
        assert_eq!(out.send_sms(&gw, &message()).await.unwrap(), 2);
        {
            let seen = seen.lock().unwrap();
            let uri = &seen.requests[0].2;
            assert!(uri.contains("to=%2B51%20999%20111%20222"), "{uri}");
            assert!(
                uri.contains("text=000042%20%28Ana%20P%C3%A9rez%29%20offline"),
                "{uri}"
            );
            assert!(seen.requests[1].2.contains("to=%2B51999333444"));
        }
        let empty = SmsGateway {
            phones: vec![],
            ..gw
        };
        assert!(matches!(
            out.send_sms(&empty, &message()).await,
            Err(ChannelError::Config { .. })
        ));
    }
}
