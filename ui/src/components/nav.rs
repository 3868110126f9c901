//! The navigation area: the product name, one entry per page (Alerts with the open
//! count), and the ACS connections' health at its foot, so both show from every page.

use leptos::prelude::*;

/// The pages the shell can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    /// The fleet list.
    Devices,
    /// The billing system's network users and their routers.
    Subscribers,
    /// The firmware library.
    Firmware,
    /// The alert centre.
    Alerts,
    /// The fleet overview.
    Report,
    /// Tenants, connections, thresholds.
    Settings,
    /// Product name, version and build information.
    About,
}

impl Page {
    /// Every page, in navigation order.
    pub(crate) const ALL: &'static [Page] = &[
        Page::Devices,
        Page::Subscribers,
        Page::Firmware,
        Page::Alerts,
        Page::Report,
        Page::Settings,
        Page::About,
    ];

    fn label(self) -> &'static str {
        match self {
            Page::Devices => "Devices",
            Page::Subscribers => "Subscribers",
            Page::Firmware => "Firmware",
            Page::Alerts => "Alerts",
            Page::Report => "Report",
            Page::Settings => "Settings",
            Page::About => "About",
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            Page::Devices => "nav-devices",
            Page::Subscribers => "nav-subscribers",
            Page::Firmware => "nav-firmware",
            Page::Alerts => "nav-alerts",
            Page::Report => "nav-report",
            Page::Settings => "nav-settings",
            Page::About => "nav-about",
        }
    }
}

/// Goes to a page from inside another (a banner's link), as the sidebar does.
#[derive(Clone, Copy)]
pub(crate) struct GoTo(pub(crate) Callback<Page>);

/// The navigation sidebar.
#[component]
pub(crate) fn Nav(
    /// The page currently shown.
    current: RwSignal<Page>,
    /// Called when an entry is chosen.
    on_select: Callback<Page>,
    /// Open alerts, shown as a badge.
    open_alerts: RwSignal<u64>,
) -> impl IntoView {
    view! {
        <nav class="nav" aria-label="Main">
            <div class="brand">"AcsDesk"</div>
            <ul>
                {Page::ALL
                    .iter()
                    .map(|&p| {
                        view! {
                            <li>
                                <button
                                    type="button"
                                    data-testid=p.test_id()
                                    class:active=move || current.get() == p
                                    aria-current=move || (current.get() == p).then_some("page")
                                    on:click=move |_| on_select.run(p)
                                >
                                    {p.label()}
                                    {move || (p == Page::Alerts && open_alerts.get() > 0).then(|| view! {
                                        <span class="count" data-testid="alert-badge" aria-label="open alerts">{open_alerts.get()}</span>
                                    })}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <crate::components::health::AcsStatus />
        </nav>
    }
}
