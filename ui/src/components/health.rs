//! The banner that says an ACS cannot be reached, since when, and that the list shows
//! what was synced before; it follows the backend's health events.

use crate::hooks::use_backend_event;
use crate::ipc;
use acsdesk_types::devices::format_ago;
use acsdesk_types::events::{self, AcsHealthEvent};
use acsdesk_types::HealthState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// The sentence for one connection that is not healthy, or `None` when it is.
/// `clock` writes a time of day.
pub(crate) fn health_line(
    h: &AcsHealthEvent,
    now_ms: i64,
    clock: impl Fn(i64) -> String,
) -> Option<String> {
    let what = match h.state {
        HealthState::Unreachable => "cannot be reached",
        HealthState::Degraded => "fails to sync",
        HealthState::Ok | HealthState::Unknown => return None,
    };
    let since = h
        .since_ms
        .map(|t| format!(" since {} ({})", clock(t), format_ago(t, now_ms)))
        .unwrap_or_default();
    let error = h
        .error
        .as_deref()
        .map(|e| format!(" Last error: {e}"))
        .unwrap_or_default();
    Some(format!(
        "ACS {} {what}{since}: showing the data synced before.{error}",
        h.acs
    ))
}

/// `HH:MM` in local time.
fn clock_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The health of the tenant's ACS connections, by name, shared by every page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AcsHealth(RwSignal<BTreeMap<String, AcsHealthEvent>>);

/// Provides [`AcsHealth`]: read from the workspace whenever `track` changes (a page
/// switch, so a tenant switch is seen), then followed through the backend's events.
pub(crate) fn provide_acs_health(track: impl Fn() + 'static) {
    let health = RwSignal::new(BTreeMap::<String, AcsHealthEvent>::new());
    Effect::new(move |_| {
        track();
        spawn_local(async move {
            if let Ok(state) = ipc::workspace_state().await {
                let current = state.current.clone();
                let known = state
                    .tenants
                    .into_iter()
                    .filter(|t| Some(&t.name) == current.as_ref())
                    .flat_map(|t| t.acs)
                    .map(|a| {
                        let event = AcsHealthEvent {
                            acs: a.name.clone(),
                            state: a.health,
                            since_ms: a.health_since_ms,
                            error: a.health_error,
                        };
                        (a.name, event)
                    })
                    .collect();
                health.set(known);
            }
        });
    });
    use_backend_event(events::ACS_HEALTH, move |e: AcsHealthEvent| {
        health.update(|h| {
            h.insert(e.acs.clone(), e);
        })
    });
    provide_context(AcsHealth(health));
}

/// The banner, one line per unhealthy connection.
#[component]
pub(crate) fn AcsHealthBanner() -> impl IntoView {
    let AcsHealth(health) = expect_context::<AcsHealth>();
    move || {
        let now = js_sys::Date::now() as i64;
        health
            .get()
            .values()
            .filter_map(|h| health_line(h, now, clock_time))
            .map(|line| view! { <p class="banner error" role="alert" data-testid="acs-banner">{line}</p> })
            .collect_view()
    }
}

/// One line per connection at the foot of the navigation: its name and health, with
/// the error on hover, visible from every page.
#[component]
pub(crate) fn AcsStatus() -> impl IntoView {
    let AcsHealth(health) = expect_context::<AcsHealth>();
    view! {
        <ul class="acs-status" aria-label="ACS connections" data-testid="nav-acs-health">
            {move || health.get().into_values().map(|h| {
                let title = h.error.clone().unwrap_or_default();
                view! {
                    <li class=format!("acs-{}", h.state.as_str()) title=title data-testid="nav-acs">
                        <span class="dot" aria-hidden="true"></span>
                        <span class="name">{h.acs.clone()}</span>
                        <span class="state">{h.state.as_str()}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(state: &str, since_ms: Option<i64>, error: Option<&str>) -> AcsHealthEvent {
        AcsHealthEvent {
            acs: "main".into(),
            state: HealthState::parse(state).unwrap(),
            since_ms,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn only_unhealthy_connections_get_a_line_saying_since_when() {
        let at = |_| "14:05".to_owned();
        assert_eq!(health_line(&event("ok", Some(0), None), 0, at), None);
        assert_eq!(health_line(&event("unknown", None, None), 0, at), None);
        let line = health_line(
            &event("unreachable", Some(0), Some("connection refused")),
            12 * 60_000,
            at,
        )
        .unwrap();
        assert!(
            line.starts_with("ACS main cannot be reached since 14:05 (12 min ago)"),
            "{line}"
        );
        assert!(
            line.contains("synced before") && line.ends_with("connection refused"),
            "{line}"
        );
        let degraded = health_line(&event("degraded", None, None), 0, at).unwrap();
        assert_eq!(
            degraded,
            "ACS main fails to sync: showing the data synced before."
        );
    }
}
