//! A device's actions: buttons, the dialogs that validate input inline before anything
//! is queued (the same rules as the backend, from `acsdesk_types::input`), confirmation
//! for destructive actions naming the device, and the live list of its actions.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::actions::{ActionInput, QueueActionRequest};
use acsdesk_types::events::{self, ActionProgressEvent};
use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::{BandChoice, DiagnosticKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Which dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialog {
    /// Change WiFi.
    Wifi,
    /// Change PPPoE credentials.
    Pppoe,
    /// Confirm a reboot.
    Reboot,
    /// Confirm a factory reset.
    FactoryReset,
    /// Choose a firmware image and confirm.
    Firmware,
    /// Run a diagnostic on the router (ping, traceroute, speed test).
    Diagnose,
}

/// The diagnostic dialog's fields, kept by the page so a reload (a sync landing) does
/// not reset what is typed. Empty host and URL fields take the tenant's when the dialog
/// opens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DiagnoseFields {
    kind: RwSignal<DiagnosticKind>,
    host: RwSignal<String>,
    count: RwSignal<String>,
    hops: RwSignal<String>,
    url: RwSignal<String>,
    upload_mb: RwSignal<String>,
}

impl Default for DiagnoseFields {
    fn default() -> Self {
        Self {
            kind: RwSignal::new(DiagnosticKind::Ping),
            host: RwSignal::new(String::new()),
            count: RwSignal::new("4".to_owned()),
            hops: RwSignal::new("30".to_owned()),
            url: RwSignal::new(String::new()),
            upload_mb: RwSignal::new(String::new()),
        }
    }
}

