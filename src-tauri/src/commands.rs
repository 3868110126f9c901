//! The Tauri commands: each takes its request type from `acsdesk-types`, calls one
//! application service (`acsdesk_app::Services` over the tenant in use, or the session's
//! own `Desk` method) and returns `Result<Response, IpcError>`.

use acsdesk_app::Desk;
use acsdesk_types::actions::{
    ActionInfo, BulkProgress, BulkProgressRequest, BulkQueued, ListActionsRequest,
    QueueActionRequest, QueueBulkRequest,
};
use acsdesk_types::alerts::{
    AddMaintenanceRequest, AlertInfo, ChannelInfo, ChannelNameRequest, EndMaintenanceRequest,
    ListAlertsRequest, ListChannelsRequest, ListMaintenanceRequest, MaintenanceInfo,
    SaveChannelRequest, SetAlertStateRequest, SetDeviceOfflineAfterRequest,
};
use acsdesk_types::devices::{
    DeviceChart, DeviceChartRequest, DeviceDetail, DeviceFacets, DeviceFacetsRequest,
    DeviceLogsRequest, DeviceParametersRequest, FirmwareFileInfo, FirmwareFilesRequest,
    GetDeviceRequest, ListDevicesRequest, ListDevicesResponse, LogInfo, ParameterInfo,
};
use acsdesk_types::firmware::{
    ControlRolloutRequest, DeleteFirmwareRequest, FirmwareLibrary, FirmwareLibraryRequest,
    ListRolloutsRequest, RolloutInfo, RolloutLogEntry, RolloutLogRequest, RolloutOp, RolloutSpec,
    UploadChunk, UploadFirmwareRequest, UploadedFirmware,
};
use acsdesk_types::provisioning::{
    ProvisionRequest, ProvisioningProfile, ProvisioningProfileRequest, ProvisioningReport,
    RouterProvisioning, RouterProvisioningRequest,
};
use acsdesk_types::settings::{
    AcsRemovalPlan, AcsRemovalReport, AcsTestReport, AddAcsRequest, BackupFile, BackupReport,
    BackupTenantRequest, CreateTenantRequest, ListBackupsRequest, RemoveAcsRequest,
    RemoveTenantRequest, RestoreBackupRequest, StartDemoRequest, SwitchTenantRequest,
    TenantSettingsRequest, TestAcsRequest, UnlockTenantRequest, UpdateAcsRequest,
    UpdateSettingsRequest, WorkspaceState, WorkspaceStateRequest,
};
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ExportedFile, ImportReport, ImportSubscribersRequest,
    ListSubscribersRequest, RemoveSubscriberRequest, SaveSubscriberRequest, SubscriberInfo,
};
use acsdesk_types::{
    AboutInfo, CheckUpdateRequest, GetAboutRequest, InstallUpdateRequest, IpcError, UpdateStatus,
};
use std::sync::Arc;
use tauri::State;

type DeskState<'a> = State<'a, Arc<Desk>>;

/// `get_about`: what build is running, including the Tauri version hosting the UI.
#[tauri::command]
pub(crate) fn get_about(request: GetAboutRequest) -> Result<AboutInfo, IpcError> {
    let GetAboutRequest {} = request;
    Ok(acsdesk_core::about::build_info(Some(format!(
        "Tauri {}",
        tauri::VERSION
    ))))
}

/// `check_update`: what the release server offers this build.
#[tauri::command]
pub(crate) async fn check_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    request: CheckUpdateRequest,
) -> Result<UpdateStatus, IpcError> {
    let CheckUpdateRequest {} = request;
    crate::updates::check(&app).await
}

/// `install_update`: installs what the last check found, then the app starts again.
#[tauri::command]
pub(crate) async fn install_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    request: InstallUpdateRequest,
) -> Result<(), IpcError> {
    let InstallUpdateRequest {} = request;
    crate::updates::install_pending(&app).await
}

