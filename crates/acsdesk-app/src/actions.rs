//! Actions from the desktop: raw inputs parsed into validated requests (the CLI parses
//! with the same function), checked against the live device, queued, listed.

use crate::connect::connection_client;
use crate::events::DeskEvent;
use crate::Desk;
use acsdesk_core::actions::{ActionRequest, BandChoice, ParamValue};
use acsdesk_core::store::actions::ActionRow;
use acsdesk_types::actions::{ActionInfo, ActionInput, ListActionsRequest, QueueActionRequest};
use acsdesk_types::events::ActionProgressEvent;
use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::{ErrorCode, IpcError};

impl Desk {
    /// Validates and queues an action on a device of the current tenant.
    pub async fn queue_action(&self, request: QueueActionRequest) -> Result<ActionInfo, IpcError> {
        let action = parse_action(request.action)?;
        let tenant = self.tenant().await?;
        let acs = tenant
            .device_acs(request.acs.as_deref(), &request.device)
            .await?;
        // Checked against the live device first (paths, writability, firmware model):
        // nothing wrong is queued.
        let (_, client) = connection_client(&tenant, &acs).await?;
        acsdesk_core::actions::worker::Worker::new(
            tenant.clone(),
            &acs,
            client,
            self.clock.clone(),
        )
        .check(&request.device, &action)
        .await
        .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        let row = tenant
            .enqueue_action_in(
                Some(&acs),
                &request.device,
                &action,
                "desktop",
                (self.clock)(),
            )
            .await?;
        self.work.notify_one();
        let info = action_info(&row);
        let _ = self
            .events
            .send(DeskEvent::ActionProgress(ActionProgressEvent {
                id: row.id,
                device: row.device.clone(),
                status: info.status,
                detail: None,
            }));
        Ok(info)
    }

    /// Recent actions, of one device or all.
    pub async fn list_actions(
        &self,
        request: ListActionsRequest,
    ) -> Result<Vec<ActionInfo>, IpcError> {
        let tenant = self.tenant().await?;
        let rows = match &request.device {
            Some(device) => tenant.device_actions(None, device, 200).await?,
            None => tenant.actions(None, 200).await?,
        };
        Ok(rows.iter().map(action_info).collect())
    }
}

/// Turns raw action inputs into a validated request, naming the field at fault.
pub fn parse_action(input: ActionInput) -> Result<ActionRequest, IpcError> {
    let invalid =
        |e: acsdesk_types::input::InvalidInput| IpcError::new(ErrorCode::Invalid, e.to_string());
    Ok(match input {
        ActionInput::Reboot => ActionRequest::Reboot,
        ActionInput::FactoryReset => ActionRequest::FactoryReset,
        ActionInput::Refresh => ActionRequest::Refresh,
        ActionInput::Summon => ActionRequest::Summon,
        ActionInput::ChangeWifi {
            band,
            ssid,
            passphrase,
        } => {
            let band = BandChoice::parse(&band).ok_or_else(|| {
                IpcError::new(
                    ErrorCode::Invalid,
                    format!("band: {band:?} is not 2.4, 5 or all"),
                )
            })?;
            let ssid = ssid
                .filter(|s| !s.is_empty())
                .map(|s| Ssid::parse(&s))
                .transpose()
                .map_err(invalid)?;
            let passphrase = passphrase
                .filter(|p| !p.is_empty())
                .map(|p| WpaPassphrase::parse(&p))
                .transpose()
                .map_err(invalid)?;
            if ssid.is_none() && passphrase.is_none() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "wifi: give a new SSID, a new password, or both",
                ));
            }
            ActionRequest::ChangeWifi {
                band,
                ssid,
                passphrase,
            }
        }
        ActionInput::ChangePppoe { username, password } => ActionRequest::ChangePppoe {
            username: PppoeUsername::parse(&username).map_err(invalid)?,
            password: PppoePassword::parse(&password).map_err(invalid)?,
        },
        ActionInput::UpdateFirmware { file } => {
            if file.trim().is_empty() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "file: choose a firmware file",
                ));
            }
            ActionRequest::UpdateFirmware {
                file,
                version: None,
            }
        }
        ActionInput::SetParameters { values } => {
            if values.is_empty() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "parameters: give at least one PATH=VALUE",
                ));
            }
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                let path = v.path.trim();
                let well_formed = !path.is_empty()
                    && path.len() <= 256
                    && !path.ends_with('.')
                    && path.split('.').all(|seg| {
                        !seg.is_empty()
                            && seg
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    });
                if !well_formed {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: {path:?} is not a parameter path (Root.Object.1.Name)"),
                    ));
                }
                if v.value.len() > 4096 {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: the value of {path} is longer than 4096 bytes"),
                    ));
                }
                let xsd_type = match v.xsd_type.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(t) => Some(acsdesk_types::actions::xsd_name(t).ok_or_else(|| {
                        IpcError::new(
                            ErrorCode::Invalid,
                            format!("parameter: {path}: unknown type {t:?} (string, boolean, int, unsignedInt, long, unsignedLong, dateTime, base64, hexBinary)"),
                        )
                    })?),
                };
                if out.iter().any(|p: &ParamValue| p.path == path) {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: {path} is given twice"),
                    ));
                }
                out.push(ParamValue {
                    path: path.to_owned(),
                    value: v.value,
                    xsd_type,
                });
            }
            ActionRequest::SetParameters { values: out }
        }
    })
}

pub(crate) fn action_info(a: &ActionRow) -> ActionInfo {
    ActionInfo {
        id: a.id,
        device: a.device.clone(),
        description: a.request.describe(),
        status: a.status,
        fault: a.fault_message.clone(),
        created_ms: a.created_ms,
        finished_ms: a.finished_ms,
    }
}
