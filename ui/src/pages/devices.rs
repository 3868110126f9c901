//! The Devices page: the fleet as a virtualised table (only visible rows are in the DOM)
//! with filters, search, sortable columns and counts; filters are remembered. Rows are
//! selected for bulk actions one by one or all that match.

use crate::columns::{Column, ColumnPrefs, COLUMNS};
use crate::components::bulk::{BulkBar, BulkPanel, BulkRun};
use crate::hooks::use_backend_event;
use crate::ipc;
use crate::selection::Selection;
use crate::virtual_list::{blocks, visible_rows};
use acsdesk_types::actions::DeviceKey;
use acsdesk_types::devices::{
    format_ago, format_uptime, DeviceFacets, DeviceFilter, DeviceRow, DeviceSort,
    ExportDevicesRequest, ListDevicesRequest, Presence,
};
use acsdesk_types::events::{self, DevicesChangedEvent, SyncProgressEvent};
use codee::string::JsonSerdeCodec;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::storage::use_local_storage;
use leptos_use::{use_debounce_fn_with_arg, use_element_size, use_event_listener, use_window};
use std::collections::{HashMap, HashSet};

const ROW_HEIGHT: f64 = 32.0;
const BLOCK: u32 = 200;
const OVERSCAN: u32 = 10;
const FILTER_KEY: &str = "acsdesk.devices.filter";
const COLUMNS_KEY: &str = "acsdesk.devices.columns";
/// Room left beside the widest value when a column is fitted to its content.
const FIT_ROOM_PX: f64 = 8.0;
/// Typing in the search box filters after this pause.
const SEARCH_DEBOUNCE_MS: f64 = 300.0;

