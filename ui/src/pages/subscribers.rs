//! Subscribers: the billing system's network users in a virtualised list (only the
//! visible rows are in the page, so 20,000 scroll smoothly), searched and filtered, added,
//! changed and deleted in a side panel (the forms' rules, a router linked elsewhere
//! refused by name), their router one click away, and a billing export imported after a
//! preview that says per row what happens and why.

use crate::hooks::{use_backend_event, use_escape};
use crate::ipc;
use crate::virtual_list::visible_rows;
use acsdesk_types::devices::format_ago;
use acsdesk_types::events;
use acsdesk_types::provisioning::{is_provisioning_log, VendorInstructions};
use acsdesk_types::subscribers::{
    ImportOutcome, ImportReport, ImportSubscribersRequest, ListSubscribersRequest,
    SaveSubscriberRequest, SubscriberField, SubscriberInfo,
};
use acsdesk_types::RouterProblem;
use codee::string::JsonSerdeCodec;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::storage::use_local_storage;
use leptos_use::{use_debounce_fn_with_arg, use_element_size};

/// Subscribers listed at most (a search narrows the rest); only the visible rows are in
/// the page.
const SHOWN: u32 = 100_000;
/// The height of one row of the list, in pixels (fixed, so rows can be virtualised).
const ROW_HEIGHT: f64 = 36.0;
/// Rows rendered beyond the visible ones, on each side.
const OVERSCAN: u32 = 8;
/// Where the import's hand-made column mapping is remembered.
const MAPPING_KEY: &str = "acsdesk.subscribers.mapping";

/// The header names of a CSV text (its first line, split on `;` when it has more of
/// them than commas), for the mapping table.
fn header_names(text: &str) -> Vec<String> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        ';'
    } else {
        ','
    };
    first
        .split(delimiter)
        .map(|h| h.trim().trim_matches('"').trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect()
}

/// What the side panel holds.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    /// A new subscriber.
    New,
    /// The subscriber with this account.
    Edit(Box<SubscriberInfo>),
}

