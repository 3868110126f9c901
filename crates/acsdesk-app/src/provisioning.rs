//! Auto-provisioning through GenieACS: the tenant's provisioning profile, and what
//! AcsDesk installs into each of its ACS connections (`acsdesk_core::provisioning`) —
//! shown as a plan, installed, or removed — and what one router is to get.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::provisioning::{
    apply, digest, instructions, plan, router_preset_name, shared_objects, Change, Desired, Kind,
    RouterConfig, Step, CFG_PREFIX,
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
    configured: u32,
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
    /// reaches the servers at the next install.
    pub async fn set_provisioning_profile(
        &self,
        profile: &ProvisioningProfile,
    ) -> Result<(), IpcError> {
        Ok(self.tenant.set_provisioning_profile(profile).await?)
    }

    async fn routers(&self, profile: &ProvisioningProfile) -> Result<Routers, IpcError> {
        let mut out = Routers {
            awaiting: Vec::new(),
            configured: 0,
            refused: Vec::new(),
        };
        for (input, tags) in self.tenant.router_inputs().await? {
            match RouterConfig::build(profile, &input) {
                Ok(cfg) if tags.contains(&cfg.tag()) => out.configured += 1,
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
    /// installed gets the change now, and the subscriber's routers that are online are
    /// summoned through the action queue, so the change is applied in that session rather
    /// than at the next periodic inform (an offline one gets it when it informs). Best
    /// effort: the subscriber is saved whatever happens here, and the next sync retries.
    pub async fn reprovision(&self, devices: &[String]) {
        let Ok(installed) = self.installed().await else {
            return;
        };
        let mut written = false;
        for acs in installed.keys() {
            match self.maintain_provisioning(acs).await {
                Ok(Some(r)) if r.error.is_none() => written = true,
                Ok(_) => {}
                Err(e) => eprintln!(
                    "acsdesk: {acs}: provisioning not brought up to date: {}",
                    e.message
                ),
            }
        }
        if !written {
            return;
        }
        for id in devices {
            let Ok(d) = self.tenant.device(id).await else {
                continue;
            };
            if !d.row.online {
                continue;
            }
            if let Err(e) = self
                .queue_actions(
                    Some(&d.row.acs),
                    std::slice::from_ref(id),
                    &acsdesk_core::actions::ActionRequest::Summon,
                )
                .await
            {
                eprintln!(
                    "acsdesk: {id}: could not be summoned to apply its change: {}",
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
        let desired = Self::desired(&profile, &routers, ProvisionMode::Install);
        if digest(&desired) == last {
            return Ok(None);
        }
        let mut report = self
            .provision(Some(acs), ProvisionMode::Install, false)
            .await?;
        Ok(report.connections.pop())
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
                    configured: routers.configured,
                    ..RouterSteps::default()
                },
                applied: false,
                error: None,
            };
            let changes = match self.plan_on(&name, &desired).await {
                Ok(c) => c,
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

    async fn plan_on(&self, acs: &str, desired: &[Desired]) -> Result<Vec<Change>, String> {
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
        Ok(plan(desired, &presets, &provisions, true))
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

    /// A subscriber changed in the desktop reaches GenieACS at once and its online router
    /// is summoned to apply it, rather than waiting for its next periodic inform.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_changed_subscriber_s_online_router_is_summoned_to_apply_it_now() {
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
        services
            .save_subscriber(request(&device.serial, "Casa Ana"))
            .await
            .unwrap();
        // Not installed: saving writes nothing to GenieACS and summons nobody.
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
        services.save_subscriber(changed).await.unwrap();
        let actions = services
            .list_actions(acsdesk_types::actions::ListActionsRequest::default())
            .await
            .unwrap();
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert_eq!(actions[0].device, device.id);
        assert_eq!(actions[0].action, "summon", "{actions:?}");
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
        drop(sandbox);
    }
}
