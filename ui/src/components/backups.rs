//! The tenant's backups in Settings: back up now (the file and what it holds said), the
//! backup folder's files, and a restore that says what it replaces and asks first.

use crate::ipc;
use acsdesk_types::settings::{BackupFile, BackupReport};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `YYYY-MM-DD HH:MM`, local time.
fn when(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// What a backup or restore did, in one line.
fn said(done: &str, r: &BackupReport) -> String {
    format!(
        "{done} {}: {} devices, {} subscribers, {}.",
        r.path,
        r.devices,
        r.subscribers,
        megabytes(r.bytes)
    )
}

/// The section's part under the tenant list.
#[component]
pub(crate) fn BackupsSection() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let files = LocalResource::new(move || {
        version.track();
        ipc::list_backups()
    });
    let status = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let restoring = RwSignal::new(None::<BackupFile>);
    crate::hooks::use_escape(move || restoring.set(None));
    let finish = move |r: Result<BackupReport, acsdesk_types::IpcError>, done: &'static str| {
        busy.set(false);
        version.update(|v| *v += 1);
        status.set(Some(match r {
            Ok(r) => (true, said(done, &r)),
            Err(e) => (false, e.message),
        }));
    };
    view! {
        <h3>"Backups"</h3>
        <p class="muted">"A backup is a copy of the tenant in use, still encrypted under its key, made while AcsDesk runs. A restore checks the file first and replaces the tenant's data with it: changes made since are lost."</p>
        <div class="buttons">
            <button type="button" data-testid="backup-now" disabled=move || busy.get()
                on:click=move |_| {
                    busy.set(true);
                    status.set(None);
                    spawn_local(async move { finish(ipc::backup_tenant().await, "Backed up to") });
                }>"Back up now"</button>
        </div>
        {move || status.get().map(|(ok, text)| view! {
            <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="backup-status">{text}</p>
        })}
        <ul class="plain-list" data-testid="backup-list">
            {move || {
                let list = files.get().and_then(|r| r.ok()).unwrap_or_default();
                if list.is_empty() {
                    return view! { <li class="muted">"No backup yet."</li> }.into_any();
                }
                list.into_iter().map(|f| {
                    let chosen = f.clone();
                    view! {
                        <li data-testid="backup-item">
                            <strong>{f.name.clone()}</strong>
                            <span class="muted">{format!(" {} · {}", when(f.modified_ms), megabytes(f.bytes))}</span>
                            <button type="button" data-testid="backup-restore" disabled=move || busy.get()
                                on:click=move |_| restoring.set(Some(chosen.clone()))>"Restore…"</button>
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
        {move || restoring.get().map(|f| {
            let path = f.path.clone();
            view! {
                <div class="overlay">
                    <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="restore-title" data-testid="restore-confirm">
                        <h2 id="restore-title">{format!("Restore {}?", f.name)}</h2>
                        <p class="muted">"The tenant's devices, history, subscribers, actions and alerts are replaced by the backup's, once the file is checked. Changes made since the backup are lost; GenieACS is not touched."</p>
                        <div class="buttons">
                            <button type="button" on:click=move |_| restoring.set(None)>"Cancel"</button>
                            <button type="button" class="danger" data-testid="restore-yes" on:click=move |_| {
                                let path = path.clone();
                                restoring.set(None);
                                busy.set(true);
                                status.set(None);
                                spawn_local(async move { finish(ipc::restore_backup(path).await, "Restored from") });
                            }>"Replace the data"</button>
                        </div>
                    </div>
                </div>
            }
        })}
    }
}
