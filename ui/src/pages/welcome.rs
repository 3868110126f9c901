//! The first run: try the demo fleet (the embedded sandbox) or connect to a GenieACS,
//! with a connection test that says what works and what does not.

use crate::components::unlock::Unlock;
use crate::ipc;
use acsdesk_types::settings::{AcsTestReport, AddAcsRequest, AuthKind, TestAcsRequest};
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
            <div class="choices">
                <div class="choice">
                    <h2>"Try the demo fleet"</h2>
                    <p class="muted">
                        "Starts a built-in GenieACS-compatible server with 200 simulated routers (MikroTik, TP-Link, Huawei, ZTE). Nothing leaves this computer."
                    </p>
                    <button type="button" class="primary" data-testid="start-demo" disabled=move || busy.get() on:click=move |_| start_demo.run(())>
                        {move || if busy.get() { "Starting…" } else { "Try the demo fleet" }}
                    </button>
                </div>
                <div class="choice">
                    <h2>"Connect to GenieACS"</h2>
                    <ConnectForm on_saved=on_ready />
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// The form that tests and saves an ACS connection.
#[component]
pub(crate) fn ConnectForm(
    /// Called after the connection was saved.
    on_saved: Callback<()>,
) -> impl IntoView {
    let tenant = RwSignal::new("My ISP".to_owned());
    let name = RwSignal::new("main".to_owned());
    let url = RwSignal::new("http://".to_owned());
    let auth = RwSignal::new(AuthKind::None);
    let user = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let report = RwSignal::new(None::<AcsTestReport>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_owned());

    let test = move |_| {
        busy.set(true);
        report.set(None);
        error.set(None);
        let request = TestAcsRequest {
            url: url.get_untracked(),
            auth: auth.get_untracked(),
            user: opt(user.get_untracked()),
            secret: opt(secret.get_untracked()),
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
        busy.set(true);
        error.set(None);
        let request = AddAcsRequest {
            tenant: tenant.get_untracked(),
            name: name.get_untracked(),
            url: url.get_untracked(),
            auth: auth.get_untracked(),
            user: opt(user.get_untracked()),
            secret: opt(secret.get_untracked()),
            interval_s: 60,
        };
        spawn_local(async move {
            match ipc::add_acs(request).await {
                Ok(()) => on_saved.run(()),
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let text_input = |label: &'static str, value: RwSignal<String>, kind: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input type=kind prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e)) />
            </label>
        }
    };
    view! {
        <form class="form" on:submit=save>
            {text_input("Organisation", tenant, "text")}
            {text_input("Connection name", name, "text")}
            {text_input("NBI URL (port 7557)", url, "url")}
            <label>
                <span>"Authentication"</span>
                <select on:change=move |e| auth.set(match event_target_value(&e).as_str() {
                    "basic" => AuthKind::Basic,
                    "token" => AuthKind::Token,
                    _ => AuthKind::None,
                })>
                    <option value="none">"None"</option>
                    <option value="basic">"HTTP basic"</option>
                    <option value="token">"Bearer token"</option>
                </select>
            </label>
            {move || (auth.get() == AuthKind::Basic).then(|| text_input("User", user, "text"))}
            {move || (auth.get() != AuthKind::None).then(|| text_input(if auth.get() == AuthKind::Token { "Token" } else { "Password" }, secret, "password"))}
            <div class="buttons">
                <button type="button" disabled=move || busy.get() on:click=test>"Test connection"</button>
                <button type="submit" class="primary" disabled=move || busy.get()>"Save and sync"</button>
            </div>
            {move || report.get().map(|r| view! { <TestVerdict report=r /> })}
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
            {report.problem.clone().map(|p| view! { <li class="problem">{p}</li> })}
        </ul>
    }
}
