//! Bulk actions on the device list: the bar that appears with a selection, the
//! confirmation that says how many devices (and, for a ping, the host), and the live
//! progress panel of what was queued — a ping's summary of who answers, who is silent
//! and who is slow — fed by action-progress events, one fetch in flight at a time.

use crate::hooks::{use_backend_event, use_escape};
use crate::ipc;
use crate::selection::thousands;
use acsdesk_types::actions::{ActionInput, BulkProgress, BulkTargets, QueueBulkRequest};
use acsdesk_types::events::{self, ActionProgressEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;

/// The actions offered in bulk: name and button label.
const BULK: &[(&str, &str)] = &[
    ("reboot", "Reboot"),
    ("refresh", "Refresh"),
    ("ping", "Ping"),
    ("factory_reset", "Factory reset"),
];

/// The action of `name`; a ping reaches for `host`.
fn input(name: &str, host: String) -> ActionInput {
    match name {
        "reboot" => ActionInput::Reboot,
        "factory_reset" => ActionInput::FactoryReset,
        "ping" => ActionInput::Ping {
            host,
            repetitions: Some(4),
        },
        _ => ActionInput::Refresh,
    }
}

/// What the confirmation says will happen to the customers.
fn consequence(name: &str) -> &'static str {
    match name {
        "reboot" => "Each customer loses connectivity for about a minute.",
        "factory_reset" => {
            "Each router loses its configuration (WiFi, PPPoE) and must be provisioned again."
        }
        "ping" => "Each router pings the host itself (4 echoes); the summary says who answers, who is silent and who is slow. Customers notice nothing.",
        _ => "Each router's parameters are read again; customers notice nothing.",
    }
}

/// A queued bulk operation being followed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BulkRun {
    /// What each action does.
    pub description: String,
    /// The actions.
    pub ids: Vec<i64>,
}

