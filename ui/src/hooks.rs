//! The UI's own hooks, next to the leptos-use ones they build on: a backend event
//! followed for the life of the calling component, and the `Esc` key.

use crate::ipc;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::{use_event_listener, use_window};
use serde::de::DeserializeOwned;

/// Calls `on_event` with each payload of backend event `name` (see
/// `acsdesk_types::events`) while the calling component lives; the subscription ends
/// with it.
pub(crate) fn use_backend_event<T: DeserializeOwned + 'static>(
    name: &'static str,
    on_event: impl FnMut(T) + 'static,
) {
    let subscription = StoredValue::new_local(None::<ipc::Subscription>);
    spawn_local(async move {
        // If the component is gone before Tauri answers, the stored value is disposed
        // and the subscription is dropped (unlistened) right here.
        let sub = ipc::listen(name, on_event).await;
        subscription.set_value(sub.ok());
    });
}

/// Calls `on_escape` when `Esc` is pressed anywhere in the window, while the calling
/// component lives.
pub(crate) fn use_escape(mut on_escape: impl FnMut() + 'static) {
    // The listener is removed by leptos-use when the owner is cleaned up.
    let _stop = use_event_listener(use_window(), ev::keydown, move |e| {
        if e.key() == "Escape" {
            on_escape();
        }
    });
}
