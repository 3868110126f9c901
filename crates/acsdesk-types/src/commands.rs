//! The names of the backend commands the UI may invoke, in one list.
//!
//! `src-tauri/build.rs` registers the same list in the app manifest so that the
//! capability file can allow exactly these commands; a test keeps the two in step.

/// `get_about`: [`crate::GetAboutRequest`] → [`crate::AboutInfo`].
pub const GET_ABOUT: &str = "get_about";

/// `check_update`: [`crate::CheckUpdateRequest`] → [`crate::UpdateStatus`].
pub const CHECK_UPDATE: &str = "check_update";

/// `install_update`: [`crate::InstallUpdateRequest`] → `()`; progress as
/// [`crate::events::UPDATE_PROGRESS`], then the app restarts.
pub const INSTALL_UPDATE: &str = "install_update";

/// `list_devices`: [`crate::devices::ListDevicesRequest`] → [`crate::devices::ListDevicesResponse`].
pub const LIST_DEVICES: &str = "list_devices";

/// `device_facets`: [`crate::devices::DeviceFacetsRequest`] → [`crate::devices::DeviceFacets`].
pub const DEVICE_FACETS: &str = "device_facets";

/// `get_device`: [`crate::devices::GetDeviceRequest`] → [`crate::devices::DeviceDetail`].
pub const GET_DEVICE: &str = "get_device";

/// `device_chart`: [`crate::devices::DeviceChartRequest`] → [`crate::devices::DeviceChart`].
pub const DEVICE_CHART: &str = "device_chart";

/// `workspace_state`: [`crate::settings::WorkspaceStateRequest`] → [`crate::settings::WorkspaceState`].
pub const WORKSPACE_STATE: &str = "workspace_state";

/// `start_demo`: [`crate::settings::StartDemoRequest`] → `()`.
pub const START_DEMO: &str = "start_demo";

/// `test_acs`: [`crate::settings::TestAcsRequest`] → [`crate::settings::AcsTestReport`].
pub const TEST_ACS: &str = "test_acs";

/// `add_acs`: [`crate::settings::AddAcsRequest`] → `()`.
pub const ADD_ACS: &str = "add_acs";

/// `queue_action`: [`crate::actions::QueueActionRequest`] → [`crate::actions::ActionInfo`].
pub const QUEUE_ACTION: &str = "queue_action";

/// `list_actions`: [`crate::actions::ListActionsRequest`] → `Vec<`[`crate::actions::ActionInfo`]`>`.
pub const LIST_ACTIONS: &str = "list_actions";

/// `list_alerts`: [`crate::alerts::ListAlertsRequest`] → `Vec<`[`crate::alerts::AlertInfo`]`>`.
pub const LIST_ALERTS: &str = "list_alerts";

/// `set_alert_state`: [`crate::alerts::SetAlertStateRequest`] → `()`.
pub const SET_ALERT_STATE: &str = "set_alert_state";

/// `switch_tenant`: [`crate::settings::SwitchTenantRequest`] → `()`.
pub const SWITCH_TENANT: &str = "switch_tenant";

/// `remove_acs`: [`crate::settings::RemoveAcsRequest`] → [`crate::settings::AcsRemovalReport`].
pub const REMOVE_ACS: &str = "remove_acs";

/// `acs_removal_plan`: [`crate::settings::RemoveAcsRequest`] → [`crate::settings::AcsRemovalPlan`].
pub const ACS_REMOVAL_PLAN: &str = "acs_removal_plan";

/// `update_settings`: [`crate::settings::UpdateSettingsRequest`] → `()`.
pub const UPDATE_SETTINGS: &str = "update_settings";

/// `tenant_settings`: [`crate::settings::TenantSettingsRequest`] → [`crate::settings::UpdateSettingsRequest`].
pub const TENANT_SETTINGS: &str = "tenant_settings";

/// `provisioning_profile`: [`crate::provisioning::ProvisioningProfileRequest`] →
/// [`crate::provisioning::ProvisioningProfile`].
pub const PROVISIONING_PROFILE: &str = "provisioning_profile";

/// `save_provisioning_profile`: [`crate::provisioning::ProvisioningProfile`] → `()`.
pub const SAVE_PROVISIONING_PROFILE: &str = "save_provisioning_profile";

/// `provision`: [`crate::provisioning::ProvisionRequest`] →
/// [`crate::provisioning::ProvisioningReport`].
pub const PROVISION: &str = "provision";

/// `router_provisioning`: [`crate::provisioning::RouterProvisioningRequest`] →
/// [`crate::provisioning::RouterProvisioning`].
pub const ROUTER_PROVISIONING: &str = "router_provisioning";

/// `export_subscribers`: [`crate::subscribers::ExportSubscribersRequest`] →
/// [`crate::subscribers::ExportedFile`] (written to the export folder).
pub const EXPORT_SUBSCRIBERS: &str = "export_subscribers";

