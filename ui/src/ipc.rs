//! The only module that talks to the backend: typed wrappers over Tauri's `invoke`.
//!
//! Every command takes its request struct from `acsdesk-types` under the argument name
//! `request` and answers with its response struct or an [`IpcError`].

use acsdesk_types::actions::{ActionInfo, ListActionsRequest, QueueActionRequest};
use acsdesk_types::alerts::{
    AlertInfo, ChannelInfo, ChannelNameRequest, ListAlertsRequest, ListChannelsRequest,
    SaveChannelRequest, SetAlertStateRequest,
};
use acsdesk_types::devices::{
    DeviceChart, DeviceChartRequest, DeviceDetail, DeviceFacets, DeviceFacetsRequest,
    DeviceLogsRequest, GetDeviceRequest, ListDevicesRequest, ListDevicesResponse, LogInfo,
};
use acsdesk_types::provisioning::{
    ProvisionRequest, ProvisioningProfile, ProvisioningProfileRequest, ProvisioningReport,
    RouterProvisioning, RouterProvisioningRequest,
};
use acsdesk_types::settings::{
    AcsTestReport, AddAcsRequest, RemoveAcsRequest, StartDemoRequest, SwitchTenantRequest,
    TenantSettingsRequest, TestAcsRequest, UnlockTenantRequest, UpdateSettingsRequest,
    WorkspaceState, WorkspaceStateRequest,
};
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ExportedFile, ImportReport, ImportSubscribersRequest,
    ListSubscribersRequest, RemoveSubscriberRequest, SaveSubscriberRequest, SubscriberInfo,
};
use acsdesk_types::{
    commands, AboutInfo, CheckUpdateRequest, ErrorCode, GetAboutRequest, InstallUpdateRequest,
    IpcError, ProvisionMode, UpdateStatus,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `window.__TAURI__.core.invoke`, present because `app.withGlobalTauri` is on.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// The same with options: raw bytes as the body, request headers.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke_raw(
        cmd: &str,
        body: js_sys::Uint8Array,
        options: JsValue,
    ) -> Result<JsValue, JsValue>;
}

#[derive(Serialize)]
struct Args<'a, T> {
    request: &'a T,
}

#[wasm_bindgen]
extern "C" {
    /// `window.__TAURI__.event.listen`: resolves to an unlisten function.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// A subscription to a backend event; dropping it unsubscribes.
pub(crate) struct Subscription {
    unlisten: Option<js_sys::Function>,
    _handler: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(f) = self.unlisten.take() {
            // Unlistening can only fail if the webview is going away anyway.
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

/// Calls `on_event` with each payload of backend event `name` (see
/// `acsdesk_types::events`) until the returned subscription is dropped. Payloads that do
/// not decode are skipped.
pub(crate) async fn listen<T: DeserializeOwned + 'static>(
    name: &str,
    mut on_event: impl FnMut(T) + 'static,
) -> Result<Subscription, IpcError> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload =
            js_sys::Reflect::get(&event, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        if let Ok(value) = serde_wasm_bindgen::from_value::<T>(payload) {
            on_event(value);
        }
    });
    let unlisten = tauri_listen(name, &handler)
        .await
        .map_err(|e| decode_error(name, e))?;
    Ok(Subscription {
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
        _handler: handler,
    })
}

/// Invokes backend command `cmd` with `request` and decodes its answer.
async fn invoke<Req: Serialize, Resp: DeserializeOwned>(
    cmd: &str,
    request: &Req,
) -> Result<Resp, IpcError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = Args { request }.serialize(&serializer).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("could not encode the {cmd} request: {e}"),
        )
    })?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("unexpected {cmd} response: {e}"),
            )
        }),
        Err(err) => Err(decode_error(cmd, err)),
    }
}