/// `workspace_state`: tenants, the current one, the demo.
#[tauri::command]
pub(crate) async fn workspace_state(
    desk: DeskState<'_>,
    request: WorkspaceStateRequest,
) -> Result<WorkspaceState, IpcError> {
    let WorkspaceStateRequest {} = request;
    desk.workspace_state().await
}

/// `start_demo`: the embedded sandbox as the demo tenant.
#[tauri::command]
pub(crate) async fn start_demo(
    desk: DeskState<'_>,
    request: StartDemoRequest,
) -> Result<(), IpcError> {
    desk.inner().start_demo(request).await.map(|_| ())
}

/// `test_acs`: a connection test with a verdict per step.
#[tauri::command]
pub(crate) async fn test_acs(
    desk: DeskState<'_>,
    request: TestAcsRequest,
) -> Result<AcsTestReport, IpcError> {
    desk.test_acs(request).await
}

/// `add_acs`: save a connection and start syncing it.
#[tauri::command]
pub(crate) async fn add_acs(desk: DeskState<'_>, request: AddAcsRequest) -> Result<(), IpcError> {
    desk.inner().add_acs(request).await
}

/// `list_devices`: one window of the device list.
#[tauri::command]
pub(crate) async fn list_devices(
    desk: DeskState<'_>,
    request: ListDevicesRequest,
) -> Result<ListDevicesResponse, IpcError> {
    desk.services().await?.list_devices(request).await
}

/// `device_facets`: the values the filters can take.
#[tauri::command]
pub(crate) async fn device_facets(
    desk: DeskState<'_>,
    request: DeviceFacetsRequest,
) -> Result<DeviceFacets, IpcError> {
    let DeviceFacetsRequest {} = request;
    desk.services().await?.device_facets().await
}

/// `fleet_report`: the fleet overview over the last days.
#[tauri::command]
pub(crate) async fn fleet_report(
    desk: DeskState<'_>,
    request: acsdesk_types::report::FleetReportRequest,
) -> Result<acsdesk_types::report::FleetReport, IpcError> {
    desk.services().await?.fleet_report(request).await
}

/// `get_device`: the dashboard's data.
#[tauri::command]
pub(crate) async fn get_device(
    desk: DeskState<'_>,
    request: GetDeviceRequest,
) -> Result<DeviceDetail, IpcError> {
    desk.services().await?.get_device(&request.id).await
}

/// `device_chart`: one history chart as SVG.
#[tauri::command]
pub(crate) async fn device_chart(
    desk: DeskState<'_>,
    request: DeviceChartRequest,
) -> Result<DeviceChart, IpcError> {
    desk.services().await?.device_chart(request).await
}

/// `queue_action`: validate and queue an action.
#[tauri::command]
pub(crate) async fn queue_action(
    desk: DeskState<'_>,
    request: QueueActionRequest,
) -> Result<ActionInfo, IpcError> {
    desk.queue_action(request).await
}

/// `list_actions`: recent actions, of one device or all.
#[tauri::command]
pub(crate) async fn list_actions(
    desk: DeskState<'_>,
    request: ListActionsRequest,
) -> Result<Vec<ActionInfo>, IpcError> {
    desk.services().await?.list_actions(request).await
}

/// `list_alerts`: the alert centre's list.
#[tauri::command]
pub(crate) async fn list_alerts(
    desk: DeskState<'_>,
    request: ListAlertsRequest,
) -> Result<Vec<AlertInfo>, IpcError> {
    desk.services().await?.list_alerts(request).await
}

/// `set_alert_state`: acknowledge or resolve an alert.
#[tauri::command]
pub(crate) async fn set_alert_state(
    desk: DeskState<'_>,
    request: SetAlertStateRequest,
) -> Result<(), IpcError> {
    desk.set_alert_state(request).await
}

/// `switch_tenant`: work in another tenant.
#[tauri::command]
pub(crate) async fn switch_tenant(
    desk: DeskState<'_>,
    request: SwitchTenantRequest,
) -> Result<(), IpcError> {
    desk.inner().switch_tenant(request).await
}

