//! Auto-provisioning in Settings: the profile (inform interval, PPPoE, WiFi from the
//! subscriber or a pattern, the 5 GHz suffix, what the monitoring refreshes), and what
//! AcsDesk holds in each GenieACS server — checked, installed or removed, with the
//! differences shown (secrets masked).

use crate::ipc;
use acsdesk_types::provisioning::{ProvisioningProfile, ProvisioningReport, PATTERN_FIELDS};
use acsdesk_types::{Monitored, ProvisionMode};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Words for what the monitoring refreshes.
fn monitored_label(m: Monitored) -> &'static str {
    match m {
        Monitored::Cpu => "CPU",
        Monitored::Memory => "Memory",
        Monitored::Uptime => "Uptime",
        Monitored::Traffic => "Traffic counters",
        Monitored::Signal => "Optical and cellular signal",
        Monitored::Wan => "WAN state and errors",
        Monitored::Wifi => "WiFi networks",
        Monitored::Clients => "Connected devices",
    }
}

/// `1 router`, `2 routers`.
fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The section.
#[component]
pub(crate) fn ProvisioningSection() -> impl IntoView {
    let interval = RwSignal::new(String::new());
    let pppoe = RwSignal::new(true);
    let ssid_pattern = RwSignal::new(String::new());
    let passphrase_pattern = RwSignal::new(String::new());
    let suffix = RwSignal::new(String::new());
    let monitoring = RwSignal::new(Vec::<Monitored>::new());
    let own_cr = RwSignal::new(false);
    let profile_status = RwSignal::new(None::<(bool, String)>);
    let report = RwSignal::new(None::<ProvisioningReport>);
    let busy = RwSignal::new(false);
    let server_status = RwSignal::new(None::<(bool, String)>);
    let confirm_uninstall = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(p) = ipc::provisioning_profile().await {
            interval.set(p.inform_interval_s.to_string());
            pppoe.set(p.pppoe);
            ssid_pattern.set(p.ssid_pattern.unwrap_or_default());
            passphrase_pattern.set(p.passphrase_pattern.unwrap_or_default());
            suffix.set(p.ssid_5ghz_suffix);
            monitoring.set(p.monitoring);
            own_cr.set(p.per_router_connection_request);
        }
    });
    let run = move |mode: ProvisionMode| {
        busy.set(true);
        spawn_local(async move {
            match ipc::provision(mode).await {
                Ok(r) => {
                    let failed: Vec<String> = r
                        .connections
                        .iter()
                        .filter_map(|c| c.error.as_ref().map(|e| format!("{}: {e}", c.acs)))
                        .collect();
                    let text = if !failed.is_empty() {
                        (false, failed.join("; "))
                    } else {
                        match mode {
                            ProvisionMode::Status => (true, "Checked: nothing was written.".into()),
                            ProvisionMode::Install => (true, "Installed: GenieACS now configures and monitors the routers by itself.".into()),
                            ProvisionMode::Uninstall => (true, "Removed everything AcsDesk had installed.".into()),
                        }
                    };
                    server_status.set(Some(text));
                    report.set(Some(r));
                }
                Err(e) => server_status.set(Some((false, e.message))),
            }
            busy.set(false);
        });
    };
    // What the servers hold, as soon as the section opens.
    run(ProvisionMode::Status);
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Ok(inform_interval_s) = interval.get_untracked().trim().parse::<u32>() else {
            profile_status.set(Some((
                false,
                "inform interval: a whole number of seconds".into(),
            )));
            return;
        };
        let pattern = |v: RwSignal<String>| {
            let t = v.get_untracked();
            (!t.trim().is_empty()).then_some(t)
        };
        let profile = ProvisioningProfile {
            inform_interval_s,
            pppoe: pppoe.get_untracked(),
            ssid_pattern: pattern(ssid_pattern),
            passphrase_pattern: pattern(passphrase_pattern),
            ssid_5ghz_suffix: suffix.get_untracked(),
            monitoring: Monitored::ALL
                .iter()
                .copied()
                .filter(|m| monitoring.get_untracked().contains(m))
                .collect(),
            per_router_connection_request: own_cr.get_untracked(),
            // Set on the Firmware page: kept as saved (read again below).
            firmware_targets: Vec::new(),
        };
        if let Err(e) = profile.validate() {
            profile_status.set(Some((false, e.to_string())));
            return;
        }
        spawn_local(async move {
            let mut profile = profile;
            match ipc::provisioning_profile().await {
                Ok(saved) => profile.firmware_targets = saved.firmware_targets,
                Err(e) => {
                    profile_status.set(Some((false, e.message)));
                    return;
                }
            }
            match ipc::save_provisioning_profile(profile).await {
                Ok(()) => {
                    profile_status.set(Some((
                        true,
                        "Saved. Install to bring it to GenieACS.".into(),
                    )));
                    run(ProvisionMode::Status);
                }
                Err(e) => profile_status.set(Some((false, e.message))),
            }
        });
    };
    let placeholders = PATTERN_FIELDS
        .iter()
        .map(|f| format!("{{{f}}}"))
        .collect::<Vec<_>>()
        .join(" ");
    let line = |target: RwSignal<Option<(bool, String)>>, id: &'static str| {
        move || {
            target.get().map(|(ok, text)| {
                view! { <p class=if ok { "banner" } else { "banner error" } role="status" data-testid=id>{text}</p> }
            })
        }
    };
    view! {
        <h2 id="h-provisioning">"Auto-provisioning"</h2>
        <p class="muted">
            "What GenieACS applies to every linked router — at its first contact, or at its next inform after a change — and refreshes at every inform, with AcsDesk closed. Passwords are written once per change, never at every inform."
        </p>
        <form class="form grid" novalidate on:submit=save data-testid="provisioning-profile">
            <label>
                <span>"Periodic inform interval (seconds)"</span>
                <input type="number" min="60" max="86400" data-testid="provisioning-interval"
                    prop:value=move || interval.get() on:input=move |e| interval.set(event_target_value(&e)) />
            </label>
            <label class="check">
                <input type="checkbox" data-testid="provisioning-pppoe"
                    prop:checked=move || pppoe.get() on:change=move |e| pppoe.set(event_target_checked(&e)) />
                <span>"Apply the subscriber's PPPoE credentials"</span>
            </label>
            <label class="check">
                <input type="checkbox" data-testid="provisioning-own-cr"
                    prop:checked=move || own_cr.get() on:change=move |e| own_cr.set(event_target_checked(&e)) />
                <span>"Give every router its own random connection-request credentials (kept encrypted here, set once) instead of the vendor's shared default"</span>
            </label>
            <label>
                <span>"WiFi name (empty: the subscriber's)"</span>
                <input type="text" data-testid="provisioning-ssid-pattern" placeholder="e.g. Net-{account}"
                    prop:value=move || ssid_pattern.get() on:input=move |e| ssid_pattern.set(event_target_value(&e)) />
            </label>
            <label>
                <span>"WiFi passphrase (empty: the subscriber's)"</span>
                <input type="text" data-testid="provisioning-passphrase-pattern" placeholder="a pattern, as above"
                    prop:value=move || passphrase_pattern.get() on:input=move |e| passphrase_pattern.set(event_target_value(&e)) />
            </label>
            <label>
                <span>"5 GHz network name suffix (empty: the same name)"</span>
                <input type="text" maxlength="8" data-testid="provisioning-suffix" placeholder="e.g. -5G"
                    prop:value=move || suffix.get() on:input=move |e| suffix.set(event_target_value(&e)) />
            </label>
            <p class="muted hint">{format!("Patterns may use {placeholders}; each subscriber's result is checked like any WiFi name or passphrase.")}</p>
            <fieldset class="checks" data-testid="provisioning-monitoring">
                <legend>"Refreshed at every inform"</legend>
                {Monitored::ALL.iter().map(|&m| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("monitor-{}", m.as_str())
                            prop:checked=move || monitoring.get().contains(&m)
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                monitoring.update(|list| {
                                    list.retain(|x| *x != m);
                                    if on {
                                        list.push(m);
                                    }
                                });
                            } />
                        <span>{monitored_label(m)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary">"Save"</button>
        </form>
        {line(profile_status, "provisioning-profile-status")}
        <h3>"In GenieACS"</h3>
        <div class="row-actions">
            <button type="button" data-testid="provisioning-check" disabled=move || busy.get()
                on:click=move |_| run(ProvisionMode::Status)>"Check"</button>
            <button type="button" class="primary" data-testid="provisioning-install" disabled=move || busy.get()
                on:click=move |_| run(ProvisionMode::Install)>"Install"</button>
            <button type="button" class="danger" data-testid="provisioning-uninstall" disabled=move || busy.get()
                on:click=move |_| confirm_uninstall.set(true)>"Uninstall…"</button>
        </div>
        {move || confirm_uninstall.get().then(|| view! {
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="uninstall-title" data-testid="provisioning-uninstall-confirm">
                <h2 id="uninstall-title">"Remove AcsDesk's provisioning from GenieACS?"</h2>
                <p>"Routers keep what they were given; new routers will no longer be configured and the monitoring stops. GenieACS's own presets are not touched."</p>
                <div class="row-actions">
                    <button type="button" on:click=move |_| confirm_uninstall.set(false)>"Keep it"</button>
                    <button type="button" class="danger" data-testid="provisioning-uninstall-yes" on:click=move |_| {
                        confirm_uninstall.set(false);
                        run(ProvisionMode::Uninstall);
                    }>"Remove"</button>
                </div>
            </div>
        })}
        {line(server_status, "provisioning-status")}
        {move || report.get().map(|r| view! {
            <div data-testid="provisioning-report">
                {r.connections.into_iter().map(|c| {
                    let routers = c.routers;
                    view! {
                        <div class="provisioning-acs" data-testid="provisioning-acs">
                            <h4>{format!("ACS {}", c.acs)}</h4>
                            <table class="list-table">
                                <thead><tr><th>"Object"</th><th>"Name"</th><th>"In GenieACS"</th></tr></thead>
                                <tbody>
                                    {c.objects.into_iter().map(|o| {
                                        let state = match o.step.as_str() {
                                            "create" => "missing",
                                            "update" => "different",
                                            "unchanged" => "installed",
                                            "remove" => "to remove",
                                            other => other,
                                        }.to_owned();
                                        let state = if c.applied {
                                            match o.step.as_str() {
                                                "create" => "created".to_owned(),
                                                "update" => "replaced".to_owned(),
                                                "remove" => "removed".to_owned(),
                                                _ => state,
                                            }
                                        } else {
                                            state
                                        };
                                        view! {
                                            <tr data-testid="provisioning-object">
                                                <td>{o.kind}</td>
                                                <td class="mono">{o.name}</td>
                                                <td data-testid="provisioning-object-state">{state}
                                                    {o.diff.map(|d| view! {
                                                        <details><summary>"What differs"</summary><pre class="diff">{d}</pre></details>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p data-testid="provisioning-routers">{format!(
                                "{} awaiting configuration, {} configured.",
                                plural(routers.awaiting, "router"),
                                routers.configured
                            )}</p>
                            {c.warnings.into_iter().map(|w| view! {
                                <p class="banner warning" data-testid="provisioning-warning">{w}</p>
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
                {(!r.refused.is_empty()).then(|| view! {
                    <div class="banner error" data-testid="provisioning-refused">
                        <p>"These subscribers' values cannot be applied:"</p>
                        <ul>
                            {r.refused.into_iter().map(|x| view! {
                                <li>{format!("{} (router {}): {}: {}", x.account, x.serial, x.field, x.reason)}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                })}
            </div>
        })}
    }
}
