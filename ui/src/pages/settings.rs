//! Settings: tenants (switch), the current tenant's ACS connections (health, add with a
//! connection test, remove), and its offline threshold.

use crate::ipc;
use crate::pages::welcome::ConnectForm;
use acsdesk_types::settings::UpdateSettingsRequest;
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
    let message = RwSignal::new(None::<(bool, String)>);
    spawn_local(async move {
        if let Ok(s) = ipc::tenant_settings().await {
            threshold.set(s.offline_after_min.to_string());
        }
    });
    let report = move |r: Result<(), acsdesk_types::IpcError>, ok: &str| match r {
        Ok(()) => {
            message.set(Some((true, ok.to_owned())));
            version.update(|v| *v += 1);
        }
        Err(e) => message.set(Some((false, e.message))),
    };
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let value = threshold.get_untracked();
        spawn_local(async move {
            let r = match value.trim().parse::<u32>() {
                Ok(m) => {
                    ipc::update_settings(UpdateSettingsRequest {
                        offline_after_min: m,
                    })
                    .await
                }
                Err(_) => Err(acsdesk_types::IpcError::new(
                    acsdesk_types::ErrorCode::Invalid,
                    "offline threshold: a whole number of minutes",
                )),
            };
            report(r, "Saved.");
        });
    };
    view! {
        <section class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "banner" } else { "banner error" } role="status">{text}</p>
            })}
            <h2>"Tenants"</h2>
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
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <h2>"ACS connections"</h2>
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
                            view! {
                                <li>
                                    <strong>{a.name.clone()}</strong>
                                    <span class="muted">{format!(" {} · every {} s · ", a.url, a.interval_s)}</span>
                                    <span class=format!("badge {}", a.health)>{a.health.clone()}</span>
                                    <button type="button" class="danger" on:click=move |_| {
                                        let name = name.clone();
                                        spawn_local(async move { report(ipc::remove_acs(name).await, "Removed.") });
                                    }>"Remove"</button>
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
            <h2>"Alerts"</h2>
            <form class="form inline" on:submit=save>
                <label>
                    <span>"Alert when a device is offline longer than (minutes)"</span>
                    <input type="number" min="1" max="1440" data-testid="offline-threshold"
                        prop:value=move || threshold.get() on:input=move |e| threshold.set(event_target_value(&e)) />
                </label>
                <button type="submit" class="primary">"Save"</button>
            </form>
        </section>
    }
}
