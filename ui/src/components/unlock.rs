//! The passphrase dialog: shown when a tenant needs its passphrase (at start, or when
//! switching to it) or when a new tenant needs one because the system has no credential
//! store. The passphrase goes to the backend and is kept in memory for the session only.

use crate::ipc;
use acsdesk_types::{ErrorCode, IpcError};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the dialog is asked for.
#[derive(Debug, Clone)]
pub(crate) struct UnlockFor {
    /// The tenant to open, or `None` for the passphrase of tenants created next.
    pub(crate) tenant: Option<String>,
    /// Why it is asked (the backend's message).
    pub(crate) reason: String,
    /// What to do once the passphrase is accepted (retry what needed it).
    pub(crate) then: Callback<()>,
}

/// The app-wide request for a passphrase, provided by the shell as context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unlock(pub(crate) RwSignal<Option<UnlockFor>>);

impl Unlock {
    /// When `err` says a passphrase is needed, asks for it (then runs `then`) and
    /// returns `None`; otherwise returns the error for the caller to show.
    pub(crate) fn ask_if_locked(
        self,
        err: IpcError,
        tenant: Option<String>,
        then: Callback<()>,
    ) -> Option<IpcError> {
        if err.code == ErrorCode::Locked {
            self.0.set(Some(UnlockFor {
                tenant,
                reason: err.message,
                then,
            }));
            None
        } else {
            Some(err)
        }
    }
}

/// Whether a passphrase may be submitted (and, for a new one, both entries agree).
pub(crate) fn passphrase_problem(new: bool, first: &str, again: &str) -> Option<&'static str> {
    if first.is_empty() {
        Some("Enter the passphrase.")
    } else if new && first.chars().count() < 8 {
        Some("A new passphrase has at least 8 characters.")
    } else if new && first != again {
        Some("The two passphrases differ.")
    } else {
        None
    }
}

/// The modal dialog itself, rendered by the shell while a passphrase is asked for.
#[component]
pub(crate) fn UnlockDialog(
    /// What is asked for.
    ask: UnlockFor,
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let new = ask.tenant.is_none();
    let first = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let problem = move || passphrase_problem(new, &first.get(), &again.get());
    let tenant = ask.tenant.clone();
    let then = ask.then;
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if problem().is_some() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let name = tenant.clone();
        let passphrase = first.get_untracked();
        spawn_local(async move {
            match ipc::unlock_tenant(name, passphrase).await {
                Ok(()) => {
                    on_close.run(());
                    then.run(());
                }
                Err(e) => {
                    first.set(String::new());
                    error.set(Some(e.message));
                }
            }
            busy.set(false);
        });
    };
    let title = match &ask.tenant {
        Some(t) => format!("Passphrase for {t}"),
        None => "Choose a passphrase".to_owned(),
    };
    view! {
        <div class="overlay">
            <form class="dialog form" role="dialog" aria-modal="true" aria-labelledby="unlock-title" data-testid="unlock-dialog" on:submit=submit>
                <h2 id="unlock-title">{title}</h2>
                <p class="muted">{ask.reason.clone()}</p>
                <label>
                    <span>"Passphrase"</span>
                    <input type="password" data-testid="unlock-passphrase" autocomplete=if new { "new-password" } else { "current-password" } autofocus
                        prop:value=move || first.get() on:input=move |e| first.set(event_target_value(&e)) />
                </label>
                {new.then(|| view! {
                    <label>
                        <span>"Again"</span>
                        <input type="password" data-testid="unlock-again" autocomplete="new-password"
                            prop:value=move || again.get() on:input=move |e| again.set(event_target_value(&e)) />
                    </label>
                })}
                {move || problem().filter(|_| !first.get().is_empty()).map(|p| view! { <small class="error">{p}</small> })}
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="unlock-error">{e}</p> })}
                <div class="buttons">
                    <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="primary" data-testid="unlock-submit" disabled=move || problem().is_some() || busy.get()>
                        {if new { "Use this passphrase" } else { "Open" }}
                    </button>
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passphrases_are_long_enough_and_typed_twice() {
        assert_eq!(
            passphrase_problem(false, "", ""),
            Some("Enter the passphrase.")
        );
        assert_eq!(
            passphrase_problem(false, "x", ""),
            None,
            "an existing one is whatever it is"
        );
        assert!(passphrase_problem(true, "short", "short").is_some());
        assert!(passphrase_problem(true, "long enough", "long enougH").is_some());
        assert_eq!(passphrase_problem(true, "long enough", "long enough"), None);
    }
}
