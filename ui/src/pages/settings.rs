//! Settings, in sections with a side index, each saved on its own: tenants (add, switch,
//! remove), the current tenant's ACS connections (health, add or edit with a connection
//! test, remove), monitoring (presence, full-sync interval, sample retention), alert
//! rules and channels (offline threshold, PPP, load, ACS, flapping, digests), what
//! diagnostics reach for (host, test servers), auto-provisioning (the profile and what GenieACS holds) and maintenance windows.

use crate::ipc;
use crate::pages::welcome::ConnectForm;
use acsdesk_types::settings::{
    AcsTrust, AlertSettings, AuthKind, SyncSettings, UpdateSettingsRequest,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The settings page.
#[component]
pub(crate) fn SettingsPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let state = LocalResource::new(move || {
        version.track();
        ipc::workspace_state()
    });
    let unlock = expect_context::<crate::components::unlock::Unlock>();
    let threshold = RwSignal::new(String::new());
    // The offline threshold as last loaded or saved: the monitoring form sends it back.
    let saved_threshold = RwSignal::new(None::<u32>);
    let sync = SyncFields::new();
    let alert_rules = AlertFields::new();
    let diagnostics = DiagnosticFields::new();
    let message = RwSignal::new(None::<(bool, String)>);
    let removing = RwSignal::new(None::<String>);
    // The connection being removed, with what removing it does (for its confirmation).
    let removing_acs = RwSignal::new(None::<acsdesk_types::settings::AcsRemovalPlan>);
    let new_tenant = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<String>);
    // `Esc` closes the removal confirmation.
    crate::hooks::use_escape(move || {
        removing.set(None);
        removing_acs.set(None);
    });
    spawn_local(async move {
        if let Ok(s) = ipc::tenant_settings().await {
            threshold.set(s.offline_after_min.to_string());
            saved_threshold.set(Some(s.offline_after_min));
            sync.show(&s.sync.unwrap_or_default());
            alert_rules.show(&s.alerts.unwrap_or_default());
            diagnostics.show(&s.diagnostics.unwrap_or_default());
        }
    });
    let report = move |r: Result<(), acsdesk_types::IpcError>, ok: &str| match r {
        Ok(()) => {
            message.set(Some((true, ok.to_owned())));
            version.update(|v| *v += 1);
        }
        Err(e) => message.set(Some((false, e.message))),
    };
    // Each section saves on its own and says how it went next to its own button: saving
    // the alert rules leaves the monitoring settings as they are, and the other way round.
    let sync_message = RwSignal::new(None::<(bool, String)>);
    let save_alerts = move |target: RwSignal<Option<(bool, String)>>,
                            e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let value = threshold.get_untracked();
        let parsed = alert_rules.read();
        spawn_local(async move {
            let r = match (value.trim().parse::<u32>(), parsed) {
                (Ok(m), Ok(alerts)) => ipc::update_settings(UpdateSettingsRequest {
                    offline_after_min: m,
                    sync: None,
                    alerts: Some(alerts),
                    diagnostics: None,
                })
                .await
                .map(|()| saved_threshold.set(Some(m))),
                (Err(_), _) => Err(invalid("offline threshold: a whole number of minutes")),
                (_, Err(e)) => Err(invalid(&e)),
            };
            target.set(Some(saved(r)));
        });
    };
    let save_sync = move |target: RwSignal<Option<(bool, String)>>, e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let parsed = sync.read();
        spawn_local(async move {
            let r = match (saved_threshold.get_untracked(), parsed) {
                (Some(m), Ok(sync)) => {
                    ipc::update_settings(UpdateSettingsRequest {
                        offline_after_min: m,
                        sync: Some(sync),
                        alerts: None,
                        diagnostics: None,
                    })
                    .await
                }
                (None, _) => Err(invalid("the tenant's settings are not loaded yet")),
                (_, Err(e)) => Err(invalid(&e)),
            };
            target.set(Some(saved(r)));
        });
    };
    let save_diagnostics = move |target: RwSignal<Option<(bool, String)>>,
                                 e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let parsed = diagnostics.read();
        spawn_local(async move {
            let r = match (saved_threshold.get_untracked(), parsed) {
                (Some(m), Ok(d)) => {
                    ipc::update_settings(UpdateSettingsRequest {
                        offline_after_min: m,
                        sync: None,
                        alerts: None,
                        diagnostics: Some(d),
                    })
                    .await
                }
                (None, _) => Err(invalid("the tenant's settings are not loaded yet")),
                (_, Err(e)) => Err(invalid(&e)),
            };
            target.set(Some(saved(r)));
        });
    };
    let diagnostics_message = RwSignal::new(None::<(bool, String)>);
    let alerts_message = RwSignal::new(None::<(bool, String)>);
    let status = |target: RwSignal<Option<(bool, String)>>, id: &'static str| {
        move || {
            target.get().map(|(ok, text)| {
                view! {
                    <p class=if ok { "banner" } else { "banner error" } role="status" data-testid=id>{text}</p>
                }
            })
        }
    };
    view! {
        <div class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            <div class="settings-layout">
            <nav class="settings-index" aria-label="Settings sections" data-testid="settings-index">
                {SECTIONS.iter().map(|&(id, title)| view! {
                    <a href=format!("#{id}") data-testid=format!("index-{id}") on:click=move |e| {
                        // Scroll inside the content area rather than navigating the webview.
                        e.prevent_default();
                        if let Some(el) = document().get_element_by_id(id) {
                            el.scroll_into_view();
                        }
                    }>{title}</a>
                }).collect_view()}
            </nav>
            <div class="settings-sections">
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "banner" } else { "banner error" } role="status">{text}</p>
            })}
            <section class="settings-section" id="settings-tenants" aria-labelledby="h-tenants">
            <h2 id="h-tenants">"Tenants"</h2>
            <ul class="plain-list" data-testid="tenant-list">
                {move || {
                    let s = state.get().and_then(|r| r.ok()).unwrap_or_default();
                    let current = s.current.clone();
                    s.tenants
                        .into_iter()
                        .map(|t| {
                            let is_current = current.as_deref() == Some(t.name.as_str());
                            let name = t.name.clone();
                            view! {
                                <li>
                                    <strong>{t.name.clone()}</strong>
                                    {if is_current {
                                        view! { <span class="badge completed">"in use"</span> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" on:click=move |_| {
                                                let name = name.clone();
                                                spawn_local(async move {
                                                    match ipc::switch_tenant(name.clone()).await {
                                                        Err(e) => {
                                                            let done = Callback::new(move |_| report(Ok(()), "Switched."));
                                                            if let Some(e) = unlock.ask_if_locked(e, Some(name), done) {
                                                                report(Err(e), "");
                                                            }
                                                        }
                                                        ok => report(ok, "Switched."),
                                                    }
                                                });
                                            }>"Use"</button>
                                        }.into_any()
                                    }}
                                    <button type="button" class="danger" data-testid="tenant-remove"
                                        on:click={
                                            let name = t.name.clone();
                                            move |_| removing.set(Some(name.clone()))
                                        }>"Remove"</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || removing.get().map(|name| {
                let shown = name.clone();
                view! {
                    <div class="overlay">
                        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="tenant-remove-title" data-testid="tenant-remove-confirm">
                            <h2 id="tenant-remove-title">{format!("Remove the tenant {shown}?")}</h2>
                            <p class="muted">"Its devices, history, subscribers, actions and alerts are deleted from this computer, with its key. GenieACS keeps its own data."</p>
                            <div class="buttons">
                                <button type="button" on:click=move |_| removing.set(None)>"Cancel"</button>
                                <button type="button" class="danger" data-testid="tenant-remove-yes" on:click=move |_| {
                                    let name = name.clone();
                                    removing.set(None);
                                    spawn_local(async move { report(ipc::remove_tenant(name).await, "Tenant removed.") });
                                }>"Remove it"</button>
                            </div>
                        </div>
                    </div>
                }
            })}
            {move || removing_acs.get().map(|plan| {
                let name = plan.name.clone();
                let open = plan.pending + plan.queued + plan.unsettled;
                view! {
                    <div class="overlay">
                        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="acs-remove-title" data-testid="acs-remove-confirm">
                            <h2 id="acs-remove-title">{format!("Remove the connection {}?", plan.name)}</h2>
                            <ul class="plain-list">
                                <li>{format!("Its {} devices leave the lists; their history, actions and logs stay readable.", plan.devices)}</li>
                                <li>{if open == 0 {
                                    "No action of it is waiting.".to_owned()
                                } else {
                                    format!(
                                        "{open} actions not yet done are cancelled ({} not sent, {} waiting in GenieACS — their tasks are withdrawn from GenieACS —, {} sent with their outcome unknown).",
                                        plan.pending, plan.queued, plan.unsettled
                                    )
                                }}</li>
                                <li>"Its password or token is deleted. GenieACS keeps its devices."</li>
                            </ul>
                            <div class="buttons">
                                <button type="button" on:click=move |_| removing_acs.set(None)>"Cancel"</button>
                                <button type="button" class="danger" data-testid="acs-remove-yes" on:click=move |_| {
                                    let name = name.clone();
                                    removing_acs.set(None);
                                    spawn_local(async move {
                                        let r = ipc::remove_acs(name).await.map(|r| {
                                            let mut said = format!("Removed; its history is kept as \"{}\".", r.kept_as);
                                            if r.withdrawn > 0 {
                                                said.push_str(&format!(" {} tasks withdrawn from GenieACS.", r.withdrawn));
                                            }
                                            if r.not_withdrawn > 0 {
                                                said.push_str(&format!(" {} tasks could not be withdrawn (GenieACS did not answer): they may still run.", r.not_withdrawn));
                                            }
                                            said
                                        });
                                        match r {
                                            Ok(said) => report(Ok(()), &said),
                                            Err(e) => report(Err(e), ""),
                                        }
                                    });
                                }>"Remove it"</button>
                            </div>
                        </div>
                    </div>
                }
            })}
            <form class="form inline" data-testid="tenant-add" on:submit=move |e| {
                e.prevent_default();
                let name = new_tenant.get_untracked();
                spawn_local(async move {
                    let r = ipc::create_tenant(name).await;
                    if r.is_ok() {
                        new_tenant.set(String::new());
                    }
                    report(r, "Tenant created; it is now in use.");
                });
            }>
                <label>
                    <span>"New tenant"</span>
                    <input type="text" data-testid="tenant-name" placeholder="e.g. North valley ISP"
                        prop:value=move || new_tenant.get() on:input=move |e| new_tenant.set(event_target_value(&e)) />
                </label>
                <button type="submit">"Add tenant"</button>
            </form>
            <crate::components::backups::BackupsSection />
            </section>
            <section class="settings-section" id="settings-acs" aria-labelledby="h-acs">
            <h2 id="h-acs">"ACS connections"</h2>
            <ul class="plain-list" data-testid="acs-list">
                {move || {
                    let s = state.get().and_then(|r| r.ok()).unwrap_or_default();
                    let current = s.current.clone();
                    s.tenants
                        .into_iter()
                        .filter(|t| Some(&t.name) == current.as_ref())
                        .flat_map(|t| t.acs)
                        .map(|a| {
                            let name = a.name.clone();
                            let info = a.clone();
                            let this = a.name.clone();
                            let toggle = a.name.clone();
                            view! {
                                <li class="acs-item">
                                    <div class="acs-line">
                                        <strong>{a.name.clone()}</strong>
                                        <span class="muted">{format!(" {} · every {} s · ", a.url, a.interval_s)}</span>
                                        <span class=format!("badge {}", a.health) title=a.health_error.clone().unwrap_or_default()>{a.health.as_str()}</span>
                                        {a.warning.clone().map(|w| view! {
                                            <span class="badge degraded" data-testid="acs-cleartext" title=w>"credentials in clear"</span>
                                        })}
                                        {match &a.trust {
                                            AcsTrust::System => None,
                                            AcsTrust::Ca(_) => Some(view! {
                                                <span class="badge" data-testid="acs-trust-badge" title="Its certificate is checked against your own CA">"own CA"</span>
                                            }.into_any()),
                                            AcsTrust::Pin(pin) => Some(view! {
                                                <span class="badge" data-testid="acs-trust-badge" title=format!("Only the certificate with SHA-256 {pin} is accepted")>"pinned certificate"</span>
                                            }.into_any()),
                                        }}
                                        <button type="button" data-testid="acs-edit" on:click=move |_| {
                                            let t = toggle.clone();
                                            editing.update(|e| *e = if e.as_deref() == Some(t.as_str()) { None } else { Some(t) });
                                        }>"Edit"</button>
                                        <button type="button" class="danger" data-testid="acs-remove" on:click=move |_| {
                                            let name = name.clone();
                                            spawn_local(async move {
                                                match ipc::acs_removal_plan(name).await {
                                                    Ok(plan) => removing_acs.set(Some(plan)),
                                                    Err(e) => report(Err(e), ""),
                                                }
                                            });
                                        }>"Remove"</button>
                                    </div>
                                    <p class="muted small" data-testid="acs-details">
                                        {match &a.cwmp_url {
                                            Some(u) => format!("Routers inform to {u} · "),
                                            None => "No CWMP URL given for technicians · ".to_owned(),
                                        }}
                                        {format!("at most {} requests a second", a.rate_per_s)}
                                        {(a.auth == AuthKind::Header).then(|| format!(" · token in {}", a.user.clone().unwrap_or_default()))}
                                    </p>
                                    {a.warning.clone().map(|w| view! {
                                        <p class="muted small acs-warning" data-testid="acs-warning">{format!("Warning: {w}.")}</p>
                                    })}
                                    {move || (editing.get().as_deref() == Some(this.as_str())).then(|| {
                                        let info = info.clone();
                                        view! {
                                            <ConnectForm edit=info on_saved=Callback::new(move |_| {
                                                editing.set(None);
                                                report(Ok(()), "Connection saved; syncing with the new settings.");
                                            }) />
                                        }
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <details>
                <summary>"Add a connection"</summary>
                <ConnectForm on_saved=Callback::new(move |_| version.update(|v| *v += 1)) />
            </details>
            </section>
            <section class="settings-section" id="settings-monitoring" aria-labelledby="h-monitoring">
            <h2 id="h-monitoring">"Monitoring"</h2>
            <p class="muted">"When a router counts as offline, how syncs reach back, and how long history is kept."</p>
            <form class="form grid" novalidate on:submit=move |e| save_sync(sync_message, e) data-testid="sync-settings">
                {number_field("Offline after this many inform intervals", "presence_factor", "1", "10", sync.presence_factor)}
                {number_field("…plus this many seconds", "presence_grace_s", "0", "3600", sync.presence_grace_s)}
                {number_field("Incremental syncs reach back (seconds)", "overlap_s", "0", "3600", sync.overlap_s)}
                {number_field("Full sync every (hours)", "full_sync_every_h", "1", "720", sync.full_sync_every_h)}
                {number_field("Keep raw samples (hours)", "raw_retention_h", "1", "720", sync.raw_retention_h)}
                {number_field("Keep 5-minute averages (days)", "five_min_retention_d", "1", "3650", sync.five_min_retention_d)}
                {number_field("Keep hourly averages (days)", "hourly_retention_d", "1", "3650", sync.hourly_retention_d)}
                <button type="submit" class="primary">"Save"</button>
            </form>
            {status(sync_message, "sync-settings-status")}
            </section>
            <section class="settings-section" id="settings-alerts" aria-labelledby="h-alerts">
            <h2 id="h-alerts">"Alerts and channels"</h2>
            <h3>"Rules"</h3>
            <form class="form grid" novalidate on:submit=move |e| save_alerts(alerts_message, e) data-testid="alert-settings">
                {number_field("Alert when a device is offline longer than (minutes)", "offline-threshold", "1", "1440", threshold)}
                {number_field("…when PPP keeps failing for (minutes)", "ppp_failing_after_min", "1", "1440", alert_rules.ppp_failing_after_min)}
                {number_field("…when CPU stays above (%; empty: off)", "cpu_threshold_pct", "1", "100", alert_rules.cpu_threshold_pct)}
                {number_field("…when memory stays above (%; empty: off)", "mem_threshold_pct", "1", "100", alert_rules.mem_threshold_pct)}
                {number_field("…for (minutes)", "load_window_min", "1", "1440", alert_rules.load_window_min)}
                {number_field("…when a fibre router receives less light than (dBm, for the same window; empty: off)", "optical_rx_min_dbm", "-40", "-5", alert_rules.optical_rx_min_dbm)}
                {number_field("…when an ACS is unreachable for (minutes)", "acs_unreachable_after_min", "1", "1440", alert_rules.acs_unreachable_after_min)}
                {number_field("A problem must stay clear this long to resolve (minutes)", "flap_hold_down_min", "0", "1440", alert_rules.flap_hold_down_min)}
                {number_field("A problem back within this reopens its alert (minutes)", "reopen_within_min", "0", "10080", alert_rules.reopen_within_min)}
                {number_field("One digest instead of this many notifications at once (0: never)", "digest_threshold", "0", "100000", alert_rules.digest_threshold)}
                <button type="submit" class="primary">"Save"</button>
            </form>
            {status(alerts_message, "alert-settings-status")}
            <crate::components::channels::ChannelsSection />
            </section>
            <section class="settings-section" id="settings-diagnostics" aria-labelledby="h-diagnostics">
            <h2 id="h-diagnostics">"Diagnostics"</h2>
            <p class="muted">"What a ping, a traceroute or a speed test reaches for when nobody says (Diagnose… on a device, acsdesk diag)."</p>
            <form class="form grid" novalidate on:submit=move |e| save_diagnostics(diagnostics_message, e) data-testid="diagnostic-settings">
                {text_field("Host to ping and trace", "ping_host", diagnostics.ping_host)}
                {text_field("Download test server (http:// or ftp://; empty: none)", "download_url", diagnostics.download_url)}
                {text_field("Upload test server (empty: the download server)", "upload_url", diagnostics.upload_url)}
                {number_field("MB an upload test sends", "upload_mb", "1", "1000", diagnostics.upload_mb)}
                <button type="submit" class="primary">"Save"</button>
            </form>
            {status(diagnostics_message, "diagnostic-settings-status")}
            </section>
            <section class="settings-section" id="settings-provisioning" aria-labelledby="h-provisioning">
            <crate::components::provisioning::ProvisioningSection />
            </section>
            <section class="settings-section" id="settings-maintenance" aria-labelledby="h-maintenance">
            <crate::components::maintenance::MaintenanceSection />
            </section>
            </div>
            </div>
        </div>
    }
}

/// The sections, in order: element id and index title.
const SECTIONS: &[(&str, &str)] = &[
    ("settings-tenants", "Tenants"),
    ("settings-acs", "ACS connections"),
    ("settings-monitoring", "Monitoring"),
    ("settings-alerts", "Alerts and channels"),
    ("settings-diagnostics", "Diagnostics"),
    ("settings-provisioning", "Auto-provisioning"),
    ("settings-maintenance", "Maintenance"),
];

/// An input error as the backend would word it.
fn invalid(message: &str) -> acsdesk_types::IpcError {
    acsdesk_types::IpcError::new(acsdesk_types::ErrorCode::Invalid, message)
}

/// A save's outcome as the line under its button.
fn saved(r: Result<(), acsdesk_types::IpcError>) -> (bool, String) {
    match r {
        Ok(()) => (true, "Saved.".to_owned()),
        Err(e) => (false, e.message),
    }
}

/// The monitoring form's inputs, as typed.
#[derive(Clone, Copy)]
struct SyncFields {
    presence_factor: RwSignal<String>,
    presence_grace_s: RwSignal<String>,
    overlap_s: RwSignal<String>,
    full_sync_every_h: RwSignal<String>,
    raw_retention_h: RwSignal<String>,
    five_min_retention_d: RwSignal<String>,
    hourly_retention_d: RwSignal<String>,
}

impl SyncFields {
    fn new() -> Self {
        let empty = || RwSignal::new(String::new());
        Self {
            presence_factor: empty(),
            presence_grace_s: empty(),
            overlap_s: empty(),
            full_sync_every_h: empty(),
            raw_retention_h: empty(),
            five_min_retention_d: empty(),
            hourly_retention_d: empty(),
        }
    }

    fn show(&self, s: &SyncSettings) {
        self.presence_factor.set(s.presence_factor.to_string());
        self.presence_grace_s.set(s.presence_grace_s.to_string());
        self.overlap_s.set(s.overlap_s.to_string());
        self.full_sync_every_h.set(s.full_sync_every_h.to_string());
        self.raw_retention_h.set(s.raw_retention_h.to_string());
        self.five_min_retention_d
            .set(s.five_min_retention_d.to_string());
        self.hourly_retention_d
            .set(s.hourly_retention_d.to_string());
    }

    /// The settings typed, checked here first so the message names the field.
    fn read(&self) -> Result<SyncSettings, String> {
        let whole = |name: &str, v: RwSignal<String>| {
            v.get_untracked()
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("{name}: a whole number"))
        };
        let s = SyncSettings {
            presence_factor: self
                .presence_factor
                .get_untracked()
                .trim()
                .parse::<f64>()
                .map_err(|_| "presence_factor: a number".to_owned())?,
            presence_grace_s: whole("presence_grace_s", self.presence_grace_s)?,
            overlap_s: whole("overlap_s", self.overlap_s)?,
            full_sync_every_h: whole("full_sync_every_h", self.full_sync_every_h)?,
            raw_retention_h: whole("raw_retention_h", self.raw_retention_h)?,
            five_min_retention_d: whole("five_min_retention_d", self.five_min_retention_d)?,
            hourly_retention_d: whole("hourly_retention_d", self.hourly_retention_d)?,
        };
        s.validate().map_err(|e| e.to_string())?;
        Ok(s)
    }
}

/// A number input with its label, bound to `value` as typed.
fn number_field(
    label: &'static str,
    id: &'static str,
    min: &'static str,
    max: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="number" min=min max=max step="any" data-testid=id
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
        </label>
    }
}

/// A text input with its label, bound to `value` as typed.
fn text_field(label: &'static str, id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="text" data-testid=id
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
        </label>
    }
}

/// The diagnostics' defaults, as typed (an empty URL is none).
#[derive(Clone, Copy)]
struct DiagnosticFields {
    ping_host: RwSignal<String>,
    download_url: RwSignal<String>,
    upload_url: RwSignal<String>,
    upload_mb: RwSignal<String>,
}

impl DiagnosticFields {
    fn new() -> Self {
        let empty = || RwSignal::new(String::new());
        Self {
            ping_host: empty(),
            download_url: empty(),
            upload_url: empty(),
            upload_mb: empty(),
        }
    }

    fn show(&self, d: &acsdesk_types::settings::DiagnosticSettings) {
        self.ping_host.set(d.ping_host.clone());
        self.download_url
            .set(d.download_url.clone().unwrap_or_default());
        self.upload_url
            .set(d.upload_url.clone().unwrap_or_default());
        self.upload_mb
            .set(d.upload_bytes.div_ceil(1_000_000).to_string());
    }

    /// The defaults typed, checked here first so the message names the field.
    fn read(&self) -> Result<acsdesk_types::settings::DiagnosticSettings, String> {
        let url = |v: RwSignal<String>| {
            let t = v.get_untracked().trim().to_owned();
            (!t.is_empty()).then_some(t)
        };
        let mb = self
            .upload_mb
            .get_untracked()
            .trim()
            .parse::<u64>()
            .map_err(|_| "upload_mb: a whole number of MB".to_owned())?;
        let d = acsdesk_types::settings::DiagnosticSettings {
            ping_host: self.ping_host.get_untracked().trim().to_owned(),
            download_url: url(self.download_url),
            upload_url: url(self.upload_url),
            upload_bytes: mb.saturating_mul(1_000_000),
        };
        d.validate().map_err(|e| e.to_string())?;
        Ok(d)
    }
}

/// The alert rules' inputs, as typed (an empty load threshold is off).
#[derive(Clone, Copy)]
struct AlertFields {
    ppp_failing_after_min: RwSignal<String>,
    cpu_threshold_pct: RwSignal<String>,
    mem_threshold_pct: RwSignal<String>,
    optical_rx_min_dbm: RwSignal<String>,
    load_window_min: RwSignal<String>,
    acs_unreachable_after_min: RwSignal<String>,
    flap_hold_down_min: RwSignal<String>,
    reopen_within_min: RwSignal<String>,
    digest_threshold: RwSignal<String>,
}

impl AlertFields {
    fn new() -> Self {
        let empty = || RwSignal::new(String::new());
        Self {
            ppp_failing_after_min: empty(),
            cpu_threshold_pct: empty(),
            mem_threshold_pct: empty(),
            optical_rx_min_dbm: empty(),
            load_window_min: empty(),
            acs_unreachable_after_min: empty(),
            flap_hold_down_min: empty(),
            reopen_within_min: empty(),
            digest_threshold: empty(),
        }
    }

    fn show(&self, a: &AlertSettings) {
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        self.ppp_failing_after_min
            .set(a.ppp_failing_after_min.to_string());
        self.cpu_threshold_pct.set(opt(a.cpu_threshold_pct));
        self.mem_threshold_pct.set(opt(a.mem_threshold_pct));
        self.optical_rx_min_dbm.set(opt(a.optical_rx_min_dbm));
        self.load_window_min.set(a.load_window_min.to_string());
        self.acs_unreachable_after_min
            .set(a.acs_unreachable_after_min.to_string());
        self.flap_hold_down_min
            .set(a.flap_hold_down_min.to_string());
        self.reopen_within_min.set(a.reopen_within_min.to_string());
        self.digest_threshold.set(a.digest_threshold.to_string());
    }

    /// The rules typed, checked here first so the message names the field.
    fn read(&self) -> Result<AlertSettings, String> {
        let whole = |name: &str, v: RwSignal<String>| {
            v.get_untracked()
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("{name}: a whole number"))
        };
        let optional = |name: &str, v: RwSignal<String>, what: &str| {
            let t = v.get_untracked();
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>()
                .map(Some)
                .map_err(|_| format!("{name}: {what}, or empty for off"))
        };
        let pct = |name: &str, v: RwSignal<String>| optional(name, v, "a percentage");
        let a = AlertSettings {
            ppp_failing_after_min: whole("ppp_failing_after_min", self.ppp_failing_after_min)?,
            cpu_threshold_pct: pct("cpu_threshold_pct", self.cpu_threshold_pct)?,
            mem_threshold_pct: pct("mem_threshold_pct", self.mem_threshold_pct)?,
            optical_rx_min_dbm: optional(
                "optical_rx_min_dbm",
                self.optical_rx_min_dbm,
                "a level in dBm",
            )?,
            load_window_min: whole("load_window_min", self.load_window_min)?,
            acs_unreachable_after_min: whole(
                "acs_unreachable_after_min",
                self.acs_unreachable_after_min,
            )?,
            flap_hold_down_min: whole("flap_hold_down_min", self.flap_hold_down_min)?,
            reopen_within_min: whole("reopen_within_min", self.reopen_within_min)?,
            digest_threshold: whole("digest_threshold", self.digest_threshold)?,
        };
        a.validate().map_err(|e| e.to_string())?;
        Ok(a)
    }
}
