//! The alert centre: alerts listed and moved (acknowledge, resolve),
//! and the tenant's delivery channels (list without secrets, save, remove, test).

use crate::Services;
use acsdesk_types::alerts::{
    AlertEventInfo, AlertInfo, ChannelInfo, ChannelNameRequest, ListAlertsRequest,
    SaveChannelRequest, SetAlertStateRequest,
};
use acsdesk_types::{AlertKind, AlertState, ChannelKind, Severity};
use acsdesk_types::{ErrorCode, IpcError};

impl Services {
    /// Alerts, newest first.
    pub async fn list_alerts(
        &self,
        request: ListAlertsRequest,
    ) -> Result<Vec<AlertInfo>, IpcError> {
        let rows = self
            .tenant
            .find_alerts(&acsdesk_core::store::alerts::AlertQuery {
                state: request.state.map(|s| s.as_str().to_owned()),
                kind: request.kind.map(|k| k.as_str().to_owned()),
                severity: request.severity.map(|s| s.as_str().to_owned()),
                device: request.device,
                limit: 500,
            })
            .await?;
        // A kind or severity this version does not know (written by a newer one) is left
        // out rather than shown as something else.
        Ok(rows
            .into_iter()
            .filter_map(|a| {
                Some(AlertInfo {
                    id: a.id,
                    kind: AlertKind::parse(&a.kind)?,
                    subject: a.subject,
                    severity: Severity::parse(&a.severity)?,
                    state: AlertState::parse(&a.state)?,
                    message: a.message,
                    first_seen_ms: a.first_seen_ms,
                    last_seen_ms: a.last_seen_ms,
                })
            })
            .collect())
    }

    /// What happened to an alert: raised, notified, acknowledged, delivered…
    pub async fn alert_history(&self, id: i64) -> Result<Vec<AlertEventInfo>, IpcError> {
        Ok(self
            .tenant
            .alert_history(id)
            .await?
            .into_iter()
            .map(|e| AlertEventInfo {
                at_ms: e.at_ms,
                event: e.event,
                detail: e.detail,
            })
            .collect())
    }

    /// Turns a channel on or off (off: new alerts are not sent to it).
    pub async fn set_channel_enabled(&self, name: &str, enabled: bool) -> Result<(), IpcError> {
        Ok(self.tenant.set_channel_enabled(name, enabled).await?)
    }

    /// The current tenant's alert channels (no secrets).
    pub async fn list_channels(&self) -> Result<Vec<ChannelInfo>, IpcError> {
        Ok(self
            .tenant
            .channels()
            .await?
            .into_iter()
            .filter_map(|c| {
                Some(ChannelInfo {
                    kind: ChannelKind::parse(&c.kind)?,
                    name: c.name,
                    endpoint: c.endpoint,
                    phones: c.phones,
                    enabled: c.enabled,
                })
            })
            .collect())
    }

    /// Adds or replaces an alert channel of the current tenant.
    pub async fn save_channel(&self, request: SaveChannelRequest) -> Result<(), IpcError> {
        use acsdesk_core::alerts::channels::{SmsGateway, Webhook};
        use acsdesk_core::store::channels::ChannelConfig;
        let config = match request.kind {
            ChannelKind::Webhook => ChannelConfig::Webhook(Webhook {
                url: request.url.trim().to_owned(),
                secret: request.secret.filter(|s| !s.is_empty()),
            }),
            ChannelKind::Sms => ChannelConfig::Sms(SmsGateway {
                url_template: request.url.trim().to_owned(),
                post_body_template: request.post_body.filter(|b| !b.trim().is_empty()),
                phones: request
                    .phones
                    .into_iter()
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect(),
            }),
        };
        self.tenant
            .add_channel(&request.name, &config, (self.clock)())
            .await?;
        Ok(())
    }

    /// Removes an alert channel.
    pub async fn remove_channel(&self, request: ChannelNameRequest) -> Result<(), IpcError> {
        self.tenant.remove_channel(&request.name).await?;
        Ok(())
    }

    /// Sends a test message through a channel; the attempts it took.
    pub async fn test_channel(&self, request: ChannelNameRequest) -> Result<u32, IpcError> {
        let tenant = &self.tenant;
        acsdesk_core::alerts::deliver::test_channel(tenant, &request.name, (self.clock)())
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, e))
    }

    /// Acknowledges or resolves an alert; the alerts still open.
    pub async fn set_alert_state(&self, request: SetAlertStateRequest) -> Result<u64, IpcError> {
        let tenant = &self.tenant;
        tenant
            .set_alert_state(request.id, request.state.as_str(), (self.clock)())
            .await?;
        Ok(tenant.open_alert_count().await?)
    }
}
