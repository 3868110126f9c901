//! Auto-provisioning through GenieACS: the tenant's provisioning profile, and what
//! AcsDesk installs into each of its ACS connections (`acsdesk_core::provisioning`) —
//! shown as a plan, installed, or removed — and what one router is to get.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::actions::ActionRequest;
use acsdesk_core::provisioning::{
    apply, conflicts, digest, instructions, plan, router_preset_name, shared_objects, Change,
    Desired, Kind, RouterConfig, Step, CFG_PREFIX,
};
use acsdesk_genieacs::api::config::ConfigKind;
use acsdesk_types::provisioning::{
    AcsProvisioning, ObjectStep, ProvisioningProfile, ProvisioningReport, RefusedRouter,
    RouterProvisioning, RouterSteps, VendorInstructions,
};
use acsdesk_types::{ErrorCode, IpcError, ProvisionMode};

/// Where AcsDesk's objects are installed, and a digest of what each connection was
/// last given (settings key).
const INSTALLED_KEY: &str = "provisioning_installed";

/// The routers' configurations, split by state.
struct Routers {
    awaiting: Vec<RouterConfig>,
    configured: Vec<RouterConfig>,
    refused: Vec<RefusedRouter>,
}

fn count(steps: &mut RouterSteps, step: Step) {
    match step {
        Step::Create => steps.create += 1,
        Step::Update => steps.update += 1,
        Step::Unchanged => steps.unchanged += 1,
        Step::Remove => steps.remove += 1,
    }
}

fn is_router_preset(c: &Change) -> bool {
    c.kind == Kind::Preset && c.name.starts_with(CFG_PREFIX)
}

impl Services {
    /// The provisioning profile.
    pub async fn provisioning_profile(&self) -> Result<ProvisioningProfile, IpcError> {
        Ok(self.tenant.provisioning_profile().await?)
    }

    /// Saves the provisioning profile (checked first; nothing saved when invalid). It
    /// reaches the servers at the next install; its firmware targets are checked
    /// against GenieACS and take effect at once (a standing rollout each).
    pub async fn set_provisioning_profile(
        &self,
        profile: &ProvisioningProfile,
    ) -> Result<(), IpcError> {
        let mut profile = profile.clone();
        // Checked before GenieACS is asked about the targets.
        profile
            .validate()
            .map_err(|e| acsdesk_core::store::StoreError::Invalid {
                field: e.field,
                reason: e.reason,
            })?;
        profile.firmware_targets = self.resolve_targets(&profile.firmware_targets).await?;
        self.tenant.set_provisioning_profile(&profile).await?;
        self.maintain_targets(&profile.firmware_targets).await
    }

    async fn routers(&self, profile: &ProvisioningProfile) -> Result<Routers, IpcError> {
        let mut out = Routers {
            awaiting: Vec::new(),
            configured: Vec::new(),
            refused: Vec::new(),
        };
        if profile.per_router_connection_request {
            self.tenant
                .ensure_router_credentials((self.clock)())
                .await?;
        }
        for (input, tags) in self.tenant.router_inputs().await? {
            match RouterConfig::build(profile, &input) {
                Ok(cfg) if tags.contains(&cfg.tag()) => out.configured.push(cfg),
                Ok(cfg) => out.awaiting.push(cfg),
                Err(r) => out.refused.push(RefusedRouter {
                    account: input.account.clone(),
                    serial: input.serial.clone(),
                    field: r.field.to_owned(),
                    reason: r.reason,
                }),
            }
        }
        Ok(out)
    }