/// The bar shown while devices are selected: count, actions, clear.
#[component]
pub(crate) fn BulkBar(
    /// How many devices are selected.
    count: Signal<u64>,
    /// The targets to send (read when confirmed).
    targets: Callback<(), BulkTargets>,
    /// Clears the selection.
    on_clear: Callback<()>,
    /// Called with the queued operation.
    on_queued: Callback<BulkRun>,
) -> impl IntoView {
    let confirming = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The host a bulk ping reaches for: the tenant's until changed.
    let host = RwSignal::new(String::new());
    spawn_local(async move {
        if let Ok(s) = ipc::tenant_settings().await {
            if host.get_untracked().is_empty() {
                host.set(s.diagnostics.unwrap_or_default().ping_host);
            }
        }
    });
    let host_problem = move || acsdesk_types::actions::check_host(&host.get()).err();
    let confirm = move |name: &'static str| {
        if name == "ping" && host_problem().is_some() {
            return;
        }
        busy.set(true);
        let request = QueueBulkRequest {
            targets: targets.run(()),
            action: input(name, host.get_untracked().trim().to_owned()),
        };
        spawn_local(async move {
            match ipc::queue_bulk_action(request).await {
                Ok(q) => {
                    error.set(None);
                    confirming.set(None);
                    on_clear.run(());
                    on_queued.run(BulkRun {
                        description: q.description,
                        ids: q.ids,
                    });
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    // `Esc` closes the confirmation without queueing.
    use_escape(move || confirming.set(None));
    let any = move || count.get() != 0;
    view! {
        <Show when=any>
            <div class="bulk-bar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar">
                <strong data-testid="bulk-count">{move || format!("{} selected", thousands(count.get()))}</strong>
                {BULK.iter().map(|&(name, label)| view! {
                    <button type="button" class:danger=name == "factory_reset"
                        data-testid=format!("bulk-{name}")
                        on:click=move |_| { error.set(None); confirming.set(Some(name)) }>
                        {label}
                    </button>
                }).collect_view()}
                <button type="button" class="link" data-testid="bulk-clear" on:click=move |_| on_clear.run(())>
                    "Clear selection"
                </button>
            </div>
        </Show>
        {move || confirming.get().map(|name| {
            let label = BULK.iter().find(|(n, _)| *n == name).map(|(_, l)| *l).unwrap_or("Act on");
            let n = count.get_untracked();
            view! {
                <div class="overlay">
                    <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="bulk-confirm-title" data-testid="bulk-confirm">
                        <h2 id="bulk-confirm-title">
                            {format!("{label} {} device{}?", thousands(n), if n == 1 { "" } else { "s" })}
                        </h2>
                        <p class="muted">{consequence(name)}</p>
                        {(name == "ping").then(|| view! {
                            <label class="form">"Host or IP address"
                                <input type="text" data-testid="bulk-ping-host" prop:value=host
                                    on:input=move |ev| host.set(event_target_value(&ev)) />
                            </label>
                            {move || host_problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                        })}
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="buttons">
                            <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                            <button type="button" class:danger=name != "ping" class:primary=name == "ping"
                                data-testid="bulk-confirm-yes"
                                disabled=move || busy.get() || (name == "ping" && host_problem().is_some())
                                on:click=move |_| confirm(name)>
                                {format!("{label} {}", thousands(n))}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })}
    }
}

/// Live progress of a bulk operation until it is dismissed.
#[component]
pub(crate) fn BulkPanel(
    /// The operation.
    run: BulkRun,
    /// Closes the panel (the actions go on).
    on_dismiss: Callback<()>,
) -> impl IntoView {
    let progress = RwSignal::new(None::<Result<BulkProgress, String>>);
    // One fetch at a time; events that arrive meanwhile ask for one more after it.
    let in_flight = StoredValue::new(false);
    let again = StoredValue::new(false);
    let ids = StoredValue::new(run.ids.clone());
    let fetch = StoredValue::new_local(None::<std::rc::Rc<dyn Fn()>>);
    let refetch: std::rc::Rc<dyn Fn()> = std::rc::Rc::new(move || {
        if in_flight.get_value() {
            again.set_value(true);
            return;
        }
        in_flight.set_value(true);
        spawn_local(async move {
            loop {
                again.set_value(false);
                let r = ipc::bulk_progress(ids.get_value()).await;
                progress.set(Some(r.map_err(|e| e.message)));
                if !again.get_value() {
                    break;
                }
            }
            in_flight.set_value(false);
        });
    });
    fetch.set_value(Some(refetch.clone()));
    refetch();
    let mine: HashSet<i64> = run.ids.iter().copied().collect();
    use_backend_event(events::ACTION_PROGRESS, move |e: ActionProgressEvent| {
        if mine.contains(&e.id) {
            if let Some(f) = fetch.get_value() {
                f();
            }
        }
    });
    let description = run.description.clone();
    view! {
        <section class="bulk-panel" aria-labelledby="bulk-title" data-testid="bulk-panel">
            <header>
                <h2 id="bulk-title">{format!("{description} · {} devices", thousands(run.ids.len() as u64))}</h2>
                <button type="button" class="link" data-testid="bulk-dismiss" on:click=move |_| on_dismiss.run(())>
                    {move || if progress.get().and_then(|p| p.ok()).is_some_and(|p| p.is_done()) { "Close" } else { "Hide (it goes on)" }}
                </button>
            </header>
            {move || match progress.get() {
                None => view! { <p class="muted">"Queued…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(p)) => {
                    let pct = if p.total == 0 { 100.0 } else { p.finished() as f64 * 100.0 / p.total as f64 };
                    view! {
                        <progress max="100" value=format!("{pct:.1}") aria-label="Finished"></progress>
                        <p data-testid="bulk-summary" role="status" aria-live="polite">
                            {format!(
                                "{} completed · {} failed · {} in GenieACS · {} waiting{}",
                                thousands(p.completed), thousands(p.failed), thousands(p.sent), thousands(p.pending),
                                if p.cancelled > 0 { format!(" · {} withdrawn", thousands(p.cancelled)) } else { String::new() },
                            )}
                            {p.is_done().then_some(" — done")}
                        </p>
                        {p.ping.clone().map(|sweep| view! {
                            <div class="ping-sweep" data-testid="bulk-ping">
                                <p><strong>{sweep.describe()}</strong></p>
                                {(!sweep.slowest.is_empty()).then(|| view! {
                                    <p class="muted">"Slowest: "
                                        {sweep.slowest.iter().map(|r| format!("{} {} ms", r.device, r.average_ms)).collect::<Vec<_>>().join(", ")}
                                    </p>
                                })}
                                {(!sweep.silent_routers.is_empty()).then(|| view! {
                                    <p data-testid="bulk-ping-silent">"Silent: "
                                        {sweep.silent_routers.iter().map(|d| view! { <span class="mono">{d.clone()}</span>" " }).collect_view()}
                                    </p>
                                })}
                            </div>
                        })}
                        {(!p.failures.is_empty()).then(|| view! {
                            <ul class="plain-list" data-testid="bulk-failures">
                                {p.failures.iter().map(|f| view! {
                                    <li><span class="mono">{f.device.clone()}</span>
                                        <span class="error">{f.fault.clone().unwrap_or_default()}</span></li>
                                }).collect_view()}
                                {(p.failed > p.failures.len() as u64).then(|| view! {
                                    <li class="muted">{format!("and {} more", thousands(p.failed - p.failures.len() as u64))}</li>
                                })}
                            </ul>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}
