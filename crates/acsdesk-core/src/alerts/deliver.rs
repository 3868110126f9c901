//! Delivery of planned notifications to a tenant's own channels — webhooks and SMS
//! gateways — through the outbox in the tenant's database: each notification to each
//! channel (each phone) is written first with a delivery id of its own, then sent, and
//! tried again with backoff until delivered or given up, across restarts and by
//! whichever process (the desktop, `acsdesk sync` or `watch`) drains the outbox next.
//! Every outcome is noted in the alerts' history. Native desktop notifications are the
//! desktop shell's; this is what also reaches a phone or a NOC system. A channel that
//! fails never stops the others or the sync.

use super::channels::{AlertMessage, ChannelError, Outbound, RetryPolicy};
use super::reconcile::Delivery;
use super::{AlertKey, Severity, Subject};
use crate::store::channels::ChannelConfig;
use crate::store::outbox::NewOutboxEntry;
use crate::store::{StoreError, TenantStore};

/// Attempts per notification before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long a claimed notification is left to its sender before another process may
/// try it: longer than one attempt can take.
const HOLD_MS: i64 = 120_000;

/// Notifications sent per drain.
const DRAIN_BATCH: u32 = 200;

/// The wait after failed attempt `n` (1-based): 30 s, doubling, at most 30 min — about
/// an hour and a half over all attempts.
pub fn backoff_ms(n: i64) -> i64 {
    (30_000_i64 << (n - 1).clamp(0, 6)).min(1_800_000)
}

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
            delivery_id: None,
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
            delivery_id: None,
        },
    }
}

/// 128 random bits in hex.
fn delivery_id() -> Result<String, StoreError> {
    let mut b = [0_u8; 16];
    getrandom::fill(&mut b).map_err(|e| StoreError::Key(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

/// Writes every delivery to the outbox, once per enabled channel (once per phone of an
/// SMS gateway), each with its own delivery id. Returns how many were written.
pub async fn enqueue(
    store: &TenantStore,
    deliveries: &[Delivery],
    now_ms: i64,
) -> Result<usize, StoreError> {
    if deliveries.is_empty() {
        return Ok(0);
    }
    let channels = store.enabled_channels().await?;
    let mut entries = Vec::new();
    for d in deliveries {
        let m = message(store.name(), d, now_ms);
        let keys: Vec<&AlertKey> = match d {
            Delivery::Single(p) => vec![&p.key],
            Delivery::Digest { problems, .. } => problems.iter().map(|p| &p.key).collect(),
        };
        let message_json = serde_json::to_string(&m).map_err(|e| StoreError::Db(e.to_string()))?;
        let problems_json =
            serde_json::to_string(&keys).map_err(|e| StoreError::Db(e.to_string()))?;
        for (name, config) in &channels {
            let targets: Vec<Option<String>> = match config {
                ChannelConfig::Webhook(_) => vec![None],
                ChannelConfig::Sms(s) => s.phones.iter().cloned().map(Some).collect(),
            };
            for target in targets {
                entries.push(NewOutboxEntry {
                    delivery_id: delivery_id()?,
                    channel: name.clone(),
                    target,
                    message_json: message_json.clone(),
                    problems_json: problems_json.clone(),
                });
            }
        }
    }
    store.add_to_outbox(&entries, now_ms).await?;
    Ok(entries.len())
}

/// Sends what is due in the outbox, one attempt each (`outbound`'s own retries aside):
/// delivered, given up (refused by the endpoint, or after [`MAX_ATTEMPTS`]), or put
/// back for a try after [`backoff_ms`]. Each outcome goes in the alerts' history.
pub async fn drain(
    store: &TenantStore,
    outbound: &Outbound,
    now_ms: i64,
) -> Result<Vec<ChannelOutcome>, StoreError> {
    let mut out = Vec::new();
    for e in store.claim_outbox(now_ms, HOLD_MS, DRAIN_BATCH).await? {
        let keys: Vec<AlertKey> = serde_json::from_str(&e.problems_json).unwrap_or_default();
        let sent = match (
            store.channel_config(&e.channel).await,
            serde_json::from_str::<AlertMessage>(&e.message_json),
        ) {
            (Err(StoreError::NotFound(_)), _) => Err((true, "the channel was removed".to_owned())),
            (Err(err), _) => return Err(err),
            (_, Err(err)) => Err((true, format!("the stored message is unreadable: {err}"))),
            (Ok(config), Ok(mut m)) => {
                m.delivery_id = Some(e.delivery_id.clone());
                let r = match (&config, &e.target) {
                    (ChannelConfig::Webhook(w), _) => outbound.send_webhook(w, &m, now_ms).await,
                    (ChannelConfig::Sms(s), Some(phone)) => {
                        outbound.send_sms_to(s, phone, &m).await
                    }
                    (ChannelConfig::Sms(s), None) => outbound.send_sms(s, &m).await,
                };
                r.map_err(|err| {
                    let permanent = matches!(
                        err,
                        ChannelError::Rejected { .. } | ChannelError::Config { .. }
                    );
                    (permanent, err.to_string())
                })
            }
        };
        let to = match &e.target {
            Some(phone) => format!("{} ({phone})", e.channel),
            None => e.channel.clone(),
        };
        let (event, detail) = match &sent {
            Ok(_) => {
                store.finish_outbox(e.id, None, now_ms).await?;
                (
                    "delivered",
                    format!(
                        "to {to} (attempt {}, delivery {})",
                        e.attempts, e.delivery_id
                    ),
                )
            }
            Err((permanent, why)) if *permanent || e.attempts >= MAX_ATTEMPTS => {
                store.finish_outbox(e.id, Some(why), now_ms).await?;
                (
                    "delivery_failed",
                    format!("to {to}: {why} (gave up after attempt {})", e.attempts),
                )
            }
            Err((_, why)) => {
                let at = now_ms.saturating_add(backoff_ms(e.attempts));
                store.retry_outbox(e.id, why, at).await?;
                (
                    "delivery_retry",
                    format!(
                        "to {to}: {why} (attempt {}; next try at {})",
                        e.attempts,
                        acsdesk_time::iso(at)
                    ),
                )
            }
        };
        for key in &keys {
            store
                .note_problem_event(key, event, &detail, now_ms)
                .await?;
        }
        out.push(ChannelOutcome {
            channel: e.channel.clone(),
            result: sent
                .map(|_| u32::try_from(e.attempts).unwrap_or(u32::MAX))
                .map_err(|(_, why)| why),
        });
    }
    Ok(out)
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
        delivery_id: None,
    };
    send(&outbound, &config, &m, now_ms).await
}
