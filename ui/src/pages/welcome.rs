//! The first run: try the demo fleet (the embedded sandbox) or connect to a GenieACS,
//! with a connection test that says what works and what does not.

use crate::components::unlock::Unlock;
use crate::ipc;
use acsdesk_types::settings::{
    AcsInfo, AcsTestReport, AcsTrust, AddAcsRequest, AuthKind, TestAcsRequest, UpdateAcsRequest,
    DEFAULT_RATE_PER_S,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The welcome screen shown while the workspace has no tenant.
#[component]
pub(crate) fn WelcomePage(
    /// Called once a tenant with an ACS exists (demo or real).
    on_ready: Callback<()>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let unlock = expect_context::<Unlock>();
    let start = StoredValue::new(None::<Callback<()>>);
    let start_demo = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match ipc::start_demo().await {
                Ok(()) => on_ready.run(()),
                Err(e) => {
                    // No credential store here: a passphrase protects the demo tenant.
                    let retry = start.get_value().unwrap_or(Callback::new(|_| {}));
                    if let Some(e) = unlock.ask_if_locked(e, None, retry) {
                        error.set(Some(e.message));
                    }
                }
            }
            busy.set(false);
        });
    });
    start.set_value(Some(start_demo));
    view! {
        <section class="page welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title">"Welcome to AcsDesk"</h1>
            <p class="lead">
                "Manage your customers' routers through GenieACS. Try it on a simulated fleet, or connect your ACS."
            </p>
            <div class="choices" role="group" aria-label="How to start">
                <div class="choice demo" data-testid="choice-demo">
                    <h2>"Try the demo fleet"</h2>
                    <p class="muted">
                        "A built-in GenieACS-compatible server with 200 simulated routers. Nothing leaves this computer, and your own ACS can be added later."
                    </p>
                    <ul class="ticks">
                        <li>"MikroTik, TP-Link, Huawei and ZTE, on TR-098 and TR-181"</li>
                        <li>"Routers that go offline, reboot and fail like real ones"</li>
                        <li>"Every action, alert and chart works as on a real fleet"</li>
                    </ul>
                    <button type="button" class="primary big" data-testid="start-demo" disabled=move || busy.get() on:click=move |_| start_demo.run(())>
                        {move || if busy.get() { "Starting…" } else { "Try the demo fleet" }}
                    </button>
                </div>
                <div class="or" aria-hidden="true">"or"</div>
                <div class="choice connect" data-testid="choice-connect">
                    <h2>"Connect to GenieACS"</h2>
                    <p class="muted">"Its northbound API (NBI, port 7557). Test the connection first: it says what works and what does not."</p>
                    <ConnectForm on_saved=on_ready />
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// The form that tests and saves an ACS connection: a new one, or (with `edit`) one
/// that exists, whose name stays and whose saved password stays unless retyped.
#[component]
pub(crate) fn ConnectForm(
    /// Called after the connection was saved.
    on_saved: Callback<()>,
    /// The connection to edit.
    #[prop(optional)]
    edit: Option<AcsInfo>,
) -> impl IntoView {
    let editing = edit.as_ref().map(|a| a.name.clone());
    let tenant = RwSignal::new("My ISP".to_owned());
    let name = RwSignal::new(editing.clone().unwrap_or_else(|| "main".to_owned()));
    let url = RwSignal::new(
        edit.as_ref()
            .map(|a| a.url.clone())
            .unwrap_or_else(|| "http://".to_owned()),
    );
    let auth = RwSignal::new(edit.as_ref().map(|a| a.auth).unwrap_or_default());
    let user = RwSignal::new(
        edit.as_ref()
            .and_then(|a| a.user.clone())
            .unwrap_or_default(),
    );
    let secret = RwSignal::new(String::new());
    let cwmp_url = RwSignal::new(
        edit.as_ref()
            .and_then(|a| a.cwmp_url.clone())
            .unwrap_or_default(),
    );
    let rate = RwSignal::new(
        edit.as_ref()
            .map_or(DEFAULT_RATE_PER_S, |a| a.rate_per_s)
            .to_string(),
    );
    let interval = RwSignal::new(
        edit.as_ref()
            .map(|a| a.interval_s)
            .unwrap_or(60)
            .to_string(),
    );
    // How an https:// NBI's certificate is trusted: the system's CAs, a CA of one's
    // own (PEM, pasted or from a file), or a pinned certificate (a self-signed server).
    let saved_trust = edit.as_ref().map(|a| a.trust.clone()).unwrap_or_default();
    let trust_kind = RwSignal::new(match saved_trust {
        AcsTrust::System => "system",
        AcsTrust::Ca(_) => "ca",
        AcsTrust::Pin(_) => "pin",
    });
    let (ca_pem, pin) = match saved_trust {
        AcsTrust::Ca(p) => (p, String::new()),
        AcsTrust::Pin(p) => (String::new(), p),
        AcsTrust::System => (String::new(), String::new()),
    };
    let ca_pem = RwSignal::new(ca_pem);
    let pin = RwSignal::new(pin);
    let trust = move || match trust_kind.get_untracked() {
        "ca" => AcsTrust::Ca(ca_pem.get_untracked()),
        "pin" => AcsTrust::Pin(pin.get_untracked().trim().to_owned()),
        _ => AcsTrust::System,
    };
    let ca_file = NodeRef::<leptos::html::Input>::new();
    let report = RwSignal::new(None::<AcsTestReport>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let editing = StoredValue::new(editing);

    let test = move || {
        busy.set(true);
        report.set(None);
        error.set(None);
        let request = TestAcsRequest {
            url: url.get_untracked(),
            auth: auth.get_untracked(),
            user: opt(user.get_untracked()),
            secret: opt(secret.get_untracked()).map(Into::into),
            saved: editing.get_value(),
            trust: Some(trust()),
        };
        spawn_local(async move {
            match ipc::test_acs(request).await {
                Ok(r) => report.set(Some(r)),
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Ok(interval_s) = interval.get_untracked().trim().parse::<u32>() else {
            error.set(Some(
                "Sync interval: a whole number of seconds (5 to 86400).".into(),
            ));
            return;
        };
        let Ok(rate_per_s) = rate.get_untracked().trim().parse::<u32>() else {
            error.set(Some(
                "Requests a second: a whole number (1 to 1000).".into(),
            ));
            return;
        };
        let cwmp_now = opt(cwmp_url.get_untracked());
        busy.set(true);
        error.set(None);
        let (url_now, auth_now, user_now, secret_now) = (
            url.get_untracked(),
            auth.get_untracked(),
            opt(user.get_untracked()),
            opt(secret.get_untracked()).map(acsdesk_types::secret::Secret::from),
        );
        let tenant = tenant.get_untracked();
        let name = name.get_untracked();
        let editing = editing.get_value();
        let is_new_form = editing.is_none();
        let trust = trust();
        spawn_local(async move {
            let r = match editing {
                Some(name) => {
                    ipc::update_acs(UpdateAcsRequest {
                        name,
                        url: url_now,
                        auth: auth_now,
                        user: user_now,
                        secret: secret_now,
                        interval_s,
                        trust: Some(trust),
                        cwmp_url: cwmp_now,
                        rate_per_s,
                    })
                    .await
                }
                None => {
                    ipc::add_acs(AddAcsRequest {
                        tenant,
                        name,
                        url: url_now,
                        auth: auth_now,
                        user: user_now,
                        secret: secret_now,
                        interval_s,
                        trust,
                        cwmp_url: cwmp_now,
                        rate_per_s,
                    })
                    .await
                }
            };
            match r {
                Ok(()) => {
                    // A typed secret is not kept; a form that added one starts afresh
                    // (no pin or CA of the last server carried to the next).
                    secret.set(String::new());
                    if is_new_form {
                        url.set("http://".into());
                        auth.set(AuthKind::None);
                        user.set(String::new());
                        cwmp_url.set(String::new());
                        rate.set(DEFAULT_RATE_PER_S.to_string());
                        trust_kind.set("system");
                        ca_pem.set(String::new());
                        pin.set(String::new());
                        report.set(None);
                    }
                    on_saved.run(())
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let text_input = |label: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      id: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input type=kind data-testid=id prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            </label>
        }
    };
    let is_new = editing.with_value(Option::is_none);
    let more_open = edit
        .as_ref()
        .is_some_and(|a| a.cwmp_url.is_some() || a.rate_per_s != DEFAULT_RATE_PER_S);
    view! {
        <form class="form" on:submit=save data-testid=if is_new { "acs-form" } else { "acs-edit-form" }>
            {is_new.then(|| text_input("Organisation", tenant, "text", "acs-tenant"))}
            {is_new.then(|| text_input("Connection name", name, "text", "acs-name"))}
            {text_input("NBI URL (port 7557)", url, "url", "acs-url")}
            <label>
                <span>"Authentication"</span>
                <select data-testid="acs-auth"
                    prop:value=move || match auth.get() {
                        AuthKind::None => "none",
                        AuthKind::Basic => "basic",
                        AuthKind::Token => "token",
                        AuthKind::Header => "header",
                    }
                    on:change=move |e| auth.set(match event_target_value(&e).as_str() {
                        "basic" => AuthKind::Basic,
                        "token" => AuthKind::Token,
                        "header" => AuthKind::Header,
                        _ => AuthKind::None,
                    })>
                    <option value="none">"None"</option>
                    <option value="basic">"HTTP basic"</option>
                    <option value="token">"Bearer token"</option>
                    <option value="header">"Token in a header of its own"</option>
                </select>
            </label>
            {move || match auth.get() {
                AuthKind::Basic => Some(text_input("User", user, "text", "acs-user")),
                AuthKind::Header => Some(text_input("Header (e.g. X-Api-Key)", user, "text", "acs-header")),
                _ => None,
            }}
            {move || (auth.get() != AuthKind::None).then(|| text_input(
                match (auth.get() == AuthKind::Basic, is_new) {
                    (false, true) => "Token",
                    (false, false) => "Token (empty keeps the saved one)",
                    (true, true) => "Password",
                    (true, false) => "Password (empty keeps the saved one)",
                },
                secret, "password", "acs-secret"))}
            {text_input("Sync every (seconds)", interval, "number", "acs-interval")}
            // Rarely changed: folded, open when editing one that has them.
            <details class="more" data-testid="acs-more" open=more_open>
                <summary>"Routers' address and request rate"</summary>
                {text_input("CWMP URL routers use (shown to technicians, port 7547)", cwmp_url, "url", "acs-cwmp-url")}
                {text_input("Requests a second at most", rate, "number", "acs-rate")}
            </details>
            // Only an https:// address has a certificate to trust.
            <Show when=move || url.with(|u| u.trim_start().to_ascii_lowercase().starts_with("https://")) || trust_kind.get() != "system">
                <label>
                    <span>"Certificate"</span>
                    <select data-testid="acs-trust" prop:value=move || trust_kind.get()
                        on:change=move |e| trust_kind.set(match event_target_value(&e).as_str() {
                            "ca" => "ca",
                            "pin" => "pin",
                            _ => "system",
                        })>
                        <option value="system">"Trusted by this computer"</option>
                        <option value="ca">"Signed by our own CA"</option>
                        <option value="pin">"Self-signed: pin its fingerprint"</option>
                    </select>
                </label>
                <Show when=move || trust_kind.get() == "ca">
                    <label>
                        <span>"CA certificate (PEM)"</span>
                        <input type="file" accept=".pem,.crt,.cer" node_ref=ca_file data-testid="acs-ca-file"
                            on:change=move |_| if let Some(input) = ca_file.get_untracked() {
                                spawn_local(async move {
                                    match crate::components::read_file(&input).await {
                                        Ok(t) => ca_pem.set(t),
                                        Err(e) => error.set(Some(e)),
                                    }
                                });
                            } />
                        <textarea rows="4" data-testid="acs-ca" placeholder="-----BEGIN CERTIFICATE-----"
                            prop:value=move || ca_pem.get() on:input=move |e| ca_pem.set(event_target_value(&e))></textarea>
                    </label>
                </Show>
                <Show when=move || trust_kind.get() == "pin">
                    {text_input("Certificate SHA-256", pin, "text", "acs-pin")}
                </Show>
            </Show>
            <div class="buttons">
                <button type="button" data-testid="acs-test" disabled=move || busy.get() on:click=move |_| test()>"Test connection"</button>
                <button type="submit" class="primary" data-testid="acs-save" disabled=move || busy.get()>
                    {if is_new { "Save and sync" } else { "Save changes" }}
                </button>
            </div>
            {move || report.get().map(|r| {
                // A certificate nobody vouches for: the person who knows it is their
                // ACS's trusts it by its fingerprint, and the test runs again.
                let offer = r.fingerprint.clone().map(|f| {
                    let shown = f.clone();
                    view! {
                        <p class="trust-offer" data-testid="acs-trust-offer">
                            <span class="muted">{format!("Certificate SHA-256: {shown}")}</span>
                            <button type="button" data-testid="acs-trust-this" on:click=move |_| {
                                pin.set(f.clone());
                                trust_kind.set("pin");
                                test();
                            }>"Trust this certificate"</button>
                        </p>
                    }
                });
                view! { <TestVerdict report=r /> {offer} }
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </form>
    }
}

/// The verdict of a connection test, step by step.
#[component]
fn TestVerdict(
    /// What the backend found.
    report: AcsTestReport,
) -> impl IntoView {
    let step = |ok: bool, label: String| {
        view! { <li class=if ok { "ok" } else { "bad" }>{if ok { "✓ " } else { "✗ " }}{label}</li> }
    };
    view! {
        <ul class="verdict" data-testid="acs-verdict" aria-live="polite">
            {step(report.reachable, "Reachable".into())}
            {step(report.tls_ok, "TLS".into())}
            {step(report.auth_ok, "Credentials accepted".into())}
            {step(report.nbi, match &report.version { Some(v) => format!("GenieACS NBI {v}"), None => "GenieACS NBI".into() })}
            {report.devices.map(|n| step(true, format!("{n} devices")))}
            {report.setup.clone().map(|s| view! { <li class="setup" data-testid="acs-setup">{s}</li> })}
            {report.problem.clone().map(|p| view! { <li class="problem">{p}</li> })}
        </ul>
    }
}