/// `export_devices`: [`crate::devices::ExportDevicesRequest`] →
/// [`crate::devices::ExportedDevices`] (every device the filters match, as CSV, written
/// to the export folder).
pub const EXPORT_DEVICES: &str = "export_devices";

/// `fleet_report`: [`crate::report::FleetReportRequest`] → [`crate::report::FleetReport`]
/// (the fleet overview: online share, models and firmware spread, alerts per day).
pub const FLEET_REPORT: &str = "fleet_report";

/// `export_actions`: [`crate::actions::ListActionsRequest`] →
/// [`crate::actions::ExportedActions`] (the actions listed, newest first, as CSV, written
/// to the export folder).
pub const EXPORT_ACTIONS: &str = "export_actions";

/// `export_chart`: [`crate::devices::ExportChartRequest`] →
/// [`crate::devices::ExportedChart`] (a dashboard chart as SVG or PNG, written to the
/// export folder).
pub const EXPORT_CHART: &str = "export_chart";

/// `export_device_log`: [`crate::devices::DeviceLogsRequest`] →
/// [`crate::devices::ExportedLog`] (the filtered log as CSV, written to the export folder).
pub const EXPORT_DEVICE_LOG: &str = "export_device_log";

/// `device_logs`: [`crate::devices::DeviceLogsRequest`] → `Vec<`[`crate::devices::LogInfo`]`>`.
pub const DEVICE_LOGS: &str = "device_logs";

/// `unlock_tenant`: [`crate::settings::UnlockTenantRequest`] → `()`.
pub const UNLOCK_TENANT: &str = "unlock_tenant";

/// `list_channels`: [`crate::alerts::ListChannelsRequest`] → `Vec<`[`crate::alerts::ChannelInfo`]`>`.
pub const LIST_CHANNELS: &str = "list_channels";

/// `save_channel`: [`crate::alerts::SaveChannelRequest`] → `()`.
pub const SAVE_CHANNEL: &str = "save_channel";

/// `remove_channel`: [`crate::alerts::ChannelNameRequest`] → `()`.
pub const REMOVE_CHANNEL: &str = "remove_channel";

/// `test_channel`: [`crate::alerts::ChannelNameRequest`] → `u32` (attempts it took).
pub const TEST_CHANNEL: &str = "test_channel";

/// `device_parameters`: [`crate::devices::DeviceParametersRequest`] → `Vec<`[`crate::devices::ParameterInfo`]`>`.
pub const DEVICE_PARAMETERS: &str = "device_parameters";

/// `firmware_files`: [`crate::devices::FirmwareFilesRequest`] → `Vec<`[`crate::devices::FirmwareFileInfo`]`>`.
pub const FIRMWARE_FILES: &str = "firmware_files";

/// `queue_bulk_action`: [`crate::actions::QueueBulkRequest`] → [`crate::actions::BulkQueued`].
pub const QUEUE_BULK_ACTION: &str = "queue_bulk_action";

/// `bulk_progress`: [`crate::actions::BulkProgressRequest`] → [`crate::actions::BulkProgress`].
pub const BULK_PROGRESS: &str = "bulk_progress";

/// `update_acs`: [`crate::settings::UpdateAcsRequest`] → `()`.
pub const UPDATE_ACS: &str = "update_acs";

/// `create_tenant`: [`crate::settings::CreateTenantRequest`] → `()`.
pub const CREATE_TENANT: &str = "create_tenant";

/// `remove_tenant`: [`crate::settings::RemoveTenantRequest`] → `()`.
pub const REMOVE_TENANT: &str = "remove_tenant";

/// `backup_tenant`: [`crate::settings::BackupTenantRequest`] → [`crate::settings::BackupReport`].
pub const BACKUP_TENANT: &str = "backup_tenant";

/// `list_backups`: [`crate::settings::ListBackupsRequest`] → `Vec<`[`crate::settings::BackupFile`]`>`.
pub const LIST_BACKUPS: &str = "list_backups";

/// `restore_backup`: [`crate::settings::RestoreBackupRequest`] → [`crate::settings::BackupReport`].
pub const RESTORE_BACKUP: &str = "restore_backup";

/// `list_maintenance`: [`crate::alerts::ListMaintenanceRequest`] → `Vec<`[`crate::alerts::MaintenanceInfo`]`>`.
pub const LIST_MAINTENANCE: &str = "list_maintenance";

/// `add_maintenance`: [`crate::alerts::AddMaintenanceRequest`] → `i64` (the window's id).
pub const ADD_MAINTENANCE: &str = "add_maintenance";

/// `end_maintenance`: [`crate::alerts::EndMaintenanceRequest`] → `()`.
pub const END_MAINTENANCE: &str = "end_maintenance";

/// `set_device_offline_after`: [`crate::alerts::SetDeviceOfflineAfterRequest`] → `()`.
pub const SET_DEVICE_OFFLINE_AFTER: &str = "set_device_offline_after";

/// `list_subscribers`: [`crate::subscribers::ListSubscribersRequest`] → `Vec<`[`crate::subscribers::SubscriberInfo`]`>`.
pub const LIST_SUBSCRIBERS: &str = "list_subscribers";