/// `remove_acs`: remove a connection, its history kept.
#[tauri::command]
pub(crate) async fn remove_acs(
    desk: DeskState<'_>,
    request: RemoveAcsRequest,
) -> Result<AcsRemovalReport, IpcError> {
    desk.inner().remove_acs(request).await
}

/// `acs_removal_plan`: what removing a connection would do.
#[tauri::command]
pub(crate) async fn acs_removal_plan(
    desk: DeskState<'_>,
    request: RemoveAcsRequest,
) -> Result<AcsRemovalPlan, IpcError> {
    desk.services().await?.acs_removal_plan(&request.name).await
}

/// `tenant_settings`: the current tenant's settings.
#[tauri::command]
pub(crate) async fn tenant_settings(
    desk: DeskState<'_>,
    request: TenantSettingsRequest,
) -> Result<UpdateSettingsRequest, IpcError> {
    let TenantSettingsRequest {} = request;
    desk.services().await?.tenant_settings().await
}

/// `update_settings`: save the current tenant's settings.
#[tauri::command]
pub(crate) async fn update_settings(
    desk: DeskState<'_>,
    request: UpdateSettingsRequest,
) -> Result<(), IpcError> {
    desk.services().await?.update_settings(request).await
}

/// `provisioning_profile`: what AcsDesk installs into the tenant's GenieACS servers.
#[tauri::command]
pub(crate) async fn provisioning_profile(
    desk: DeskState<'_>,
    request: ProvisioningProfileRequest,
) -> Result<ProvisioningProfile, IpcError> {
    let ProvisioningProfileRequest {} = request;
    desk.services().await?.provisioning_profile().await
}

/// `save_provisioning_profile`: save it (checked first).
#[tauri::command]
pub(crate) async fn save_provisioning_profile(
    desk: DeskState<'_>,
    request: ProvisioningProfile,
) -> Result<(), IpcError> {
    desk.services()
        .await?
        .set_provisioning_profile(&request)
        .await
}

/// `provision`: compare, install or uninstall AcsDesk's objects in GenieACS.
#[tauri::command]
pub(crate) async fn provision(
    desk: DeskState<'_>,
    request: ProvisionRequest,
) -> Result<ProvisioningReport, IpcError> {
    desk.services()
        .await?
        .provision(request.acs.as_deref(), request.mode, request.dry_run)
        .await
}

/// `router_provisioning`: what one router is to get, secrets masked.
#[tauri::command]
pub(crate) async fn router_provisioning(
    desk: DeskState<'_>,
    request: RouterProvisioningRequest,
) -> Result<RouterProvisioning, IpcError> {
    desk.services()
        .await?
        .router_provisioning(&request.serial)
        .await
}

/// `export_subscribers`: the subscribers as CSV in a new file of the export folder.
#[tauri::command]
pub(crate) async fn export_subscribers(
    desk: DeskState<'_>,
    request: ExportSubscribersRequest,
) -> Result<ExportedFile, IpcError> {
    desk.services()
        .await?
        .export_subscribers_file(request, &acsdesk_core::paths::export_dir())
        .await
}

/// `export_devices`: every device the list's filters match, in its order, as CSV in a
/// new file of the export folder.
#[tauri::command]
pub(crate) async fn export_devices(
    desk: DeskState<'_>,
    request: acsdesk_types::devices::ExportDevicesRequest,
) -> Result<acsdesk_types::devices::ExportedDevices, IpcError> {
    desk.services()
        .await?
        .export_devices_file(request, &acsdesk_core::paths::export_dir())
        .await
}

/// `export_actions`: the actions listed, newest first, as CSV in a new file of the
/// export folder.
#[tauri::command]
pub(crate) async fn export_actions(
    desk: DeskState<'_>,
    request: acsdesk_types::actions::ListActionsRequest,
) -> Result<acsdesk_types::actions::ExportedActions, IpcError> {
    desk.services()
        .await?
        .export_actions_file(request, &acsdesk_core::paths::export_dir())
        .await
}