    async fn installed(&self) -> Result<std::collections::BTreeMap<String, String>, IpcError> {
        Ok(self
            .tenant
            .setting(INSTALLED_KEY)
            .await?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    async fn mark_installed(&self, acs: &str, digest: Option<String>) -> Result<(), IpcError> {
        let mut map = self.installed().await?;
        match digest {
            Some(d) => map.insert(acs.to_owned(), d),
            None => map.remove(acs),
        };
        let text = serde_json::to_string(&map)
            .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(self.tenant.set_setting(INSTALLED_KEY, &text).await?)
    }

    /// After a subscriber was saved: every connection where AcsDesk's provisioning is
    /// installed gets the change now, and each of the subscriber's routers that is online
    /// is asked to apply it at once through the action queue (an `apply_config` action: a
    /// connection request, proven by the configuration's tag on the router and, when its
    /// PPPoE credentials are new to it, by its PPP session back up with the new username)
    /// rather than at its next periodic inform; an offline one gets it when it informs.
    /// Best effort: the subscriber is saved whatever happens here, and the next sync
    /// retries.
    pub async fn reprovision(&self) {
        let Ok(installed) = self.installed().await else {
            return;
        };
        for acs in installed.keys() {
            // Brings the connection up to date and asks the online routers to apply it.
            if let Err(e) = self.maintain_provisioning(acs).await {
                eprintln!(
                    "acsdesk: {acs}: provisioning not brought up to date: {}",
                    e.message
                );
            }
        }
    }

    /// Checks that the routers of `acs` that carry their configuration's tag read back
    /// what it set — the PPPoE username and the WiFi name, as the last sync read them
    /// (the monitoring refreshes both at each inform) — and keeps what differs as a
    /// provisioning failure (a *provisioning failed* alert), until it reads right again.
    async fn check_read_back(
        &self,
        acs: &str,
        routers: &Routers,
        suffix: &str,
    ) -> Result<(), IpcError> {
        let configured: std::collections::HashMap<String, &RouterConfig> = routers
            .configured
            .iter()
            .map(|c| (c.serial.to_ascii_uppercase(), c))
            .collect();
        let mut mismatches = Vec::new();
        for v in self.tenant.linked_router_values(acs).await? {
            let Some(cfg) = configured.get(&v.serial.to_ascii_uppercase()) else {
                continue;
            };
            if !v.tags.contains(&cfg.tag()) {
                continue;
            }
            let mut what = Vec::new();
            if let (Some(want), Some(got)) = (&cfg.pppoe_username, &v.pppoe_username) {
                if want != got {
                    what.push(format!("its PPPoE user reads back {got}, not {want}"));
                }
            }
            if let Some(want) = &cfg.ssid {
                let five = format!("{want}{suffix}");
                if v.ssids.iter().any(|s| *s != *want && *s != five) {
                    what.push(format!(
                        "its WiFi reads back {}, not {want}",
                        v.ssids.join(" / ")
                    ));
                }
            }
            if !what.is_empty() {
                mismatches.push((v.genie_id, what.join("; ")));
            }
        }
        Ok(self
            .tenant
            .replace_readback_faults(acs, &mismatches, (self.clock)())
            .await?)
    }

    /// Asks each online router whose configuration awaits it to apply it now: an `apply_config` action, once per version — none is queued when
    /// one for that version exists already, whatever became of it (the router's preset
    /// still applies it at its next inform; a failure is not retried in a loop).
    async fn apply_now(&self, routers: &Routers) {
        if routers.awaiting.is_empty() {
            return;
        }
        let online = match self.tenant.linked_online_routers().await {
            Ok(o) => o,
            Err(e) => {
                eprintln!("acsdesk: the routers awaiting a change could not be listed: {e}");
                return;
            }
        };
        for (serial, id, acs) in online {
            let Some(cfg) = routers
                .awaiting
                .iter()
                .find(|cfg| cfg.serial.eq_ignore_ascii_case(&serial))
            else {
                continue;
            };
            let asked = self
                .tenant
                .device_actions(Some(&acs), &id, 200)
                .await
                .map(|rows| {
                    rows.iter().any(|a| {
                        matches!(&a.request, ActionRequest::ApplyConfig { version, .. } if *version == cfg.version)
                    })
                })
                .unwrap_or(true);
            if asked {
                continue;
            }
            // Whether its PPPoE credentials are rewritten is judged when the action is
            // sent, from GenieACS's tags then (the last sync's may be behind).
            let request = ActionRequest::ApplyConfig {
                version: cfg.version.clone(),
                pppoe_username: cfg.pppoe_username.clone(),
                ppp_tag: cfg.ppp_tag(),
            };
            if let Err(e) = self
                .queue_actions(Some(&acs), std::slice::from_ref(&id), &request)
                .await
            {
                eprintln!(
                    "acsdesk: {id}: could not be asked to apply its change: {}",
                    e.message
                );
            }
        }
    }

    /// After a sync of `acs`: when AcsDesk's objects are installed there and what the
    /// connection should hold changed (a router confirmed its configuration, a
    /// subscriber was linked or changed, the profile changed), brings it up to date —
    /// the confirmed routers' presets removed, new ones written. `None` when there was
    /// nothing to do.
    pub async fn maintain_provisioning(
        &self,
        acs: &str,
    ) -> Result<Option<AcsProvisioning>, IpcError> {
        let Some(last) = self.installed().await?.get(acs).cloned() else {
            return Ok(None);
        };
        let profile = self.tenant.provisioning_profile().await?;
        let routers = self.routers(&profile).await?;
        self.check_read_back(acs, &routers, &profile.ssid_5ghz_suffix)
            .await?;
        let desired = Self::desired(&profile, &routers, ProvisionMode::Install);
        if digest(&desired) == last {
            return Ok(None);
        }
        let mut report = self
            .provision(Some(acs), ProvisionMode::Install, false)
            .await?;
        let written = report.connections.pop();
        if written.as_ref().is_some_and(|r| r.error.is_none()) {
            // A router that lost its configuration (a factory reset) or was linked since
            // gets it now rather than at its next inform.
            self.apply_now(&routers).await;
        }
        Ok(written)
    }

    fn desired(
        profile: &ProvisioningProfile,
        routers: &Routers,
        mode: ProvisionMode,
    ) -> Vec<Desired> {
        match mode {
            ProvisionMode::Uninstall => Vec::new(),
            _ => shared_objects(profile)
                .into_iter()
                .chain(routers.awaiting.iter().map(RouterConfig::preset))
                .collect(),
        }
    }

    /// Compares, installs or uninstalls AcsDesk's objects on one connection (`acs`) or
    /// all of them. A connection that cannot be reached is reported with its error; the
    /// others go on. `dry_run` plans without writing.
    pub async fn provision(
        &self,
        acs: Option<&str>,
        mode: ProvisionMode,
        dry_run: bool,
    ) -> Result<ProvisioningReport, IpcError> {
        let profile = self.tenant.provisioning_profile().await?;
        let routers = self.routers(&profile).await?;
        let desired = Self::desired(&profile, &routers, mode);
        let names = match acs {
            Some(name) => vec![self.tenant.acs(name).await?.name],
            None => self
                .tenant
                .list_acs()
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect(),
        };
        if names.is_empty() {
            return Err(IpcError::new(
                ErrorCode::NotFound,
                "this tenant has no ACS connection: add one first",
            ));
        }
        let write = mode != ProvisionMode::Status && !dry_run;
        let mut connections = Vec::new();
        for name in names {
            let mut entry = AcsProvisioning {
                acs: name.clone(),
                objects: Vec::new(),
                routers: RouterSteps {
                    awaiting: u32::try_from(routers.awaiting.len()).unwrap_or(u32::MAX),
                    configured: u32::try_from(routers.configured.len()).unwrap_or(u32::MAX),
                    ..RouterSteps::default()
                },
                applied: false,
                error: None,
                warnings: Vec::new(),
            };
            let changes = match self.plan_on(&name, &desired, &profile).await {
                Ok((c, warnings)) => {
                    entry.warnings = warnings;
                    c
                }
                Err(e) => {
                    entry.error = Some(e);
                    connections.push(entry);
                    continue;
                }
            };
            for c in &changes {
                if is_router_preset(c) {
                    count(&mut entry.routers, c.step);
                } else {
                    entry.objects.push(ObjectStep {
                        kind: c.kind.as_str().to_owned(),
                        name: c.name.clone(),
                        step: c.step.as_str().to_owned(),
                        diff: c.diff.clone(),
                    });
                }
            }
            if write {
                match connection_client(&self.tenant, &name).await {
                    Ok((_, client)) => match apply(&client, &changes).await {
                        Ok(_) => {
                            entry.applied = true;
                            let keep = (mode == ProvisionMode::Install).then(|| digest(&desired));
                            self.mark_installed(&name, keep).await?;
                        }
                        Err((what, e)) => entry.error = Some(format!("{what}: {e}")),
                    },
                    Err(e) => entry.error = Some(e.message),
                }
            }
            connections.push(entry);
        }
        Ok(ProvisioningReport {
            connections,
            refused: routers.refused,
        })
    }

    async fn plan_on(
        &self,
        acs: &str,
        desired: &[Desired],
        profile: &ProvisioningProfile,
    ) -> Result<(Vec<Change>, Vec<String>), String> {
        let (_, client) = connection_client(&self.tenant, acs)
            .await
            .map_err(|e| e.message)?;
        let presets = client
            .config(ConfigKind::Presets)
            .list()
            .await
            .map_err(|e| format!("reading presets: {e}"))?;
        let provisions = client
            .config(ConfigKind::Provisions)
            .list()
            .await
            .map_err(|e| format!("reading provisions: {e}"))?;
        Ok((
            plan(desired, &presets, &provisions, true),
            conflicts(profile, &provisions),
        ))
    }

    /// What the router with `serial` is to get from its subscriber, secrets masked.
    pub async fn router_provisioning(&self, serial: &str) -> Result<RouterProvisioning, IpcError> {
        let profile = self.tenant.provisioning_profile().await?;
        let serial = serial.trim();
        let (input, tags) = self
            .tenant
            .router_inputs()
            .await?
            .into_iter()
            .find(|(i, _)| i.serial.eq_ignore_ascii_case(serial))
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::NotFound,
                    format!("no subscriber is linked to router {serial}"),
                )
            })?;
        let device = self
            .tenant
            .subscriber(&input.account)
            .await?
            .devices
            .into_iter()
            .next();
        let known = device.is_some();
        let cwmp_url = self
            .tenant
            .list_acs()
            .await?
            .into_iter()
            .find_map(|c| c.cwmp_url);
        let instructions: Vec<VendorInstructions> =
            instructions::steps(cwmp_url.as_deref(), profile.inform_interval_s)
                .into_iter()
                .map(|s| VendorInstructions {
                    vendor: s.vendor.to_owned(),
                    steps: s.steps,
                })
                .collect();
        let vendor = instructions::guess_vendor(&input.serial).map(str::to_owned);
        Ok(match RouterConfig::build(&profile, &input) {
            Ok(cfg) => RouterProvisioning {
                account: input.account.clone(),
                serial: input.serial.clone(),
                state: if tags.contains(&cfg.tag()) {
                    "configured"
                } else {
                    "awaiting"
                }
                .into(),
                known,
                device: device.clone(),
                version: Some(cfg.version.clone()),
                pppoe_username: cfg.pppoe_username.clone(),
                pppoe_password: cfg.pppoe_password,
                ssid: cfg.ssid.clone(),
                wifi_passphrase: cfg.passphrase,
                connection_request_username: cfg.connection_request_username.clone(),
                preset: serde_json::to_string_pretty(&cfg.masked()).ok(),
                refused: None,
                vendor,
                instructions,
            },
            Err(r) => RouterProvisioning {
                account: input.account.clone(),
                serial: input.serial.clone(),
                state: "refused".into(),
                known,
                device,
                version: None,
                pppoe_username: None,
                pppoe_password: false,
                ssid: None,
                wifi_passphrase: false,
                connection_request_username: None,
                preset: Some(router_preset_name(&input.serial)),
                refused: Some(r.to_string()),
                vendor,
                instructions,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::bulk::tests::synced_desk;
    use acsdesk_genieacs::api::config::ConfigKind;
    use acsdesk_types::subscribers::SaveSubscriberRequest;
    use acsdesk_types::ProvisionMode;

    fn request(serial: &str, ssid: &str) -> SaveSubscriberRequest {
        SaveSubscriberRequest {
            original: None,
            account: "A-1".into(),
            name: "Ana".into(),
            phone: None,
            pppoe_username: Some("ana@isp".into()),
            pppoe_password: Some("ppp-pass-1".into()),
            wifi_ssid: Some(ssid.into()),
            wifi_password: Some("wifi-pass-1".into()),
            plan: None,
            notes: None,
            status: "active".into(),
            serial: Some(serial.into()),
        }
    }

    async fn scenario(sandbox: &acsdesk_sandbox::SandboxHandle, path: &str) {
        let answer = reqwest::Client::new()
            .post(format!("{}{path}", sandbox.url()))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
    }

    /// The router's document as GenieACS holds it.
    async fn document(client: &acsdesk_genieacs::Client, id: &str) -> serde_json::Value {
        let docs = client
            .devices()
            .query(acsdesk_genieacs::Query::all().eq("_id", id))
            .send()
            .await
            .unwrap();
        docs.into_iter().next().expect("the router").0
    }

    async fn finished(
        services: &crate::Services,
        device: &str,
    ) -> acsdesk_types::actions::ActionInfo {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(90);
        loop {
            let actions = services
                .list_actions(acsdesk_types::actions::ListActionsRequest {
                    device: Some(device.to_owned()),
                    status: None,
                    limit: None,
                })
                .await
                .unwrap();
            let newest = actions.iter().max_by_key(|a| a.id).expect("an action");
            if newest.status.is_final() {
                return newest.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never finished: {newest:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    }

    /// A subscriber changed in the desktop reaches GenieACS at once and its online router
    /// is asked to apply it now, through a verified action: done only when the router
    /// carries the configuration's tag and its PPP session came back with the new user;
    /// a user the access server refuses fails it with the router's own error; a WiFi-only
    /// change leaves the PPP credentials alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_changed_subscriber_s_router_applies_it_now_and_the_new_ppp_session_proves_it() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, sandbox) = synced_desk(dir.path(), 5).await;
        let services = desk.services().await.unwrap();
        let online = services
            .list_devices(acsdesk_types::devices::ListDevicesRequest {
                filter: acsdesk_types::devices::DeviceFilter {
                    presence: Some(acsdesk_types::devices::Presence::Online),
                    ..Default::default()
                },
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let device = online.rows.first().expect("an online router").clone();
        let at = format!("/_sandbox/devices/{}", device.id.replace('%', "%25"));
        // Its PPP works (a few of the generated fleet start with it failing).
        scenario(&sandbox, &format!("{at}/ppp-ok")).await;
        services
            .save_subscriber(request(&device.serial, "Casa Ana"))
            .await
            .unwrap();
        // Not installed: saving writes nothing to GenieACS and asks nothing of the router.
        assert!(services
            .list_actions(acsdesk_types::actions::ListActionsRequest::default())
            .await
            .unwrap()
            .is_empty());
        let report = services
            .provision(None, ProvisionMode::Install, false)
            .await
            .unwrap();
        assert!(report.connections[0].applied, "{report:?}");
        let mut changed = request(&device.serial, "Casa Ana 2");
        changed.original = Some("A-1".into());
        services.save_subscriber(changed.clone()).await.unwrap();
        let actions = services
            .list_actions(acsdesk_types::actions::ListActionsRequest::default())
            .await
            .unwrap();
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert_eq!(actions[0].device, device.id);
        assert_eq!(actions[0].action, "apply_config", "{actions:?}");
        // The new version's preset is in GenieACS already.
        let shown = services.router_provisioning(&device.serial).await.unwrap();
        let version = shown.version.clone().unwrap();
        let (_, client) = crate::connect::connection_client(services.tenant(), "main")
            .await
            .unwrap();
        let preset = client
            .config(ConfigKind::Presets)
            .get(&format!("acsdesk-cfg-{}", device.serial))
            .await
            .unwrap()
            .expect("the router's preset");
        assert!(preset["precondition"].as_str().unwrap().contains(&version));
        let done = finished(&services, &device.id).await;
        assert_eq!(
            done.status,
            acsdesk_types::ActionStatus::Completed,
            "{done:?}"
        );
        let doc = document(&client, &device.id).await;
        let tags: Vec<&str> = doc["_tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert!(
            tags.contains(&format!("acsdesk-cfg-{version}").as_str()),
            "{tags:?}"
        );
        assert!(
            tags.iter().any(|t| t.starts_with("acsdesk-ppp-")),
            "{tags:?}"
        );
        assert!(
            tags.iter().any(|t| t.starts_with("acsdesk-wifi-")),
            "{tags:?}"
        );

        // A PPPoE user the access server does not know: the action fails with the
        // router's own error once the router says so.
        scenario(&sandbox, &format!("{at}/ppp-reject?username=ana2@isp")).await;
        let mut wrong = changed.clone();
        wrong.pppoe_username = Some("ana2@isp".into());
        services.save_subscriber(wrong.clone()).await.unwrap();
        let failed = finished(&services, &device.id).await;
        assert_eq!(
            failed.status,
            acsdesk_types::ActionStatus::Failed,
            "{failed:?}"
        );
        let why = failed.fault.clone().unwrap_or_default();
        assert!(
            why.contains("ERROR_AUTHENTICATION_FAILURE") && why.contains("ana2@isp"),
            "{why}"
        );

        // The WiFi alone changes: no PPP proof is asked, and the provision run writes no
        // PPP credentials (the customer's internet is not cut for a WiFi name).
        let mut wifi = wrong;
        wifi.wifi_ssid = Some("Casa Ana 3".into());
        services.save_subscriber(wifi).await.unwrap();
        let done = finished(&services, &device.id).await;
        assert_eq!(
            done.status,
            acsdesk_types::ActionStatus::Completed,
            "{done:?}"
        );
        let ran: serde_json::Value = reqwest::get(format!("{}{at}/executed", sandbox.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let last = ran
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|r| r["provision"] == "acsdesk-configure")
            .expect("the configuration ran")
            .clone();
        let set = last["set"].to_string();
        assert!(
            set.contains("SSID") && !set.contains("Username") && !set.contains("Password"),
            "{last}"
        );

        // Someone renames the WiFi on the router itself: a later sync finds that the
        // router no longer reads back its configuration, and raises the alert.
        let doc = document(&client, &device.id).await;
        let wifi = acsdesk_core::normalize::normalize(&doc).unwrap().wifi[0]
            .path
            .clone();
        client
            .tasks()
            .create(
                &acsdesk_genieacs::DeviceId::new(&device.id),
                acsdesk_genieacs::api::tasks::Task::SetParameterValues {
                    parameter_values: vec![acsdesk_genieacs::api::tasks::ParameterValue::string(
                        format!("{wifi}.SSID"),
                        "Vecino",
                    )],
                },
            )
            .connection_request(std::time::Duration::from_secs(3))
            .send()
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        let alert = loop {
            let alerts = services
                .list_alerts(acsdesk_types::alerts::ListAlertsRequest {
                    kind: Some(acsdesk_types::AlertKind::ProvisioningFailed),
                    ..Default::default()
                })
                .await
                .unwrap();
            if let Some(a) = alerts.into_iter().find(|a| a.message.contains("Vecino")) {
                break a;
            }
            assert!(tokio::time::Instant::now() < deadline, "no read-back alert");
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        };
        assert!(
            alert.message.contains("its WiFi reads back Vecino")
                && alert.message.contains("not Casa Ana 3"),
            "{alert:?}"
        );
        drop(sandbox);
    }
}
