//! A device's parameter tree, fetched live from GenieACS when asked for, with a search
//! over paths and values; a writable parameter can be set on the router (an action,
//! checked and followed like any other). Only the first matches are drawn: a full TR-181
//! tree has thousands of leaves.

use crate::ipc;
use acsdesk_types::actions::{ActionInput, ParamInput, QueueActionRequest};
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
    /// Its ACS connection, once known (two connections may know the same id).
    #[prop(into)]
    acs: Signal<Option<String>>,
) -> impl IntoView {
    let device = StoredValue::new(id.clone());
    // The writable parameter being set (its path and type) and the value typed.
    let editing = RwSignal::new(None::<(String, Option<String>)>);
    let value = RwSignal::new(String::new());
    let said = RwSignal::new(None::<Result<String, String>>);
    let set = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Some((path, xsd_type)) = editing.get_untracked() else {
            return;
        };
        let request = QueueActionRequest {
            device: device.get_value(),
            action: ActionInput::SetParameters {
                values: vec![ParamInput {
                    path: path.clone(),
                    value: value.get_untracked(),
                    xsd_type,
                }],
            },
            acs: acs.get_untracked(),
        };
        spawn_local(async move {
            match ipc::queue_action(request).await {
                Ok(_) => {
                    editing.set(None);
                    said.set(Some(Ok(format!(
                        "Queued: set {path} on the router. It shows under Actions until the router has it."
                    ))));
                }
                Err(e) => said.set(Some(Err(e.message))),
            }
        });
    };
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
            {move || editing.get().map(|(path, xsd_type)| view! {
                <form class="form param-editor" data-testid="param-editor" on:submit=set>
                    <label>
                        <span>{format!("Set {path}")}</span>
                        <input type="text" data-testid="param-value" prop:value=move || value.get()
                            on:input=move |e| value.set(event_target_value(&e)) />
                        <small class="muted">{format!(
                            "{} — checked against the router's tree before it is sent",
                            xsd_type.unwrap_or_else(|| "the router's own type".into()).trim_start_matches("xsd:")
                        )}</small>
                    </label>
                    <div class="buttons">
                        <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                        <button type="submit" class="primary" data-testid="param-set">"Set on the router"</button>
                    </div>
                </form>
            })}
            {move || said.get().map(|r| match r {
                Ok(m) => view! { <p class="muted" role="status" data-testid="param-said">{m}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="param-said">{e}</p> }.into_any(),
            })}
            {move || params.with(|p| match p {
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.clone()}</p> }),
                _ => None,
            })}
            {move || matches().map(|(total, hits)| {
                let n = hits.len();
                view! {
                    <p class="muted" data-testid="params-count">{format!("{n} of {total} parameters")}</p>
                    <table class="param-table" data-testid="params-table">
                        <thead><tr><th scope="col">"Path"</th><th scope="col">"Value"</th><th scope="col">"Type"</th><th scope="col"><span class="sr-only">"Set"</span></th></tr></thead>
                        <tbody>
                            {hits.into_iter().take(SHOWN).map(|p| {
                                let edit = (p.writable == Some(true)).then(|| {
                                    let (path, current, xsd_type) = (p.path.clone(), p.value.clone(), p.xsd_type.clone());
                                    view! {
                                        <button type="button" class="link" data-testid="param-edit" on:click=move |_| {
                                            value.set(current.clone());
                                            said.set(None);
                                            editing.set(Some((path.clone(), xsd_type.clone())));
                                        }>"Edit"</button>
                                    }
                                });
                                view! {
                                    <tr>
                                        <td class="mono">{p.path}</td>
                                        <td class="mono">{p.value}</td>
                                        <td class="muted">{format!("{}{}",
                                            p.xsd_type.unwrap_or_default().trim_start_matches("xsd:"),
                                            if p.writable == Some(true) { " · writable" } else { "" })}</td>
                                        <td>{edit}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(n > SHOWN).then(|| view! { <p class="muted">{format!("{} more: refine the search", n - SHOWN)}</p> })}
                }
            })}
        </section>
    }
}
