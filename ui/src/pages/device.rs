//! The device dashboard: identity and status, the normalised values, WiFi networks, LAN
//! clients, history charts (drawn by the backend with plotters) over 1 h / 24 h / 7 d /
//! 30 d, actions and diagnostics; and the device's log as a tab of its own.

use crate::components::actions::{ActionsPanel, DiagnoseFields, Dialog};
use crate::hooks::{use_backend_event, use_escape};
use crate::ipc;
use acsdesk_types::devices::{
    format_ago, format_uptime, ChartFormat, ChartRange, DeviceChartRequest, DeviceDetail,
    ExportChartRequest,
};
use acsdesk_types::events::{self, DevicesChangedEvent};
use acsdesk_types::Metric;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_preferred_dark;

/// The dashboard of one device.
#[component]
pub(crate) fn DevicePage(
    /// GenieACS id of the device.
    id: String,
    /// Goes back to the list (also on Esc).
    on_back: Callback<()>,
) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let detail = {
        let id = id.clone();
        LocalResource::new(move || {
            version.track();
            ipc::get_device(id.clone())
        })
    };
    // A sync that changed devices (e.g. after an action) refreshes the dashboard.
    use_backend_event(events::DEVICES_CHANGED, move |_: DevicesChangedEvent| {
        version.update(|v| *v += 1)
    });
    // The device's connection and how people know it (model and serial): they do not
    // change with a reload, so what is drawn from them alone is drawn once.
    let who = Memo::new(move |before: Option<&Option<(String, String)>>| {
        detail
            .get()
            .and_then(|r| r.ok())
            .map(|d| {
                let label = format!(
                    "{} {}",
                    d.row.model.clone().unwrap_or_default(),
                    d.row.serial
                );
                (d.row.acs, label)
            })
            .or_else(|| before.cloned().flatten())
    });
    let range = RwSignal::new(ChartRange::Day);
    let dialog = RwSignal::new(None::<Dialog>);
    // What is typed in the diagnostic dialog outlives the page's reloads (a sync
    // landing).
    let diagnose = DiagnoseFields::default();
    let settings_open = RwSignal::new(false);
    // The dashboard, or the device's log as a page of its own.
    let log_tab = RwSignal::new(false);
    let dashboard = move || !log_tab.get();
    use_escape(move || {
        if dialog.get_untracked().is_some() {
            dialog.set(None);
        } else if settings_open.get_untracked() {
            settings_open.set(false);
        } else {
            on_back.run(());
        }
    });

    view! {
        <section class="page device" aria-labelledby="device-title">
            <button type="button" class="link back" data-testid="device-back" on:click=move |_| on_back.run(())>
                "← Devices"
            </button>
            <button type="button" class="device-settings-toggle" data-testid="device-settings-open"
                aria-expanded=move || settings_open.get().to_string()
                on:click=move |_| settings_open.update(|o| *o = !*o)>
                "Device settings"
            </button>
            <nav class="device-tabs" role="tablist" aria-label="Device views" data-testid="device-tabs">
                <button type="button" role="tab" data-testid="tab-dashboard"
                    aria-selected=move || dashboard().to_string() class:active=dashboard
                    on:click=move |_| log_tab.set(false)>"Dashboard"</button>
                <button type="button" role="tab" data-testid="tab-log"
                    aria-selected=move || log_tab.get().to_string() class:active=move || log_tab.get()
                    on:click=move |_| log_tab.set(true)>"Log"</button>
            </nav>
            // Identity → status → charts → actions → diagnostics; the log in its own tab;
            // per-device settings in a side panel.
            <Transition fallback=|| view! { <p class="muted">"Loading the device…"</p> }>
                <ErrorBoundary fallback=|errors| view! {
                    <p class="error" role="alert">
                        {move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")}
                    </p>
                }>
                    {move || Suspend::new(async move {
                        detail.await.map(|d| view! { <Overview detail=d /> })
                    })}
                </ErrorBoundary>
            </Transition>
            {
                let id = id.clone();
                move || log_tab.get().then(|| view! { <DeviceLog id=id.clone() version /> })
            }
            // Hidden rather than dropped on the Log tab: a dialog half filled stays so.
            <div class="dashboard" style:display=move || if dashboard() { "" } else { "none" }>
            <section class="charts" aria-label="History">
                <div class="range" role="group" aria-label="Time range">
                    {ChartRange::ALL
                        .iter()
                        .map(|&r| view! {
                            <button
                                type="button"
                                class:active=move || range.get() == r
                                aria-pressed=move || (range.get() == r).to_string()
                                on:click=move |_| range.set(r)
                            >
                                {r.label()}
                            </button>
                        })
                        .collect_view()}
                </div>
                <div class="chart-grid">
                    {Metric::ALL
                        .iter()
                        .map(|&metric| view! { <Chart id=id.clone() metric range version /> })
                        .collect_view()}
                </div>
            </section>
            // Drawn once the device is known, not again at each reload: a dialog half
            // filled, or a button about to be clicked, stays as it is while syncs land.
            {
                let id = id.clone();
                move || who.get().map(|(acs, label)| view! {
                    <ActionsPanel id=id.clone() acs label dialog diagnose />
                })
            }
            <crate::components::actions::DiagnosticsCard id=id.clone() />
            </div>
            // Outside the live-refreshed part, so a sync does not reset what is typed.
            <aside class="side-panel" class:open=move || settings_open.get() aria-label="Device settings"
                data-testid="device-settings" aria-hidden=move || (!settings_open.get()).to_string()>
                <header>
                    <h2>"Device settings"</h2>
                    <button type="button" class="link" data-testid="device-settings-close"
                        on:click=move |_| settings_open.set(false)>"Close"</button>
                </header>
                <OfflineThreshold id=id.clone() />
            </aside>
            <div style:display=move || if dashboard() { "" } else { "none" }>
                <crate::components::parameters::ParametersPanel id=id.clone()
                    acs=Signal::derive(move || who.get().map(|(acs, _)| acs)) />
            </div>
        </section>
    }
}

