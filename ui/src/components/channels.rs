//! The tenant's alert channels in Settings: the list (endpoint by scheme and host only),
//! a "Send test" and a "Remove" button each, and a form to add a webhook or an SMS
//! gateway. Secrets go to the backend once and are never shown again.

use crate::ipc;
use acsdesk_types::alerts::SaveChannelRequest;
use acsdesk_types::ChannelKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The channels section.
#[component]
pub(crate) fn ChannelsSection() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let channels = LocalResource::new(move || {
        version.track();
        ipc::list_channels()
    });
    let status = RwSignal::new(None::<(bool, String)>);
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ChannelKind::Webhook);
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let phones = RwSignal::new(String::new());
    let done = move |r: Result<String, acsdesk_types::IpcError>| match r {
        Ok(text) => {
            status.set(Some((true, text)));
            version.update(|v| *v += 1);
        }
        Err(e) => status.set(Some((false, e.message))),
    };
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let request = SaveChannelRequest {
            post_body: None,
            name: name.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
            url: url.get_untracked(),
            secret: Some(secret.get_untracked())
                .filter(|s| !s.is_empty())
                .map(Into::into),
            phones: phones
                .get_untracked()
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        };
        let saved = request.name.clone();
        spawn_local(async move {
            let r = ipc::save_channel(request).await;
            if r.is_ok() {
                name.set(String::new());
                url.set(String::new());
                secret.set(String::new());
                phones.set(String::new());
            }
            done(r.map(|()| format!("Channel “{saved}” saved.")));
        });
    };
    view! {
        <h3>"Channels"</h3>
        <ul class="plain-list" data-testid="channel-list">
            {move || {
                let list = channels.get().and_then(|r| r.ok()).unwrap_or_default();
                if list.is_empty() {
                    return view! { <li class="muted">"None: alerts show on this desktop only."</li> }.into_any();
                }
                list.into_iter()
                    .map(|c| {
                        let (test, remove) = (c.name.clone(), c.name.clone());
                        view! {
                            <li data-testid="channel-item">
                                <strong>{c.name.clone()}</strong>
                                <span class="muted">{format!(" {} · {}{}", c.kind, c.endpoint,
                                    if c.phones > 0 { format!(" · {} phone(s)", c.phones) } else { String::new() })}</span>
                                <button type="button" on:click=move |_| {
                                    let n = test.clone();
                                    spawn_local(async move {
                                        let r = ipc::test_channel(n.clone()).await;
                                        done(r.map(|a| format!("Test sent through “{n}” ({a} attempt(s)).")));
                                    });
                                }>"Send test"</button>
                                <button type="button" class="danger" on:click=move |_| {
                                    let n = remove.clone();
                                    spawn_local(async move {
                                        let r = ipc::remove_channel(n.clone()).await;
                                        done(r.map(|()| format!("Channel “{n}” removed.")));
                                    });
                                }>"Remove"</button>
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </ul>
        <details>
            <summary>"Add a channel"</summary>
            <form class="form" novalidate on:submit=save data-testid="channel-form">
                <label>
                    <span>"Name"</span>
                    <input data-testid="channel-name" prop:value=move || name.get()
                        on:input=move |e| name.set(event_target_value(&e)) />
                </label>
                <label>
                    <span>"Kind"</span>
                    <select data-testid="channel-kind" on:change=move |e| {
                        if let Some(k) = ChannelKind::parse(&event_target_value(&e)) {
                            kind.set(k);
                        }
                    }>
                        <option value="webhook">"Webhook (JSON POST)"</option>
                        <option value="sms">"SMS gateway (URL template)"</option>
                    </select>
                </label>
                <label>
                    <span>{move || if kind.get() == ChannelKind::Sms {
                        "URL template with {phone} and {message}"
                    } else {
                        "Webhook URL"
                    }}</span>
                    <input type="url" data-testid="channel-url" prop:value=move || url.get()
                        on:input=move |e| url.set(event_target_value(&e)) />
                </label>
                {move || (kind.get() == ChannelKind::Webhook).then(|| view! {
                    <label>
                        <span>"Signing secret (optional, 16+ characters)"</span>
                        <input type="password" autocomplete="off" data-testid="channel-secret"
                            prop:value=move || secret.get() on:input=move |e| secret.set(event_target_value(&e)) />
                    </label>
                })}
                {move || (kind.get() == ChannelKind::Sms).then(|| view! {
                    <label>
                        <span>"Phone numbers (comma-separated)"</span>
                        <input data-testid="channel-phones" prop:value=move || phones.get()
                            on:input=move |e| phones.set(event_target_value(&e)) />
                    </label>
                })}
                <button type="submit" class="primary">"Save channel"</button>
            </form>
        </details>
        {move || status.get().map(|(ok, text)| view! {
            <p class=if ok { "banner" } else { "banner error" } role="status" data-testid="channel-status">{text}</p>
        })}
    }
}
