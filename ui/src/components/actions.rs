//! A device's actions: buttons, the dialogs that validate input inline before anything
//! is queued (the same rules as the backend, from `acsdesk_types::input`), confirmation
//! for destructive actions naming the device, and the live list of its actions.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::actions::{ActionInput, QueueActionRequest};
use acsdesk_types::events::{self, ActionProgressEvent};
use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::BandChoice;
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
    /// Ping a host from the router.
    Ping,
}

/// The ping dialog's fields, kept by the page so a reload (a sync landing) does not
/// reset what is typed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PingFields {
    host: RwSignal<String>,
    count: RwSignal<String>,
}

impl Default for PingFields {
    fn default() -> Self {
        Self {
            host: RwSignal::new("8.8.8.8".to_owned()),
            count: RwSignal::new("4".to_owned()),
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
    /// The ping dialog's fields, kept by the page.
    ping: PingFields,
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
                <button type="button" data-testid="action-ping" on:click=move |_| dialog.set(Some(Dialog::Ping))>"Ping…"</button>
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
                    Some(Dialog::Ping) => view! {
                        <PingDialog
                            fields=ping
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

/// Ping: a host (checked as you type, by the backend's rule) and how many echoes; the
/// router runs the test, its answer shows under Diagnostics.
#[component]
fn PingDialog(
    /// Its fields.
    fields: PingFields,
    /// Called with a valid action.
    on_submit: Callback<ActionInput>,
    /// Called to close without queueing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let PingFields { host, count } = fields;
    let problem = move || {
        acsdesk_types::actions::check_host(&host.get())
            .err()
            .or_else(|| match count.get().trim().parse::<u32>() {
                Ok(n) if (1..=acsdesk_types::actions::MAX_PING_REPETITIONS).contains(&n) => None,
                _ => Some(format!(
                    "echoes: 1 to {}",
                    acsdesk_types::actions::MAX_PING_REPETITIONS
                )),
            })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem().is_some() {
            return;
        }
        on_submit.run(ActionInput::Ping {
            host: host.get_untracked().trim().to_owned(),
            repetitions: count.get_untracked().trim().parse().ok(),
        });
    };
    view! {
        <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="ping-title" data-testid="ping-dialog" on:submit=submit>
            <h2 id="ping-title">"Ping from the router"</h2>
            <p class="muted">"The router sends the echoes itself (its TR-069 ping diagnostic); the answer comes when it reports the test done."</p>
            <label>"Host or IP address"
                <input type="text" data-testid="ping-host" prop:value=host on:input=move |ev| host.set(event_target_value(&ev)) />
            </label>
            <label>"Echoes"
                <input type="text" inputmode="numeric" data-testid="ping-count" prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
            </label>
            {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="primary" data-testid="ping-start" disabled=move || problem().is_some()>"Ping"</button>
            </div>
        </form>
    }
}

/// A device's diagnostics: the last answers first, read again as its actions move.
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
                    return view! { <p class="muted">"No test yet: Ping… asks the router to ping a host."</p> }.into_any();
                }
                view! {
                    <ul class="diagnostic-list">
                        {all.into_iter().map(|d| {
                            let failed = d.error.is_some();
                            view! {
                                <li data-testid="diagnostic" class:error=failed>
                                    <time class="muted">{crate::pages::firmware::local_when(d.at_ms)}</time>
                                    " "
                                    {d.describe()}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
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
