//! The Firmware page: per model, how many routers run which version and how many are
//! behind the newest image; the images in GenieACS (deleted after a confirmation, rolled
//! out from their row); the rollouts with their batches, halts and controls; and an
//! upload — the file sent to AcsDesk in chunks, then to GenieACS with its progress, the
//! model prefilled from the fleet, what a MikroTik takes said in place.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::events;
use acsdesk_types::firmware::{
    ControlRolloutRequest, DeleteFirmwareRequest, FailureThreshold, FirmwareImage, FirmwareLibrary,
    FirmwareTarget, ImageKind, ModelSpread, RolloutInfo, RolloutOp, RolloutSpec, RolloutState,
    RolloutWindow, UploadChunk, UploadFirmwareRequest, UploadProgressEvent,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The size of one chunk the window sends: the image is never whole in memory.
const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

/// `Tue 8 Dec 04:20` in this machine's local time.
pub(crate) fn local_when(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{} {} {} {:02}:{:02}",
        DAYS[(d.get_day() as usize).min(6)],
        d.get_date(),
        MONTHS[(d.get_month() as usize).min(11)],
        d.get_hours(),
        d.get_minutes()
    )
}

/// This machine's IANA time zone, as the browser engine knows it.
fn time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
        .ok()
        .and_then(|z| z.as_string())
}

/// Where a running rollout is going: when its window opens, when it should be done.
pub(crate) fn rollout_outlook(r: &RolloutInfo) -> Option<String> {
    match (r.window_opens_ms, r.eta_ms) {
        (Some(o), Some(e)) => Some(format!(
            "outside its window until {}; should finish {}",
            local_when(o),
            local_when(e)
        )),
        (Some(o), None) => Some(format!("outside its window until {}", local_when(o))),
        (None, Some(e)) => Some(format!("should finish {}", local_when(e))),
        (None, None) => None,
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} B"),
    }
}

