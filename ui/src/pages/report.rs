//! The Report page: the fleet overview — routers online, open alerts, the alerts raised
//! per day and per kind, the models with the spread of their firmware, the actions'
//! outcomes — over a chosen number of days, kept current as syncs land; and the export
//! of the actions as CSV.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::events::{self, AlertsChangedEvent, DevicesChangedEvent};
use acsdesk_types::report::{percent, DayCount, FleetReport, ModelShare};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The periods offered, in days.
const PERIODS: [u32; 4] = [7, 14, 30, 90];

/// The fleet overview.
#[component]
pub(crate) fn ReportPage() -> impl IntoView {
    let days = RwSignal::new(14_u32);
    let version = RwSignal::new(0_u32);
    // The last report stays shown while the next one is read: no flicker at each sync.
    let report = RwSignal::new(None::<FleetReport>);
    let error = RwSignal::new(None::<String>);
    // Outside the overview, which is drawn again at each sync: a click is never lost.
    let exporting = RwSignal::new(false);
    let exported = RwSignal::new(None::<Result<String, String>>);
    let export = move |_| {
        exporting.set(true);
        exported.set(None);
        spawn_local(async move {
            exported.set(Some(
                ipc::export_actions()
                    .await
                    .map(|f| {
                        format!(
                            "{} action{} written to {}",
                            f.actions,
                            if f.actions == 1 { "" } else { "s" },
                            f.path
                        )
                    })
                    .map_err(|e| e.message),
            ));
            exporting.set(false);
        });
    };
    Effect::new(move |_| {
        version.track();
        let d = days.get();
        spawn_local(async move {
            match ipc::fleet_report(d).await {
                Ok(r) => {
                    report.set(Some(r));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    });
    use_backend_event(events::DEVICES_CHANGED, move |_: DevicesChangedEvent| {
        version.update(|v| *v += 1)
    });
    use_backend_event(events::ALERTS_CHANGED, move |_: AlertsChangedEvent| {
        version.update(|v| *v += 1)
    });
    view! {
        <section class="page report" aria-labelledby="report-title">
            <header class="page-header">
                <h1 id="report-title">"Report"</h1>
                <div class="tools">
                <select aria-label="Period" data-testid="report-days"
                    prop:value=move || days.get().to_string()
                    on:change=move |e| if let Ok(d) = event_target_value(&e).parse() { days.set(d) }>
                    {PERIODS.iter().map(|d| view! {
                        <option value=d.to_string()>{format!("Last {d} days")}</option>
                    }).collect_view()}
                </select>
                <button type="button" data-testid="report-export-actions" disabled=move || exporting.get()
                    title="Every action (up to 100,000, newest first) as CSV in the export folder"
                    on:click=export>
                    {move || if exporting.get() { "Exporting…" } else { "Export actions CSV" }}
                </button>
                </div>
            </header>
            {move || exported.get().map(|r| match r {
                Ok(m) => view! { <p class="muted" role="status" data-testid="report-exported">{m}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="report-exported">{e}</p> }.into_any(),
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match report.get() {
                None => view! { <p class="muted">"Reading the fleet…"</p> }.into_any(),
                Some(r) => view! { <Overview report=r /> }.into_any(),
            }}
        </section>
    }
}

/// The report's sections.
#[component]
fn Overview(report: FleetReport) -> impl IntoView {
    let share = report
        .online_pct()
        .map(percent)
        .unwrap_or_else(|| "–".into());
    let raised = report.alerts_raised();
    let days = report.alert_days.len();
    let kinds = report
        .alert_kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", k.label()))
        .collect::<Vec<_>>()
        .join(" · ");
    let actions = report
        .actions
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="tiles" data-testid="report-tiles">
            <div class="tile"><span class="value" data-testid="report-total">{report.total}</span><span class="label">"routers"</span></div>
            <div class="tile"><span class="value" data-testid="report-online">{share}</span><span class="label">{format!("online ({})", report.online)}</span></div>
            <div class="tile"><span class="value" data-testid="report-open-alerts">{report.open_alerts}</span><span class="label">"open alerts"</span></div>
            <div class="tile"><span class="value" data-testid="report-raised">{raised}</span><span class="label">{format!("alerts raised in {days} days")}</span></div>
        </div>
        <h2>"Alerts raised per day"</h2>
        <AlertBars days=report.alert_days.clone() />
        <p class="muted small" data-testid="report-kinds">
            {if kinds.is_empty() { "No alert in the period.".to_owned() } else { kinds }}
            {format!(" — days in {}", report.time_zone)}
        </p>
        <h2>"Models and firmware"</h2>
        <table class="list-table" data-testid="report-models">
            <thead><tr><th>"Model"</th><th>"Routers"</th><th>"Online"</th><th>"Firmware versions"</th></tr></thead>
            <tbody>
                {report.models.into_iter().map(|m| view! { <ModelRow model=m /> }).collect_view()}
            </tbody>
        </table>
        <h2>"Actions"</h2>
        <p data-testid="report-actions">
            {if actions.is_empty() { format!("No action asked for in {days} days.") } else { format!("In {days} days: {actions}.") }}
        </p>
    }
}

/// One model: its routers, how many are online, and its versions as one bar split by
/// share (most common first), with the counts in words beside it.
#[component]
fn ModelRow(model: ModelShare) -> impl IntoView {
    let name = if model.vendor.is_empty() {
        model.model.clone()
    } else {
        format!("{} {}", model.vendor, model.model)
    };
    let total = model.total.max(1) as f64;
    let online = format!(
        "{} ({})",
        model.online,
        percent(model.online as f64 * 100.0 / total)
    );
    let words = model
        .firmwares
        .iter()
        .map(|(v, n)| format!("{} ×{n}", if v.is_empty() { "not read" } else { v }))
        .collect::<Vec<_>>()
        .join(", ");
    let segments = model
        .firmwares
        .iter()
        .enumerate()
        .map(|(i, (v, n))| {
            let width = format!("width: {:.2}%", *n as f64 * 100.0 / total);
            let label = format!(
                "{} — {n} routers",
                if v.is_empty() { "not read" } else { v }
            );
            view! { <span class=format!("seg s{}", i.min(4)) style=width title=label></span> }
        })
        .collect_view();
    view! {
        <tr data-testid="report-model">
            <td>{name}</td>
            <td class="num">{model.total}</td>
            <td class="num">{online}</td>
            <td>
                <div class="spread" aria-hidden="true">{segments}</div>
                <span class="small muted">{words}</span>
            </td>
        </tr>
    }
}

/// The alerts raised per day as bars scaled to the busiest day, each with its date and
/// count on hover; the first and last dates beneath.
#[component]
fn AlertBars(days: Vec<DayCount>) -> impl IntoView {
    let most = days.iter().map(|d| d.count).max().unwrap_or(0).max(1) as f64;
    let n = days.len().max(1) as f64;
    let (first, last) = (
        days.first().map(|d| d.date.clone()).unwrap_or_default(),
        days.last().map(|d| d.date.clone()).unwrap_or_default(),
    );
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let h = d.count as f64 * 100.0 / most;
            let x = i as f64 * 100.0 / n;
            let w = (100.0 / n) * 0.8;
            let title = format!("{}: {} raised", d.date, d.count);
            view! {
                <rect data-testid="report-day" data-date=d.date data-count=d.count.to_string()
                    x=format!("{x:.2}") y=format!("{:.2}", 100.0 - h)
                    width=format!("{w:.2}") height=format!("{h:.2}")>
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="alert-bars">
            <svg viewBox="0 0 100 100" preserveAspectRatio="none" role="img" aria-label="Alerts raised per day">
                {bars}
            </svg>
            <figcaption class="small muted"><span>{first}</span><span>{last}</span></figcaption>
        </figure>
    }
}
