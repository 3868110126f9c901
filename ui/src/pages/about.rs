//! The About page: product name, version and build information from the backend.

use crate::ipc;
use acsdesk_types::AboutInfo;
use leptos::prelude::*;

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
