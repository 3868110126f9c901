//! The About page: product name, version and build information from the backend, and
//! AcsDesk's own updates (checked, downloaded, verified, installed, restarted).

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::{events, AboutInfo, UpdateProgressEvent, UpdateStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shows what build of AcsDesk is running, as reported by the backend.
#[component]
pub(crate) fn AboutPage() -> impl IntoView {
    let about = LocalResource::new(ipc::get_about);
    view! {
        <section class="page about" aria-labelledby="about-title">
            <h1 id="about-title">"About AcsDesk"</h1>
            <p class="lead">
                "Manage your customers' routers through GenieACS: fleet, history, actions and alerts."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading build information…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <p class="error" role="alert" data-testid="about-error">
                            "Could not read the build information: "
                            {move || {
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|(_, e)| e.to_string())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            }}
                        </p>
                    }
                }>
                    {move || Suspend::new(async move { about.await.map(|info| view! { <BuildInfo info /> }) })}
                </ErrorBoundary>
            </Transition>
            <Updates />
        </section>
    }
}

/// The build information as a definition list.
#[component]
fn BuildInfo(
    /// What the backend reported.
    info: AboutInfo,
) -> impl IntoView {
    let AboutInfo {
        product,
        version,
        commit,
        profile,
        target,
        rustc,
        shell,
    } = info;
    view! {
        <dl class="facts">
            <dt>"Product"</dt>
            <dd data-testid="about-product">{product}</dd>
            <dt>"Version"</dt>
            <dd data-testid="about-version">{version}</dd>
            <dt>"Commit"</dt>
            <dd data-testid="about-commit">{commit}</dd>
            <dt>"Build"</dt>
            <dd>{profile} ", " {target}</dd>
            <dt>"Compiler"</dt>
            <dd>{rustc}</dd>
            <dt>"Shell"</dt>
            <dd>{shell.unwrap_or_else(|| "none".to_owned())}</dd>
        </dl>
    }
}

/// What the check made at start found, while it is on offer (shared by the devices
/// page's banner and the About page).
#[derive(Clone, Copy)]
pub(crate) struct UpdateOffer(RwSignal<Option<UpdateStatus>>);

/// Asks the release server once when the window opens (a build without an update key
/// does not ask; a server that does not answer says nothing here — the About page's
/// button says why).
pub(crate) fn check_updates_at_start() {
    let offer = UpdateOffer(RwSignal::new(None));
    provide_context(offer);
    spawn_local(async move {
        if let Ok(s) = ipc::check_update().await {
            if s.unavailable.is_none() && s.available.is_some() {
                offer.0.set(Some(s));
            }
        }
    });
}

/// The devices page's line when a newer AcsDesk is out: it leads to the About page, or
/// goes away until the next start.
#[component]
pub(crate) fn UpdateBanner() -> impl IntoView {
    let offer = use_context::<UpdateOffer>();
    let dismissed = RwSignal::new(false);
    let go = use_context::<crate::components::nav::GoTo>();
    move || {
        let status = offer.and_then(|o| o.0.get()).filter(|_| !dismissed.get())?;
        let version = status.available?.version;
        Some(view! {
            <p class="banner" role="status" data-testid="update-banner">
                {format!("AcsDesk {version} is available. ")}
                {go.map(|go| view! {
                    <button type="button" class="link" data-testid="update-banner-open"
                        on:click=move |_| go.0.run(crate::components::nav::Page::About)>"See what is new"</button>
                })}
                " "
                <button type="button" class="link" data-testid="update-banner-later"
                    on:click=move |_| dismissed.set(true)>"Later"</button>
            </p>
        })
    }
}

/// Where an update check or install stands.
#[derive(Clone)]
enum Step {
    Idle,
    Checking,
    Checked(UpdateStatus),
    Installing(String),
}

/// *Check for updates*: what the release server offers; a newer version is installed on
/// request — its package's signature checked against this build's key — and the app
/// starts again on it.
#[component]
fn Updates() -> impl IntoView {
    // What the check at start found is shown at once.
    let found = use_context::<UpdateOffer>().and_then(|o| o.0.get_untracked());
    let step = RwSignal::new(found.map_or(Step::Idle, Step::Checked));
    let error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<UpdateProgressEvent>);
    use_backend_event(events::UPDATE_PROGRESS, move |p: UpdateProgressEvent| {
        progress.set(Some(p))
    });
    let check = move |_| {
        error.set(None);
        step.set(Step::Checking);
        spawn_local(async move {
            match ipc::check_update().await {
                Ok(s) => step.set(Step::Checked(s)),
                Err(e) => {
                    error.set(Some(e.message));
                    step.set(Step::Idle);
                }
            }
        });
    };
    let install = move |version: String| {
        error.set(None);
        progress.set(None);
        step.set(Step::Installing(version));
        spawn_local(async move {
            // On success the app starts again on the new version: nothing comes back.
            if let Err(e) = ipc::install_update().await {
                error.set(Some(e.message));
                step.set(Step::Idle);
            }
        });
    };
    let said = move || {
        match step.get() {
        Step::Idle => None,
        Step::Checking => Some(view! { <p class="muted" data-testid="update-status">"Asking the release server…"</p> }.into_any()),
        Step::Checked(s) => Some(match (s.unavailable, s.available) {
            (Some(why), _) => view! { <p class="muted" data-testid="update-status">{format!("Updates: {why}.")}</p> }.into_any(),
            (None, None) => view! {
                <p data-testid="update-status">{format!("AcsDesk {} is the latest version.", s.current)}</p>
            }.into_any(),
            (None, Some(u)) => view! {
                <div data-testid="update-available">
                    <p data-testid="update-status">
                        {format!("AcsDesk {} is available (this is {}).", u.version, s.current)}
                    </p>
                    {u.notes.map(|n| view! { <p class="muted update-notes">{n}</p> })}
                </div>
            }.into_any(),
        }),
        Step::Installing(version) => {
            let stage = move || match progress.get() {
                None => format!("Downloading AcsDesk {version}…"),
                Some(p) => match (p.stage.as_str(), p.total) {
                    ("downloading", Some(total)) if total > 0 => format!(
                        "Downloading AcsDesk {version}… {}%",
                        p.downloaded.saturating_mul(100) / total
                    ),
                    ("downloading", _) => format!("Downloading AcsDesk {version}…"),
                    ("installing", _) => format!(
                        "Signature checked; installing AcsDesk {version} (the system may ask for a password)…"
                    ),
                    _ => format!("AcsDesk {version} is installed; starting again…"),
                },
            };
            Some(view! { <p role="status" data-testid="update-status">{stage}</p> }.into_any())
        }
    }
    };
    let busy = move || matches!(step.get(), Step::Checking | Step::Installing(_));
    // The version a check found, to install.
    let offered = move || match step.get() {
        Step::Checked(UpdateStatus {
            unavailable: None,
            available: Some(u),
            ..
        }) => Some(u.version),
        _ => None,
    };
    view! {
        <section class="updates" aria-labelledby="updates-title" data-testid="updates">
            <h2 id="updates-title">"Updates"</h2>
            {said}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="update-error">{e}</p> })}
            <div class="buttons">
                {move || offered().map(|version| view! {
                    <button type="button" class="primary" data-testid="update-install"
                        on:click=move |_| install(version.clone())>
                        "Install and restart"
                    </button>
                })}
                <button type="button" data-testid="update-check" disabled=busy on:click=check>
                    "Check for updates"
                </button>
            </div>
        </section>
    }
}