/// `export_chart`: a dashboard chart as SVG or PNG in a new file of the export folder.
#[tauri::command]
pub(crate) async fn export_chart(
    desk: DeskState<'_>,
    request: acsdesk_types::devices::ExportChartRequest,
) -> Result<acsdesk_types::devices::ExportedChart, IpcError> {
    desk.services()
        .await?
        .export_chart_file(request, &acsdesk_core::paths::export_dir())
        .await
}

/// `export_device_log`: a device's log, as narrowed, as CSV in a new file of the export
/// folder.
#[tauri::command]
pub(crate) async fn export_device_log(
    desk: DeskState<'_>,
    request: acsdesk_types::devices::DeviceLogsRequest,
) -> Result<acsdesk_types::devices::ExportedLog, IpcError> {
    desk.services()
        .await?
        .export_device_log_file(request, &acsdesk_core::paths::export_dir())
        .await
}

/// `device_logs`: a device's log, newest first.
#[tauri::command]
pub(crate) async fn device_logs(
    desk: DeskState<'_>,
    request: DeviceLogsRequest,
) -> Result<Vec<LogInfo>, IpcError> {
    desk.services().await?.device_logs(request).await
}

/// `unlock_tenant`: open a tenant with its passphrase (or set the one for new tenants).
#[tauri::command]
pub(crate) async fn unlock_tenant(
    desk: DeskState<'_>,
    request: UnlockTenantRequest,
) -> Result<(), IpcError> {
    desk.inner().unlock_tenant(request).await
}

/// `list_channels`: the tenant's alert channels, without secrets.
#[tauri::command]
pub(crate) async fn list_channels(
    desk: DeskState<'_>,
    request: ListChannelsRequest,
) -> Result<Vec<ChannelInfo>, IpcError> {
    let ListChannelsRequest {} = request;
    desk.services().await?.list_channels().await
}

/// `save_channel`: add or replace a webhook or SMS channel.
#[tauri::command]
pub(crate) async fn save_channel(
    desk: DeskState<'_>,
    request: SaveChannelRequest,
) -> Result<(), IpcError> {
    desk.services().await?.save_channel(request).await
}

/// `remove_channel`: remove a channel.
#[tauri::command]
pub(crate) async fn remove_channel(
    desk: DeskState<'_>,
    request: ChannelNameRequest,
) -> Result<(), IpcError> {
    desk.services().await?.remove_channel(request).await
}

/// `test_channel`: send a test message through a channel.
#[tauri::command]
pub(crate) async fn test_channel(
    desk: DeskState<'_>,
    request: ChannelNameRequest,
) -> Result<u32, IpcError> {
    desk.services().await?.test_channel(request).await
}

/// `device_parameters`: a device's parameter tree, live from GenieACS.
#[tauri::command]
pub(crate) async fn device_parameters(
    desk: DeskState<'_>,
    request: DeviceParametersRequest,
) -> Result<Vec<ParameterInfo>, IpcError> {
    desk.services().await?.device_parameters(request).await
}

/// `firmware_files`: the firmware images in GenieACS that fit a device.
#[tauri::command]
pub(crate) async fn firmware_files(
    desk: DeskState<'_>,
    request: FirmwareFilesRequest,
) -> Result<Vec<FirmwareFileInfo>, IpcError> {
    desk.services().await?.firmware_files(request).await
}

/// `firmware_library`: the images in GenieACS and the fleet's versions per model.
#[tauri::command]
pub(crate) async fn firmware_library(
    desk: DeskState<'_>,
    request: FirmwareLibraryRequest,
) -> Result<FirmwareLibrary, IpcError> {
    let FirmwareLibraryRequest {} = request;
    desk.services().await?.firmware_library().await
}

/// `firmware_upload_chunk`: a chunk of an image, as the raw body; which upload and where
/// in it in the `x-acsdesk-upload` header.
#[tauri::command]
pub(crate) async fn firmware_upload_chunk(
    desk: DeskState<'_>,
    request: tauri::ipc::Request<'_>,
) -> Result<u64, IpcError> {
    let invalid = |m: &str| IpcError::new(acsdesk_types::ErrorCode::Invalid, m);
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(invalid("an upload chunk travels as raw bytes"));
    };
    let chunk: UploadChunk = request
        .headers()
        .get("x-acsdesk-upload")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str(v).ok())
        .ok_or_else(|| invalid("an upload chunk needs its x-acsdesk-upload header"))?;
    desk.firmware_upload_chunk(chunk, bytes).await
}

