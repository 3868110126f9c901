//! The current tenant's settings (offline threshold, sync and alert rules), read and saved
//! together: every part is validated before any is written.

use crate::Services;
use acsdesk_types::settings::UpdateSettingsRequest;
use acsdesk_types::{ErrorCode, IpcError};

impl Services {
    /// The current tenant's settings.
    pub async fn tenant_settings(&self) -> Result<UpdateSettingsRequest, IpcError> {
        let tenant = &self.tenant;
        Ok(UpdateSettingsRequest {
            offline_after_min: tenant.offline_after_min().await?,
            sync: Some(tenant.sync_settings().await?),
            alerts: Some(tenant.alert_settings().await?),
            diagnostics: Some(tenant.diagnostic_settings().await?),
        })
    }

    /// Saves the current tenant's settings.
    pub async fn update_settings(&self, request: UpdateSettingsRequest) -> Result<(), IpcError> {
        let tenant = &self.tenant;
        // Everything is checked before anything is saved: a refused value changes nothing.
        if !(1..=1440).contains(&request.offline_after_min) {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "offline_after_min: choose between 1 and 1440 minutes (got {})",
                    request.offline_after_min
                ),
            ));
        }
        if let Some(sync) = &request.sync {
            sync.validate()
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        }
        if let Some(alerts) = &request.alerts {
            alerts
                .validate()
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        }
        if let Some(diagnostics) = &request.diagnostics {
            diagnostics
                .validate()
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        }
        tenant
            .set_offline_after_min(request.offline_after_min)
            .await?;
        if let Some(diagnostics) = &request.diagnostics {
            tenant.set_diagnostic_settings(diagnostics).await?;
        }
        if let Some(sync) = &request.sync {
            tenant.set_sync_settings(sync).await?;
        }
        if let Some(alerts) = &request.alerts {
            tenant.set_alert_settings(alerts).await?;
        }
        Ok(())
    }
}
