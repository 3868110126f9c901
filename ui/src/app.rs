//! The app shell: a navigation area and a content area showing the current view.

use crate::components::nav::{Nav, Page};
use crate::components::unlock::{Unlock, UnlockDialog, UnlockFor};
use crate::hooks::use_backend_event;
use crate::ipc;
use crate::pages::about::AboutPage;
use crate::pages::alerts::AlertsPage;
use crate::pages::device::DevicePage;
use crate::pages::devices::DevicesPage;
use crate::pages::firmware::FirmwarePage;
use crate::pages::report::ReportPage;
use crate::pages::settings::SettingsPage;
use crate::pages::subscribers::SubscribersPage;
use crate::pages::welcome::WelcomePage;
use acsdesk_types::events;
use leptos::prelude::*;

/// The root component: navigation on the left, the selected view on the right.
#[component]
pub(crate) fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Devices);
    // First run: no tenant yet, so the welcome screen takes the Devices place.
    let first_run = RwSignal::new(false);
    // The tenant in use waits for its passphrase: nothing to show until it is given.
    let locked = RwSignal::new(false);
    let reload = RwSignal::new(0_u32);
    let state = LocalResource::new(move || {
        reload.track();
        ipc::workspace_state()
    });
    crate::components::health::provide_acs_health(move || {
        page.track();
        reload.track();
    });
    let unlock = Unlock(RwSignal::new(None::<UnlockFor>));
    provide_context(unlock);
    // `--demo`: started once, as the welcome screen's button starts it.
    let demo_asked = StoredValue::new(false);
    let start_demo = StoredValue::new(None::<Callback<()>>);
    start_demo.set_value(Some(Callback::new(move |_: ()| {
        leptos::task::spawn_local(async move {
            match ipc::start_demo().await {
                Ok(()) => reload.update(|r| *r += 1),
                Err(e) => {
                    let retry = start_demo.get_value().unwrap_or(Callback::new(|_| {}));
                    if let Some(e) = unlock.ask_if_locked(e, None, retry) {
                        leptos::logging::error!("the demo did not start: {}", e.message);
                    }
                }
            }
        });
    })));
    Effect::new(move |_| {
        if let Some(Ok(s)) = state.get() {
            if s.demo_requested && !s.demo_running && s.locked.is_none() && !demo_asked.get_value()
            {
                demo_asked.set_value(true);
                if let Some(start) = start_demo.get_value() {
                    start.run(());
                }
            }
            first_run.set(s.current.is_none() && s.locked.is_none());
            locked.set(s.current.is_none() && s.locked.is_some());
            // The tenant in use at start needs its passphrase.
            if let Some(t) = s.locked {
                unlock.0.set(Some(UnlockFor {
                    tenant: Some(t.clone()),
                    reason: format!("“{t}” is protected by a passphrase."),
                    then: Callback::new(move |_| reload.update(|r| *r += 1)),
                }));
            }
        }
    });
    // The device open in the dashboard, if any; the Devices entry stays highlighted.
    let device = RwSignal::new(None::<String>);
    let open_alerts = RwSignal::new(0_u64);
    use_backend_event(
        events::ALERTS_CHANGED,
        move |e: events::AlertsChangedEvent| open_alerts.set(e.open),
    );
    let on_select = Callback::new(move |p: Page| {
        page.set(p);
        device.set(None);
    });
    provide_context(crate::components::nav::GoTo(on_select));
    crate::pages::about::check_updates_at_start();
    let open_device = Callback::new(move |id: String| {
        page.set(Page::Devices);
        device.set(Some(id));
    });
    // A clicked notification opens its device.
    use_backend_event(events::OPEN_DEVICE, move |e: events::OpenDeviceEvent| {
        open_device.run(e.device)
    });
    view! {
        <div class="shell">
            <Nav current=page on_select open_alerts />
            {move || unlock.0.get().map(|ask| view! {
                <UnlockDialog ask on_close=Callback::new(move |_| unlock.0.set(None)) />
            })}
            <main class="content" aria-live="polite">
                {move || match (page.get(), device.get()) {
                    (Page::Devices | Page::Firmware | Page::Alerts | Page::Report | Page::Settings, _) if locked.get() => view! {
                        <section class="page" data-testid="locked">
                            <h1>"Locked"</h1>
                            <p class="muted">"This tenant's data is encrypted with a passphrase. Enter it to open the tenant."</p>
                            <button type="button" class="primary" on:click=move |_| reload.update(|r| *r += 1)>"Enter the passphrase"</button>
                        </section>
                    }
                    .into_any(),
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
                    (Page::Subscribers, _) => view! { <SubscribersPage on_open=open_device /> }.into_any(),
                    (Page::Firmware, _) => view! { <FirmwarePage /> }.into_any(),
                    (Page::Alerts, _) => view! { <AlertsPage on_open=open_device /> }.into_any(),
                    (Page::Report, _) => view! { <ReportPage /> }.into_any(),
                    (Page::Settings, _) => view! { <SettingsPage /> }.into_any(),
                    (Page::About, _) => view! { <AboutPage /> }.into_any(),
                }}
            </main>
        </div>
    }
}