/// `upload_firmware`: the uploaded image sent to GenieACS with its metadata.
#[tauri::command]
pub(crate) async fn upload_firmware(
    desk: DeskState<'_>,
    request: UploadFirmwareRequest,
) -> Result<UploadedFirmware, IpcError> {
    desk.upload_firmware(request).await
}

/// `delete_firmware`: an image removed from GenieACS.
#[tauri::command]
pub(crate) async fn delete_firmware(
    desk: DeskState<'_>,
    request: DeleteFirmwareRequest,
) -> Result<(), IpcError> {
    desk.services().await?.delete_firmware(request).await
}

/// `list_rollouts`: every firmware rollout, newest first.
#[tauri::command]
pub(crate) async fn list_rollouts(
    desk: DeskState<'_>,
    request: ListRolloutsRequest,
) -> Result<Vec<RolloutInfo>, IpcError> {
    let ListRolloutsRequest {} = request;
    desk.services().await?.list_rollouts().await
}

/// `device_diagnostics`: the diagnostics a device ran, newest first.
#[tauri::command]
pub(crate) async fn device_diagnostics(
    desk: DeskState<'_>,
    request: acsdesk_types::diagnostics::DeviceDiagnosticsRequest,
) -> Result<Vec<acsdesk_types::diagnostics::DiagnosticRecord>, IpcError> {
    desk.services().await?.device_diagnostics(request).await
}

/// `rollout_log`: a rollout's log, oldest first.
#[tauri::command]
pub(crate) async fn rollout_log(
    desk: DeskState<'_>,
    request: RolloutLogRequest,
) -> Result<Vec<RolloutLogEntry>, IpcError> {
    desk.services().await?.rollout_log(request.id).await
}

/// `start_rollout`: a rollout of an image over the routers behind it.
#[tauri::command]
pub(crate) async fn start_rollout(
    desk: DeskState<'_>,
    request: RolloutSpec,
) -> Result<RolloutInfo, IpcError> {
    let info = desk.services().await?.start_rollout(request).await?;
    // The workers queue its canary at once.
    desk.wake_workers();
    Ok(info)
}

/// `control_rollout`: pause, resume or cancel a rollout.
#[tauri::command]
pub(crate) async fn control_rollout(
    desk: DeskState<'_>,
    request: ControlRolloutRequest,
) -> Result<RolloutInfo, IpcError> {
    let services = desk.services().await?;
    let info = match request.op {
        RolloutOp::Pause => services.pause_rollout(request.id).await?,
        RolloutOp::Resume => services.resume_rollout(request.id).await?,
        RolloutOp::Cancel => services.cancel_rollout(request.id).await?,
    };
    desk.wake_workers();
    Ok(info)
}

/// `queue_bulk_action`: one action on many devices, queued together.
#[tauri::command]
pub(crate) async fn queue_bulk_action(
    desk: DeskState<'_>,
    request: QueueBulkRequest,
) -> Result<BulkQueued, IpcError> {
    desk.queue_bulk_action(request).await
}

/// `bulk_progress`: where a bulk operation stands.
#[tauri::command]
pub(crate) async fn bulk_progress(
    desk: DeskState<'_>,
    request: BulkProgressRequest,
) -> Result<BulkProgress, IpcError> {
    desk.services().await?.bulk_progress(request).await
}

/// `update_acs`: change an ACS connection; its syncing restarts.
#[tauri::command]
pub(crate) async fn update_acs(
    desk: DeskState<'_>,
    request: UpdateAcsRequest,
) -> Result<(), IpcError> {
    desk.update_acs(request).await
}

