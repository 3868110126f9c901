//! A tenant's typed settings on top of its `settings` table: how sync and monitoring
//! run, the alert rules' thresholds, flap suppression and digests. Values are validated when saved; a stored value
//! that no longer parses falls back to its default instead of stopping the sync.

use super::{StoreError, TenantStore};
use crate::alerts::engine::AlertConfig;
use crate::alerts::reconcile::FlapPolicy;
use crate::alerts::rules::RuleSettings;
use acsdesk_types::provisioning::ProvisioningProfile;
use acsdesk_types::settings::{AlertSettings, DiagnosticSettings, SyncSettings};

const SYNC_KEY: &str = "sync";
const ALERTS_KEY: &str = "alerts";
const OFFLINE_AFTER_KEY: &str = "offline_after_min";
const PROVISIONING_KEY: &str = "provisioning";
const DIAGNOSTICS_KEY: &str = "diagnostics";

impl TenantStore {
    /// What AcsDesk installs into this tenant's GenieACS servers (the defaults until
    /// changed).
    pub async fn provisioning_profile(&self) -> Result<ProvisioningProfile, StoreError> {
        Ok(self
            .setting(PROVISIONING_KEY)
            .await?
            .and_then(|text| serde_json::from_str::<ProvisioningProfile>(&text).ok())
            .filter(|p| p.validate().is_ok())
            .unwrap_or_default())
    }

    /// Saves the provisioning profile; an invalid value is refused by name and nothing
    /// is saved.
    pub async fn set_provisioning_profile(
        &self,
        profile: &ProvisioningProfile,
    ) -> Result<(), StoreError> {
        profile.validate().map_err(|e| StoreError::Invalid {
            field: e.field,
            reason: e.reason,
        })?;
        let text = serde_json::to_string(profile).map_err(|e| StoreError::Invalid {
            field: "provisioning",
            reason: e.to_string(),
        })?;
        self.set_setting(PROVISIONING_KEY, &text).await
    }

    /// What this tenant's diagnostics reach for when not told (the defaults until
    /// changed).
    pub async fn diagnostic_settings(&self) -> Result<DiagnosticSettings, StoreError> {
        Ok(self
            .setting(DIAGNOSTICS_KEY)
            .await?
            .and_then(|text| serde_json::from_str::<DiagnosticSettings>(&text).ok())
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default())
    }

    /// Saves what diagnostics reach for; an invalid value is refused by name and nothing
    /// is saved.
    pub async fn set_diagnostic_settings(
        &self,
        settings: &DiagnosticSettings,
    ) -> Result<(), StoreError> {
        settings.validate().map_err(|e| StoreError::Invalid {
            field: e.field,
            reason: e.reason,
        })?;
        let text = serde_json::to_string(settings).map_err(|e| StoreError::Invalid {
            field: "diagnostics",
            reason: e.to_string(),
        })?;
        self.set_setting(DIAGNOSTICS_KEY, &text).await
    }

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

    /// The alert rules' other thresholds and delivery (the defaults until changed).
    pub async fn alert_settings(&self) -> Result<AlertSettings, StoreError> {
        Ok(self
            .setting(ALERTS_KEY)
            .await?
            .and_then(|text| serde_json::from_str::<AlertSettings>(&text).ok())
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default())
    }

    /// Saves the alert settings; out-of-range values are refused and nothing is saved.
    pub async fn set_alert_settings(&self, settings: &AlertSettings) -> Result<(), StoreError> {
        settings.validate().map_err(|e| StoreError::Invalid {
            field: e.field,
            reason: e.reason,
        })?;
        let text = serde_json::to_string(settings).map_err(|e| StoreError::Invalid {
            field: "alerts",
            reason: e.to_string(),
        })?;
        self.set_setting(ALERTS_KEY, &text).await
    }

    /// The alert rules' settings of this tenant.
    pub async fn rule_settings(&self) -> Result<RuleSettings, StoreError> {
        Ok(self.alert_config().await?.rules)
    }

    /// Everything an alert evaluation needs to know of this tenant's settings.
    pub async fn alert_config(&self) -> Result<AlertConfig, StoreError> {
        let a = self.alert_settings().await?;
        Ok(AlertConfig {
            rules: RuleSettings {
                offline_after_min: self.offline_after_min().await?,
                ppp_failing_after_min: a.ppp_failing_after_min,
                cpu_threshold_pct: a.cpu_threshold_pct,
                mem_threshold_pct: a.mem_threshold_pct,
                load_window_min: a.load_window_min,
                acs_unreachable_after_min: a.acs_unreachable_after_min,
                optical_rx_min_dbm: a.optical_rx_min_dbm,
            },
            flap: FlapPolicy {
                hold_down_ms: i64::from(a.flap_hold_down_min) * 60_000,
                reopen_within_ms: i64::from(a.reopen_within_min) * 60_000,
            },
            digest_threshold: a.digest_threshold as usize,
        })
    }
}