/// `save_subscriber`: [`crate::subscribers::SaveSubscriberRequest`] → [`crate::subscribers::SubscriberInfo`].
pub const SAVE_SUBSCRIBER: &str = "save_subscriber";

/// `remove_subscriber`: [`crate::subscribers::RemoveSubscriberRequest`] → `()`.
pub const REMOVE_SUBSCRIBER: &str = "remove_subscriber";

/// `import_subscribers`: [`crate::subscribers::ImportSubscribersRequest`] → [`crate::subscribers::ImportReport`].
pub const IMPORT_SUBSCRIBERS: &str = "import_subscribers";

/// `firmware_library`: [`crate::firmware::FirmwareLibraryRequest`] → [`crate::firmware::FirmwareLibrary`].
pub const FIRMWARE_LIBRARY: &str = "firmware_library";

/// `firmware_upload_chunk`: raw bytes with [`crate::firmware::UploadChunk`] in the
/// `x-acsdesk-upload` header (JSON) → `u64`, the bytes received so far.
pub const FIRMWARE_UPLOAD_CHUNK: &str = "firmware_upload_chunk";

/// `upload_firmware`: [`crate::firmware::UploadFirmwareRequest`] → [`crate::firmware::UploadedFirmware`].
pub const UPLOAD_FIRMWARE: &str = "upload_firmware";

/// `delete_firmware`: [`crate::firmware::DeleteFirmwareRequest`] → `()`.
pub const DELETE_FIRMWARE: &str = "delete_firmware";

/// `list_rollouts`: [`crate::firmware::ListRolloutsRequest`] → `Vec<`[`crate::firmware::RolloutInfo`]`>`.
pub const LIST_ROLLOUTS: &str = "list_rollouts";

/// `start_rollout`: [`crate::firmware::RolloutSpec`] → [`crate::firmware::RolloutInfo`].
pub const START_ROLLOUT: &str = "start_rollout";

/// `control_rollout`: [`crate::firmware::ControlRolloutRequest`] → [`crate::firmware::RolloutInfo`].
pub const CONTROL_ROLLOUT: &str = "control_rollout";

/// `rollout_log`: [`crate::firmware::RolloutLogRequest`] → `Vec<`[`crate::firmware::RolloutLogEntry`]`>`.
pub const ROLLOUT_LOG: &str = "rollout_log";

/// `device_diagnostics`: [`crate::diagnostics::DeviceDiagnosticsRequest`] → `Vec<`[`crate::diagnostics::DiagnosticRecord`]`>`.
pub const DEVICE_DIAGNOSTICS: &str = "device_diagnostics";

/// Every command of the app, in the order they are registered.
pub const ALL: &[&str] = &[
    GET_ABOUT,
    CHECK_UPDATE,
    INSTALL_UPDATE,
    WORKSPACE_STATE,
    START_DEMO,
    TEST_ACS,
    ADD_ACS,
    LIST_DEVICES,
    DEVICE_FACETS,
    FLEET_REPORT,
    GET_DEVICE,
    DEVICE_CHART,
    QUEUE_ACTION,
    LIST_ACTIONS,
    LIST_ALERTS,
    SET_ALERT_STATE,
    SWITCH_TENANT,
    REMOVE_ACS,
    UPDATE_SETTINGS,
    TENANT_SETTINGS,
    DEVICE_LOGS,
    UNLOCK_TENANT,
    LIST_CHANNELS,
    SAVE_CHANNEL,
    REMOVE_CHANNEL,
    TEST_CHANNEL,
    DEVICE_PARAMETERS,
    FIRMWARE_FILES,
    QUEUE_BULK_ACTION,
    BULK_PROGRESS,
    UPDATE_ACS,
    CREATE_TENANT,
    REMOVE_TENANT,
    LIST_MAINTENANCE,
    ADD_MAINTENANCE,
    END_MAINTENANCE,
    SET_DEVICE_OFFLINE_AFTER,
    LIST_SUBSCRIBERS,
    SAVE_SUBSCRIBER,
    REMOVE_SUBSCRIBER,
    IMPORT_SUBSCRIBERS,
    PROVISIONING_PROFILE,
    SAVE_PROVISIONING_PROFILE,
    PROVISION,
    ROUTER_PROVISIONING,
    EXPORT_SUBSCRIBERS,
    EXPORT_DEVICE_LOG,
    EXPORT_DEVICES,
    EXPORT_ACTIONS,
    EXPORT_CHART,
    BACKUP_TENANT,
    ACS_REMOVAL_PLAN,
    LIST_BACKUPS,
    RESTORE_BACKUP,
    FIRMWARE_LIBRARY,
    FIRMWARE_UPLOAD_CHUNK,
    UPLOAD_FIRMWARE,
    DELETE_FIRMWARE,
    LIST_ROLLOUTS,
    START_ROLLOUT,
    CONTROL_ROLLOUT,
    ROLLOUT_LOG,
    DEVICE_DIAGNOSTICS,
];
