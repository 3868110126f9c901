//! Firmware rollouts as the shells use them: started (the image checked in GenieACS, the
//! routers of its model behind it planned into a canary and batches), read with their
//! per-batch counts and first failures, paused, resumed (a halt's failures accepted) and
//! cancelled (queued updates withdrawn). They move in the action runner's passes.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::rollouts::{estimate, plan};
use acsdesk_core::store::rollouts::RolloutRow;
use acsdesk_types::firmware::{
    BatchCounts, FailureThreshold, FirmwareTarget, RolloutInfo, RolloutLogEntry, RolloutRouter,
    RolloutSpec, RolloutState, TargetModel,
};
use acsdesk_types::{ErrorCode, IpcError};

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::Invalid, message)
}

impl Services {
    /// Starts a rollout of `spec.file` over the routers of its model that run an older
    /// version. Refused when the image is not in GenieACS or names no model, when no
    /// router is behind, or when another rollout of the image has not ended.
    pub async fn start_rollout(&self, spec: RolloutSpec) -> Result<RolloutInfo, IpcError> {
        if spec.batch == 0 || spec.concurrency == 0 {
            return Err(invalid(
                "a batch and the concurrency take at least 1 router",
            ));
        }
        if spec.rate_per_hour == Some(0) {
            return Err(invalid("a rate takes at least 1 router an hour"));
        }
        if let Some(w) = &spec.window {
            w.weekly()
                .map_err(|e| invalid(format!("the window: {e}")))?;
        }
        let acs = self.firmware_acs(spec.acs.as_deref()).await?;
        let image = self.rollout_image(&acs, &spec.file).await?;
        let product_class = image.product_class.clone().unwrap_or_default();
        if let Some(m) = spec.model.as_deref() {
            if !m.eq_ignore_ascii_case(&product_class) {
                return Err(invalid(format!(
                    "{} is for {product_class}, not {m}: nothing was queued",
                    spec.file
                )));
            }
        }
        let others = self.tenant.rollouts_using(&acs, &spec.file).await?;
        if others > 0 {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "a rollout of {} has not ended: pause, resume or cancel it",
                    spec.file
                ),
            ));
        }
        let version = image.version.clone();
        let candidates = self
            .tenant
            .rollout_candidates(&acs, &product_class, image.oui.as_deref())
            .await?;
        let routers = plan(&candidates, &spec, version.as_deref());
        if routers.is_empty() {
            return Err(invalid(format!(
                "no router of {product_class}{} on {acs} runs a version older than {}",
                if spec.linked_only {
                    " linked to a subscriber"
                } else {
                    ""
                },
                spec.from_version
                    .as_deref()
                    .or(version.as_deref())
                    .unwrap_or("the image's")
            )));
        }
        let spec_json = serde_json::to_string(&RolloutSpec {
            acs: Some(acs.clone()),
            ..spec.clone()
        })
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
        let id = self
            .tenant
            .create_rollout(
                &acs,
                &spec.file,
                version.as_deref(),
                &spec_json,
                &routers,
                self.now(),
            )
            .await?;
        let batches = routers.iter().map(|(_, b)| *b).max().map_or(0, |b| b + 1);
        let mut pace = format!("{} at once", spec.concurrency);
        if let Some(rate) = spec.rate_per_hour {
            pace.push_str(&format!(", at most {rate} an hour"));
        }
        if let Some(w) = &spec.window {
            pace.push_str(&format!(", only {w}"));
        }
        self.tenant
            .log_rollout(
                id,
                self.now(),
                "info",
                "started",
                &format!(
                    "Started: {} to {} router(s) in {batches} batch(es){}; {pace}; halts when more than {} of a batch fail",
                    version.as_deref().unwrap_or("the image"),
                    routers.len(),
                    if spec.canary > 0 { format!(" (canary of {})", spec.canary.min(routers.len() as u32)) } else { String::new() },
                    spec.max_failures
                ),
            )
            .await?;
        self.rollout(id).await
    }

    /// An image a rollout installs, as GenieACS lists it: refused when it is not there or
    /// names no model. Its model and version are filled in.
    async fn rollout_image(&self, acs: &str, file: &str) -> Result<FirmwareTarget, IpcError> {
        let (_, client) = connection_client(&self.tenant, acs).await?;
        let image = client
            .files()
            .get(file)
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}")))?
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::NotFound,
                    format!("GenieACS ({acs}) has no image named {file:?}"),
                )
            })?;
        if image.metadata.product_class.is_none() {
            return Err(invalid(format!(
                "{file} names no product class in its metadata: upload it again with its model"
            )));
        }
        Ok(FirmwareTarget {
            file: file.to_owned(),
            acs: Some(acs.to_owned()),
            product_class: image.metadata.product_class,
            oui: image.metadata.oui,
            version: image.metadata.version,
        })
    }

    /// The provisioning profile's firmware targets checked against GenieACS and filled
    /// in (connection, model, version); refused when an image is missing or names no
    /// model. Of two targets for one model, the later stands.
    pub(crate) async fn resolve_targets(
        &self,
        targets: &[FirmwareTarget],
    ) -> Result<Vec<FirmwareTarget>, IpcError> {
        let mut out: Vec<FirmwareTarget> = Vec::new();
        for t in targets {
            let acs = self.firmware_acs(t.acs.as_deref()).await?;
            let resolved = self.rollout_image(&acs, &t.file).await?;
            // A later target for a model replaces the earlier one.
            out.retain(|o| {
                !(o.acs == resolved.acs
                    && o.product_class == resolved.product_class
                    && o.oui == resolved.oui)
            });
            out.push(resolved);
        }
        Ok(out)
    }

    /// Keeps one standing rollout per firmware target (started when a target is new),
    /// and cancels those whose target left the profile or changed image.
    pub(crate) async fn maintain_targets(
        &self,
        targets: &[FirmwareTarget],
    ) -> Result<(), IpcError> {
        let now = self.now();
        let mut kept = Vec::new();
        for row in self.tenant.rollouts(None).await? {
            if row.state.is_final() {
                continue;
            }
            let spec: RolloutSpec = serde_json::from_str(&row.spec_json)
                .map_err(|e| IpcError::new(ErrorCode::Store, format!("rollout {}: {e}", row.id)))?;
            if spec.standing.is_none() {
                continue;
            }
            let wanted = targets
                .iter()
                .any(|t| t.acs.as_deref() == Some(row.acs.as_str()) && t.file == row.file);
            if wanted {
                kept.push((row.acs.clone(), row.file.clone()));
            } else if self
                .tenant
                .set_rollout_state(
                    row.id,
                    &[
                        RolloutState::Running,
                        RolloutState::Paused,
                        RolloutState::Halted,
                    ],
                    RolloutState::Cancelled,
                    Some("its firmware target left the provisioning profile"),
                    now,
                )
                .await?
            {
                self.tenant
                    .log_rollout(
                        row.id,
                        now,
                        "info",
                        "cancelled",
                        "Ended: its firmware target left the provisioning profile",
                    )
                    .await?;
            }
        }
        for t in targets {
            let acs = t.acs.clone().unwrap_or_default();
            if kept.contains(&(acs.clone(), t.file.clone())) {
                continue;
            }
            let spec = RolloutSpec {
                file: t.file.clone(),
                acs: Some(acs.clone()),
                model: None,
                from_version: None,
                linked_only: false,
                canary: 0,
                batch: 1,
                pause_min: 0,
                concurrency: 1,
                max_failures: FailureThreshold::Count(0),
                rate_per_hour: None,
                window: None,
                standing: Some(TargetModel {
                    product_class: t.product_class.clone().unwrap_or_default(),
                    oui: t.oui.clone(),
                }),
            };
            let spec_json = serde_json::to_string(&spec)
                .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
            let id = self
                .tenant
                .create_rollout(&acs, &t.file, t.version.as_deref(), &spec_json, &[], now)
                .await?;
            self.tenant
                .log_rollout(
                    id,
                    now,
                    "info",
                    "started",
                    &format!(
                        "Target for new {} routers: each that bootstraps on a version older than {} is brought to it, one at a time; the first failure halts it",
                        spec.standing.as_ref().map(|m| m.product_class.as_str()).unwrap_or_default(),
                        t.version.as_deref().unwrap_or("the image's")
                    ),
                )
                .await?;
        }
        Ok(())
    }

    /// One rollout, with its counts per batch, first failures and skipped routers.
    pub async fn rollout(&self, id: i64) -> Result<RolloutInfo, IpcError> {
        let row = self.tenant.rollout(id).await?;
        self.rollout_info(row).await
    }

    /// Every rollout, newest first.
    pub async fn list_rollouts(&self) -> Result<Vec<RolloutInfo>, IpcError> {
        let mut out = Vec::new();
        for row in self.tenant.rollouts(None).await? {
            out.push(self.rollout_info(row).await?);
        }
        Ok(out)
    }

    async fn rollout_info(&self, row: RolloutRow) -> Result<RolloutInfo, IpcError> {
        let spec: RolloutSpec = serde_json::from_str(&row.spec_json)
            .map_err(|e| IpcError::new(ErrorCode::Store, format!("rollout {}: {e}", row.id)))?;
        let devices = self.tenant.rollout_devices(row.id).await?;
        let mut batches: Vec<BatchCounts> = Vec::new();
        let mut failures = Vec::new();
        let mut skipped = Vec::new();
        for d in &devices {
            let i = match batches.iter().position(|b| b.batch == d.batch) {
                Some(i) => i,
                None => {
                    batches.push(BatchCounts {
                        batch: d.batch,
                        ..BatchCounts::default()
                    });
                    batches.len() - 1
                }
            };
            let b = &mut batches[i];
            b.size += 1;
            let router = || RolloutRouter {
                device: d.genie_id.clone(),
                serial: d.serial.clone(),
                reason: d.reason.clone().unwrap_or_default(),
            };
            match d.state.as_str() {
                "done" => b.done += 1,
                s if acsdesk_core::rollouts::in_flight(s) => b.running += 1,
                "waiting" => b.waiting += 1,
                "skipped" => {
                    b.skipped += 1;
                    skipped.push(router());
                }
                _ => {
                    b.failed += 1;
                    if failures.len() < 20 {
                        failures.push(router());
                    }
                }
            }
        }
        let (eta_ms, window_opens_ms) =
            if row.state == RolloutState::Running && spec.standing.is_none() {
                estimate(&spec, &devices, row.batch_done_ms, self.now())
            } else {
                (None, None)
            };
        Ok(RolloutInfo {
            eta_ms,
            window_opens_ms,
            id: row.id,
            acs: row.acs,
            spec,
            version: row.version,
            state: row.state,
            reason: row.reason,
            created_ms: row.created_ms,
            batches,
            failures,
            skipped,
        })
    }

    /// Pauses a running rollout: nothing new is queued; what was queued goes on.
    pub async fn pause_rollout(&self, id: i64) -> Result<RolloutInfo, IpcError> {
        self.move_rollout(
            id,
            &[RolloutState::Running],
            RolloutState::Paused,
            Some("paused by a person"),
        )
        .await
    }

    /// Resumes a paused or halted rollout from where it stopped; the failures that
    /// halted it are accepted (they stay failed, and count no more against the batch).
    pub async fn resume_rollout(&self, id: i64) -> Result<RolloutInfo, IpcError> {
        if !acsdesk_core::rollouts::resume(&self.tenant, id, self.now()).await? {
            let row = self.tenant.rollout(id).await?;
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "rollout {id} is {} and cannot be resumed",
                    row.state.as_str()
                ),
            ));
        }
        self.rollout(id).await
    }

    /// A rollout's log, oldest first.
    pub async fn rollout_log(&self, id: i64) -> Result<Vec<RolloutLogEntry>, IpcError> {
        self.tenant.rollout(id).await?;
        Ok(self.tenant.rollout_log(id, None).await?)
    }

    /// Cancels a rollout: routers not yet updated are skipped, queued updates withdrawn
    /// from GenieACS (those already on their way finish).
    pub async fn cancel_rollout(&self, id: i64) -> Result<RolloutInfo, IpcError> {
        self.move_rollout(
            id,
            &[
                RolloutState::Running,
                RolloutState::Paused,
                RolloutState::Halted,
            ],
            RolloutState::Cancelled,
            Some("cancelled by a person"),
        )
        .await?;
        let row = self.tenant.rollout(id).await?;
        acsdesk_core::rollouts::settle_alert(&self.tenant, &row, self.now()).await?;
        for d in self.tenant.rollout_devices(id).await? {
            let withdrawn = match (d.state.as_str(), d.action_id) {
                ("waiting", _) => true,
                // Already sent and running: it finishes; a pending one is withdrawn.
                (s, Some(a)) if acsdesk_core::rollouts::in_flight(s) => {
                    self.cancel_action(a).await.is_ok()
                }
                _ => false,
            };
            if withdrawn {
                self.tenant
                    .set_rollout_device(
                        id,
                        d.device_id,
                        "skipped",
                        None,
                        Some("cancelled"),
                        self.now(),
                    )
                    .await?;
            }
        }
        self.rollout(id).await
    }

    async fn move_rollout(
        &self,
        id: i64,
        from: &[RolloutState],
        to: RolloutState,
        reason: Option<&str>,
    ) -> Result<RolloutInfo, IpcError> {
        let row = self.tenant.rollout(id).await?;
        if self
            .tenant
            .set_rollout_state(id, from, to, reason, self.now())
            .await?
        {
            let mut message = reason.unwrap_or(to.as_str()).to_owned();
            message[..1].make_ascii_uppercase();
            self.tenant
                .log_rollout(id, self.now(), "info", to.as_str(), &message)
                .await?;
        } else {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "rollout {id} is {} and cannot be {}",
                    row.state.as_str(),
                    to.as_str()
                ),
            ));
        }
        self.rollout(id).await
    }
}
