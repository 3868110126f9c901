//! Actions: raw inputs parsed into validated requests, checked against the live devices
//! and queued all or nothing, listed, cancelled — for the desktop and the CLI alike.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::actions::worker::{Worker, WorkerError};
use acsdesk_core::actions::{ActionRequest, ParamValue};
use acsdesk_core::store::actions::ActionRow;
use acsdesk_types::actions::{ActionInfo, ActionInput, ListActionsRequest};
use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::{ErrorCode, IpcError};
use std::collections::HashMap;

/// Actions one listing (or export) holds at most, newest first.
pub const MAX_LISTED: u32 = 100_000;

impl Services {
    /// Checks `action` against each live device (its paths, their writability, the
    /// firmware's model), then queues it on all of them in one transaction: when one
    /// device refuses it, nothing is queued. `acs` picks the connection of an id known
    /// to several. Returns the actions' ids in the order of `devices`.
    pub async fn queue_actions(
        &self,
        acs: Option<&str>,
        devices: &[String],
        action: &ActionRequest,
    ) -> Result<Vec<i64>, IpcError> {
        if devices.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "no device is given: nothing was queued",
            ));
        }
        let mut workers = HashMap::<String, Worker>::new();
        let mut targets = Vec::with_capacity(devices.len());
        for id in devices {
            let acs = self.tenant.device_acs(acs, id).await?;
            let worker = match workers.get(&acs) {
                Some(w) => w.clone(),
                None => {
                    let (_, client) = connection_client(&self.tenant, &acs).await?;
                    let w = Worker::new(self.tenant.clone(), &acs, client, self.clock.clone());
                    workers.insert(acs.clone(), w.clone());
                    w
                }
            };
            worker.check(id, action).await.map_err(|e| {
                IpcError::new(ErrorCode::Invalid, format!("{id}: {e}; nothing was queued"))
            })?;
            targets.push((Some(acs), id.clone()));
        }
        Ok(self
            .tenant
            .enqueue_actions(&targets, action, self.by, self.now())
            .await?)
    }

    /// One action as listed.
    pub async fn action(&self, id: i64) -> Result<ActionInfo, IpcError> {
        Ok(action_info(&self.tenant.action(id).await?))
    }

    /// Cancels an action that has not reached GenieACS yet.
    pub async fn cancel_action(&self, id: i64) -> Result<(), IpcError> {
        let acs = self.tenant.action(id).await?.acs;
        let (_, client) = connection_client(&self.tenant, &acs).await?;
        Worker::new(self.tenant.clone(), &acs, client, self.clock.clone())
            .cancel(id)
            .await
            .map_err(|e| match e {
                WorkerError::Refused(why) => IpcError::new(ErrorCode::Conflict, why),
                other => IpcError::new(ErrorCode::Remote, other.to_string()),
            })
    }

    /// Recent actions, of one device or all.
    pub async fn list_actions(
        &self,
        request: ListActionsRequest,
    ) -> Result<Vec<ActionInfo>, IpcError> {
        let tenant = &self.tenant;
        let limit = request.limit.unwrap_or(200).clamp(1, MAX_LISTED);
        let mut rows = match &request.device {
            Some(device) => tenant.device_actions(None, device, limit).await?,
            None => tenant.actions(request.status, limit).await?,
        };
        if let Some(status) = request.status {
            rows.retain(|a| a.status == status);
        }
        Ok(rows.iter().map(action_info).collect())
    }

    /// The actions `request` lists (up to [`MAX_LISTED`], newest first) as CSV in a new
    /// file of `dir`.
    pub async fn export_actions_file(
        &self,
        request: ListActionsRequest,
        dir: &std::path::Path,
    ) -> Result<acsdesk_types::actions::ExportedActions, IpcError> {
        let actions = self.list_actions(request).await?;
        let bytes = crate::exports::actions_csv(&actions)?;
        let path = crate::exports::write_new(dir, ("actions", "csv"), self.now(), &bytes)?;
        Ok(acsdesk_types::actions::ExportedActions {
            path: path.display().to_string(),
            actions: actions.len() as u64,
        })
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
        ActionInput::Ping { host, repetitions } => ActionRequest::Ping {
            host: acsdesk_types::actions::check_host(&host)
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e))?,
            repetitions: match repetitions.unwrap_or(4) {
                n @ 1..=acsdesk_types::actions::MAX_PING_REPETITIONS => n,
                _ => {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!(
                            "repetitions: 1 to {}",
                            acsdesk_types::actions::MAX_PING_REPETITIONS
                        ),
                    ))
                }
            },
        },
        ActionInput::Traceroute { host, max_hops } => ActionRequest::Traceroute {
            host: acsdesk_types::actions::check_host(&host)
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e))?,
            max_hops: match max_hops.unwrap_or(30) {
                n @ 1..=acsdesk_types::actions::MAX_TRACE_HOPS => n,
                _ => {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("max_hops: 1 to {}", acsdesk_types::actions::MAX_TRACE_HOPS),
                    ))
                }
            },
        },
        ActionInput::SpeedTest {
            kind,
            url,
            upload_bytes,
        } => {
            use acsdesk_types::actions::{DEFAULT_UPLOAD_BYTES, MAX_UPLOAD_BYTES};
            if !matches!(
                kind,
                acsdesk_types::DiagnosticKind::Download | acsdesk_types::DiagnosticKind::Upload
            ) {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    format!("kind: a speed test is a download or an upload, not a {kind}"),
                ));
            }
            ActionRequest::SpeedTest {
                kind,
                url: acsdesk_types::actions::check_test_url(&url)
                    .map_err(|e| IpcError::new(ErrorCode::Invalid, e))?,
                upload_bytes: match upload_bytes.unwrap_or(DEFAULT_UPLOAD_BYTES) {
                    n @ 1..=MAX_UPLOAD_BYTES => n,
                    _ => {
                        return Err(IpcError::new(
                            ErrorCode::Invalid,
                            "upload_bytes: 1 byte to 1 GB",
                        ))
                    }
                },
            }
        }
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
        acs: a.acs.clone(),
        action: a.request.name().to_owned(),
        description: a.request.describe(),
        status: a.status,
        attempts: u32::try_from(a.attempts).unwrap_or(0),
        fault_code: a.fault_code.clone(),
        fault: a.fault_message.clone(),
        requested_by: a.requested_by.clone(),
        created_ms: a.created_ms,
        finished_ms: a.finished_ms,
        stage: a.stage.clone().filter(|_| !a.status.is_final()),
    }
}