/// `create_tenant`: a new empty tenant, made current.
#[tauri::command]
pub(crate) async fn create_tenant(
    desk: DeskState<'_>,
    request: CreateTenantRequest,
) -> Result<(), IpcError> {
    desk.create_tenant(request).await
}

/// `remove_tenant`: delete a tenant with its data.
#[tauri::command]
pub(crate) async fn remove_tenant(
    desk: DeskState<'_>,
    request: RemoveTenantRequest,
) -> Result<(), IpcError> {
    desk.remove_tenant(request).await
}

/// `backup_tenant`: a checked, still-encrypted copy of the tenant in use.
#[tauri::command]
pub(crate) async fn backup_tenant(
    desk: DeskState<'_>,
    request: BackupTenantRequest,
) -> Result<BackupReport, IpcError> {
    let BackupTenantRequest {} = request;
    desk.backup_tenant().await
}

/// `list_backups`: the backup folder's files, newest first.
#[tauri::command]
pub(crate) async fn list_backups(
    desk: DeskState<'_>,
    request: ListBackupsRequest,
) -> Result<Vec<BackupFile>, IpcError> {
    let ListBackupsRequest {} = request;
    desk.list_backups().await
}

/// `restore_backup`: the tenant in use's data replaced by a checked backup.
#[tauri::command]
pub(crate) async fn restore_backup(
    desk: DeskState<'_>,
    request: RestoreBackupRequest,
) -> Result<BackupReport, IpcError> {
    desk.restore_backup(request).await
}

/// `list_maintenance`: maintenance windows open or to come.
#[tauri::command]
pub(crate) async fn list_maintenance(
    desk: DeskState<'_>,
    request: ListMaintenanceRequest,
) -> Result<Vec<MaintenanceInfo>, IpcError> {
    let ListMaintenanceRequest {} = request;
    desk.services().await?.list_maintenance().await
}

/// `add_maintenance`: open a maintenance window now.
#[tauri::command]
pub(crate) async fn add_maintenance(
    desk: DeskState<'_>,
    request: AddMaintenanceRequest,
) -> Result<i64, IpcError> {
    desk.services().await?.add_maintenance(request).await
}

/// `end_maintenance`: end a maintenance window now.
#[tauri::command]
pub(crate) async fn end_maintenance(
    desk: DeskState<'_>,
    request: EndMaintenanceRequest,
) -> Result<(), IpcError> {
    desk.services().await?.end_maintenance(request).await
}

/// `set_device_offline_after`: a device's own offline threshold.
#[tauri::command]
pub(crate) async fn set_device_offline_after(
    desk: DeskState<'_>,
    request: SetDeviceOfflineAfterRequest,
) -> Result<(), IpcError> {
    desk.services()
        .await?
        .set_device_offline_after(request)
        .await
}

/// `list_subscribers`: subscribers matching a search, by name.
#[tauri::command]
pub(crate) async fn list_subscribers(
    desk: DeskState<'_>,
    request: ListSubscribersRequest,
) -> Result<Vec<SubscriberInfo>, IpcError> {
    desk.services().await?.list_subscribers(request).await
}

/// `save_subscriber`: create or change a subscriber.
#[tauri::command]
pub(crate) async fn save_subscriber(
    desk: DeskState<'_>,
    request: SaveSubscriberRequest,
) -> Result<SubscriberInfo, IpcError> {
    desk.services().await?.save_subscriber(request).await
}

/// `remove_subscriber`: delete a subscriber (its router stays, unlinked).
#[tauri::command]
pub(crate) async fn remove_subscriber(
    desk: DeskState<'_>,
    request: RemoveSubscriberRequest,
) -> Result<(), IpcError> {
    desk.services().await?.remove_subscriber(request).await
}

/// `import_subscribers`: a billing export, planned and (unless a dry run) applied.
#[tauri::command]
pub(crate) async fn import_subscribers(
    desk: DeskState<'_>,
    request: ImportSubscribersRequest,
) -> Result<ImportReport, IpcError> {
    desk.services().await?.import_subscribers(request).await
}