/// The subscribers page.
#[component]
pub(crate) fn SubscribersPage(
    /// Opens a router's dashboard.
    on_open: Callback<String>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let linked = RwSignal::new(None::<bool>);
    let problem = RwSignal::new(None::<RouterProblem>);
    let version = RwSignal::new(0_u32);
    let list = LocalResource::new(move || {
        version.track();
        let search = search.get();
        ipc::list_subscribers(ListSubscribersRequest {
            search: (!search.trim().is_empty()).then(|| search.trim().to_owned()),
            linked: linked.get(),
            problem: problem.get(),
            status: None,
            limit: SHOWN,
        })
    });
    // A router met by a sync is linked and shown without asking.
    use_backend_event(
        events::DEVICES_CHANGED,
        move |_: events::DevicesChangedEvent| version.update(|v| *v += 1),
    );
    let typed = use_debounce_fn_with_arg(move |t: String| search.set(t), 300.0);
    let panel = RwSignal::new(None::<Panel>);
    let importing = RwSignal::new(false);
    let exporting = RwSignal::new(false);
    use_escape(move || {
        panel.set(None);
        importing.set(false);
    });
    let changed = Callback::new(move |()| version.update(|v| *v += 1));
    let scroller = NodeRef::<leptos::html::Div>::new();
    let viewport = use_element_size(scroller).height;
    let scroll_top = RwSignal::new(0.0_f64);
    // A new search or filter starts at the top.
    Effect::new(move |_| {
        search.track();
        linked.track();
        problem.track();
        scroll_top.set(0.0);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
    });
    let rows = move || list.get().and_then(|r| r.ok()).unwrap_or_default();
    view! {
        <section class="page subscribers" aria-labelledby="subscribers-title">
            <header class="page-header">
                <h1 id="subscribers-title">"Subscribers"</h1>
                <span class="muted" data-testid="subscriber-count">{move || {
                    list.get().and_then(|r| r.ok()).map(|l| {
                        if l.len() as u32 >= SHOWN {
                            format!("the first {SHOWN}: search to narrow")
                        } else {
                            format!("{} shown", l.len())
                        }
                    })
                }}</span>
            </header>
            <div class="filters" role="search">
                <input type="search" data-testid="subscriber-search"
                    aria-label="Search account, name, phone, PPPoE user or serial"
                    placeholder="Search account, name, phone, PPPoE user, serial"
                    on:input=move |e| { typed(event_target_value(&e)); } />
                <select aria-label="Router" data-testid="subscriber-linked" on:change=move |e| {
                    let v = event_target_value(&e);
                    linked.set(match v.as_str() {
                        "linked" => Some(true),
                        "unlinked" => Some(false),
                        _ => None,
                    });
                    problem.set(RouterProblem::parse(&v));
                }>
                    <option value="">"With or without a router"</option>
                    <option value="linked">"With a router"</option>
                    <option value="unlinked">"Without a router"</option>
                    <option value=RouterProblem::Offline.as_str()>"Router offline"</option>
                    <option value=RouterProblem::ProvisioningFailed.as_str()>"Provisioning failed"</option>
                </select>
                <button type="button" class="primary" data-testid="subscriber-add"
                    on:click=move |_| panel.set(Some(Panel::New))>"Add subscriber"</button>
                <button type="button" data-testid="subscriber-import"
                    on:click=move |_| importing.set(true)>"Import CSV"</button>
                <button type="button" data-testid="subscriber-export"
                    on:click=move |_| exporting.set(true)>"Export CSV"</button>
            </div>
            {move || exporting.get().then(|| view! { <ExportDialog on_close=Callback::new(move |()| exporting.set(false)) /> })}
            <div class="subscriber-scroller" node_ref=scroller data-testid="subscriber-scroller"
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }>
            <table class="list-table fixed-rows" data-testid="subscriber-list">
                <thead><tr>
                    <th>"Account"</th><th>"Name"</th><th>"Phone"</th><th>"PPPoE user"</th>
                    <th>"Router"</th><th>"Status"</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let all = rows();
                        if all.is_empty() {
                            return view! {
                                <tr><td colspan="6" class="muted empty">"No subscribers here yet: add one, or import your billing system's export."</td></tr>
                            }.into_any();
                        }
                        // Only the visible rows (and a few around them) are in the page;
                        // two spacer rows keep the scroll height of the whole list.
                        let total = all.len() as u32;
                        let shown = visible_rows(scroll_top.get(), viewport.get(), ROW_HEIGHT, total, OVERSCAN);
                        let above = f64::from(shown.start) * ROW_HEIGHT;
                        let below = f64::from(total - shown.end) * ROW_HEIGHT;
                        let body = all[shown.start as usize..shown.end as usize].iter().map(|s| {
                            let open = s.clone();
                            let device = s.devices.first().cloned();
                            view! {
                                <tr data-testid="subscriber-row" class="clickable"
                                    on:click=move |_| panel.set(Some(Panel::Edit(Box::new(open.clone()))))>
                                    <td class="mono">{s.account.clone()}</td>
                                    <td>{s.name.clone()}</td>
                                    <td>{s.phone.clone().unwrap_or_default()}</td>
                                    <td>{s.pppoe_username.clone().unwrap_or_default()}</td>
                                    <td class="mono">{match (s.serial.clone(), device) {
                                        (Some(serial), Some(id)) => view! {
                                            <button type="button" class="link" data-testid="subscriber-router"
                                                on:click=move |e| { e.stop_propagation(); on_open.run(id.clone()); }>
                                                {serial}
                                            </button>
                                        }.into_any(),
                                        (Some(serial), None) => view! {
                                            <span title="Not seen by the ACS yet: linked when it first informs">{format!("{serial} (waiting for first contact)")}</span>
                                        }.into_any(),
                                        (None, _) => view! { <span class="muted">"—"</span> }.into_any(),
                                    }}</td>
                                    <td>{s.status.clone()}</td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <tr class="spacer" aria-hidden="true" style:height=format!("{above}px")></tr>
                            {body}
                            <tr class="spacer" aria-hidden="true" style:height=format!("{below}px")></tr>
                        }.into_any()
                    }}
                </tbody>
            </table>
            </div>
            {move || panel.get().map(|p| view! {
                <SubscriberPanel panel=p on_done=Callback::new(move |()| { panel.set(None); changed.run(()); })
                    on_close=Callback::new(move |()| panel.set(None)) />
            })}
            {move || importing.get().then(|| view! {
                <ImportDialog on_close=Callback::new(move |()| { importing.set(false); changed.run(()); }) />
            })}
        </section>
    }
}

