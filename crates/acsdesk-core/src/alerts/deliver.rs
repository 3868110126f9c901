//! Delivery of planned notifications to a tenant's own channels — webhooks and SMS
//! gateways — with each outcome noted in the alerts' history. Native desktop
//! notifications are the desktop shell's; this is what also reaches a phone or a NOC
//! system. A channel that fails never stops the others or the sync.

use super::channels::{AlertMessage, Outbound, RetryPolicy};
use super::reconcile::Delivery;
use super::{Problem, Severity, Subject};
use crate::store::channels::ChannelConfig;
use crate::store::{StoreError, TenantStore};

/// How one channel took one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOutcome {
    /// The channel's name.
    pub channel: String,
    /// Attempts it took, or why it failed (no secrets).
    pub result: Result<u32, String>,
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// The message a channel carries for `delivery`.
pub fn message(tenant: &str, delivery: &Delivery, now_ms: i64) -> AlertMessage {
    let (summary, body) = delivery.text();
    match delivery {
        Delivery::Single(p) => AlertMessage {
            tenant: tenant.to_owned(),
            summary,
            body,
            severity: severity_name(p.severity).to_owned(),
            kind: p.key.kind.as_str().to_owned(),
            subject: Some(match &p.key.subject {
                Subject::Device(id) => id.clone(),
                Subject::Acs(name) => name.clone(),
            }),
            at_ms: p.since_ms,
        },
        Delivery::Digest { problems, .. } => AlertMessage {
            tenant: tenant.to_owned(),
            summary,
            body,
            severity: severity_name(
                problems
                    .iter()
                    .map(|p| p.severity)
                    .max()
                    .unwrap_or(Severity::Info),
            )
            .to_owned(),
            kind: "digest".into(),
            subject: None,
            at_ms: now_ms,
        },
    }
}

async fn send(
    outbound: &Outbound,
    config: &ChannelConfig,
    m: &AlertMessage,
    now_ms: i64,
) -> Result<u32, String> {
    match config {
        ChannelConfig::Webhook(w) => outbound.send_webhook(w, m, now_ms).await,
        ChannelConfig::Sms(s) => outbound.send_sms(s, m).await,
    }
    .map_err(|e| e.to_string())
}

/// Sends every delivery to every enabled channel of the tenant, and notes in each
/// alert's history where it went or why it did not.
pub async fn to_channels(
    store: &TenantStore,
    deliveries: &[Delivery],
    outbound: &Outbound,
    now_ms: i64,
) -> Result<Vec<ChannelOutcome>, StoreError> {
    let channels = store.enabled_channels().await?;
    let mut out = Vec::new();
    if channels.is_empty() {
        return Ok(out);
    }
    for d in deliveries {
        let m = message(store.name(), d, now_ms);
        let problems: Vec<&Problem> = match d {
            Delivery::Single(p) => vec![p],
            Delivery::Digest { problems, .. } => problems.iter().collect(),
        };
        for (name, config) in &channels {
            let result = send(outbound, config, &m, now_ms).await;
            let (event, detail) = match &result {
                Ok(n) => ("delivered", format!("to {name} ({n} attempt(s))")),
                Err(e) => ("delivery_failed", format!("to {name}: {e}")),
            };
            for p in &problems {
                store
                    .note_problem_event(&p.key, event, &detail, now_ms)
                    .await?;
            }
            out.push(ChannelOutcome {
                channel: name.clone(),
                result,
            });
        }
    }
    Ok(out)
}

/// Sends a test message through channel `name` now, with fewer retries: the "send
/// test" button and `acsdesk alerts test-channel`.
pub async fn test_channel(store: &TenantStore, name: &str, now_ms: i64) -> Result<u32, String> {
    let config = store
        .channel_config(name)
        .await
        .map_err(|e| e.to_string())?;
    let outbound = Outbound::new(RetryPolicy {
        attempts: 2,
        ..RetryPolicy::default()
    })
    .map_err(|e| e.to_string())?;
    let m = AlertMessage {
        tenant: store.name().to_owned(),
        summary: format!("AcsDesk test from {}", store.name()),
        body: "If you can read this, alerts reach this channel.".into(),
        severity: "info".into(),
        kind: "test".into(),
        subject: None,
        at_ms: now_ms,
    };
    send(&outbound, &config, &m, now_ms).await
}