/// Turns a rejected invoke into an [`IpcError`]: the backend's own error when it sent
/// one, otherwise Tauri's message (e.g. a command the capabilities do not allow).
fn decode_error(cmd: &str, err: JsValue) -> IpcError {
    if let Ok(ipc) = serde_wasm_bindgen::from_value::<IpcError>(err.clone()) {
        return ipc;
    }
    let text = err
        .as_string()
        .or_else(|| {
            js_sys::JSON::stringify(&err)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_owned());
    IpcError::new(ErrorCode::Internal, format!("{cmd} failed: {text}"))
}

/// What build of AcsDesk is running.
pub(crate) async fn get_about() -> Result<AboutInfo, IpcError> {
    invoke(commands::GET_ABOUT, &GetAboutRequest {}).await
}

/// What the release server offers this build.
pub(crate) async fn check_update() -> Result<UpdateStatus, IpcError> {
    invoke(commands::CHECK_UPDATE, &CheckUpdateRequest {}).await
}

/// Installs the update the last check found; the app starts again on it.
pub(crate) async fn install_update() -> Result<(), IpcError> {
    invoke(commands::INSTALL_UPDATE, &InstallUpdateRequest {}).await
}

/// One window of the filtered, sorted device list.
pub(crate) async fn list_devices(
    request: ListDevicesRequest,
) -> Result<ListDevicesResponse, IpcError> {
    invoke(commands::LIST_DEVICES, &request).await
}

/// The values the device filters can take.
pub(crate) async fn device_facets() -> Result<DeviceFacets, IpcError> {
    invoke(commands::DEVICE_FACETS, &DeviceFacetsRequest {}).await
}

/// The fleet overview over the last `days` days.
pub(crate) async fn fleet_report(
    days: u32,
) -> Result<acsdesk_types::report::FleetReport, IpcError> {
    invoke(
        commands::FLEET_REPORT,
        &acsdesk_types::report::FleetReportRequest { days },
    )
    .await
}

/// Everything the dashboard shows about one device.
pub(crate) async fn get_device(id: String) -> Result<DeviceDetail, IpcError> {
    invoke(commands::GET_DEVICE, &GetDeviceRequest { id }).await
}

/// One history chart of a device, as SVG.
pub(crate) async fn device_chart(request: DeviceChartRequest) -> Result<DeviceChart, IpcError> {
    invoke(commands::DEVICE_CHART, &request).await
}

/// Tenants, the current one, and whether the demo runs.
pub(crate) async fn workspace_state() -> Result<WorkspaceState, IpcError> {
    invoke(commands::WORKSPACE_STATE, &WorkspaceStateRequest {}).await
}

/// Starts the embedded sandbox as the demo tenant.
pub(crate) async fn start_demo() -> Result<(), IpcError> {
    invoke(commands::START_DEMO, &StartDemoRequest::default()).await
}

/// Tests an ACS connection without saving it.
pub(crate) async fn test_acs(request: TestAcsRequest) -> Result<AcsTestReport, IpcError> {
    invoke(commands::TEST_ACS, &request).await
}

/// Saves an ACS connection and starts syncing it.
pub(crate) async fn add_acs(request: AddAcsRequest) -> Result<(), IpcError> {
    invoke(commands::ADD_ACS, &request).await
}

/// Validates and queues an action.
pub(crate) async fn queue_action(request: QueueActionRequest) -> Result<ActionInfo, IpcError> {
    invoke(commands::QUEUE_ACTION, &request).await
}

/// Recent actions of a device (or all).
pub(crate) async fn list_actions(device: Option<String>) -> Result<Vec<ActionInfo>, IpcError> {
    invoke(
        commands::LIST_ACTIONS,
        &ListActionsRequest {
            device,
            status: None,
            limit: None,
        },
    )
    .await
}

/// Alerts, optionally in one state.
pub(crate) async fn list_alerts(request: ListAlertsRequest) -> Result<Vec<AlertInfo>, IpcError> {
    invoke(commands::LIST_ALERTS, &request).await
}

/// Acknowledges or resolves an alert.
pub(crate) async fn set_alert_state(request: SetAlertStateRequest) -> Result<(), IpcError> {
    invoke(commands::SET_ALERT_STATE, &request).await
}

/// A device's parameters, live from GenieACS.
pub(crate) async fn device_parameters(
    device: String,
    prefix: Option<String>,
) -> Result<Vec<acsdesk_types::devices::ParameterInfo>, IpcError> {
    invoke(
        commands::DEVICE_PARAMETERS,
        &acsdesk_types::devices::DeviceParametersRequest { device, prefix },
    )
    .await
}

/// The firmware images in GenieACS that fit a device.
pub(crate) async fn firmware_files(
    device: String,
) -> Result<Vec<acsdesk_types::devices::FirmwareFileInfo>, IpcError> {
    invoke(
        commands::FIRMWARE_FILES,
        &acsdesk_types::devices::FirmwareFilesRequest { device },
    )
    .await
}

/// The tenant's alert channels.
pub(crate) async fn list_channels() -> Result<Vec<ChannelInfo>, IpcError> {
    invoke(commands::LIST_CHANNELS, &ListChannelsRequest {}).await
}

/// Adds or replaces an alert channel.
pub(crate) async fn save_channel(request: SaveChannelRequest) -> Result<(), IpcError> {
    invoke(commands::SAVE_CHANNEL, &request).await
}

/// Removes an alert channel.
pub(crate) async fn remove_channel(name: String) -> Result<(), IpcError> {
    invoke(commands::REMOVE_CHANNEL, &ChannelNameRequest { name }).await
}

/// Sends a test message through a channel; the attempts it took.
pub(crate) async fn test_channel(name: String) -> Result<u32, IpcError> {
    invoke(commands::TEST_CHANNEL, &ChannelNameRequest { name }).await
}

/// Works in another tenant.
pub(crate) async fn switch_tenant(name: String) -> Result<(), IpcError> {
    invoke(commands::SWITCH_TENANT, &SwitchTenantRequest { name }).await
}

/// Removes a connection of the current tenant.
pub(crate) async fn remove_acs(
    name: String,
) -> Result<acsdesk_types::settings::AcsRemovalReport, IpcError> {
    invoke(commands::REMOVE_ACS, &RemoveAcsRequest { name }).await
}

/// What removing a connection would do.
pub(crate) async fn acs_removal_plan(
    name: String,
) -> Result<acsdesk_types::settings::AcsRemovalPlan, IpcError> {
    invoke(commands::ACS_REMOVAL_PLAN, &RemoveAcsRequest { name }).await
}

/// The current tenant's settings.
pub(crate) async fn tenant_settings() -> Result<UpdateSettingsRequest, IpcError> {
    invoke(commands::TENANT_SETTINGS, &TenantSettingsRequest {}).await
}

/// Saves the current tenant's settings.
pub(crate) async fn update_settings(request: UpdateSettingsRequest) -> Result<(), IpcError> {
    invoke(commands::UPDATE_SETTINGS, &request).await
}

/// What AcsDesk installs into the tenant's GenieACS servers.
pub(crate) async fn provisioning_profile() -> Result<ProvisioningProfile, IpcError> {
    invoke(
        commands::PROVISIONING_PROFILE,
        &ProvisioningProfileRequest {},
    )
    .await
}

/// Saves the provisioning profile.
pub(crate) async fn save_provisioning_profile(
    profile: ProvisioningProfile,
) -> Result<(), IpcError> {
    invoke(commands::SAVE_PROVISIONING_PROFILE, &profile).await
}

/// Compares, installs or uninstalls AcsDesk's objects on every connection.
pub(crate) async fn provision(mode: ProvisionMode) -> Result<ProvisioningReport, IpcError> {
    invoke(
        commands::PROVISION,
        &ProvisionRequest {
            acs: None,
            mode,
            dry_run: false,
        },
    )
    .await
}

/// What one router is to get from its subscriber, secrets masked.
pub(crate) async fn router_provisioning(serial: String) -> Result<RouterProvisioning, IpcError> {
    invoke(
        commands::ROUTER_PROVISIONING,
        &RouterProvisioningRequest { serial },
    )
    .await
}

/// A device's log narrowed by levels, groups and text, newest first.
pub(crate) async fn filtered_device_logs(
    request: DeviceLogsRequest,
) -> Result<Vec<acsdesk_types::devices::LogInfo>, IpcError> {
    invoke(commands::DEVICE_LOGS, &request).await
}

/// Every device the filters match, in the list's order, as CSV in a new file of the
/// export folder.
pub(crate) async fn export_devices(
    request: acsdesk_types::devices::ExportDevicesRequest,
) -> Result<acsdesk_types::devices::ExportedDevices, IpcError> {
    invoke(commands::EXPORT_DEVICES, &request).await
}

/// The actions (newest first, up to 100,000) as CSV in a new file of the export folder.
pub(crate) async fn export_actions() -> Result<acsdesk_types::actions::ExportedActions, IpcError> {
    invoke(
        commands::EXPORT_ACTIONS,
        &ListActionsRequest {
            device: None,
            status: None,
            limit: Some(100_000),
        },
    )
    .await
}

/// A dashboard chart as SVG or PNG in a new file of the export folder.
pub(crate) async fn export_chart(
    request: acsdesk_types::devices::ExportChartRequest,
) -> Result<acsdesk_types::devices::ExportedChart, IpcError> {
    invoke(commands::EXPORT_CHART, &request).await
}

/// The narrowed log as CSV in a new file of the export folder.
pub(crate) async fn export_device_log(
    request: DeviceLogsRequest,
) -> Result<acsdesk_types::devices::ExportedLog, IpcError> {
    invoke(commands::EXPORT_DEVICE_LOG, &request).await
}

/// Writes the subscribers to a CSV file in the export folder.
pub(crate) async fn export_subscribers(with_secrets: bool) -> Result<ExportedFile, IpcError> {
    invoke(
        commands::EXPORT_SUBSCRIBERS,
        &ExportSubscribersRequest { with_secrets },
    )
    .await
}

/// A device's log, newest first.
pub(crate) async fn device_logs(id: String) -> Result<Vec<LogInfo>, IpcError> {
    invoke(
        commands::DEVICE_LOGS,
        &DeviceLogsRequest {
            id,
            limit: 100,
            ..DeviceLogsRequest::default()
        },
    )
    .await
}

/// Opens a tenant with its passphrase, or (no name) sets the passphrase of new tenants.
pub(crate) async fn unlock_tenant(
    name: Option<String>,
    passphrase: String,
) -> Result<(), IpcError> {
    invoke(
        commands::UNLOCK_TENANT,
        &UnlockTenantRequest {
            name,
            passphrase: passphrase.into(),
        },
    )
    .await
}

/// Queues one action on many devices.
pub(crate) async fn queue_bulk_action(
    request: acsdesk_types::actions::QueueBulkRequest,
) -> Result<acsdesk_types::actions::BulkQueued, IpcError> {
    invoke(commands::QUEUE_BULK_ACTION, &request).await
}

/// Where a bulk operation stands.
pub(crate) async fn bulk_progress(
    ids: Vec<i64>,
) -> Result<acsdesk_types::actions::BulkProgress, IpcError> {
    invoke(
        commands::BULK_PROGRESS,
        &acsdesk_types::actions::BulkProgressRequest { ids },
    )
    .await
}

/// Changes an ACS connection of the current tenant.
pub(crate) async fn update_acs(
    request: acsdesk_types::settings::UpdateAcsRequest,
) -> Result<(), IpcError> {
    invoke(commands::UPDATE_ACS, &request).await
}

/// Creates a tenant and works in it.
pub(crate) async fn create_tenant(name: String) -> Result<(), IpcError> {
    invoke(
        commands::CREATE_TENANT,
        &acsdesk_types::settings::CreateTenantRequest { name },
    )
    .await
}

/// Deletes a tenant with its data.
pub(crate) async fn remove_tenant(name: String) -> Result<(), IpcError> {
    invoke(
        commands::REMOVE_TENANT,
        &acsdesk_types::settings::RemoveTenantRequest { name },
    )
    .await
}

/// Backs up the tenant in use.
pub(crate) async fn backup_tenant() -> Result<acsdesk_types::settings::BackupReport, IpcError> {
    invoke(
        commands::BACKUP_TENANT,
        &acsdesk_types::settings::BackupTenantRequest {},
    )
    .await
}

/// The backup folder's files, newest first.
pub(crate) async fn list_backups() -> Result<Vec<acsdesk_types::settings::BackupFile>, IpcError> {
    invoke(
        commands::LIST_BACKUPS,
        &acsdesk_types::settings::ListBackupsRequest {},
    )
    .await
}

/// Replaces the tenant in use's data with a backup.
pub(crate) async fn restore_backup(
    path: String,
) -> Result<acsdesk_types::settings::BackupReport, IpcError> {
    invoke(
        commands::RESTORE_BACKUP,
        &acsdesk_types::settings::RestoreBackupRequest { path },
    )
    .await
}

/// Maintenance windows open or to come.
pub(crate) async fn list_maintenance(
) -> Result<Vec<acsdesk_types::alerts::MaintenanceInfo>, IpcError> {
    invoke(
        commands::LIST_MAINTENANCE,
        &acsdesk_types::alerts::ListMaintenanceRequest {},
    )
    .await
}

/// Opens a maintenance window now.
pub(crate) async fn add_maintenance(
    request: acsdesk_types::alerts::AddMaintenanceRequest,
) -> Result<i64, IpcError> {
    invoke(commands::ADD_MAINTENANCE, &request).await
}

/// Ends a maintenance window now.
pub(crate) async fn end_maintenance(id: i64) -> Result<(), IpcError> {
    invoke(
        commands::END_MAINTENANCE,
        &acsdesk_types::alerts::EndMaintenanceRequest { id },
    )
    .await
}

/// Sets or clears a device's own offline threshold.
pub(crate) async fn set_device_offline_after(
    device: String,
    minutes: Option<u32>,
) -> Result<(), IpcError> {
    invoke(
        commands::SET_DEVICE_OFFLINE_AFTER,
        &acsdesk_types::alerts::SetDeviceOfflineAfterRequest { device, minutes },
    )
    .await
}

/// Subscribers matching a search, by name.
pub(crate) async fn list_subscribers(
    request: ListSubscribersRequest,
) -> Result<Vec<SubscriberInfo>, IpcError> {
    invoke(commands::LIST_SUBSCRIBERS, &request).await
}

/// Creates or changes a subscriber.
pub(crate) async fn save_subscriber(
    request: SaveSubscriberRequest,
) -> Result<SubscriberInfo, IpcError> {
    invoke(commands::SAVE_SUBSCRIBER, &request).await
}

/// Deletes a subscriber.
pub(crate) async fn remove_subscriber(account: String) -> Result<(), IpcError> {
    invoke(
        commands::REMOVE_SUBSCRIBER,
        &RemoveSubscriberRequest { account },
    )
    .await
}

/// Plans (and unless a dry run, applies) a billing export.
pub(crate) async fn import_subscribers(
    request: ImportSubscribersRequest,
) -> Result<ImportReport, IpcError> {
    invoke(commands::IMPORT_SUBSCRIBERS, &request).await
}

/// The firmware images in GenieACS and the fleet's versions per model.
pub(crate) async fn firmware_library() -> Result<acsdesk_types::firmware::FirmwareLibrary, IpcError>
{
    invoke(
        commands::FIRMWARE_LIBRARY,
        &acsdesk_types::firmware::FirmwareLibraryRequest {},
    )
    .await
}

/// Sends one chunk of an image (raw bytes); returns the bytes received so far.
pub(crate) async fn firmware_upload_chunk(
    chunk: &acsdesk_types::firmware::UploadChunk,
    bytes: js_sys::Uint8Array,
) -> Result<u64, IpcError> {
    let cmd = commands::FIRMWARE_UPLOAD_CHUNK;
    let header = serde_json::to_string(chunk).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("could not encode the chunk: {e}"),
        )
    })?;
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"x-acsdesk-upload".into(), &header.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"headers".into(), &headers);
    match tauri_invoke_raw(cmd, bytes, options.into()).await {
        Ok(v) => serde_wasm_bindgen::from_value(v).map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("unexpected {cmd} response: {e}"),
            )
        }),
        Err(err) => Err(decode_error(cmd, err)),
    }
}

