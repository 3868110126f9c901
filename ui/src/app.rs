//! The app shell: a navigation area and a content area showing the current view.

use crate::components::nav::{Nav, Page};
use crate::pages::about::AboutPage;
use crate::pages::device::DevicePage;
use crate::pages::devices::DevicesPage;
use leptos::prelude::*;

/// The root component: navigation on the left, the selected view on the right.
#[component]
pub(crate) fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Devices);
    // The device open in the dashboard, if any; the Devices entry stays highlighted.
    let device = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        page.track();
        device.set(None);
    });
    view! {
        <div class="shell">
            <Nav current=page />
            <main class="content" aria-live="polite">
                {move || match (page.get(), device.get()) {
                    (Page::Devices, Some(id)) => view! {
                        <DevicePage id on_back=Callback::new(move |_| device.set(None)) />
                    }
                    .into_any(),
                    (Page::Devices, None) => view! {
                        <DevicesPage on_open=Callback::new(move |id| device.set(Some(id))) />
                    }
                    .into_any(),
                    (Page::About, _) => view! { <AboutPage /> }.into_any(),
                }}
            </main>
        </div>
    }
}
