//! A tenant's typed settings on top of its `settings` table: how sync and monitoring
//! run, and the alert rules' thresholds. Values are validated when saved; a stored value
//! that no longer parses falls back to its default instead of stopping the sync.

use super::{StoreError, TenantStore};
use crate::alerts::rules::RuleSettings;
use acsdesk_types::settings::SyncSettings;

const SYNC_KEY: &str = "sync";
const OFFLINE_AFTER_KEY: &str = "offline_after_min";

impl TenantStore {
    /// How this tenant's syncs run (the defaults until they are changed).
    pub async fn sync_settings(&self) -> Result<SyncSettings, StoreError> {
        Ok(self
            .setting(SYNC_KEY)
            .await?
            .and_then(|text| serde_json::from_str::<SyncSettings>(&text).ok())
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default())
    }

    /// Saves how this tenant's syncs run; out-of-range values are refused with the
    /// setting's name and range, and nothing is saved.
    pub async fn set_sync_settings(&self, settings: &SyncSettings) -> Result<(), StoreError> {
        settings.validate().map_err(|e| StoreError::Invalid {
            field: e.field,
            reason: e.reason,
        })?;
        let text = serde_json::to_string(settings).map_err(|e| StoreError::Invalid {
            field: "sync",
            reason: e.to_string(),
        })?;
        self.set_setting(SYNC_KEY, &text).await
    }

    /// Minutes without inform before an offline alert (default 10).
    pub async fn offline_after_min(&self) -> Result<u32, StoreError> {
        Ok(self
            .setting(OFFLINE_AFTER_KEY)
            .await?
            .and_then(|v| v.parse().ok())
            .filter(|m| (1..=1440).contains(m))
            .unwrap_or(RuleSettings::default().offline_after_min))
    }

    /// Saves the offline alert's threshold (1 to 1,440 minutes).
    pub async fn set_offline_after_min(&self, minutes: u32) -> Result<(), StoreError> {
        if !(1..=1440).contains(&minutes) {
            return Err(StoreError::Invalid {
                field: "offline_after_min",
                reason: "choose between 1 and 1440 minutes".into(),
            });
        }
        self.set_setting(OFFLINE_AFTER_KEY, &minutes.to_string())
            .await
    }

    /// The alert rules' settings of this tenant.
    pub async fn rule_settings(&self) -> Result<RuleSettings, StoreError> {
        Ok(RuleSettings {
            offline_after_min: self.offline_after_min().await?,
            ..RuleSettings::default()
        })
    }
}
