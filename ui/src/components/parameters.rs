//! A device's parameter tree, read-only, fetched live from GenieACS when asked for, with
//! a search over paths and values. Only the first matches are drawn: a full TR-181 tree
//! has thousands of leaves.

use crate::ipc;
use acsdesk_types::devices::ParameterInfo;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Rows drawn at most; the rest are counted.
const SHOWN: usize = 300;

/// The parameters section of a device.
#[component]
pub(crate) fn ParametersPanel(
    /// GenieACS id of the device.
    id: String,
) -> impl IntoView {
    let params = RwSignal::new(None::<Result<Vec<ParameterInfo>, String>>);
    let loading = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let load = move |id: String| {
        loading.set(true);
        spawn_local(async move {
            let r = ipc::device_parameters(id, None).await;
            params.set(Some(r.map_err(|e| e.message)));
            loading.set(false);
        });
    };
    let matches = move || {
        let needle = search.get().to_lowercase();
        params.with(|p| match p {
            Some(Ok(list)) => {
                let hits: Vec<ParameterInfo> = list
                    .iter()
                    .filter(|p| {
                        needle.is_empty()
                            || p.path.to_lowercase().contains(&needle)
                            || p.value.to_lowercase().contains(&needle)
                    })
                    .cloned()
                    .collect();
                Some((list.len(), hits))
            }
            _ => None,
        })
    };
    view! {
        <section class="parameters" aria-labelledby="params-title">
            <h2 id="params-title">"Parameters"</h2>
            <div class="toolbar">
                <button type="button" data-testid="params-load" disabled=move || loading.get()
                    on:click={
                        let id = id.clone();
                        move |_| load(id.clone())
                    }>
                    {move || if params.with(Option::is_some) { "Reload from GenieACS" } else { "Load from GenieACS" }}
                </button>
                <input type="search" placeholder="Search paths and values" aria-label="Search parameters"
                    data-testid="params-search" prop:value=move || search.get()
                    on:input=move |e| search.set(event_target_value(&e)) />
            </div>
            {move || loading.get().then(|| view! { <p class="muted">"Reading the device's tree from GenieACS…"</p> })}
            {move || params.with(|p| match p {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.clone()}</p> }),
                _ => None,
            })}
            {move || matches().map(|(total, hits)| {
                let n = hits.len();
                view! {
                    <p class="muted" data-testid="params-count">{format!("{n} of {total} parameters")}</p>
                    <table class="param-table" data-testid="params-table">
                        <thead><tr><th scope="col">"Path"</th><th scope="col">"Value"</th><th scope="col">"Type"</th></tr></thead>
                        <tbody>
                            {hits.into_iter().take(SHOWN).map(|p| view! {
                                <tr>
                                    <td class="mono">{p.path}</td>
                                    <td class="mono">{p.value}</td>
                                    <td class="muted">{format!("{}{}",
                                        p.xsd_type.unwrap_or_default().trim_start_matches("xsd:"),
                                        if p.writable == Some(true) { " · writable" } else { "" })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(n > SHOWN).then(|| view! { <p class="muted">{format!("{} more: refine the search", n - SHOWN)}</p> })}
                }
            })}
        </section>
    }
}
