//! The app shell: a navigation area and a content area showing the current page.

use crate::components::nav::{Nav, Page};
use crate::pages::about::AboutPage;
use crate::pages::devices::DevicesPage;
use leptos::prelude::*;

/// The root component: navigation on the left, the selected page on the right.
#[component]
pub(crate) fn App() -> impl IntoView {
    let page = RwSignal::new(Page::About);
    view! {
        <div class="shell">
            <Nav current=page />
            <main class="content" aria-live="polite">
                {move || match page.get() {
                    Page::Devices => view! { <DevicesPage on_open=Callback::new(move |_id: String| {}) /> }.into_any(),
                    Page::About => view! { <AboutPage /> }.into_any(),
                }}
            </main>
        </div>
    }
}
