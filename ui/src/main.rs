//! AcsDesk's user interface: a Leptos client-side-rendered app, compiled to WebAssembly
//! and hosted by the Tauri window. It talks to the backend only through `ipc`.

// Leptos' `#[component]` expands to `pub` props structs, which this lint cannot see past.
#![allow(unreachable_pub)]

mod app;
mod columns;
mod components;
mod hooks;
mod ipc;
mod pages;
mod selection;
mod virtual_list;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