/// Identity, status and the normalised values.
#[component]
fn Overview(
    /// What the store knows of the device.
    detail: DeviceDetail,
) -> impl IntoView {
    let now = js_sys::Date::now() as i64;
    let r = &detail.row;
    // What the router has and GenieACS has not read yet says so, instead of "—".
    let fact = |label: &'static str, what: &str, value: Option<String>| {
        let unfetched = value.is_none() && detail.is_unfetched(what);
        view! {
            <dt>{label}</dt>
            <dd class:muted=unfetched data-not-fetched=unfetched.then_some("true")
                title=unfetched.then_some("GenieACS has not read this from the router yet: refresh it, or install the monitoring")>
                {value.unwrap_or_else(|| if unfetched { "not fetched yet".to_owned() } else { "—".to_owned() })}
            </dd>
        }
    };
    let wifi = detail
        .wifi
        .iter()
        .map(|w| {
            let band = w.band.label();
            let radio = w.radio();
            format!(
                "{} ({band}{}){}",
                w.ssid.clone().unwrap_or_else(|| "—".into()),
                if radio.is_empty() {
                    String::new()
                } else {
                    format!(", {radio}")
                },
                if w.enabled == Some(false) {
                    ", off"
                } else {
                    ""
                }
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    // A fibre router's light; a router without a PON port says so rather than "—".
    let optical = match (detail.optical_rx_dbm, detail.optical_tx_dbm) {
        (None, None) if detail.is_unfetched("optical") => None,
        (None, None) => Some("none: this router reports no optical (PON) interface".to_owned()),
        (rx, tx) => {
            let dbm = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.1} dBm"));
            Some(format!("receive {} · transmit {}", dbm(rx), dbm(tx)))
        }
    };
    view! {
        <header class="device-header">
            <h1 id="device-title" data-testid="device-title">
                <span class=if r.online { "dot online" } else { "dot offline" } aria-hidden="true"></span>
                {format!("{} {}", r.model.clone().unwrap_or_default(), r.serial)}
            </h1>
            <p class="muted" data-testid="device-status">
                {if r.online { "Online" } else { "Offline" }}
                {r.last_inform_ms.map(|t| format!(" · last inform {}", format_ago(t, now))).unwrap_or_default()}
                {format!(" · ACS {}", r.acs)}
                {r.subscriber.clone().map(|s| format!(" · {s}")).unwrap_or_default()}
            </p>
        </header>
        <dl class="facts wide" data-testid="device-facts">
            {fact("Vendor", "vendor", r.vendor.clone())}
            {fact("Firmware", "firmware", r.firmware.clone())}
            {fact("Hardware", "hardware", detail.hardware.clone())}
            {fact("Data model", "data_model", detail.data_model.clone())}
            {fact("WAN IP", "wan_ip", r.wan_ip.clone())}
            {fact("LAN IP", "lan_ip", detail.lan_ip.clone())}
            {fact("MAC", "mac", detail.mac.clone())}
            {fact("PPPoE user", "pppoe_user", detail.pppoe_username.clone())}
            {fact("WAN status", "wan_status", detail.wan_status.clone().map(|s| match &detail.wan_error { Some(e) => format!("{s} ({e})"), None => s }))}
            {fact("WAN type", "wan_type", detail.wan_type.clone())}
            {fact("DNS", "dns", (!detail.dns_servers.is_empty()).then(|| detail.dns_servers.join(", ")))}
            {fact("WiFi", "wifi", (!wifi.is_empty() && !detail.is_unfetched("wifi")).then_some(wifi))}
            {fact("Uptime", "uptime", r.uptime_s.map(format_uptime))}
            {fact("CPU", "cpu", detail.cpu_pct.map(|v| format!("{v:.0} %")))}
            {fact("Memory", "memory", detail.mem_pct.map(|v| format!("{v:.0} %")))}
            {fact("Signal", "signal", r.signal_dbm.map(|v| format!("{v:.1} dBm")))}
            {fact("Optical power", "optical", optical)}
            {fact("Inform interval", "inform_interval", detail.inform_interval_s.map(|s| format!("{s} s")))}
            {fact("Tags", "tags", (!detail.tags.is_empty()).then(|| detail.tags.join(", ")))}
        </dl>
        <LanClients detail=detail.clone() />
    }
}

/// The devices on the router's LAN: how many are connected per band, then each (name,
/// addresses, how it is attached, its signal), connected ones first.
#[component]
fn LanClients(
    /// What the store knows of the device.
    detail: DeviceDetail,
) -> impl IntoView {
    let on = detail.clients.iter().filter(|c| c.active).count();
    let summary = if detail.clients.is_empty() {
        if detail.is_unfetched("clients") {
            "Not fetched yet: Refresh now reads the router's host table.".to_owned()
        } else {
            "The router lists no devices on its LAN.".to_owned()
        }
    } else {
        let bands: Vec<String> = detail
            .wifi_clients
            .iter()
            .map(|(b, n)| format!("{n} on {}", b.label()))
            .collect();
        let away = detail.clients.len() - on;
        format!(
            "{on} connected{}{}",
            if bands.is_empty() {
                String::new()
            } else {
                format!(" — {}", bands.join(", "))
            },
            if away > 0 {
                format!(" · {away} away")
            } else {
                String::new()
            }
        )
    };
    view! {
        <section class="lan-clients" aria-labelledby="clients-title" data-testid="lan-clients">
            <h2 id="clients-title">"Connected devices"</h2>
            <p class="muted" data-testid="clients-summary">{summary}</p>
            {(!detail.clients.is_empty()).then(|| view! {
                <table class="list-table">
                    <thead><tr><th>"Name"</th><th>"MAC"</th><th>"IP"</th><th>"Via"</th><th>"Signal"</th><th>"State"</th></tr></thead>
                    <tbody>
                        {detail.clients.iter().map(|c| {
                            let via = match (c.band, c.wired) {
                                (Some(b), _) => format!("WiFi {}", b.label()),
                                (None, true) => "cable".to_owned(),
                                (None, false) => "—".to_owned(),
                            };
                            view! {
                                <tr data-testid="lan-client" class:muted=!c.active>
                                    <td>{c.name.clone().unwrap_or_else(|| "(no name)".into())}</td>
                                    <td class="mono">{c.mac.clone()}</td>
                                    <td class="mono">{c.ip.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td>{via}</td>
                                    <td>{c.signal_dbm.map(|s| format!("{s} dBm")).unwrap_or_else(|| "—".into())}</td>
                                    <td>{if c.active { "connected" } else { "away" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// One history chart, fetched as SVG for the selected range.
#[component]
fn Chart(
    /// GenieACS id.
    id: String,
    /// What it charts.
    metric: Metric,
    /// The selected range.
    range: RwSignal<ChartRange>,
    /// Bumped when the device changed: the chart is redrawn with the new sample.
    version: RwSignal<u32>,
) -> impl IntoView {
    // Redrawn when the system switches between light and dark.
    let prefers_dark = use_preferred_dark();
    // The chart as a file for a report (SVG or PNG), and where it went.
    let device = StoredValue::new(id.clone());
    let exported = RwSignal::new(None::<Result<String, String>>);
    let export = move |format: ChartFormat| {
        let request = ExportChartRequest {
            chart: DeviceChartRequest {
                id: device.get_value(),
                metric,
                range: range.get_untracked(),
                dark: false,
                utc_offset_min: -(js_sys::Date::new_0().get_timezone_offset() as i32),
            },
            format,
        };
        spawn_local(async move {
            exported.set(Some(
                ipc::export_chart(request)
                    .await
                    .map(|f| format!("Written to {}", f.path))
                    .map_err(|e| e.message),
            ));
        });
    };
    let chart = LocalResource::new(move || {
        let dark = prefers_dark.get();
        version.track();
        let request = DeviceChartRequest {
            id: id.clone(),
            metric,
            range: range.get(),
            dark,
            utc_offset_min: -(js_sys::Date::new_0().get_timezone_offset() as i32),
        };
        ipc::device_chart(request)
    });
    view! {
        <figure class="chart" aria-label=metric.title() data-testid=format!("chart-{metric}")>
            <Transition fallback=|| view! { <div class="chart-placeholder"></div> }>
                {move || Suspend::new(async move {
                    match chart.await {
                        // The SVG is drawn by our own backend from numbers; it holds no
                        // text from devices or users.
                        Ok(c) if c.not_fetched => view! {
                            <div class="chart-unreported" data-testid="chart-not-fetched">
                                <strong>{metric.title()}</strong>
                                <p class="muted">"Not fetched yet: the router has it, but GenieACS has not read it (the router has only informed). Refresh now, or install the monitoring (Settings → Provisioning) to have it read at every inform."</p>
                            </div>
                        }
                        .into_any(),
                        Ok(c) if !c.reported => view! {
                            <div class="chart-unreported" data-testid="chart-unreported">
                                <strong>{metric.title()}</strong>
                                <p class="muted">"Not reported by this model: it has given no value for this since AcsDesk first saw it."</p>
                            </div>
                        }
                        .into_any(),
                        Ok(c) => view! {
                            <div class="svg" inner_html=c.svg></div>
                            {(c.points > 0).then(|| view! {
                                <div class="chart-export" role="group" aria-label=format!("Export the {} chart", metric.title())>
                                    <button type="button" class="link" data-testid="chart-export-svg" on:click=move |_| export(ChartFormat::Svg)>"SVG"</button>
                                    <button type="button" class="link" data-testid="chart-export-png" on:click=move |_| export(ChartFormat::Png)>"PNG"</button>
                                </div>
                            })}
                        }
                        .into_any(),
                        Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                    }
                })}
            </Transition>
            {move || exported.get().map(|r| match r {
                Ok(m) => view! { <figcaption class="muted small" role="status" data-testid="chart-exported">{m}</figcaption> }.into_any(),
                Err(e) => view! { <figcaption class="error small" role="alert" data-testid="chart-exported">{e}</figcaption> }.into_any(),
            })}
        </figure>
    }
}

/// The device's log as a page: narrowed by level, kind and text, newest first, each
/// entry's recorded payload on demand, exported as CSV as narrowed.
#[component]
fn DeviceLog(
    /// GenieACS id.
    id: String,
    /// Bumped when the device changed.
    version: RwSignal<u32>,
) -> impl IntoView {
    use acsdesk_types::devices::DeviceLogsRequest;
    use acsdesk_types::{LogGroup, LogLevel};
    let level = RwSignal::new(None::<LogLevel>);
    let group = RwSignal::new(None::<LogGroup>);
    let search = RwSignal::new(String::new());
    let exported = RwSignal::new(None::<(bool, String)>);
    let request = {
        let id = id.clone();
        move || DeviceLogsRequest {
            id: id.clone(),
            limit: 500,
            levels: level.get().into_iter().collect(),
            groups: group.get().into_iter().collect(),
            search: Some(search.get()).filter(|s| !s.trim().is_empty()),
        }
    };
    let logs = {
        let request = request.clone();
        LocalResource::new(move || {
            version.track();
            ipc::filtered_device_logs(request())
        })
    };
    let export = move |_| {
        let r = request();
        spawn_local(async move {
            exported.set(Some(match ipc::export_device_log(r).await {
                Ok(f) => (true, format!("{} entries saved to {}", f.entries, f.path)),
                Err(e) => (false, e.message),
            }));
        });
    };
    view! {
        <section class="device-log" aria-label="Log" data-testid="device-log">
            <div class="filters" role="search">
                <select aria-label="Level" data-testid="log-level" on:change=move |ev| level.set(LogLevel::parse(&event_target_value(&ev)))>
                    <option value="">"All levels"</option>
                    {LogLevel::ALL.iter().map(|l| view! { <option value=l.as_str()>{l.as_str()}</option> }).collect_view()}
                </select>
                <select aria-label="Kind" data-testid="log-group" on:change=move |ev| group.set(LogGroup::parse(&event_target_value(&ev)))>
                    <option value="">"All kinds"</option>
                    {LogGroup::ALL.iter().map(|g| view! { <option value=g.as_str()>{g.label()}</option> }).collect_view()}
                </select>
                <input type="search" placeholder="Search the log" aria-label="Search the log" data-testid="log-search"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                <button type="button" data-testid="log-export" on:click=export>"Export CSV"</button>
            </div>
            {move || exported.get().map(|(ok, text)| view! {
                <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="log-exported">{text}</p>
            })}
            <ul class="plain-list log-entries" data-testid="log-entries">
                {move || {
                    let now = js_sys::Date::now() as i64;
                    let entries = logs.get().and_then(|r| r.ok()).unwrap_or_default();
                    if entries.is_empty() {
                        return view! { <li class="muted">"Nothing in the log matches."</li> }.into_any();
                    }
                    entries
                        .into_iter()
                        .map(|l| {
                            let group = LogGroup::of(&l.kind);
                            view! {
                                <li class=format!("log {}", l.level) data-testid="log-entry" data-kind=l.kind.clone()>
                                    <time class="muted">{crate::pages::firmware::local_when(l.at_ms)}</time>
                                    <span class=format!("badge {}", l.level)>{l.level.as_str()}</span>
                                    <span class="muted group">{group.label()}</span>
                                    <span>{l.message.clone()}</span>
                                    <span class="muted">{format_ago(l.at_ms, now)}</span>
                                    {l.payload.clone().map(|p| view! {
                                        <details class="payload" data-testid="log-payload">
                                            <summary>"Raw"</summary>
                                            <pre>{pretty(&p)}</pre>
                                        </details>
                                    })}
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

/// A recorded payload, indented when it is JSON.
fn pretty(payload: &str) -> String {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| payload.to_owned())
}

/// The device's own offline-alert threshold (a router on a flaky rural link may need a
/// longer one than the tenant's), or the tenant's when left empty.
#[component]
fn OfflineThreshold(
    /// GenieACS id.
    id: String,
) -> impl IntoView {
    let value = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    {
        let id = id.clone();
        spawn_local(async move {
            if let Ok(d) = ipc::get_device(id).await {
                // Unless something was typed meanwhile.
                if let (Some(m), true) = (d.offline_after_min, value.get_untracked().is_empty()) {
                    value.set(m.to_string());
                }
            }
        });
    }
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let text = value.get_untracked();
        let minutes = match text.trim() {
            "" => None,
            t => match t.parse::<u32>() {
                Ok(m) => Some(m),
                Err(_) => {
                    status.set(Some((
                        false,
                        "A whole number of minutes, or empty for the tenant's".into(),
                    )));
                    return;
                }
            },
        };
        let id = id.clone();
        spawn_local(async move {
            status.set(Some(
                match ipc::set_device_offline_after(id, minutes).await {
                    Ok(()) => (
                        true,
                        match minutes {
                            Some(m) => format!("This device alerts after {m} min offline."),
                            None => {
                                "This device follows the tenant's offline threshold.".to_owned()
                            }
                        },
                    ),
                    Err(e) => (false, e.message),
                },
            ));
        });
    };
    view! {
        <form class="form inline offline-threshold" novalidate data-testid="device-threshold" on:submit=save>
            <label>
                <span>"Offline alert after (minutes; empty: the tenant's)"</span>
                <input type="number" min="1" max="1440" data-testid="device-threshold-minutes"
                    prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            </label>
            <button type="submit">"Save"</button>
            {move || status.get().map(|(ok, text)| view! {
                <span class=if ok { "muted" } else { "error" } role="status" data-testid="device-threshold-status">{text}</span>
            })}
        </form>
    }
}