/// Sends an uploaded image to GenieACS with its metadata.
pub(crate) async fn upload_firmware(
    request: acsdesk_types::firmware::UploadFirmwareRequest,
) -> Result<acsdesk_types::firmware::UploadedFirmware, IpcError> {
    invoke(commands::UPLOAD_FIRMWARE, &request).await
}

/// Deletes an image from GenieACS.
pub(crate) async fn delete_firmware(
    request: acsdesk_types::firmware::DeleteFirmwareRequest,
) -> Result<(), IpcError> {
    invoke(commands::DELETE_FIRMWARE, &request).await
}

/// Every firmware rollout, newest first.
pub(crate) async fn list_rollouts() -> Result<Vec<acsdesk_types::firmware::RolloutInfo>, IpcError> {
    invoke(
        commands::LIST_ROLLOUTS,
        &acsdesk_types::firmware::ListRolloutsRequest {},
    )
    .await
}

/// Starts a rollout.
pub(crate) async fn start_rollout(
    spec: acsdesk_types::firmware::RolloutSpec,
) -> Result<acsdesk_types::firmware::RolloutInfo, IpcError> {
    invoke(commands::START_ROLLOUT, &spec).await
}

/// The diagnostics a device ran, newest first.
pub(crate) async fn device_diagnostics(
    device: String,
) -> Result<Vec<acsdesk_types::diagnostics::DiagnosticRecord>, IpcError> {
    invoke(
        commands::DEVICE_DIAGNOSTICS,
        &acsdesk_types::diagnostics::DeviceDiagnosticsRequest {
            device,
            limit: Some(20),
        },
    )
    .await
}

/// A rollout's log, oldest first.
pub(crate) async fn rollout_log(
    id: i64,
) -> Result<Vec<acsdesk_types::firmware::RolloutLogEntry>, IpcError> {
    invoke(
        commands::ROLLOUT_LOG,
        &acsdesk_types::firmware::RolloutLogRequest { id },
    )
    .await
}

/// Pauses, resumes or cancels a rollout.
pub(crate) async fn control_rollout(
    request: acsdesk_types::firmware::ControlRolloutRequest,
) -> Result<acsdesk_types::firmware::RolloutInfo, IpcError> {
    invoke(commands::CONTROL_ROLLOUT, &request).await
}