/// The actions panel of one device.
#[component]
pub(crate) fn ActionsPanel(
    /// GenieACS id of the device.
    id: String,
    /// Its ACS connection (two connections may know the same id).
    acs: String,
    /// How people know the device (model and serial), for confirmations.
    label: String,
    /// The open dialog, shared with the page so `Esc` closes it first.
    dialog: RwSignal<Option<Dialog>>,
    /// The diagnostic dialog's fields, kept by the page.
    diagnose: DiagnoseFields,
) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let actions = {
        let id = id.clone();
        LocalResource::new(move || {
            version.track();
            ipc::list_actions(Some(id.clone()))
        })
    };
    {
        let id = id.clone();
        use_backend_event(events::ACTION_PROGRESS, move |e: ActionProgressEvent| {
            if e.device == id {
                version.update(|v| *v += 1);
            }
        });
    }
    let error = RwSignal::new(None::<String>);
    let queue = {
        let id = id.clone();
        let acs = acs.clone();
        move |action: ActionInput| {
            let request = QueueActionRequest {
                device: id.clone(),
                action,
                acs: Some(acs.clone()),
            };
            spawn_local(async move {
                match ipc::queue_action(request).await {
                    Ok(_) => {
                        error.set(None);
                        dialog.set(None);
                        version.update(|v| *v += 1);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let queue = StoredValue::new(queue);
    let refresh = move |_| queue.with_value(|q| q(ActionInput::Refresh));
    view! {
        <section class="actions-panel" aria-label="Actions">
            <div class="buttons">
                <button type="button" data-testid="action-wifi" on:click=move |_| dialog.set(Some(Dialog::Wifi))>"Change WiFi"</button>
                <button type="button" data-testid="action-pppoe" on:click=move |_| dialog.set(Some(Dialog::Pppoe))>"Change PPPoE"</button>
                <button type="button" data-testid="action-refresh" on:click=refresh>"Refresh now"</button>
                <button type="button" data-testid="action-firmware" on:click=move |_| dialog.set(Some(Dialog::Firmware))>"Update firmware"</button>
                <button type="button" data-testid="action-diagnose" on:click=move |_| dialog.set(Some(Dialog::Diagnose))>"Diagnose…"</button>
                <button type="button" class="danger" data-testid="action-reboot" on:click=move |_| dialog.set(Some(Dialog::Reboot))>"Reboot"</button>
                <button type="button" class="danger" data-testid="action-factory-reset" on:click=move |_| dialog.set(Some(Dialog::FactoryReset))>"Factory reset"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {
                let label = label.clone();
                let id_for_files = id.clone();
                move || match dialog.get() {
                    Some(Dialog::Wifi) => view! {
                        <WifiDialog
                            on_submit=Callback::new(move |a| queue.with_value(|q| q(a)))
                            on_cancel=Callback::new(move |_| dialog.set(None))
                        />
                    }.into_any(),
                    Some(Dialog::Pppoe) => view! {
                        <PppoeDialog
                            on_submit=Callback::new(move |a| queue.with_value(|q| q(a)))
                            on_cancel=Callback::new(move |_| dialog.set(None))
                        />
                    }.into_any(),
                    Some(Dialog::Diagnose) => view! {
                        <DiagnoseDialog
                            fields=diagnose
                            on_submit=Callback::new(move |a| queue.with_value(|q| q(a)))
                            on_cancel=Callback::new(move |_| dialog.set(None))
                        />
                    }.into_any(),
                    Some(Dialog::Firmware) => view! {
                        <FirmwareDialog
                            device=id_for_files.clone()
                            label=label.clone()
                            on_submit=Callback::new(move |a| queue.with_value(|q| q(a)))
                            on_cancel=Callback::new(move |_| dialog.set(None))
                        />
                    }.into_any(),
                    Some(d @ (Dialog::Reboot | Dialog::FactoryReset)) => {
                        let (what, action) = if d == Dialog::Reboot {
                            ("Reboot", ActionInput::Reboot)
                        } else {
                            ("Factory reset", ActionInput::FactoryReset)
                        };
                        view! {
                            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm-dialog">
                                <h2 id="confirm-title">{format!("{what} {}?", label)}</h2>
                                <p class="muted">
                                    {if d == Dialog::Reboot {
                                        "The customer loses connectivity for about a minute."
                                    } else {
                                        "The router loses its configuration and must be provisioned again."
                                    }}
                                </p>
                                <div class="buttons">
                                    <button type="button" on:click=move |_| dialog.set(None)>"Cancel"</button>
                                    <button type="button" class="danger" data-testid="confirm-yes"
                                        on:click=move |_| { let a = action.clone(); queue.with_value(|q| q(a)) }>
                                        {what}
                                    </button>
                                </div>
                            </div>
                        }.into_any()
                    }
                    None => ().into_any(),
                }
            }
            <ul class="action-list" data-testid="action-list" aria-live="polite">
                {move || {
                    actions
                        .get()
                        .and_then(|r| r.ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| view! {
                            <li data-testid="action-item" data-action-id=a.id.to_string()>
                                <span class=format!("badge {}", a.status) data-testid="action-status">{a.status.as_str()}</span>
                                " "
                                <span>{a.description.clone()}</span>
                                {a.fault.clone().map(|f| view! { <span class="error">{format!(" — {f}")}</span> })}
                                {a.stage.clone().map(|s| view! {
                                    <span class="muted stage" data-testid="action-stage" data-stage=s.word()>{format!(" — {}", s.describe())}</span>
                                })}
                            </li>
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

/// A diagnostic: ping (a host and how many echoes), traceroute (a host and the most
/// hops), a download or an upload test (the test server's URL, the upload's size) —
/// checked as typed by the backend's rules. The router runs it; the answer shows under
/// Diagnostics.
#[component]
fn DiagnoseDialog(
    /// Its fields.
    fields: DiagnoseFields,
    /// Called with a valid action.
    on_submit: Callback<ActionInput>,
    /// Called to close without queueing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    use acsdesk_types::actions::{
        check_host, check_test_url, MAX_PING_REPETITIONS, MAX_TRACE_HOPS, MAX_UPLOAD_BYTES,
    };
    let DiagnoseFields {
        kind,
        host,
        count,
        hops,
        url,
        upload_mb,
    } = fields;
    // Empty fields take the tenant's defaults (Settings → Diagnostics).
    spawn_local(async move {
        if let Ok(s) = ipc::tenant_settings().await {
            let d = s.diagnostics.unwrap_or_default();
            if host.get_untracked().is_empty() {
                host.set(d.ping_host.clone());
            }
            if url.get_untracked().is_empty() {
                if let Some(u) = d.url_for(kind.get_untracked()) {
                    url.set(u.to_owned());
                }
            }
            if upload_mb.get_untracked().is_empty() {
                upload_mb.set(format!("{}", d.upload_bytes.div_ceil(1_000_000)));
            }
        }
    });
    let number = |text: String, max: u64, what: &str| match text.trim().parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("{what}: 1 to {max}")),
    };
    let input = move || -> Result<ActionInput, String> {
        Ok(match kind.get() {
            DiagnosticKind::Ping => ActionInput::Ping {
                host: check_host(&host.get())?,
                repetitions: Some(
                    number(count.get(), u64::from(MAX_PING_REPETITIONS), "echoes")? as u32,
                ),
            },
            DiagnosticKind::Traceroute => ActionInput::Traceroute {
                host: check_host(&host.get())?,
                max_hops: Some(number(hops.get(), u64::from(MAX_TRACE_HOPS), "hops")? as u32),
            },
            k @ (DiagnosticKind::Download | DiagnosticKind::Upload) => ActionInput::SpeedTest {
                kind: k,
                url: check_test_url(&url.get())?,
                upload_bytes: if k == DiagnosticKind::Upload {
                    Some(number(upload_mb.get(), MAX_UPLOAD_BYTES / 1_000_000, "MB")? * 1_000_000)
                } else {
                    None
                },
            },
        })
    };
    let problem = move || input().err();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(a) = input() {
            on_submit.run(a);
        }
    };
    let is = move |k: DiagnosticKind| move || kind.get() == k;
    let needs_host = move || {
        matches!(
            kind.get(),
            DiagnosticKind::Ping | DiagnosticKind::Traceroute
        )
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="diagnose-title" data-testid="diagnose-dialog" on:submit=submit>
            <h2 id="diagnose-title">"Diagnose from the router"</h2>
            <p class="muted">"The router runs the test itself (its TR-069 diagnostics); the answer comes when it reports the test done."</p>
            <label>"Test"
                <select data-testid="diagnose-kind" on:change=move |ev| {
                    if let Some(k) = DiagnosticKind::parse(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {DiagnosticKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == *k>{k.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=needs_host>
                <label>"Host or IP address"
                    <input type="text" data-testid="diagnose-host" prop:value=host on:input=move |ev| host.set(event_target_value(&ev)) />
                </label>
            </Show>
            <Show when=is(DiagnosticKind::Ping)>
                <label>"Echoes"
                    <input type="text" inputmode="numeric" data-testid="diagnose-count" prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
                </label>
            </Show>
            <Show when=is(DiagnosticKind::Traceroute)>
                <label>"Most hops"
                    <input type="text" inputmode="numeric" data-testid="diagnose-hops" prop:value=hops on:input=move |ev| hops.set(event_target_value(&ev)) />
                </label>
            </Show>
            <Show when=move || !needs_host()>
                <label>"Test server URL (http:// or ftp://)"
                    <input type="text" data-testid="diagnose-url" prop:value=url on:input=move |ev| url.set(event_target_value(&ev)) />
                </label>
            </Show>
            <Show when=is(DiagnosticKind::Upload)>
                <label>"MB to send"
                    <input type="text" inputmode="numeric" data-testid="diagnose-mb" prop:value=upload_mb on:input=move |ev| upload_mb.set(event_target_value(&ev)) />
                </label>
            </Show>
            {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="primary" data-testid="diagnose-start" disabled=move || problem().is_some()>"Start"</button>
            </div>
        </form>
    }
}

/// A device's diagnostics: the pings' latency over time, then each test, newest first
/// (a traceroute's hops on demand), read again as its actions move.
#[component]
pub(crate) fn DiagnosticsCard(
    /// GenieACS id of the device.
    id: String,
) -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let records = {
        let id = id.clone();
        LocalResource::new(move || {
            version.track();
            ipc::device_diagnostics(id.clone())
        })
    };
    use_backend_event(events::ACTION_PROGRESS, move |e: ActionProgressEvent| {
        if e.device == id {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <section class="diagnostics" aria-label="Diagnostics" data-testid="diagnostics">
            <h2>"Diagnostics"</h2>
            {move || {
                let all = records.get().and_then(|r| r.ok()).unwrap_or_default();
                if all.is_empty() {
                    return view! { <p class="muted">"No test yet: Diagnose… asks the router to ping a host, trace the way to it, or time a download."</p> }.into_any();
                }
                view! {
                    <LatencyChart records=all.clone() />
                    <ul class="diagnostic-list">
                        {all.into_iter().enumerate().map(|(i, d)| {
                            let failed = d.error.is_some();
                            let hops = d.trace().map(|t| t.hops.clone()).unwrap_or_default();
                            // The newest test's hops are open: the trace just run.
                            let open = i == 0;
                            view! {
                                <li data-testid="diagnostic" data-kind=d.kind.as_str() class:error=failed>
                                    <time class="muted">{crate::pages::firmware::local_when(d.at_ms)}</time>
                                    " "
                                    {d.describe()}
                                    {(!hops.is_empty()).then(|| view! {
                                        <details data-testid="trace-hops" open=open>
                                            <summary>"Hops"</summary>
                                            <ol class="hops">
                                                {hops.iter().map(|h| view! { <li>{h.describe()}</li> }).collect_view()}
                                            </ol>
                                        </details>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The pings' round trips over time (average, and the shortest-to-longest band), oldest
/// left; nothing until two pings answered.
#[component]
fn LatencyChart(
    /// The device's diagnostics, newest first.
    records: Vec<acsdesk_types::diagnostics::DiagnosticRecord>,
) -> impl IntoView {
    let mut points: Vec<(i64, u64, u64, u64)> = records
        .iter()
        .filter_map(|d| {
            let p = d.ping()?;
            (p.answered > 0).then_some((d.at_ms, p.minimum_ms, p.average_ms, p.maximum_ms))
        })
        .collect();
    points.reverse();
    if points.len() < 2 {
        return ().into_any();
    }
    let (w, h, pad) = (480.0_f64, 120.0_f64, 24.0_f64);
    let t0 = points.first().map_or(0, |p| p.0);
    let t1 = points.last().map_or(1, |p| p.0).max(t0 + 1);
    let top = points.iter().map(|p| p.3).max().unwrap_or(1).max(1) as f64 * 1.15;
    let x = |t: i64| pad + (t - t0) as f64 / (t1 - t0) as f64 * (w - 2.0 * pad);
    let y = |ms: u64| h - pad - ms as f64 / top * (h - 2.0 * pad);
    let line = |pick: fn(&(i64, u64, u64, u64)) -> u64| {
        points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.0), y(pick(p))))
            .collect::<Vec<_>>()
    };
    let mut band = line(|p| p.3);
    band.extend(line(|p| p.1).into_iter().rev());
    let average = line(|p| p.2).join(" ");
    let last = points.last().map_or(0, |p| p.2);
    let label = format!(
        "Ping round trip over {} pings: last {last} ms average, longest {} ms",
        points.len(),
        points.iter().map(|p| p.3).max().unwrap_or(0)
    );
    view! {
        <figure class="latency-chart" data-testid="latency-chart">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=label.clone()>
                <line class="axis" x1=pad y1=h - pad x2=w - pad y2=h - pad />
                <text class="tick" x=2 y=pad + 4.0>{format!("{:.0} ms", top)}</text>
                <text class="tick" x=2 y=h - pad>"0"</text>
                <text class="tick" x=pad y=h - 6.0>{crate::pages::firmware::local_when(t0)}</text>
                <text class="tick" x=w - pad y=h - 6.0 text-anchor="end">{crate::pages::firmware::local_when(t1)}</text>
                <polygon class="band" points=band.join(" ") />
                <polyline class="average" points=average />
            </svg>
            <figcaption class="muted">{label}</figcaption>
        </figure>
    }
    .into_any()
}

/// Change WiFi: band, SSID and password (with show/hide), validated as you type.
#[component]
fn WifiDialog(
    /// Called with a valid action.
    on_submit: Callback<ActionInput>,
    /// Called to close without queueing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let band = RwSignal::new(BandChoice::Ghz2_4);
    let ssid = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show = RwSignal::new(false);
    let ssid_error = move || {
        let s = ssid.get();
        (!s.is_empty())
            .then(|| Ssid::parse(&s).err())
            .flatten()
            .map(|e| e.reason)
    };
    let password_error = move || {
        let p = password.get();
        (!p.is_empty())
            .then(|| WpaPassphrase::parse(&p).err())
            .flatten()
            .map(|e| e.reason)
    };
    let nothing = move || ssid.get().is_empty() && password.get().is_empty();
    let invalid = move || ssid_error().is_some() || password_error().is_some() || nothing();
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if invalid() {
            return;
        }
        let opt = |s: String| (!s.is_empty()).then_some(s);
        on_submit.run(ActionInput::ChangeWifi {
            band: band.get_untracked(),
            ssid: opt(ssid.get_untracked()),
            passphrase: opt(password.get_untracked()),
        });
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="wifi-title" data-testid="wifi-dialog" on:submit=submit>
            <h2 id="wifi-title">"Change WiFi"</h2>
            <label>
                <span>"Band"</span>
                <select prop:value=move || band.get().as_str() on:change=move |e| {
                    if let Some(b) = BandChoice::parse(&event_target_value(&e)) {
                        band.set(b);
                    }
                }>
                    {BandChoice::ALL.iter().map(|b| view! { <option value=b.as_str()>{b.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Network name (SSID) — leave empty to keep it"</span>
                <input type="text" data-testid="wifi-ssid" maxlength="64" prop:value=move || ssid.get() on:input=move |e| ssid.set(event_target_value(&e)) aria-invalid=move || ssid_error().is_some().to_string() />
                {move || ssid_error().map(|e| view! { <small class="error" data-testid="wifi-ssid-error">{e}</small> })}
            </label>
            <label>
                <span>"Password — leave empty to keep it"</span>
                <div class="password">
                    <input
                        type=move || if show.get() { "text" } else { "password" }
                        data-testid="wifi-password"
                        autocomplete="new-password"
                        prop:value=move || password.get()
                        on:input=move |e| password.set(event_target_value(&e))
                        aria-invalid=move || password_error().is_some().to_string()
                    />
                    <button type="button" class="link" aria-pressed=move || show.get().to_string() on:click=move |_| show.update(|s| *s = !*s)>
                        {move || if show.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                {move || password_error().map(|e| view! { <small class="error" data-testid="wifi-password-error">{e}</small> })}
            </label>
            <div class="buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="primary" data-testid="wifi-submit" disabled=invalid>"Apply"</button>
            </div>
        </form>
    }
}

/// Change PPPoE: username and password, validated as you type.
#[component]
fn PppoeDialog(
    /// Called with a valid action.
    on_submit: Callback<ActionInput>,
    /// Called to close without queueing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show = RwSignal::new(false);
    let user_error = move || {
        let u = username.get();
        (!u.is_empty())
            .then(|| PppoeUsername::parse(&u).err())
            .flatten()
            .map(|e| e.reason)
    };
    let pass_error = move || {
        let p = password.get();
        (!p.is_empty())
            .then(|| PppoePassword::parse(&p).err())
            .flatten()
            .map(|e| e.reason)
    };
    let invalid = move || {
        username.get().is_empty()
            || password.get().is_empty()
            || user_error().is_some()
            || pass_error().is_some()
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if !invalid() {
            on_submit.run(ActionInput::ChangePppoe {
                username: username.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="pppoe-title" data-testid="pppoe-dialog" on:submit=submit>
            <h2 id="pppoe-title">"Change PPPoE"</h2>
            <label>
                <span>"Username"</span>
                <input type="text" data-testid="pppoe-username" prop:value=move || username.get() on:input=move |e| username.set(event_target_value(&e)) />
                {move || user_error().map(|e| view! { <small class="error">{e}</small> })}
            </label>
            <label>
                <span>"Password"</span>
                <div class="password">
                    <input type=move || if show.get() { "text" } else { "password" } data-testid="pppoe-password" autocomplete="new-password"
                        prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                    <button type="button" class="link" on:click=move |_| show.update(|s| *s = !*s)>
                        {move || if show.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                {move || pass_error().map(|e| view! { <small class="error">{e}</small> })}
            </label>
            <div class="buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="primary" disabled=invalid>"Apply"</button>
            </div>
        </form>
    }
}

/// Update firmware: the GenieACS images that fit this device (OUI and product class),
/// one chosen, and a confirmation that names the device.
#[component]
fn FirmwareDialog(
    /// GenieACS id of the device.
    device: String,
    /// How people know the device.
    label: String,
    /// Called with the action.
    on_submit: Callback<ActionInput>,
    /// Called to close without queueing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let files = LocalResource::new(move || ipc::firmware_files(device.clone()));
    let chosen = RwSignal::new(String::new());
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let file = chosen.get_untracked();
        if !file.is_empty() {
            on_submit.run(ActionInput::UpdateFirmware { file });
        }
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="firmware-title" data-testid="firmware-dialog" on:submit=submit>
            <h2 id="firmware-title">{format!("Update the firmware of {label}")}</h2>
            {move || match files.get() {
                None => view! { <p class="muted">"Asking GenieACS for its images…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted" data-testid="firmware-none">"GenieACS has no firmware image for this model. Upload one to GenieACS first."</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <fieldset class="file-choices" data-testid="firmware-files">
                        <legend>"Images for this model"</legend>
                        {list.into_iter().map(|f| {
                            let name = f.name.clone();
                            view! {
                                <label class="file-choice">
                                    <input type="radio" name="firmware" value=f.name.clone()
                                        on:change=move |_| chosen.set(name.clone()) />
                                    <span>{f.name.clone()}</span>
                                    <span class="muted">{format!(" {} · {} KB",
                                        f.version.clone().map(|v| format!("version {v}")).unwrap_or_else(|| "version not stated".into()),
                                        f.size.div_ceil(1024))}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any(),
            }}
            <p class="muted">"The router downloads the image, installs it and reboots; the customer is offline for a few minutes."</p>
            <div class="buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="danger" data-testid="firmware-submit" disabled=move || chosen.get().is_empty()>"Install"</button>
            </div>
        </form>
    }
}
