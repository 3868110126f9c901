//! Maintenance windows in Settings: those open or to come, ended early with one click,
//! and a form that opens one now over the tenant, a connection or a device.

use crate::ipc;
use acsdesk_types::alerts::AddMaintenanceRequest;
use acsdesk_types::MaintenanceScope;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `HH:MM` on `DD/MM`, local time.
fn when(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:02}/{:02} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_hours(),
        d.get_minutes()
    )
}

/// The section.
#[component]
pub(crate) fn MaintenanceSection() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let windows = LocalResource::new(move || {
        version.track();
        ipc::list_maintenance()
    });
    let scope = RwSignal::new(MaintenanceScope::Tenant);
    let target = RwSignal::new(String::new());
    let hours = RwSignal::new("2".to_owned());
    let reason = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let done = move |r: Result<(), acsdesk_types::IpcError>, ok: &'static str| match r {
        Ok(()) => {
            status.set(Some((true, ok.to_owned())));
            version.update(|v| *v += 1);
        }
        Err(e) => status.set(Some((false, e.message))),
    };
    let open = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let minutes = match hours.get_untracked().trim().parse::<f64>() {
            Ok(h) if h > 0.0 && h.is_finite() => (h * 60.0).round() as u32,
            _ => {
                status.set(Some((
                    false,
                    "Duration: a number of hours, e.g. 2 or 0.5".into(),
                )));
                return;
            }
        };
        let request = AddMaintenanceRequest {
            scope: scope.get_untracked(),
            target: Some(target.get_untracked()),
            minutes,
            reason: reason.get_untracked(),
        };
        spawn_local(async move {
            let r = ipc::add_maintenance(request).await.map(|_| ());
            if r.is_ok() {
                reason.set(String::new());
            }
            done(
                r,
                "Maintenance window opened: its alerts are recorded, not notified.",
            );
        });
    };
    view! {
        <h2>"Maintenance windows"</h2>
        <ul class="plain-list" data-testid="maintenance-list">
            {move || {
                let list = windows.get().and_then(|r| r.ok()).unwrap_or_default();
                if list.is_empty() {
                    return view! { <li class="muted">"None open or planned."</li> }.into_any();
                }
                list.into_iter().map(|w| {
                    let what = match (w.scope, &w.target) {
                        (MaintenanceScope::Acs, Some(t)) => format!("ACS {t}"),
                        (MaintenanceScope::Device, Some(t)) => format!("Device {t}"),
                        _ => "The whole tenant".to_owned(),
                    };
                    let id = w.id;
                    view! {
                        <li data-testid="maintenance-item">
                            <strong>{what}</strong>
                            <span class="muted">{format!(" {} → {} · {}", when(w.from_ms), when(w.until_ms), w.reason)}</span>
                            <button type="button" on:click=move |_| {
                                spawn_local(async move { done(ipc::end_maintenance(id).await, "Maintenance window ended.") });
                            }>"End now"</button>
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
        <form class="form inline" novalidate data-testid="maintenance-form" on:submit=open>
            <label>
                <span>"Covers"</span>
                <select data-testid="maintenance-scope" prop:value=move || scope.get().as_str()
                    on:change=move |e| {
                        if let Some(s) = MaintenanceScope::parse(&event_target_value(&e)) {
                            scope.set(s);
                        }
                    }>
                    <option value="tenant">"The whole tenant"</option>
                    <option value="acs">"An ACS connection"</option>
                    <option value="device">"A device"</option>
                </select>
            </label>
            {move || (scope.get() != MaintenanceScope::Tenant).then(|| view! {
                <label>
                    <span>{if scope.get() == MaintenanceScope::Acs { "Connection name" } else { "Device (GenieACS id)" }}</span>
                    <input type="text" data-testid="maintenance-target" prop:value=move || target.get()
                        on:input=move |e| target.set(event_target_value(&e)) />
                </label>
            })}
            <label>
                <span>"For (hours)"</span>
                <input type="number" min="0.1" step="any" data-testid="maintenance-hours" prop:value=move || hours.get()
                    on:input=move |e| hours.set(event_target_value(&e)) />
            </label>
            <label>
                <span>"Why"</span>
                <input type="text" data-testid="maintenance-reason" placeholder="e.g. fibre works on Main Street"
                    prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
            </label>
            <button type="submit">"Open now"</button>
        </form>
        {move || status.get().map(|(ok, text)| view! {
            <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="maintenance-status">{text}</p>
        })}
    }
}