/// The firmware library.
#[component]
pub(crate) fn FirmwarePage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let library = LocalResource::new(move || {
        version.track();
        ipc::firmware_library()
    });
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    // The form outlives the lists' reloads (what it says after an upload stays).
    let models = Signal::derive(move || {
        library
            .get()
            .and_then(|r| r.ok())
            .map(|l| l.models)
            .unwrap_or_default()
    });
    view! {
        <section class="page firmware" aria-labelledby="firmware-title" data-testid="firmware-page">
            <header class="page-header">
                <h1 id="firmware-title">"Firmware"</h1>
            </header>
            <Transition fallback=|| view! { <p class="muted">"Reading GenieACS…"</p> }>
                {move || Suspend::new(async move {
                    match library.await {
                        Ok(lib) => view! { <Library lib reload /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Transition>
            <Rollouts version reload />
            <Upload models reload />
        </section>
    }
}

/// The rollouts, refreshed as their routers' actions move, with their controls.
#[component]
fn Rollouts(version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    // Rollouts move with their routers' actions: read again then (the images are not).
    let moved = RwSignal::new(0_u32);
    let rollouts = LocalResource::new(move || {
        version.track();
        moved.track();
        ipc::list_rollouts()
    });
    use_backend_event(events::ACTION_PROGRESS, move |_: serde_json::Value| {
        moved.update(|v| *v += 1)
    });
    // A halt or a batch's end moves a rollout with no action moving: look again every
    // few seconds while one is under way.
    let _ = leptos_use::use_interval_fn(
        move || {
            let live = rollouts
                .get_untracked()
                .and_then(|r| r.ok())
                .is_some_and(|all| {
                    all.iter()
                        .any(|r| matches!(r.state, RolloutState::Running | RolloutState::Paused))
                });
            if live {
                moved.update(|v| *v += 1);
            }
        },
        3000,
    );
    // The rows are drawn again only when what they show changed: a read that brings the
    // same (every action moving elsewhere brings one) leaves the buttons under the
    // pointer alone, so a click is never split between a button and its redrawn twin.
    let shown = Memo::new(move |_| rollouts.get().and_then(|r| r.ok()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    // Which rollouts show their log: kept here, as the rows are drawn again on each read.
    let open_logs = RwSignal::new(std::collections::BTreeSet::<i64>::new());
    let control = move |id: i64, op: RolloutOp| {
        spawn_local(async move {
            match ipc::control_rollout(ControlRolloutRequest { id, op }).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h2>"Rollouts"</h2>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <table class="library" data-testid="rollouts">
            <thead><tr><th>"Rollout"</th><th>"State"</th><th>"Routers"</th><th>"Batches"</th><th></th></tr></thead>
            <tbody>
                {move || shown.get().into_iter().map(|r| {
                    view! { <RolloutRow r control open_logs /> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn RolloutRow(
    r: RolloutInfo,
    control: impl Fn(i64, RolloutOp) + Copy + 'static,
    open_logs: RwSignal<std::collections::BTreeSet<i64>>,
) -> impl IntoView {
    let t = r.totals();
    let id = r.id;
    let batches = r
        .batches
        .iter()
        .map(|b| {
            format!(
                "{}: {}/{}{}",
                r.batch_label(b),
                b.done,
                b.size,
                if b.failed > 0 {
                    format!(" ({} failed)", b.failed)
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let failures = r
        .failures
        .iter()
        .take(3)
        .map(|f| format!("{}: {}", f.serial, f.reason))
        .collect::<Vec<_>>()
        .join("; ");
    let state = r.state;
    let mut pace = format!("{} at once", r.spec.concurrency);
    if let Some(rate) = r.spec.rate_per_hour {
        pace.push_str(&format!(", {rate}/h"));
    }
    if let Some(w) = &r.spec.window {
        pace.push_str(&format!(", only {w}"));
    }
    if let Some(m) = &r.spec.standing {
        pace = format!(
            "Firmware target: new {} routers, one at a time; the first failure halts it",
            m.product_class
        );
    }
    let outlook = rollout_outlook(&r);
    let show_log = move || open_logs.with(|o| o.contains(&id));
    view! {
        <tr data-testid="rollout" data-state=state.as_str() data-id=id.to_string()>
            <td>
                {format!("#{id} {}", r.spec.file)}
                <div class="muted">{format!("to {} · {}", r.version.clone().unwrap_or_default(), r.acs)}</div>
                <div class="muted" data-testid="rollout-pace">{pace}</div>
                {outlook.map(|o| view! { <div data-testid="rollout-outlook">{o}</div> })}
            </td>
            <td>
                <span class=format!("badge {}", state.as_str()) data-testid="rollout-state">{state.as_str()}</span>
                {r.reason.clone().map(|w| view! { <div class="muted">{w}</div> })}
                {(!failures.is_empty()).then(|| view! { <div class="error">{failures}</div> })}
            </td>
            <td>{format!("{} updated, {} failed, {} running, {} waiting, {} skipped of {}", t.done, t.failed, t.running, t.waiting, t.skipped, t.size)}</td>
            <td>{batches}</td>
            <td class="buttons">
                {(state == RolloutState::Running).then(|| view! {
                    <button type="button" data-testid="rollout-pause" on:click=move |_| control(id, RolloutOp::Pause)>"Pause"</button>
                })}
                {matches!(state, RolloutState::Paused | RolloutState::Halted).then(|| view! {
                    <button type="button" class="primary" data-testid="rollout-resume" on:click=move |_| control(id, RolloutOp::Resume)>"Resume"</button>
                })}
                {(!state.is_final()).then(|| view! {
                    <button type="button" class="danger" data-testid="rollout-cancel" on:click=move |_| control(id, RolloutOp::Cancel)>"Cancel"</button>
                })}
                <button type="button" data-testid="rollout-log-toggle" aria-expanded=move || show_log().to_string()
                    on:click=move |_| open_logs.update(|o| if !o.remove(&id) { o.insert(id); })>"Log"</button>
            </td>
        </tr>
        {move || show_log().then(|| view! {
            <tr class="rollout-log-row"><td colspan="5"><RolloutLog id /></td></tr>
        })}
    }
}

/// A rollout's log, newest last: read when opened.
#[component]
fn RolloutLog(id: i64) -> impl IntoView {
    let log = LocalResource::new(move || ipc::rollout_log(id));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Reading the log…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(lines) => view! {
                        <ol class="rollout-log" data-testid="rollout-log">
                            {lines.into_iter().map(|l| view! {
                                <li class=format!("level-{}", l.level) data-kind=l.kind.clone()>
                                    <time>{local_when(l.at_ms)}</time>" "{l.message}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The overview's line for each rollout not yet ended — its state, progress and
/// outlook — with a link to the Firmware page; read again as actions move and every
/// 10 s.
#[component]
pub(crate) fn RolloutsBanner() -> impl IntoView {
    let moved = RwSignal::new(0_u32);
    let rollouts = LocalResource::new(move || {
        moved.track();
        ipc::list_rollouts()
    });
    use_backend_event(events::ACTION_PROGRESS, move |_: serde_json::Value| {
        moved.update(|v| *v += 1)
    });
    let _ = leptos_use::use_interval_fn(move || moved.update(|v| *v += 1), 10_000);
    let go = use_context::<crate::components::nav::GoTo>();
    // Drawn again only when what it says changed (its *Open* stays under the pointer).
    let open = Memo::new(move |_| {
        rollouts
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            // A firmware target stands quietly: shown only when it needs a person.
            .filter(|r| {
                let quiet = r.spec.standing.is_some() && r.state == RolloutState::Running;
                !r.state.is_final() && !quiet
            })
            .collect::<Vec<RolloutInfo>>()
    });
    move || {
        let open = open.get();
        (!open.is_empty()).then(|| {
            view! {
                <div class="banner rollouts" role="status" data-testid="rollouts-banner">
                    {open.into_iter().map(|r| {
                        let t = r.totals();
                        let mut line = format!(
                            "Rollout #{} of {} to {}: {} — {} of {} updated, {} failed",
                            r.id,
                            r.spec.file,
                            r.version.clone().unwrap_or_default(),
                            r.state.as_str(),
                            t.done,
                            t.size,
                            t.failed
                        );
                        if let Some(o) = rollout_outlook(&r) {
                            line.push_str(&format!("; {o}"));
                        }
                        view! {
                            <p class=format!("rollout-line {}", r.state.as_str()) data-state=r.state.as_str()>
                                {line}
                                {go.map(|go| view! {
                                    " "<button type="button" class="link" data-testid="rollouts-banner-open"
                                        on:click=move |_| go.0.run(crate::components::nav::Page::Firmware)>"Open"</button>
                                })}
                            </p>
                        }
                    }).collect_view()}
                </div>
            }
        })
    }
}

/// Starts a rollout of one image: a canary, batches, a pause, a failure threshold.
#[component]
fn RolloutForm(
    file: String,
    acs: String,
    on_close: Callback<()>,
    reload: Callback<()>,
) -> impl IntoView {
    let canary = RwSignal::new("10".to_owned());
    let batch = RwSignal::new("200".to_owned());
    let pause = RwSignal::new("30".to_owned());
    let max_failures = RwSignal::new("5%".to_owned());
    let concurrency = RwSignal::new("20".to_owned());
    let rate = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let title = format!("Roll out {file}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>, what: &str| {
            s.get_untracked()
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("{what}: a whole number"))
        };
        let spec = (|| -> Result<RolloutSpec, String> {
            Ok(RolloutSpec {
                file: file.clone(),
                acs: Some(acs.clone()),
                model: None,
                from_version: None,
                linked_only: false,
                canary: number(canary, "Canary")?,
                batch: number(batch, "Batch")?,
                pause_min: number(pause, "Pause")?,
                concurrency: number(concurrency, "Concurrency")?,
                max_failures: FailureThreshold::parse(&max_failures.get_untracked())
                    .map_err(|e| format!("Halt when: {e}"))?,
                rate_per_hour: match rate.get_untracked().trim() {
                    "" => None,
                    _ => Some(number(rate, "Per hour")?),
                },
                window: match hours.get_untracked().trim() {
                    "" => None,
                    h => {
                        let days = days.get_untracked();
                        let days = Some(days.trim()).filter(|d| !d.is_empty());
                        let zone = time_zone().unwrap_or_else(|| "UTC".to_owned());
                        Some(
                            RolloutWindow::parse(h, days, &zone)
                                .map_err(|e| format!("Only between: {e}"))?,
                        )
                    }
                },
                standing: None,
            })
        })();
        match spec {
            Err(e) => error.set(Some(e)),
            Ok(spec) => spawn_local(async move {
                match ipc::start_rollout(spec).await {
                    Ok(_) => {
                        on_close.run(());
                        reload.run(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            }),
        }
    };
    let field = move |label: &'static str, id: &'static str, value: RwSignal<String>| {
        view! {
            <label>{label}
                <input type="text" data-testid=id prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" data-testid="rollout-dialog" on:submit=submit>
            <h2>{title}</h2>
            <p class="muted">"The routers of its model on an older version: a canary first, then batches; it halts itself when a batch fails beyond the threshold."</p>
            {field("Canary (routers first, alone)", "rollout-canary", canary)}
            {field("Batch size", "rollout-batch", batch)}
            {field("Pause between batches (minutes)", "rollout-pause", pause)}
            {field("Halt when more fail than (3 or 5%)", "rollout-max-failures", max_failures)}
            {field("Routers at once", "rollout-concurrency", concurrency)}
            {field("At most per hour (empty: no limit)", "rollout-rate", rate)}
            {field("Only between, local time (01:00-05:00; empty: any time)", "rollout-hours", hours)}
            {field("On days (mon-fri; empty: every day)", "rollout-days", days)}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="rollout-error">{e}</p> })}
            <div class="buttons">
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="submit" class="primary" data-testid="rollout-start">"Start"</button>
            </div>
        </form>
    }
}

#[component]
fn Library(lib: FirmwareLibrary, reload: Callback<()>) -> impl IntoView {
    let models = lib.models.clone();
    // The provisioning profile's firmware targets, set per model here.
    let targets = RwSignal::new(Vec::<FirmwareTarget>::new());
    let target_error = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(p) = ipc::provisioning_profile().await {
            targets.set(p.firmware_targets);
        }
    });
    let set_target = Callback::new(move |(m, file): (ModelSpread, Option<String>)| {
        spawn_local(async move {
            let mut profile = match ipc::provisioning_profile().await {
                Ok(p) => p,
                Err(e) => return target_error.set(Some(e.message)),
            };
            profile.firmware_targets.retain(|t| !target_is_for(t, &m));
            if let Some(file) = file {
                profile.firmware_targets.push(FirmwareTarget {
                    file,
                    acs: Some(m.acs.clone()),
                    product_class: None,
                    oui: None,
                    version: None,
                });
            }
            match ipc::save_provisioning_profile(profile).await {
                Ok(()) => {
                    target_error.set(None);
                    if let Ok(p) = ipc::provisioning_profile().await {
                        targets.set(p.firmware_targets);
                    }
                    reload.run(());
                }
                Err(e) => target_error.set(Some(e.message)),
            }
        });
    });
    let images = StoredValue::new(lib.images.clone());
    let unreachable = lib.unreachable.clone();
    view! {
        {unreachable.into_iter().map(|(acs, why)| view! {
            <p class="banner error" role="alert">{format!("{acs}: {why}")}</p>
        }).collect_view()}
        <h2>"Models"</h2>
        {move || target_error.get().map(|e| view! { <p class="error" role="alert" data-testid="target-error">{e}</p> })}
        <table class="library" data-testid="firmware-models">
            <thead><tr>
                <th>"Model"</th><th>"Routers"</th><th>"Versions"</th><th>"Newest image"</th><th>"Behind"</th>
                <th title="A new router of the model that bootstraps on an older version is brought to it, one at a time">"New routers get"</th>
            </tr></thead>
            <tbody>
                {models.into_iter().map(|m| view! { <ModelRow m images targets set_target /> }).collect_view()}
            </tbody>
        </table>
        <h2>"Images"</h2>
        <Images lib reload />
    }
}

/// Whether a firmware target is the one for a model of the fleet.
fn target_is_for(t: &FirmwareTarget, m: &ModelSpread) -> bool {
    t.acs.as_deref() == Some(m.acs.as_str())
        && t.product_class
            .as_deref()
            .is_some_and(|pc| pc.eq_ignore_ascii_case(&m.product_class))
        && t.oui
            .as_deref()
            .is_none_or(|o| o.eq_ignore_ascii_case(&m.oui))
}

/// Whether an image installs on a model of the fleet.
fn image_is_for(i: &FirmwareImage, m: &ModelSpread) -> bool {
    i.acs == m.acs
        && i.product_class
            .as_deref()
            .is_some_and(|pc| pc.eq_ignore_ascii_case(&m.product_class))
        && i.oui
            .as_deref()
            .is_none_or(|o| o.eq_ignore_ascii_case(&m.oui))
}

#[component]
fn ModelRow(
    m: ModelSpread,
    images: StoredValue<Vec<FirmwareImage>>,
    targets: RwSignal<Vec<FirmwareTarget>>,
    set_target: Callback<(ModelSpread, Option<String>)>,
) -> impl IntoView {
    let fits: Vec<FirmwareImage> = images.with_value(|all| {
        all.iter()
            .filter(|i| image_is_for(i, &m))
            .cloned()
            .collect()
    });
    let current = {
        let m = m.clone();
        move || {
            targets.with(|ts| {
                ts.iter()
                    .find(|t| target_is_for(t, &m))
                    .map(|t| t.file.clone())
                    .unwrap_or_default()
            })
        }
    };
    let row_model = m.clone();
    let no_image = fits.is_empty();
    let target = view! {
        <select class="compact" data-testid="firmware-target" aria-label="Firmware for new routers"
            disabled=no_image
            prop:value=current
            on:change=move |ev| {
                let file = event_target_value(&ev);
                set_target.run((row_model.clone(), (!file.is_empty()).then_some(file)));
            }>
            <option value="">"as they come"</option>
            {fits.into_iter().map(|i| {
                let label = i.version.clone().unwrap_or_else(|| i.name.clone());
                view! { <option value=i.name.clone() title=i.name.clone()>{label}</option> }
            }).collect_view()}
        </select>
    };
    let versions = m
        .versions
        .iter()
        .map(|v| {
            format!(
                "{} × {}",
                v.devices,
                v.version.as_deref().unwrap_or("not reported")
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <tr data-testid="firmware-model" data-product-class=m.product_class.clone()>
            <td>
                {format!("{} {}", m.vendor.clone().unwrap_or_default(), m.model.clone().unwrap_or_default())}
                <div class="muted">{format!("{} · OUI {} · {}", m.product_class, m.oui, m.acs)}</div>
                {(m.kind == ImageKind::PackageList).then(|| view! {
                    <div class="muted" data-testid="firmware-kind">{format!("Takes {}", m.kind.describe())}</div>
                })}
            </td>
            <td>{m.devices}</td>
            <td>{versions}</td>
            <td>{m.latest.clone().unwrap_or_else(|| "none".into())}</td>
            <td data-testid="firmware-behind">{m.behind}</td>
            <td>{target}</td>
        </tr>
    }
}

#[component]
fn Images(lib: FirmwareLibrary, reload: Callback<()>) -> impl IntoView {
    let confirm = RwSignal::new(None::<(String, String)>);
    let roll_out = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<String>);
    let delete = move |(name, acs): (String, String)| {
        spawn_local(async move {
            match ipc::delete_firmware(DeleteFirmwareRequest {
                name,
                acs: Some(acs),
            })
            .await
            {
                Ok(()) => {
                    confirm.set(None);
                    reload.run(());
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let images = lib.images;
    view! {
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || confirm.get().map(|(name, acs)| {
            let target = (name.clone(), acs.clone());
            view! {
                <div class="dialog" role="dialog" aria-modal="true" data-testid="firmware-delete-dialog">
                    <h2>{format!("Delete {name}?")}</h2>
                    <p class="muted">{format!("It is removed from the GenieACS of {acs}; routers can no longer download it.")}</p>
                    <div class="buttons">
                        <button type="button" on:click=move |_| confirm.set(None)>"Cancel"</button>
                        <button type="button" class="danger" data-testid="firmware-delete-yes"
                            on:click=move |_| delete(target.clone())>"Delete"</button>
                    </div>
                </div>
            }
        })}
        {move || roll_out.get().map(|(file, acs)| view! {
            <RolloutForm file acs on_close=Callback::new(move |_| roll_out.set(None)) reload />
        })}
        <table class="library" data-testid="firmware-images">
            <thead><tr><th>"Name"</th><th>"Version"</th><th>"Model"</th><th>"Size"</th><th>"ACS"</th><th></th></tr></thead>
            <tbody>
                {images.into_iter().map(|i| {
                    let target = (i.name.clone(), i.acs.clone());
                    let rolled = target.clone();
                    view! {
                        <tr data-testid="firmware-image" data-name=i.name.clone()>
                            <td>{i.name.clone()}</td>
                            <td>{i.version.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{i.product_class.clone().unwrap_or_else(|| "any".into())}</td>
                            <td>{size(i.size)}</td>
                            <td>{i.acs.clone()}</td>
                            <td class="buttons">
                                <button type="button" class="link" data-testid="firmware-rollout"
                                    on:click=move |_| roll_out.set(Some(rolled.clone()))>"Roll out"</button>
                                <button type="button" class="link" data-testid="firmware-delete"
                                    on:click=move |_| confirm.set(Some(target.clone()))>"Delete"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The upload form: a file, the model (from the fleet), the version, the name.
#[component]
fn Upload(models: Signal<Vec<ModelSpread>>, reload: Callback<()>) -> impl IntoView {
    let file_input = NodeRef::<leptos::html::Input>::new();
    let name = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let model = RwSignal::new(0_usize);
    let replace = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<(bool, String)>);
    use_backend_event(events::UPLOAD_PROGRESS, move |e: UploadProgressEvent| {
        if busy.get_untracked() {
            progress.set(Some(format!(
                "Sending to GenieACS: {} of {}",
                size(e.sent),
                size(e.total)
            )));
        }
    });
    let chosen = move |_| {
        let file = file_input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        if let Some(f) = file {
            name.set(f.name());
        }
    };
    let kind_hint = move || {
        models.with(|m| {
            m.get(model.get())
                .filter(|m| m.kind == ImageKind::PackageList)
                .map(|m| format!("{} routers take {}.", m.product_class, m.kind.describe()))
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = file_input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            outcome.set(Some((false, "Choose the image file first.".into())));
            return;
        };
        let target = models.with_untracked(|m| m.get(model.get_untracked()).cloned());
        let request = UploadFirmwareRequest {
            upload: None,
            name: name.get_untracked(),
            version: version.get_untracked(),
            product_class: target.as_ref().map(|m| m.product_class.clone()),
            oui: target.as_ref().map(|m| m.oui.clone()),
            acs: target.as_ref().map(|m| m.acs.clone()),
            replace: replace.get_untracked(),
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = send(file, request, progress).await;
            busy.set(false);
            progress.set(None);
            match result {
                Ok(text) => {
                    outcome.set(Some((true, text)));
                    reload.run(());
                }
                Err(e) => outcome.set(Some((false, e))),
            }
        });
    };
    view! {
        <form class="form firmware-upload" data-testid="firmware-upload" on:submit=submit>
            <h2>"Upload an image"</h2>
            <label>"File"
                <input type="file" node_ref=file_input data-testid="firmware-file" on:change=chosen />
            </label>
            <label>"Model"
                <select data-testid="firmware-model-select"
                    on:change=move |ev| model.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || models.with(|m| m.iter().enumerate().map(|(i, m)| view! {
                        <option value=i.to_string() selected=move || model.get() == i>
                            {format!("{} {} ({}, {})", m.vendor.clone().unwrap_or_default(), m.model.clone().unwrap_or_default(), m.product_class, m.acs)}
                        </option>
                    }).collect_view())}
                </select>
            </label>
            {move || kind_hint().map(|h| view! { <p class="muted" data-testid="firmware-kind-hint">{h}</p> })}
            <label>"Version it installs"
                <input type="text" data-testid="firmware-version" prop:value=version
                    on:input=move |ev| version.set(event_target_value(&ev)) />
            </label>
            <label>"Name in GenieACS"
                <input type="text" data-testid="firmware-name" prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=replace on:change=move |ev| replace.set(event_target_checked(&ev)) />
                "Replace an image of the same name"
            </label>
            <div class="buttons">
                <button type="submit" class="primary" data-testid="firmware-upload-submit"
                    disabled=move || busy.get()>"Upload"</button>
            </div>
            {move || progress.get().map(|p| view! { <p class="muted" role="status" data-testid="firmware-progress">{p}</p> })}
            {move || outcome.get().map(|(ok, text)| view! {
                <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="firmware-upload-result">{text}</p>
            })}
        </form>
    }
}

/// Sends `file` to AcsDesk in chunks, then has AcsDesk send it to GenieACS.
async fn send(
    file: leptos::web_sys::File,
    mut request: UploadFirmwareRequest,
    progress: RwSignal<Option<String>>,
) -> Result<String, String> {
    let upload = format!(
        "fw-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    );
    let total = file.size();
    let mut offset = 0.0;
    while offset < total || offset == 0.0 {
        let end = (offset + CHUNK).min(total);
        let blob = file
            .slice_with_f64_and_f64(offset, end)
            .map_err(|_| "the file could not be read".to_owned())?;
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| "the file could not be read".to_owned())?;
        let bytes = js_sys::Uint8Array::new(&buffer);
        let chunk = UploadChunk {
            upload: upload.clone(),
            offset: offset as u64,
        };
        ipc::firmware_upload_chunk(&chunk, bytes)
            .await
            .map_err(|e| e.message)?;
        offset = end;
        progress.set(Some(format!(
            "Reading the file: {} of {}",
            size(offset as u64),
            size(total as u64)
        )));
        if end >= total {
            break;
        }
    }
    request.upload = Some(upload);
    let done = ipc::upload_firmware(request).await.map_err(|e| e.message)?;
    Ok(format!(
        "Uploaded {} ({}), version {}: {} router(s) of that model run an older version.",
        done.image.name,
        size(done.image.size),
        done.image.version.unwrap_or_default(),
        done.routers_behind
    ))
}