#[cfg(test)]
mod tests {
    use acsdesk_types::actions::{ActionInput, ListActionsRequest, QueueActionRequest};
    use acsdesk_types::BandChoice;

    /// The actions export holds every action listed, newest first, with its description
    /// and outcome — and never the WiFi password a change set.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actions_are_exported_as_csv_without_their_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = crate::bulk::tests::synced_desk(dir.path(), 6).await;
        let services = desk.services().await.unwrap();
        let ids: Vec<String> = services
            .list_devices(acsdesk_types::devices::ListDevicesRequest {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect();
        desk.queue_action(QueueActionRequest {
            device: ids[0].clone(),
            action: ActionInput::Refresh,
            acs: None,
        })
        .await
        .unwrap();
        desk.queue_action(QueueActionRequest {
            device: ids[1].clone(),
            action: ActionInput::ChangeWifi {
                band: BandChoice::All,
                ssid: Some("Casa Export".into()),
                passphrase: Some("never-in-a-file-9".into()),
            },
            acs: None,
        })
        .await
        .unwrap();
        let all = ListActionsRequest {
            device: None,
            status: None,
            limit: Some(100),
        };
        // Listed and exported once the desktop's worker is done with them: a status
        // that moved between the two reads would be no fault of the export.
        let mut listed = Vec::new();
        for _ in 0..300 {
            listed = services.list_actions(all.clone()).await.unwrap();
            if listed.iter().all(|a| a.status.is_final()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(
            listed.len() == 2 && listed.iter().all(|a| a.status.is_final()),
            "{listed:?}"
        );
        let out = tempfile::tempdir().unwrap();
        let file = services.export_actions_file(all, out.path()).await.unwrap();
        assert_eq!(file.actions, listed.len() as u64);
        assert!(file.path.ends_with(".csv") && file.path.contains("acsdesk-actions-"));
        let text = std::fs::read_to_string(&file.path).unwrap();
        assert!(!text.contains("never-in-a-file-9"), "{text}");
        let mut csv = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            csv.headers().unwrap(),
            crate::exports::ACTION_COLUMNS.to_vec()
        );
        let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), listed.len());
        for (rec, a) in records.iter().zip(&listed) {
            assert_eq!(&rec[0], a.id.to_string(), "newest first, as listed");
            assert_eq!(
                (&rec[1], &rec[3], &rec[5]),
                (a.device.as_str(), a.action.as_str(), a.status.as_str())
            );
            assert_eq!(&rec[8], acsdesk_time::iso(a.created_ms));
        }
        assert!(
            records.iter().any(|r| r[4].contains("Casa Export")),
            "the description says what changed: {text}"
        );
    }
}