/// The side panel that adds or changes a subscriber, and deletes one.
#[component]
fn SubscriberPanel(panel: Panel, on_done: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let existing = match &panel {
        Panel::Edit(s) => Some((**s).clone()),
        Panel::New => None,
    };
    let field = |v: Option<&String>| RwSignal::new(v.cloned().unwrap_or_default());
    let e = existing.as_ref();
    let account = field(e.map(|s| &s.account));
    let name = field(e.map(|s| &s.name));
    let phone = field(e.and_then(|s| s.phone.as_ref()));
    let pppoe_user = field(e.and_then(|s| s.pppoe_username.as_ref()));
    let pppoe_pass = RwSignal::new(String::new());
    let ssid = field(e.and_then(|s| s.wifi_ssid.as_ref()));
    let wifi_pass = RwSignal::new(String::new());
    let serial = field(e.and_then(|s| s.serial.as_ref()));
    let plan = field(e.and_then(|s| s.plan.as_ref()));
    let status = RwSignal::new(e.map_or("active".to_owned(), |s| s.status.clone()));
    let error = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(false);
    let original = existing.as_ref().map(|s| s.account.clone());

    let title = existing
        .as_ref()
        .map_or("New subscriber".to_owned(), |s| s.name.clone());
    let opt = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let save = {
        let original = original.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let request = SaveSubscriberRequest {
                original: original.clone(),
                account: account.get_untracked(),
                name: name.get_untracked(),
                phone: opt(phone),
                pppoe_username: opt(pppoe_user),
                pppoe_password: opt(pppoe_pass).map(Into::into),
                wifi_ssid: opt(ssid),
                wifi_password: opt(wifi_pass).map(Into::into),
                plan: opt(plan),
                notes: existing.as_ref().and_then(|s| s.notes.clone()),
                status: status.get_untracked(),
                serial: opt(serial),
            };
            spawn_local(async move {
                match ipc::save_subscriber(request).await {
                    Ok(_) => on_done.run(()),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let input =
        |label: &'static str, id: &'static str, value: RwSignal<String>, kind: &'static str| {
            view! {
                <label>
                    <span>{label}</span>
                    <input type=kind data-testid=id prop:value=move || value.get()
                        on:input=move |e| value.set(event_target_value(&e))
                        on:change=move |e| value.set(event_target_value(&e)) />
                </label>
            }
        };
    let linked_serial = original
        .as_ref()
        .and(Some(serial.get_untracked()))
        .filter(|s| !s.is_empty());
    // The router's provisioning, followed live: each sync that changes devices asks again.
    let synced = RwSignal::new(0_u32);
    use_backend_event(
        events::DEVICES_CHANGED,
        move |_: events::DevicesChangedEvent| synced.update(|v| *v += 1),
    );

    let provisioning = {
        let serial = linked_serial.clone();
        LocalResource::new(move || {
            synced.track();
            let serial = serial.clone();
            async move {
                match serial {
                    Some(s) => ipc::router_provisioning(s).await.ok(),
                    None => None,
                }
            }
        })
    };
    // The linked router as the last sync saw it, once known (also when it makes first
    // contact while the panel is open).
    let router = LocalResource::new(move || {
        let id = provisioning.get().flatten().and_then(|p| p.device);
        async move {
            match id {
                Some(id) => ipc::get_device(id).await.ok(),
                None => None,
            }
        }
    });
    // What happened to its provisioning: applied, asked, failed, lost to a reset.
    let history = LocalResource::new(move || {
        synced.track();
        let id = provisioning.get().flatten().and_then(|p| p.device);
        async move {
            match id {
                Some(id) => ipc::device_logs(id)
                    .await
                    .map(|logs| {
                        logs.into_iter()
                            .filter(|l| is_provisioning_log(&l.kind, &l.message))
                            .take(8)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    view! {
        <aside class="side-panel open" aria-label="Subscriber" data-testid="subscriber-panel">
            <header>
                <h2>{title}</h2>
                <button type="button" class="link" on:click=move |_| on_close.run(())>"Close"</button>
            </header>
            {move || provisioning.get().flatten().map(|p| {
                let (class, text) = match (p.state.as_str(), p.known) {
                    ("configured", _) => ("ok", format!("Configured ✓ — configuration {}", p.version.clone().unwrap_or_default())),
                    ("awaiting", false) => ("waiting", "Waiting for first contact: GenieACS configures it as soon as it informs.".to_owned()),
                    ("awaiting", true) => ("waiting", "Awaiting its configuration: applied at its next inform.".to_owned()),
                    _ => ("failed", format!("Cannot be configured: {}", p.refused.clone().unwrap_or_default())),
                };
                view! {
                    <div class=format!("provisioning-state {class}") data-testid="subscriber-provisioning">
                        <h3>"Router provisioning"</h3>
                        <p data-testid="subscriber-provisioning-state" data-state=p.state.clone()>{text}</p>
                        {p.pppoe_username.clone().map(|u| view! { <p class="muted">{format!("PPPoE {u}")}</p> })}
                        {p.ssid.clone().map(|s| view! { <p class="muted">{format!("WiFi {s}")}</p> })}
                        {(p.state != "configured").then(|| router_steps(p.vendor.clone(), p.instructions.clone()))}
                    </div>
                }
            })}
            {move || router.get().flatten().map(|d| {
                let now = js_sys::Date::now() as i64;
                let wan = [d.wan_status.clone(), d.row.wan_ip.clone(), d.wan_error.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                view! {
                    <div class="router-status" data-testid="subscriber-router-status">
                        <p>
                            <span class=if d.row.online { "badge ok" } else { "badge unreachable" }>
                                {if d.row.online { "online" } else { "offline" }}
                            </span>
                            {format!(" {} {}", d.row.vendor.clone().unwrap_or_default(), d.row.model.clone().unwrap_or_default())}
                            {d.row.last_inform_ms.map(|t| format!(" · last inform {}", format_ago(t, now)))}
                        </p>
                        {(!wan.is_empty()).then(|| view! { <p class="muted">{format!("WAN {wan}")}</p> })}
                        {d.pppoe_username.clone().map(|u| view! { <p class="muted">{format!("PPPoE user on the router: {u}")}</p> })}
                        {d.wifi.first().and_then(|w| w.ssid.clone()).map(|s| view! { <p class="muted">{format!("WiFi on the router: {s}")}</p> })}
                    </div>
                }
            })}
            {move || {
                let lines = history.get().unwrap_or_default();
                (!lines.is_empty()).then(|| {
                    let now = js_sys::Date::now() as i64;
                    view! {
                        <div class="provisioning-history" data-testid="subscriber-provisioning-history">
                            <h3>"Provisioning history"</h3>
                            <ul>
                                {lines.into_iter().map(|l| view! {
                                    <li class=format!("log-{}", l.level.as_str())>
                                        <span class="muted">{format_ago(l.at_ms, now)}</span>
                                        " "{l.message}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }
                })
            }}
            <form class="form" novalidate on:submit=save data-testid="subscriber-form">
                {input("Account number", "sub-account", account, "text")}
                {input("Name", "sub-name", name, "text")}
                {input("Phone", "sub-phone", phone, "tel")}
                {input("PPPoE user", "sub-pppoe-user", pppoe_user, "text")}
                {input(if original.is_some() { "PPPoE password (empty: keep it)" } else { "PPPoE password" }, "sub-pppoe-pass", pppoe_pass, "password")}
                {input("WiFi name (SSID)", "sub-ssid", ssid, "text")}
                {input(if original.is_some() { "WiFi password (empty: keep it)" } else { "WiFi password" }, "sub-wifi-pass", wifi_pass, "password")}
                {input("Router serial (as on its label)", "sub-serial", serial, "text")}
                {input("Plan", "sub-plan", plan, "text")}
                <label>
                    <span>"Status"</span>
                    <select data-testid="sub-status" prop:value=move || status.get()
                        on:change=move |e| status.set(event_target_value(&e))>
                        <option value="active">"Active"</option>
                        <option value="suspended">"Suspended"</option>
                        <option value="terminated">"Terminated"</option>
                    </select>
                </label>
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="subscriber-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="subscriber-save">"Save"</button>
            </form>

            {original.clone().map(|account| {
                let gone = account.clone();
                view! {
                    <hr />
                    {move || if deleting.get() {
                        let gone = gone.clone();
                        view! {
                            <div class="confirm" data-testid="subscriber-delete-confirm">
                                <p>{match &linked_serial {
                                    Some(serial) => format!("Delete {gone}? Its router {serial} stays in the fleet, unlinked; GenieACS keeps it."),
                                    None => format!("Delete {gone}? It has no router linked."),
                                }}</p>
                                <button type="button" class="danger" data-testid="subscriber-delete-yes" on:click=move |_| {
                                    let account = gone.clone();
                                    spawn_local(async move {
                                        match ipc::remove_subscriber(account).await {
                                            Ok(()) => on_done.run(()),
                                            Err(e) => error.set(Some(e.message)),
                                        }
                                    });
                                }>"Delete"</button>
                                <button type="button" on:click=move |_| deleting.set(false)>"Keep"</button>
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="danger" data-testid="subscriber-delete"
                                on:click=move |_| deleting.set(true)>{format!("Delete {account}")}</button>
                        }.into_any()
                    }}
                }
            })}
        </aside>
    }
}

/// The technician's steps on the router, for the vendor its serial suggests (any other
/// one chosen in the list); a command is shown as code to copy.
fn router_steps(vendor: Option<String>, all: Vec<VendorInstructions>) -> impl IntoView {
    let chosen = RwSignal::new(
        vendor.unwrap_or_else(|| all.first().map(|v| v.vendor.clone()).unwrap_or_default()),
    );
    let names: Vec<String> = all.iter().map(|v| v.vendor.clone()).collect();
    view! {
        <div class="router-steps" data-testid="router-instructions">
            <label>
                <span>"To connect it, on the router"</span>
                <select data-testid="router-vendor" prop:value=move || chosen.get()
                    on:change=move |e| chosen.set(event_target_value(&e))>
                    {names.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
            <ol data-testid="router-steps">
                {move || {
                    let v = chosen.get();
                    all.iter()
                        .find(|s| s.vendor == v)
                        .map(|s| s.steps.clone())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|step| if step.starts_with('/') {
                            view! { <li><code class="command">{step}</code></li> }.into_any()
                        } else {
                            view! { <li>{step}</li> }.into_any()
                        })
                        .collect_view()
                }}
            </ol>
        </div>
    }
}

/// *Export CSV*: every subscriber to a new file in the Downloads folder; passwords only
/// when asked for, after saying what that means.
#[component]
fn ExportDialog(on_close: Callback<()>) -> impl IntoView {
    let with_secrets = RwSignal::new(false);
    let outcome = RwSignal::new(None::<(bool, String)>);
    let export = move |_| {
        let secrets = with_secrets.get_untracked();
        spawn_local(async move {
            outcome.set(Some(match ipc::export_subscribers(secrets).await {
                Ok(f) => (
                    true,
                    format!(
                        "Saved {} subscribers to {}{}",
                        f.subscribers,
                        f.path,
                        if f.with_secrets {
                            " — it holds their passwords: keep it safe and delete it when done."
                        } else {
                            "."
                        }
                    ),
                ),
                Err(e) => (false, e.message),
            }));
        });
    };
    view! {
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" data-testid="export-dialog">
            <h2 id="export-title">"Export subscribers"</h2>
            <p>"Every subscriber, as CSV with the columns an import reads back."</p>
            <label class="check">
                <input type="checkbox" data-testid="export-secrets"
                    prop:checked=move || with_secrets.get()
                    on:change=move |e| with_secrets.set(event_target_checked(&e)) />
                <span>"Include the PPPoE and WiFi passwords"</span>
            </label>
            {move || with_secrets.get().then(|| view! {
                <p class="banner error">"Anyone who gets the file gets every subscriber's passwords."</p>
            })}
            {move || outcome.get().map(|(ok, text)| view! {
                <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="export-result">{text}</p>
            })}
            <div class="buttons">
                <button type="button" class="primary" data-testid="export-save" on:click=export>"Export"</button>
                <button type="button" data-testid="export-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}

/// The import: a file (or pasted text), a preview of every row, then the accepted rows
/// written at once.
#[component]
fn ImportDialog(on_close: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let report = RwSignal::new(None::<ImportReport>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    // Columns whose headers do not say their field are mapped by hand, and the choice is
    // remembered for the next export of the same billing system.
    let (remembered, set_remembered, _) =
        use_local_storage::<Vec<(String, SubscriberField)>, JsonSerdeCodec>(MAPPING_KEY);
    let headers = Signal::derive(move || header_names(&text.get()));
    let chosen_field = move |h: &str| {
        remembered
            .with(|m| m.iter().find(|(k, _)| k == h).map(|(_, f)| *f))
            .or_else(|| SubscriberField::recognise(h))
    };
    let run = move |dry_run: bool| {
        let csv = text.get_untracked();
        // What the headers say needs no mapping; what was chosen by hand is sent.
        let mapping: Vec<(String, SubscriberField)> = headers
            .get_untracked()
            .into_iter()
            .filter_map(|h| {
                let field = chosen_field(&h)?;
                (SubscriberField::recognise(&h) != Some(field)).then_some((h, field))
            })
            .collect();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match ipc::import_subscribers(ImportSubscribersRequest {
                csv,
                mapping,
                dry_run,
            })
            .await
            {
                Ok(r) => report.set(Some(r)),
                Err(e) => {
                    report.set(None);
                    error.set(Some(e.message));
                }
            }
            busy.set(false);
        });
    };
    let chosen = move |_| {
        if let Some(input) = file_input.get_untracked() {
            spawn_local(async move {
                match crate::components::read_file(&input).await {
                    Ok(t) => {
                        text.set(t);
                        report.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <div class="dialog wide" role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog">
            <h2 id="import-title">"Import subscribers"</h2>
            <p class="muted">"A CSV export of your billing system (UTF-8, comma or semicolon). Columns are found by their headers: account, name, phone, pppoe_username, pppoe_password, wifi_ssid, wifi_password, serial, plan, status — or the usual billing names. Nothing is written before you confirm."</p>
            <input type="file" accept=".csv,text/csv" node_ref=file_input data-testid="import-file" on:change=chosen />
            <textarea rows="6" data-testid="import-text" placeholder="…or paste the CSV here"
                prop:value=move || text.get()
                on:input=move |e| { text.set(event_target_value(&e)); report.set(None); }></textarea>
            {move || {
                let hs = headers.get();
                let unmapped = hs.iter().any(|h| chosen_field(h).is_none());
                (!hs.is_empty()).then(|| view! {
                    <details class="mapping" open=unmapped>
                        <summary>"Columns"</summary>
                        <table class="param-table" data-testid="import-mapping">
                            {hs.into_iter().map(|h| {
                                let current = chosen_field(&h);
                                let header = h.clone();
                                view! {
                                    <tr>
                                        <td>{h.clone()}</td>
                                        <td>
                                            <select data-testid="import-map" data-header=h.clone() on:change=move |e| {
                                                let field = SubscriberField::parse(&event_target_value(&e));
                                                let header = header.clone();
                                                set_remembered.update(|m| {
                                                    m.retain(|(k, _)| *k != header);
                                                    if let Some(f) = field {
                                                        m.push((header, f));
                                                    }
                                                });
                                                report.set(None);
                                            }>
                                                <option value="" selected=current.is_none()>"— not imported —"</option>
                                                {SubscriberField::ALL.iter().map(|f| view! {
                                                    <option value=f.header() selected=current == Some(*f)>{f.header()}</option>
                                                }).collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </table>
                    </details>
                })
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="import-error">{e}</p> })}
            {move || report.get().map(|r| view! { <ImportPreview report=r /> })}
            <div class="buttons">
                <button type="button" data-testid="import-preview" disabled=move || busy.get() || text.get().trim().is_empty()
                    on:click=move |_| run(true)>"Preview"</button>
                {move || report.get().filter(|r| !r.applied && r.created + r.updated > 0).map(|r| view! {
                    <button type="button" class="primary" data-testid="import-apply" disabled=move || busy.get()
                        on:click=move |_| run(false)>{match r.created + r.updated {
                            1 => "Import 1 row".to_owned(),
                            n => format!("Import {n} rows"),
                        }}</button>
                })}
                <button type="button" data-testid="import-close" on:click=move |_| on_close.run(())>
                    {move || if report.get().is_some_and(|r| r.applied) { "Done" } else { "Cancel" }}
                </button>
            </div>
        </div>
    }
}

/// What an import does (or did), row by row: the refused ones with their line, column
/// and reason first.
#[component]
fn ImportPreview(report: ImportReport) -> impl IntoView {
    let summary = format!(
        "{}{} to create · {} to update · {} unchanged · {} refused",
        if report.applied { "Imported: " } else { "" },
        report.created,
        report.updated,
        report.unchanged,
        report.refused
    );
    let ignored = (!report.ignored_headers.is_empty()).then(|| {
        format!(
            "Not imported (no field): {}",
            report.ignored_headers.join(", ")
        )
    });
    let mut rows = report.rows;
    rows.retain(|r| r.outcome != ImportOutcome::Unchanged);
    rows.sort_by_key(|r| (r.outcome != ImportOutcome::Refused, r.line));
    view! {
        <div class="import-preview" data-testid="import-report">
            <p data-testid="import-summary"><strong>{summary}</strong></p>
            {ignored.map(|t| view! { <p class="muted">{t}</p> })}
            <table class="param-table">
                <thead><tr><th>"Line"</th><th>"Account"</th><th>"What happens"</th></tr></thead>
                <tbody>
                    {rows.into_iter().take(200).map(|r| {
                        let what = match r.outcome {
                            ImportOutcome::Create => "created".to_owned(),
                            ImportOutcome::Update => {
                                let fields: Vec<&str> = r.changes.iter().map(|c| c.header()).collect();
                                format!("updated: {}", fields.join(", "))
                            }
                            ImportOutcome::Unchanged => "unchanged".to_owned(),
                            ImportOutcome::Refused => format!(
                                "refused{}: {}",
                                r.column.map(|c| format!(" ({})", c.header())).unwrap_or_default(),
                                r.reason.clone().unwrap_or_default()
                            ),
                        };
                        let class = if r.outcome == ImportOutcome::Refused { "error" } else { "" };
                        view! {
                            <tr data-testid="import-row" class=class>
                                <td>{r.line}</td><td class="mono">{r.account}</td><td>{what}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::header_names;

    #[test]
    fn header_names_follow_the_delimiter_and_drop_quotes_and_the_bom() {
        assert_eq!(
            header_names("\u{feff}Ref;\"Cliente\";Tel\n1;2;3"),
            ["Ref", "Cliente", "Tel"]
        );
        assert_eq!(header_names("a,b\n"), ["a", "b"]);
        assert!(header_names("").is_empty());
    }
}
