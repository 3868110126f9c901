//! A tenant's alert channels (webhooks and SMS gateways). The whole definition — URLs
//! often carry tokens, webhooks their HMAC key — is kept as the channel's secret in the
//! encrypted store; listings show only the endpoint's scheme and host.

use super::{StoreError, TenantStore};
use crate::alerts::channels::{redact_url, SmsGateway, Webhook};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A channel's full definition (secrets included: never print it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelConfig {
    /// JSON POSTs, signed when the webhook has a secret.
    Webhook(Webhook),
    /// Text messages through an HTTP gateway.
    Sms(SmsGateway),
}

impl std::fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChannelConfig::Webhook(w) => w.fmt(f),
            ChannelConfig::Sms(s) => s.fmt(f),
        }
    }
}

impl ChannelConfig {
    fn kind(&self) -> &'static str {
        match self {
            ChannelConfig::Webhook(_) => "webhook",
            ChannelConfig::Sms(_) => "sms",
        }
    }

    /// Checks the definition; the error says what to fix.
    pub fn validate(&self) -> Result<(), StoreError> {
        let invalid = |field: &'static str, reason: &str| {
            Err(StoreError::Invalid {
                field,
                reason: reason.to_owned(),
            })
        };
        let http = |url: &str| {
            reqwest::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .is_some()
        };
        match self {
            ChannelConfig::Webhook(w) => {
                if !http(&w.url) {
                    return invalid("url", "a webhook needs an http:// or https:// URL");
                }
                if w.secret.as_ref().is_some_and(|s| s.expose().len() < 16) {
                    return invalid("secret", "an HMAC secret has at least 16 characters");
                }
            }
            ChannelConfig::Sms(s) => {
                let in_url = s.url_template.contains("{message}");
                let in_body = s
                    .post_body_template
                    .as_deref()
                    .is_some_and(|b| b.contains("{message}"));
                if !http(&s.url_template.replace(['{', '}'], "")) {
                    return invalid(
                        "url",
                        "the gateway URL template must be an http:// or https:// URL",
                    );
                }
                if !in_url && !in_body {
                    return invalid(
                        "url",
                        "put {message} (and {phone}) in the URL template or the POST body",
                    );
                }
                if s.phones.is_empty() {
                    return invalid("phone", "give at least one phone number to send to");
                }
                for p in &s.phones {
                    let digits = p.chars().filter(char::is_ascii_digit).count();
                    if !(6..=15).contains(&digits)
                        || !p.chars().all(|c| c.is_ascii_digit() || "+ -()".contains(c))
                    {
                        return invalid("phone", &format!("{p:?} is not a phone number"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A channel as listed (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelRow {
    /// Its name.
    pub name: String,
    /// `webhook` or `sms`.
    pub kind: String,
    /// Scheme and host only.
    pub endpoint: String,
    /// Phone numbers it sends to (SMS).
    pub phones: usize,
    /// Whether alerts go to it.
    pub enabled: bool,
}

impl TenantStore {
    /// Adds (or replaces) channel `name`.
    pub async fn add_channel(
        &self,
        name: &str,
        config: &ChannelConfig,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid {
                field: "name",
                reason: "a channel name has 1 to 64 characters".into(),
            });
        }
        config.validate()?;
        let (endpoint, phones) = match config {
            ChannelConfig::Webhook(w) => (redact_url(&w.url), 0),
            ChannelConfig::Sms(s) => (
                redact_url(&s.url_template.replace(['{', '}'], "")),
                s.phones.len(),
            ),
        };
        let shown = serde_json::json!({ "endpoint": endpoint, "phones": phones }).to_string();
        let secret = serde_json::to_string(config).map_err(|e| StoreError::Db(e.to_string()))?;
        sqlx::query(
            "INSERT INTO alert_channels (name, kind, config_json, secret, enabled, created_ms) VALUES (?, ?, ?, ?, 1, ?)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, config_json = excluded.config_json, secret = excluded.secret",
        )
        .bind(name)
        .bind(config.kind())
        .bind(shown)
        .bind(secret)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The channels, by name.
    pub async fn channels(&self) -> Result<Vec<ChannelRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, kind, config_json, enabled FROM alert_channels ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let shown: serde_json::Value =
                    serde_json::from_str(&r.get::<String, _>("config_json")).unwrap_or_default();
                ChannelRow {
                    name: r.get("name"),
                    kind: r.get("kind"),
                    endpoint: shown["endpoint"].as_str().unwrap_or("?").to_owned(),
                    phones: shown["phones"].as_u64().unwrap_or(0) as usize,
                    enabled: r.get::<i64, _>("enabled") != 0,
                }
            })
            .collect())
    }

    /// Channel `name`'s full definition, secrets included.
    pub async fn channel_config(&self, name: &str) -> Result<ChannelConfig, StoreError> {
        let secret: Option<Option<String>> =
            sqlx::query_scalar("SELECT secret FROM alert_channels WHERE name = ?")
                .bind(name)
                .fetch_optional(self.pool())
                .await?;
        let text = secret
            .ok_or_else(|| StoreError::NotFound(format!("alert channel \"{name}\"")))?
            .ok_or_else(|| StoreError::Db(format!("alert channel \"{name}\" has no definition")))?;
        serde_json::from_str(&text)
            .map_err(|e| StoreError::Db(format!("alert channel \"{name}\" is unreadable: {e}")))
    }

    /// The enabled channels with their definitions.
    pub async fn enabled_channels(&self) -> Result<Vec<(String, ChannelConfig)>, StoreError> {
        let mut out = Vec::new();
        for c in self.channels().await?.into_iter().filter(|c| c.enabled) {
            let config = self.channel_config(&c.name).await?;
            out.push((c.name, config));
        }
        Ok(out)
    }

    /// Turns a channel on or off.
    pub async fn set_channel_enabled(&self, name: &str, enabled: bool) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE alert_channels SET enabled = ? WHERE name = ?")
            .bind(i64::from(enabled))
            .bind(name)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("alert channel \"{name}\"")));
        }
        Ok(())
    }

    /// Removes a channel.
    pub async fn remove_channel(&self, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM alert_channels WHERE name = ?")
            .bind(name)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("alert channel \"{name}\"")));
        }
        Ok(())
    }
}