/// The fleet list.
#[component]
pub(crate) fn DevicesPage(
    /// Called with a device id when a row is opened.
    on_open: Callback<String>,
) -> impl IntoView {
    // Filters and columns are remembered (a full or disabled storage only forgets them).
    let (filter, set_filter, _) = use_local_storage::<DeviceFilter, JsonSerdeCodec>(FILTER_KEY);
    let (columns, set_columns, _) = use_local_storage::<ColumnPrefs, JsonSerdeCodec>(COLUMNS_KEY);
    let sort = RwSignal::new(DeviceSort::default());
    let exporting = RwSignal::new(false);
    let exported = RwSignal::new(None::<Result<String, String>>);
    let scroll_top = RwSignal::new(0.0_f64);
    let totals = RwSignal::new(None::<(u64, u64, u64)>);
    let cache = RwSignal::new(HashMap::<u32, Vec<DeviceRow>>::new());
    let pending = RwSignal::new(HashSet::<u32>::new());
    let generation = RwSignal::new(0_u64);
    let error = RwSignal::new(None::<String>);
    // The filters' values follow the syncs (a first sync lands after the page opens).
    let facets_version = RwSignal::new(0_u32);
    let facets = LocalResource::new(move || {
        facets_version.track();
        ipc::device_facets()
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    let search_box = NodeRef::<leptos::html::Input>::new();
    // The scroller's height follows the window (leptos-use's resize observer).
    let viewport = use_element_size(scroller).height;
    let selection = RwSignal::new(Selection::default());
    let bulk_run = RwSignal::new(None::<BulkRun>);

    let fetch = move |block: u32| {
        let gen = generation.get_untracked();
        if pending.get_untracked().contains(&block) {
            return;
        }
        pending.update(|p| {
            p.insert(block);
        });
        let request = ListDevicesRequest {
            filter: filter.get_untracked(),
            sort: sort.get_untracked(),
            offset: block * BLOCK,
            limit: BLOCK,
        };
        spawn_local(async move {
            let result = ipc::list_devices(request).await;
            if generation.get_untracked() != gen {
                return; // The filter changed meanwhile: this answer is stale.
            }
            pending.update(|p| {
                p.remove(&block);
            });
            match result {
                Ok(resp) => {
                    error.set(None);
                    totals.set(Some((resp.total, resp.online, resp.fleet)));
                    cache.update(|c| {
                        c.insert(block, resp.rows);
                    });
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    // A new filter or sort: forget every row, go back to the top, fetch the first block.
    Effect::new(move |_| {
        filter.track();
        sort.track();
        // "All matching" meant the old filter.
        selection.update(|s| {
            if s.is_all_matching() {
                s.clear()
            }
        });
        generation.update(|g| *g += 1);
        cache.set(HashMap::new());
        pending.set(HashSet::new());
        scroll_top.set(0.0);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        fetch(0);
    });

    // Scrolling: fetch the blocks the visible rows need.
    Effect::new(move |_| {
        let Some((total, _, _)) = totals.get() else {
            return;
        };
        let rows = visible_rows(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            total as u32,
            OVERSCAN,
        );
        let have = cache.get_untracked();
        for block in blocks(&rows, BLOCK) {
            if !have.contains_key(&block) {
                fetch(block);
            }
        }
    });

    // Live updates: when sync changes devices, re-fetch the visible blocks in place, so
    // the scroll position and focus stay where they are.
    let refresh_visible = move || {
        let Some((total, _, _)) = totals.get_untracked() else {
            return;
        };
        let rows = visible_rows(
            scroll_top.get_untracked(),
            viewport.get_untracked(),
            ROW_HEIGHT,
            total as u32,
            OVERSCAN,
        );
        let wanted = blocks(&rows, BLOCK);
        generation.update(|g| *g += 1);
        pending.set(HashSet::new());
        cache.update(|c| c.retain(|b, _| wanted.contains(b)));
        for block in wanted {
            fetch(block);
        }
        if rows.is_empty() {
            fetch(0);
        }
    };
    let sync = RwSignal::new(None::<SyncProgressEvent>);
    use_backend_event(events::DEVICES_CHANGED, move |_: DevicesChangedEvent| {
        refresh_visible();
        facets_version.update(|v| *v += 1);
    });
    use_backend_event(events::SYNC_PROGRESS, move |p: SyncProgressEvent| {
        sync.set((!p.finished).then_some(p))
    });

    let on_scroll = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
        }
    };
    // `/` focuses the search box, as in most list-heavy desktop apps.
    let _ = use_event_listener(use_window(), ev::keydown, move |e| {
        let typing = e
            .target()
            .and_then(|t| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(t).ok()
            })
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if e.key() == "/" && !typing {
            e.prevent_default();
            if let Some(input) = search_box.get_untracked() {
                let _ = input.focus();
            }
        }
    });

    let visible = move || {
        let Some((total, _, _)) = totals.get() else {
            return Vec::new();
        };
        let rows = visible_rows(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            total as u32,
            OVERSCAN,
        );
        let cached = cache.get();
        rows.map(|i| {
            let row = cached
                .get(&(i / BLOCK))
                .and_then(|b| b.get((i % BLOCK) as usize))
                .cloned();
            (i, row)
        })
        .collect::<Vec<_>>()
    };

    // Search as one types, once the typing pauses; Enter or leaving the box applies at once.
    let search_now = move |text: String| {
        let value = (!text.trim().is_empty()).then(|| text.trim().to_owned());
        if filter.with_untracked(|f| f.search != value) {
            set_filter.update(|f| f.search = value);
        }
    };
    let search_later = use_debounce_fn_with_arg(search_now, SEARCH_DEBOUNCE_MS);
    let resize = ColumnResize::new(set_columns);
    let visible_columns = Signal::derive(move || columns.get().visible());

    view! {
        <section class="page devices" aria-labelledby="devices-title">
            <header class="page-header">
                <h1 id="devices-title">"Devices"</h1>
                <p class="counts" data-testid="device-counts" aria-live="polite">
                    {move || match totals.get() {
                        Some((total, online, fleet)) => format!("{online} online / {total} shown of {fleet}"),
                        None => "Loading…".to_owned(),
                    }}
                </p>
            </header>
            <crate::components::health::AcsHealthBanner />
            <crate::pages::firmware::RolloutsBanner />
            <crate::pages::about::UpdateBanner />
            {move || sync.get().map(|p| view! {
                <p class="muted sync-line" data-testid="sync-progress" role="status">
                    {format!("Syncing {}: {} / {}", p.acs, p.done, p.total)}
                </p>
            })}
            <div class="filters" role="search">
                <input
                    node_ref=search_box
                    type="search"
                    data-testid="device-search"
                    aria-label="Search serial, subscriber, IP or MAC (press /)"
                    placeholder="Search serial, subscriber, IP, MAC  ( / )"
                    prop:value=move || filter.get().search.unwrap_or_default()
                    on:input=move |e| { search_later(event_target_value(&e)); }
                    on:change=move |e| search_now(event_target_value(&e))
                />
                <select
                    aria-label="Status"
                    data-testid="filter-presence"
                    on:change=move |e| {
                        let v = event_target_value(&e);
                        set_filter.update(|f| f.presence = match v.as_str() {
                            "online" => Some(Presence::Online),
                            "offline" => Some(Presence::Offline),
                            _ => None,
                        });
                    }
                    prop:value=move || match filter.get().presence {
                        Some(Presence::Online) => "online",
                        Some(Presence::Offline) => "offline",
                        None => "",
                    }
                >
                    <option value="">"All statuses"</option>
                    <option value="online">"Online"</option>
                    <option value="offline">"Offline"</option>
                </select>
                <FacetSelect label="Vendor" all="All vendors" test_id="filter-vendor" facets=facets
                    pick=|f: &DeviceFacets| f.vendors.clone()
                    current=Signal::derive(move || filter.get().vendor)
                    on_pick=Callback::new(move |v| set_filter.update(|f| f.vendor = v)) />
                <FacetSelect label="Model" all="All models" test_id="filter-model" facets=facets
                    pick=|f: &DeviceFacets| f.models.clone()
                    current=Signal::derive(move || filter.get().model)
                    on_pick=Callback::new(move |v| set_filter.update(|f| f.model = v)) />
                <FacetSelect label="Firmware" all="All firmware" test_id="filter-firmware" facets=facets
                    pick=|f: &DeviceFacets| f.firmwares.clone()
                    current=Signal::derive(move || filter.get().firmware)
                    on_pick=Callback::new(move |v| set_filter.update(|f| f.firmware = v)) />
                <FacetSelect label="ACS" all="All ACS" test_id="filter-acs" facets=facets
                    pick=|f: &DeviceFacets| f.acs.clone()
                    current=Signal::derive(move || filter.get().acs)
                    on_pick=Callback::new(move |v| set_filter.update(|f| f.acs = v)) />
                // GenieACS tags (a street, a campaign): offered once some router has one.
                <Show when=move || {
                    facets.get().and_then(|r| r.ok()).is_some_and(|f| !f.tags.is_empty())
                        || filter.with(|f| f.tag.is_some())
                }>
                    <FacetSelect label="Tag" all="All tags" test_id="filter-tag" facets=facets
                        pick=|f: &DeviceFacets| f.tags.clone()
                        current=Signal::derive(move || filter.get().tag)
                        on_pick=Callback::new(move |v| set_filter.update(|f| f.tag = v)) />
                </Show>
                <select
                    aria-label="Subscriber link"
                    on:change=move |e| {
                        let v = event_target_value(&e);
                        set_filter.update(|f| f.linked = match v.as_str() {
                            "linked" => Some(true),
                            "unlinked" => Some(false),
                            _ => None,
                        });
                    }
                    prop:value=move || match filter.get().linked {
                        Some(true) => "linked",
                        Some(false) => "unlinked",
                        None => "",
                    }
                >
                    <option value="">"Linked or not"</option>
                    <option value="linked">"Linked"</option>
                    <option value="unlinked">"Unlinked"</option>
                </select>
                <button
                    type="button"
                    class="link"
                    data-testid="clear-filters"
                    disabled=move || filter.get().is_empty()
                    on:click=move |_| set_filter.set(DeviceFilter::default())
                >
                    "Clear filters"
                </button>
                <ColumnPicker columns set_columns />
                // Every device the filters match (not only those loaded), in this order.
                <button type="button" data-testid="export-devices" disabled=move || exporting.get()
                    on:click=move |_| {
                        exporting.set(true);
                        exported.set(None);
                        let request = ExportDevicesRequest {
                            filter: filter.get_untracked(),
                            sort: sort.get_untracked(),
                        };
                        spawn_local(async move {
                            exported.set(Some(
                                ipc::export_devices(request)
                                    .await
                                    .map(|f| format!(
                                        "{} device{} written to {}",
                                        f.devices,
                                        if f.devices == 1 { "" } else { "s" },
                                        f.path
                                    ))
                                    .map_err(|e| e.message),
                            ));
                            exporting.set(false);
                        });
                    }>
                    {move || if exporting.get() { "Exporting…" } else { "Export CSV" }}
                </button>
            </div>
            {move || exported.get().map(|r| match r {
                Ok(m) => view! { <p class="muted" role="status" data-testid="devices-exported">{m}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="devices-exported">{e}</p> }.into_any(),
            })}
            {move || error.get().map(|e| view! { <p class="error banner" role="alert">{e}</p> })}
            <BulkBar
                count=Signal::derive(move || selection.get().count(totals.get().map(|t| t.0).unwrap_or(0)))
                targets=Callback::new(move |()| selection.get_untracked().targets(&filter.get_untracked()))
                on_clear=Callback::new(move |()| selection.update(Selection::clear))
                on_queued=Callback::new(move |run| bulk_run.set(Some(run)))
            />
            {move || bulk_run.get().map(|run| view! {
                <BulkPanel run on_dismiss=Callback::new(move |()| bulk_run.set(None)) />
            })}
            <div class="table" role="table" aria-label="Devices"
                style=move || format!("--cols: {}", columns.get().template())
                aria-rowcount=move || totals.get().map(|t| t.0).unwrap_or(0)>
                <div class="row head" role="row">
                    <span class="cell c-select" role="columnheader">
                        <input type="checkbox" data-testid="select-all"
                            aria-label="Select every device that matches the filters"
                            prop:checked=move || selection.get().is_all_matching()
                            on:change=move |e| {
                                if event_target_checked(&e) {
                                    selection.update(Selection::select_all_matching)
                                } else {
                                    selection.update(Selection::clear)
                                }
                            } />
                    </span>
                    {move || columns.get().visible().into_iter().map(|c| {
                        let key = c.key;
                        let active = move || sort.get().key == key;
                        view! {
                            <div
                                role="columnheader"
                                class=format!("cell c-{}", c.id)
                                class:sorted=active
                                aria-sort=move || {
                                    if !active() { "none" } else if sort.get().descending { "descending" } else { "ascending" }
                                }
                            >
                                <button type="button" class="sort" data-testid=format!("sort-{}", c.id)
                                    on:click=move |_| sort.update(|s| {
                                        if s.key == key { s.descending = !s.descending } else { *s = DeviceSort { key, descending: false } }
                                    })>
                                    {c.title}
                                    {move || active().then(|| if sort.get().descending { " ▼" } else { " ▲" })}
                                </button>
                                <span class="resize" aria-hidden="true" title="Drag to resize; double-click to fit"
                                    data-testid=format!("resize-{}", c.id)
                                    on:pointerdown=move |e| resize.start(c.id, &e)
                                    on:dblclick=move |_| resize.fit(c.id) />
                            </div>
                        }
                    })
                    .collect_view()}
                </div>
                <div
                    class="body"
                    node_ref=scroller
                    data-testid="device-rows"
                    on:scroll=move |_| on_scroll()
                >
                    <div
                        class="spacer"
                        style:height=move || format!("{}px", totals.get().map(|t| t.0).unwrap_or(0) as f64 * ROW_HEIGHT)
                    >
                        <For
                            each=visible
                            key=|(i, row)| (*i, row.as_ref().map(|r| (r.id.clone(), r.online, r.last_inform_ms)))
                            children=move |(i, row)| view! { <Row index=i row on_open selection columns=visible_columns /> }
                        />
                    </div>
                </div>
            </div>
            {move || (totals.get().map(|t| t.0) == Some(0)).then(|| view! {
                <p class="muted empty" data-testid="device-empty">
                    {if filter.get_untracked().is_empty() { "No devices yet: connect an ACS or try the demo fleet." } else { "No device matches these filters." }}
                </p>
            })}
        </section>
    }
}

/// One row of the table, positioned absolutely at its index.
#[component]
fn Row(
    /// Position in the filtered, sorted list.
    index: u32,
    /// The row's data, or `None` while it loads.
    row: Option<DeviceRow>,
    /// Opens the device.
    on_open: Callback<String>,
    /// The bulk selection.
    selection: RwSignal<Selection>,
    /// The columns shown.
    columns: Signal<Vec<Column>>,
) -> impl IntoView {
    let top = format!("translateY({}px)", f64::from(index) * ROW_HEIGHT);
    let Some(r) = row else {
        return view! { <div class="row placeholder" role="row" style:transform=top></div> }
            .into_any();
    };
    let now = js_sys::Date::now() as i64;
    let id = r.id.clone();
    let key = DeviceKey {
        acs: r.acs.clone(),
        id: r.id.clone(),
    };
    let checked = {
        let key = key.clone();
        move || selection.with(|s| s.contains(&key))
    };
    let toggle = {
        let key = key.clone();
        move || selection.update(|s| s.toggle(key.clone()))
    };
    let toggle_key = toggle.clone();
    let selected = checked.clone();
    view! {
        <div
            class="row"
            role="row"
            tabindex="0"
            data-testid="device-row"
            data-device-id=r.id.clone()
            style:transform=top
            on:dblclick={ let id = id.clone(); move |_| on_open.run(id.clone()) }
            aria-selected=move || selected().to_string()
            on:keydown=move |e: ev::KeyboardEvent| match e.key().as_str() {
                "Enter" => on_open.run(id.clone()),
                " " => { e.prevent_default(); toggle_key() }
                _ => {}
            }
        >
            <span class="cell c-select" role="cell">
                <input type="checkbox" data-testid="row-select" tabindex="-1"
                    aria-label=format!("Select {}", r.serial)
                    prop:checked=checked
                    on:change=move |_| toggle() />
            </span>
            {let r = r.clone(); move || columns.get().into_iter().map(|c| cell(&r, c, now)).collect_view()}
        </div>
    }
    .into_any()
}

/// One cell of a row.
fn cell(r: &DeviceRow, c: Column, now: i64) -> AnyView {
    let text = match c.id {
        "status" => {
            return view! {
                <span class="cell c-status" role="cell">
                    <span class=if r.online { "dot online" } else { "dot offline" } aria-hidden="true"></span>
                    {if r.online { "Online" } else { "Offline" }}
                </span>
            }
            .into_any()
        }
        "model" => r.model.clone(),
        "serial" => Some(r.serial.clone()),
        "subscriber" => r.subscriber.clone(),
        "ip" => r.wan_ip.clone(),
        "uptime" => r.uptime_s.map(format_uptime),
        "signal" => r.signal_dbm.map(|s| format!("{s:.1} dBm")),
        "firmware" => r.firmware.clone(),
        "seen" => r.last_inform_ms.map(|t| format_ago(t, now)),
        _ => None,
    };
    // A value GenieACS has yet to read (a router that only informed) says so, where one
    // the router does not have stays blank.
    let unread = match c.id {
        "model" => "model",
        "ip" => "wan_ip",
        "uptime" => "uptime",
        "signal" => "signal",
        "firmware" => "firmware",
        _ => "",
    };
    if text.is_none() && !unread.is_empty() && r.is_unfetched(unread) {
        return view! {
            <span class=format!("cell c-{} muted", c.id) role="cell" data-unfetched="true"
                title="Not fetched yet: GenieACS has not read it (Refresh now, or the monitoring provision)">
                "not fetched"
            </span>
        }
        .into_any();
    }
    // The full text on hover, for a column dragged narrower than its content.
    let title = text.clone().unwrap_or_default();
    view! { <span class=format!("cell c-{}", c.id) role="cell" title=title>{text.unwrap_or_default()}</span> }
        .into_any()
}

/// Dragging a header's right edge resizes its column, double-clicking it fits the column
/// to the widest value shown (an IPv6 address, a long firmware version); the width is
/// remembered.
#[derive(Clone, Copy)]
struct ColumnResize {
    /// The column being dragged, the pointer's x and the column's width when it started.
    drag: RwSignal<Option<(&'static str, f64, f64)>>,
    /// Changes the remembered widths.
    set_columns: WriteSignal<ColumnPrefs>,
}

impl ColumnResize {
    fn new(set_columns: WriteSignal<ColumnPrefs>) -> Self {
        let drag = RwSignal::new(None::<(&'static str, f64, f64)>);
        let _ = use_event_listener(use_window(), ev::pointermove, move |e| {
            if let Some((id, x0, w0)) = drag.get_untracked() {
                set_columns.update(|c| c.set_width(id, w0 + f64::from(e.client_x()) - x0));
            }
        });
        let _ = use_event_listener(use_window(), ev::pointerup, move |_| drag.set(None));
        Self { drag, set_columns }
    }

    /// Fits column `id` to the widest of its header and the rows on screen.
    fn fit(&self, id: &'static str) {
        let Ok(cells) = document().query_selector_all(&format!(".table .row .c-{id}")) else {
            return;
        };
        let widest = (0..cells.length())
            .filter_map(|i| cells.item(i))
            .filter_map(|n| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(n).ok()
            })
            .map(|el| el.scroll_width())
            .max();
        if let Some(px) = widest {
            // The cell's own padding is inside its scroll width; a little room for the
            // resize handle.
            self.set_columns
                .update(|c| c.set_width(id, f64::from(px) + FIT_ROOM_PX));
        }
    }

    fn start(&self, id: &'static str, e: &ev::PointerEvent) {
        e.prevent_default();
        e.stop_propagation();
        let header = e
            .target()
            .and_then(|t| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
            })
            .and_then(|el| el.parent_element());
        if let Some(header) = header {
            let width = header.get_bounding_client_rect().width();
            self.drag.set(Some((id, f64::from(e.client_x()), width)));
        }
    }
}

/// The menu that shows or hides the optional columns.
#[component]
fn ColumnPicker(
    /// The remembered choice.
    columns: Signal<ColumnPrefs>,
    /// Changes it.
    set_columns: WriteSignal<ColumnPrefs>,
) -> impl IntoView {
    view! {
        <details class="column-picker" data-testid="column-picker">
            <summary>"Columns"</summary>
            <div class="menu" role="group" aria-label="Columns shown">
                {COLUMNS.iter().filter(|c| c.optional).map(|&c| view! {
                    <label>
                        <input type="checkbox" data-testid=format!("column-{}", c.id)
                            prop:checked=move || columns.with(|p| p.visible().contains(&c))
                            on:change=move |e| {
                                let shown = event_target_checked(&e);
                                set_columns.update(|p| p.set_shown(c.id, shown));
                            } />
                        {c.title}
                    </label>
                }).collect_view()}
                <button type="button" class="link" data-testid="columns-reset"
                    on:click=move |_| set_columns.update(ColumnPrefs::reset)>
                    "Reset columns"
                </button>
            </div>
        </details>
    }
}

/// A filter drop-down fed by the facets.
#[component]
fn FacetSelect(
    /// Accessible label.
    label: &'static str,
    /// The text of the "no filter" option, e.g. "All vendors".
    all: &'static str,
    /// `data-testid` for tests.
    test_id: &'static str,
    /// The facets, loading.
    facets: LocalResource<Result<DeviceFacets, acsdesk_types::IpcError>>,
    /// Which facet list to show.
    pick: fn(&DeviceFacets) -> Vec<(String, u64)>,
    /// The selected value.
    current: Signal<Option<String>>,
    /// Called with the new value (`None` = all).
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <select
            aria-label=label
            data-testid=test_id
            prop:value=move || current.get().unwrap_or_default()
            on:change=move |e| {
                let v = event_target_value(&e);
                on_pick.run((!v.is_empty()).then_some(v));
            }
        >
            <option value="">{all}</option>
            {move || {
                let values = facets.get().and_then(|r| r.ok()).map(|f| pick(&f)).unwrap_or_default();
                values
                    .into_iter()
                    .map(|(v, n)| view! { <option value=v.clone()>{format!("{v} ({n})")}</option> })
                    .collect_view()
            }}
        </select>
    }
}
