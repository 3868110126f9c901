//! The navigation area: the product name and one entry per page.

use leptos::prelude::*;

/// The pages the shell can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    /// The fleet list.
    Devices,
    /// Product name, version and build information.
    About,
}

impl Page {
    /// Every page, in navigation order.
    pub(crate) const ALL: &'static [Page] = &[Page::Devices, Page::About];

    fn label(self) -> &'static str {
        match self {
            Page::Devices => "Devices",
            Page::About => "About",
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            Page::Devices => "nav-devices",
            Page::About => "nav-about",
        }
    }
}

/// The navigation sidebar.
#[component]
pub(crate) fn Nav(
    /// The page currently shown; clicking an entry sets it.
    current: RwSignal<Page>,
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
                                    on:click=move |_| current.set(p)
                                >
                                    {p.label()}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
