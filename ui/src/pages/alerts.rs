//! The alert centre: alerts by state, kind and severity, acknowledge and resolve, jump
//! to the device.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::alerts::{ListAlertsRequest, SetAlertStateRequest};
use acsdesk_types::devices::format_ago;
use acsdesk_types::events::{self, AlertsChangedEvent};
use acsdesk_types::{AlertKind, AlertState, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The alert centre.
#[component]
pub(crate) fn AlertsPage(
    /// Opens a device's dashboard.
    on_open: Callback<String>,
) -> impl IntoView {
    let state = RwSignal::new(Some(AlertState::Open));
    let kind = RwSignal::new(None::<AlertKind>);
    let severity = RwSignal::new(None::<Severity>);
    let version = RwSignal::new(0_u32);
    let alerts = LocalResource::new(move || {
        version.track();
        ipc::list_alerts(ListAlertsRequest {
            state: state.get(),
            kind: kind.get(),
            severity: severity.get(),
            device: None,
        })
    });
    // A choice is the variant's word; the empty option is "any".
    fn choose<T: Send + Sync + 'static>(
        signal: RwSignal<Option<T>>,
        parse: fn(&str) -> Option<T>,
    ) -> impl Fn(leptos::ev::Event) {
        move |e| signal.set(parse(&event_target_value(&e)))
    }
    use_backend_event(events::ALERTS_CHANGED, move |_: AlertsChangedEvent| {
        version.update(|v| *v += 1)
    });
    let set = move |id: i64, to: AlertState| {
        spawn_local(async move {
            if ipc::set_alert_state(SetAlertStateRequest { id, state: to })
                .await
                .is_ok()
            {
                version.update(|v| *v += 1);
            }
        });
    };
    view! {
        <section class="page alerts" aria-labelledby="alerts-title">
            <header class="page-header">
                <h1 id="alerts-title">"Alerts"</h1>
                <select aria-label="State" data-testid="alert-state" on:change=choose(state, AlertState::parse)>
                    <option value="open">"Open"</option>
                    <option value="acknowledged">"Acknowledged"</option>
                    <option value="resolved">"Resolved"</option>
                    <option value="">"All"</option>
                </select>
                <select aria-label="Kind" data-testid="alert-kind" on:change=choose(kind, AlertKind::parse)>
                    <option value="">"Every kind"</option>
                    {AlertKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Severity" data-testid="alert-severity" on:change=choose(severity, Severity::parse)>
                    <option value="">"Any severity"</option>
                    {Severity::ALL.iter().rev().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </header>
            <ul class="alert-list" data-testid="alert-list">
                {move || {
                    let now = js_sys::Date::now() as i64;
                    let list = alerts.get().and_then(|r| r.ok()).unwrap_or_default();
                    if list.is_empty() {
                        return view! { <li class="muted empty">"No alerts here."</li> }.into_any();
                    }
                    list.into_iter()
                        .map(|a| {
                            let id = a.id;
                            let device = (!a.kind.is_about_acs()).then(|| a.subject.clone());
                            view! {
                                <li class=format!("alert {}", a.severity) data-testid="alert-item">
                                    <span class=format!("badge {}", a.state)>{a.state.as_str()}</span>
                                    " "
                                    <strong>{a.message.clone()}</strong>
                                    <span class="muted">{format!(" · since {}", format_ago(a.first_seen_ms, now))}</span>
                                    <span class="buttons">
                                        {device.map(|d| view! {
                                            <button type="button" class="link" on:click=move |_| on_open.run(d.clone())>"Open device"</button>
                                        })}
                                        {(a.state == AlertState::Open).then(|| view! {
                                            <button type="button" on:click=move |_| set(id, AlertState::Acknowledged)>"Acknowledge"</button>
                                        })}
                                        {(a.state != AlertState::Resolved).then(|| view! {
                                            <button type="button" on:click=move |_| set(id, AlertState::Resolved)>"Resolve"</button>
                                        })}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </section>
    }
}
