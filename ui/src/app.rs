//! The app shell: a navigation area and a content area showing the current view.

use crate::components::nav::{Nav, Page};
use crate::ipc;
use crate::pages::about::AboutPage;
use crate::pages::alerts::AlertsPage;
use crate::pages::device::DevicePage;
use crate::pages::devices::DevicesPage;
use crate::pages::settings::SettingsPage;
use crate::pages::welcome::WelcomePage;
use leptos::prelude::*;

/// The root component: navigation on the left, the selected view on the right.
#[component]
pub(crate) fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Devices);
    // First run: no tenant yet, so the welcome screen takes the Devices place.
    let first_run = RwSignal::new(false);
    let state = LocalResource::new(ipc::workspace_state);
    Effect::new(move |_| {
        if let Some(Ok(s)) = state.get() {
            first_run.set(s.current.is_none());
        }
    });
    // The device open in the dashboard, if any; the Devices entry stays highlighted.
    let device = RwSignal::new(None::<String>);
    let open_alerts = RwSignal::new(0_u64);
    let subscription = StoredValue::new_local(None::<ipc::Subscription>);
    leptos::task::spawn_local(async move {
        let sub = ipc::listen(
            acsdesk_types::events::ALERTS_CHANGED,
            move |e: acsdesk_types::events::AlertsChangedEvent| open_alerts.set(e.open),
        )
        .await;
        subscription.set_value(sub.ok());
    });
    let on_select = Callback::new(move |p: Page| {
        page.set(p);
        device.set(None);
    });
    let open_device = Callback::new(move |id: String| {
        page.set(Page::Devices);
        device.set(Some(id));
    });
    view! {
        <div class="shell">
            <Nav current=page on_select open_alerts />
            <main class="content" aria-live="polite">
                {move || match (page.get(), device.get()) {
                    (Page::Devices, _) if first_run.get() => view! {
                        <WelcomePage on_ready=Callback::new(move |_| first_run.set(false)) />
                    }
                    .into_any(),
                    (Page::Devices, Some(id)) => view! {
                        <DevicePage id on_back=Callback::new(move |_| device.set(None)) />
                    }
                    .into_any(),
                    (Page::Devices, None) => view! {
                        <DevicesPage on_open=Callback::new(move |id| device.set(Some(id))) />
                    }
                    .into_any(),
                    (Page::Alerts, _) => view! { <AlertsPage on_open=open_device /> }.into_any(),
                    (Page::Settings, _) => view! { <SettingsPage /> }.into_any(),
                    (Page::About, _) => view! { <AboutPage /> }.into_any(),
                }}
            </main>
        </div>
    }
}
